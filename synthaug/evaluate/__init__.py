"""Evaluate synthetic records: downstream utility, fidelity and privacy leakage."""
