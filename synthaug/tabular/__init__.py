"""The tabular path: schema inference, reversible encoding, conditional sampling, networks."""
