"""Measuring the trained assistant: `python -m tooling.evaluation.evaluate` (`make eval`) on the held-out
and red-team sets in tests/ (kept out of training), and their loader."""
