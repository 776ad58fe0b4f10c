"""thidua: scoring, secret-ballot tallies, ranking and documents for emulation clusters."""

__version__ = "0.1.0"
