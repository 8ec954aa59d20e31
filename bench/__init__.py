"""Benchmarks: search quality and speed against peers, search at scale, engine throughput.

Each module runs as `python -m bench.<name>`, prints its tables and appends them, with the date and the
machine, to bench/RESULTS.md (or the file given with --results).
"""
