"""Queries: named functions that read rows and hand back the core's types."""
