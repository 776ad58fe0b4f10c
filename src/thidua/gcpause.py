"""Pausing the cyclic garbage collector while thidua builds many small objects.

Reading and scoring a large year creates hundreds of thousands of small, acyclic objects
(positions, models, results); the collector, triggered every 700 allocations, rescans
them again and again: a third of the time of a 1,000-member year. Nothing thidua builds
relies on cycle collection, and the pause ends with the block.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects.

    Scoring a large year creates 100,000 result objects and no reference cycles; the
    collector, triggered every 700 allocations, would rescan them all again and again
    (a third of the time). It is switched back on afterwards if it was on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
