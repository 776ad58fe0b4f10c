"""Presentation: tables, documents, office files built from computed results."""
