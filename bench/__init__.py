"""wingrant's benchmark: a data generator at several scales and a runner that prints the figures.

Run it with ``make bench`` (or ``python -m bench --help``); see BENCHMARKS.md.
"""
