"""The scarce-data protocol with synthaug's records drawn from an ensemble of k generators.

A screening variant (not a library feature): ``benchmarks/scarce_protocol.py`` unchanged,
except that synthaug's ``ratio * n`` records per class come a ``1/k`` share each from k
``TabularCGAN`` fits on the same training rows, member ``i`` with ``random_state`` the cell's
seed for ``i = 0`` (so ``--members 1`` is the protocol itself) and ``child_seed(seed, 100, i)``
otherwise, each sampling with its own privacy and label filters. Idiosyncratic errors of one
generator (a mode it over-weights, a correlation it gets wrong) are averaged over the members.
The fit time recorded is that of all k fits. Every other argument is the protocol's::

    /work/benchenv/bin/python benchmarks/scarce_ensemble.py --members 3 --methods synthaug \\
        --seed-offset 10 --set min_steps=1000 --adult ... --dry-bean ...
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd
import scarce_protocol as protocol

from synthaug import TabularCGAN
from synthaug._random import child_seed


def ensemble_generate(k: int):
    """A ``scarce_protocol.generate`` drawing synthaug's records from k generators."""
    original = protocol.generate

    def generate(method, train, target, per_class, seed, params=None):
        if method != "synthaug":
            return original(method, train, target, per_class, seed, params)
        parts, notes = [], {"filter_rejected": 0, "label_rejected": 0}
        for i in range(k):
            share = {label: count // k + int(i < count % k) for label, count in per_class.items()}
            model = TabularCGAN(random_state=seed if i == 0 else child_seed(seed, 100, i), **(params or {}))
            model.fit(train, y=target)
            parts.append(model.sample_frame(per_class=share)[list(train.columns)])
            notes["filter_rejected"] += model.n_rejected_
            notes["label_rejected"] += getattr(model, "n_label_rejected_", 0)
        return pd.concat(parts, ignore_index=True), notes

    return generate


def main() -> None:
    own = argparse.ArgumentParser(add_help=False)
    own.add_argument("--members", type=int, default=3)
    args, rest = own.parse_known_args()
    if args.members < 1:
        raise SystemExit(f"--members must be >= 1; got {args.members}")
    full, command = list(sys.argv), protocol._command

    def recorded() -> str:  # the report names this driver and --members, not the protocol alone
        saved, sys.argv[:] = list(sys.argv), full
        try:
            return command()
        finally:
            sys.argv[:] = saved

    protocol.generate, protocol._command = ensemble_generate(args.members), recorded
    sys.argv[:] = [sys.argv[0], *rest]
    protocol.main()


if __name__ == "__main__":
    main()
