"""Fieldbook's core: settings, database, import, metrics and the command line.

Pure Python. Nothing in this package imports streamlit (ruff's banned-api rule and
tests/unit/test_layout.py enforce it), so the command line, the tests and the app all
share one implementation of every figure.
"""
