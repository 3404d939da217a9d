"""Benchmarks: `python -m benchmarks.run` (not part of the test suite)."""
