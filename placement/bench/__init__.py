"""Synthetic data and the workloads run on it: the benchmarks, the national dataset they share, and
the demo data (``placement serve --demo``).

Each benchmark runs alone with ``python -m placement.bench.<name>`` (checks, scan,
register_import, screening) and all of them with ``placement bench``. Nothing in the service
imports this package except the CLI commands that run it.
"""
