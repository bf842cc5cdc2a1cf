"""Experiments: replications, executors, statistics, comparisons and the results store.

Modules are imported directly (``from peacesim.experiment.runner import replicate``); this package
file imports nothing so that ``peacesim`` start-up stays cheap.
"""
