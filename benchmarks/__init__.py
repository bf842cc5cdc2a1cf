"""Benchmarks of peacesim: overhead against raw SimPy, scaling, parallel runs and memory.

Run ``python -m benchmarks`` (``make bench``); see docs/performance.md for what each figure means,
the last measured values and how to reproduce them.
"""
