"""Synthetic national-scale data for the load benchmark (docs/performance.md)."""
