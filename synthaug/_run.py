"""``synthaug run RECIPE``: load data, split, fit, sample, evaluate (or release), in one folder."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
from rich.console import Console

from ._card_sources import file_inputs
from ._errors import DataError
from ._outputs import note_written
from ._provenance import check_unchanged, sha256_of
from ._random import check_seed
from ._recipe_toml import to_toml
from ._recipe_values import SKLEARN_TABLES
from ._run_split import split
from ._run_test_set import check_test_table, read_test_images, read_with_test
from ._share_lines import refusal_lines, released_counts, summary_lines
from ._text import RECIPE, column_hint, options_named_for
from .evaluate.defaults import REPORT_FILES
from .io import TableWriter, atomic_directory, check_output_folder, read_table
from .persist import MODEL_FILES
from .recipe import modality, model_class
from .share import RELEASE_FILES, left_out_columns, left_out_note, model_kinds


def load_table(data: dict) -> tuple[pd.DataFrame, str, pd.DataFrame | None]:
    """The recipe's table (a file path or ``sklearn:NAME``), target column, and ``data.test_path``'s
    table (None without one; a file's read beside the data's, alike)."""
    test = None
    if "dataset" in data:
        name = str(data["dataset"]).removeprefix("sklearn:")
        if name not in SKLEARN_TABLES:
            raise DataError(f"data.dataset: unknown {data['dataset']!r}; tables are "
                            + ", ".join(f"sklearn:{n}" for n in SKLEARN_TABLES) + ", images sklearn:digits")
        import sklearn.datasets

        bunch = getattr(sklearn.datasets, f"load_{name}")(as_frame=True)
        frame = bunch.data.copy()
        frame["target"] = np.asarray(bunch.target_names)[bunch.target.to_numpy()]
        if "test_path" in data:
            test = read_table(test_file(data))
        return frame, data.get("target", "target"), test
    if "target" not in data:
        raise DataError("data.target: the class label column is required with data.path")
    if "test_path" in data:
        frame, test = read_with_test(data_path(data), test_file(data))
        return frame, data["target"], test
    return read_table(data_path(data)), data["target"], None


def test_file(data: dict) -> Path:
    """``data.test_path``, once it exists."""
    return existing_path("data.test_path", data["test_path"])


def data_path(data: dict) -> Path:
    """``data.path``, once it exists; else a DataError naming the key (a recipe's relative path is
    read from the current folder, not the recipe's: ``adult.csv: file not found`` said neither)."""
    return existing_path("data.path", data["path"])


def existing_path(key: str, value) -> Path:
    """The path a recipe key names, once it exists; else a DataError naming the key."""
    path = Path(str(value))
    if not path.exists():
        raise DataError(f"{key}: {path}: not found (a relative path is read from the current folder, "
                        f"{Path.cwd()}, not the recipe's); give the file with --set {key}=...")
    return path


def named_files(recipe: dict) -> dict[str, Path]:
    """The user's files the recipe names, by key: data.path and data.test_path (a table, image folder or
    .npz) and a model.public_schema path (not sklearn:NAME, not an inline schema)."""
    data = recipe["data"]
    paths = {f"data.{key}": existing_path(f"data.{key}", data[key]) for key in ("path", "test_path") if key in data}
    schema = recipe.get("model", {}).get("public_schema")
    if isinstance(schema, str):
        paths["model.public_schema"] = existing_path("model.public_schema", schema)
    return paths


def resolved_recipe(recipe: dict, seed: int, paths: dict[str, Path], digests: dict[str, str]) -> dict:
    """The recipe as run: its seed, its files' absolute paths (a relative one was read from another
    folder when rerun elsewhere) and their SHA-256 in [sha256] (a changed file was read silently)."""
    out = {**recipe, "data": {**recipe["data"], "seed": seed}, "model": dict(recipe.get("model", {}))}
    for key, path in paths.items():
        table, _, name = key.partition(".")
        out[table][name] = os.path.abspath(path)  # not resolve(): a symlink stays the name the user gave
    if not out["model"] and "model" not in recipe:
        del out["model"]
    out.pop("sha256", None)  # each file's own, read now (a --set of its key dropped the old one)
    return {**out, "sha256": digests} if digests else out


def check_target(frame: pd.DataFrame, target: str) -> None:
    """The class column exists and has a label on every row (these were tracebacks)."""
    if target not in frame.columns:
        raise DataError(f"data.target: column {target!r} not found{column_hint(target, frame.columns)}")
    n_missing = int(frame[target].isna().sum())
    if n_missing:
        raise DataError(f"data.target: column {target!r} has {n_missing} missing value(s); drop or fill them")


def load_images(data: dict, model: dict) -> tuple[np.ndarray, np.ndarray]:
    """The recipe's images, a folder's read at the model's ``image_size`` and ``channels`` when it sets them
    (read at another size, the model would resize them a second time)."""
    if data.get("dataset") == "sklearn:digits":
        from sklearn.datasets import load_digits

        from .images.arrays import prepare_images

        digits = load_digits()  # brought to the model's size here, so its resize warning names the dataset, not X
        x = np.round(digits.images * 255 / 16).astype(np.uint8)
        return prepare_images(x, model.get("image_size"), model.get("channels", "auto"), source=data["dataset"]), \
            digits.target
    from .images.folder import read_images

    return read_images(data_path(data), model.get("image_size"), model.get("channels", "auto"))


RUN_MARKS = ("model", "report.json", "release", "gates.json")  # beside recipe.toml, what an earlier run leaves
RUN_FILES = frozenset({  # all a run folder holds: a new run replaces them
    "recipe.toml", "gates.json", *REPORT_FILES, *(f"{name}.csv" for name in ("train", "test", "holdout", "synthetic")),
    "synthetic.npz", *(f"model/{name}" for name in MODEL_FILES), *(f"release/{name}" for name in RELEASE_FILES)})


def check_run_path(path: Path) -> Path:
    """``path`` if a run may be written there (new, empty, or an earlier run's folder), else a DataError:
    a run replaces the whole folder, so a folder of other files (the recipe's data!) is refused."""
    return check_output_folder(
        path, lambda p: (p / "recipe.toml").is_file() and any((p / mark).exists() for mark in RUN_MARKS),
        "exists and is not the folder of an earlier run; a run replaces the whole folder, so choose another path",
        own_files=lambda p: RUN_FILES | _grid_files(p))


def _grid_files(run: Path) -> frozenset[str]:
    """An earlier image run's progress grids (``model.grids/step_*.png``), which a new run replaces."""
    from .images.grid import is_grid_folder

    folder = run / GRIDS
    return frozenset(f"{GRIDS}/{p.name}" for p in folder.iterdir()) if folder.is_dir() and is_grid_folder(folder) \
        else frozenset()


def run_recipe(recipe: dict, output: Path, seed: int | None, quiet: bool, console: Console) -> int:
    """Execute a validated recipe into ``output``; returns the exit code (3: release refused)."""
    check_run_path(output)
    data = recipe["data"]
    seed = int(data.get("seed", 0)) if seed is None else check_seed(seed, "--seed")  # --seed overrides the recipe's
    if modality(recipe) == "image" and "share" in recipe:  # it used to run ungated, exit 0, and write the images
        raise DataError("[share]: a gated release is for tables (share has no image measures); an image recipe "
                        "takes [sample] and [evaluate]")
    if "share" in recipe:  # share splits, samples and measures by its own keys: these would be ignored
        unused = [f"[{t}]" for t in ("sample", "evaluate") if t in recipe]
        unused += [f"data.{k}" for k in ("test_size", "test_path", "rows_per_class", "holdout") if k in data]
        if unused:
            raise DataError(f"{unused[0]}: not used by a [share] release (it takes share.holdout, share.n, "
                            "share.per_class, share.balance or share.ratio, and its gates); remove it or the [share] "
                            "table")
    paths = named_files(recipe)
    digests = {key: sha256_of(path) for key, path in paths.items()}
    check_unchanged(recipe.get("sha256", {}), paths, digests)
    # errors name recipe keys (model.keep, not --keep or keep)
    with atomic_directory(output, recheck=check_run_path) as tmp, options_named_for(RECIPE):
        resolved = to_toml(resolved_recipe(recipe, seed, paths, digests))  # --seed too
        (tmp / "recipe.toml").write_text(resolved, encoding="utf-8")
        if modality(recipe) == "image":
            code, summary = _run_images(recipe, tmp, output, seed, quiet, console)
        else:
            frame, target, test = load_table(data)
            check_target(frame, target)
            if test is not None:  # before training: a test file the evaluation would refuse failed after it
                check_test_table(frame, test, target, data["test_path"])
            if "share" in recipe:  # the card records the files read, with the digests just taken
                roles = {"data.path": "data", "model.public_schema": "schema"}
                inputs = file_inputs({roles[k]: p for k, p in paths.items()}, {roles[k]: d for k, d in digests.items()})
                code, summary = _run_share(recipe, frame, target, tmp, seed, quiet, console, inputs)
            else:
                code, summary = _run_table(recipe, frame, target, test, tmp, seed, quiet, console)
    note_written(output)
    if not quiet:  # once the folder is in place, as the summary names its files
        summary(output)
    return code


Summary = Callable[[Path], None]
"""Prints a run's summary, given the run's folder."""


def _run_table(recipe, frame, target, test, out: Path, seed: int, quiet: bool,
               console) -> tuple[int, Summary]:
    data = recipe["data"]
    parts = split(frame, frame[target].to_numpy(), data, seed)
    tables = {k: frame.iloc[v].reset_index(drop=True) for k, v in parts.items()}
    if test is not None:  # the user's own test table, in place of a share of data.path's rows
        tables = {"test": test, **tables}
    check_against_data(recipe, tables["train"][target].to_numpy())  # before training, not after
    model = model_class(recipe)(**recipe.get("model", {}), random_state=seed, verbose=not quiet)
    model.fit(tables["train"], y=target)
    model.save(out / "model")
    synthetic = model.sample_frame(**_sample_request(recipe, model.classes_), random_state=seed)
    written = {**tables, "synthetic": synthetic}
    for name, table in written.items():
        with TableWriter(out / f"{name}.csv") as writer:
            writer.write(table)
    result = _evaluate_table(recipe, tables, synthetic, target, left_out_columns(model, tables["train"], synthetic),
                             out, seed, quiet, console, model_kinds(model))
    files = ", ".join(f"{name}.csv" for name in ("train", "test", "holdout", "synthetic") if name in written)

    def summary(output: Path) -> None:
        from ._cli_evaluate import _print_summary  # the lines `synthaug evaluate` prints

        _print_summary(result, output / "report.json", output / "report.html")
        console.print(f"wrote model, {files} and recipe.toml to {output}/")

    return 0, summary


DEFAULT_SAMPLE = {"ratio": 1.0}
"""Without [sample]: as many synthetic rows as training rows, at their class prior (never none, as
``balance`` was when data.rows_per_class makes the classes equal)."""


def check_against_data(recipe: dict, y_train: np.ndarray, unit: str = "rows") -> None:
    """Refuse, before training, a [sample] or [evaluate] value that only the training rows show to be
    wrong (a class the data has not got, a request for no rows, a ratio of no records); these failed
    after training. Messages name recipe keys (sample.per_class, evaluate.ratios)."""
    from .evaluate.options import check_ratios_add_records
    from .sampling import resolve_class_counts

    classes, counts = np.unique(y_train, return_counts=True)
    resolve_class_counts(classes, counts, **recipe.get("sample", DEFAULT_SAMPLE), unit=unit)  # in run_recipe: sample.*
    check_ratios_add_records(recipe.get("evaluate", {}).get("ratios", ()), len(y_train))  # evaluate.ratios: ...


def _sample_request(recipe: dict, classes) -> dict:
    sample = dict(recipe.get("sample", DEFAULT_SAMPLE))
    if isinstance(sample.get("per_class"), int):
        sample["per_class"] = {c: sample["per_class"] for c in classes}
    return sample


EVALUATE_ARGUMENTS = {"seeds": "n_seeds", "ratios": "ratios", "baselines": "baselines",
                      "max_synthetic": "max_synthetic"}
"""[evaluate] keys of a table recipe -> evaluate()'s arguments (``steps`` is the image evaluation's)."""


def _evaluate_table(recipe, tables, synthetic, target, left_out: list, out: Path, seed: int, quiet: bool,
                    console, kinds: dict):
    """Evaluate into ``out``, leaving out of every table the columns the model left out (``left_out``),
    with the column kinds the model was given (``kinds``: categorical= / continuous=)."""
    from .evaluate import evaluate, write_report

    options = recipe.get("evaluate", {})
    given = {argument: tuple(options[key]) if isinstance(options[key], list) else options[key]
             for key, argument in EVALUATE_ARGUMENTS.items() if key in options}  # else evaluate's own defaults
    result = evaluate(tables["train"], tables["test"], synthetic, target, tables.get("holdout"),
                      drop=left_out or None, random_state=seed, **given, **kinds)
    if left_out:
        result.notes.append(left_out_note(left_out))
    write_report(result, out)
    if left_out and not quiet:
        console.print(f"note: {left_out_note(left_out)}", soft_wrap=True)
    return result


def _run_share(recipe, frame, target, out: Path, seed: int, quiet: bool, console,
               inputs: dict | None = None) -> tuple[int, Summary]:
    from .share import Gates, share

    options = dict(recipe["share"])
    gates = Gates(options.get("max_dcr_share", 0.55), options.get("max_membership_auc", 0.6),
                  options.get("max_exact_copies", 0), options.get("gates", {}))
    outcome = share(frame, target, out / "release", synthesizer=model_class(recipe)(**recipe.get("model", {})),
                    holdout=options.get("holdout", 0.2), gates=gates,
                    **{key: options[key] for key in ("n", "per_class", "balance", "ratio") if key in options},
                    filter_quantile=options.get("filter_close"), n_seeds=options.get("seeds", 1), random_state=seed,
                    verbose=not quiet, inputs=inputs)
    (out / "gates.json").write_text(json.dumps(outcome.card, indent=2, allow_nan=False))
    if not quiet and outcome.left_out:
        console.print(f"note: {left_out_note(outcome.left_out)}", soft_wrap=True)
    for gate in outcome.gates:  # under --quiet the failed ones still, on stderr, as `synthaug share` prints them
        if not gate.passed:
            from .cli import err_console

            err_console.print(f"gate {gate.describe()}")
        elif not quiet:
            console.print(f"gate {gate.describe()}")

    # here, where options are named as recipe keys: "class 0: 100, 1: 500; as share.per_class asked"
    released = released_counts(outcome.card) if outcome.released else ""
    refusal = [] if outcome.released else refusal_lines(outcome)

    def summary(output: Path) -> None:
        for line in summary_lines(outcome, options.get("filter_close")):  # as `synthaug share` prints them
            console.print(line, soft_wrap=True)
        if outcome.released:
            console.print(f"released {released} to {output}/release/ "
                          f"(synthetic.csv, report.html, report.json, card.json); gates.json and recipe.toml in "
                          f"{output}/")
            return
        from .cli import err_console  # on stderr, as `synthaug share` prints it

        err_console.print(f"{refusal[0]}; gates.json (the measures) and recipe.toml in {output}/")
        for line in refusal[1:]:
            err_console.print(line)

    return (0 if outcome.released else 3), summary


GRIDS = "model.grids"
"""Where an image run's progress grids go in its folder, beside ``model/`` as ``fit -o M`` puts them in ``M.grids``."""


def _run_images(recipe, out: Path, output: Path, seed: int, quiet: bool, console) -> tuple[int, Summary]:
    """Fit, sample and evaluate images in ``out``, the temporary folder that becomes ``output``."""
    from .images.bit_scale import one_bit_depth
    from .images.evaluate import evaluate_images

    with one_bit_depth():  # deep images: the training folder's bit depth scales the test folder alike
        x, y = load_images(recipe["data"], recipe.get("model", {}))
        test = read_test_images(test_file(recipe["data"]), x, y) if "test_path" in recipe["data"] else None
    parts = split(x, y, {**recipe["data"], "holdout": False}, seed, "images")  # no holdout: privacy vs. training
    if test is None:
        test = x[parts["test"]], y[parts["test"]]
    check_against_data(recipe, y[parts["train"]], "images")
    params = dict(recipe.get("model", {}))
    grids = "grid_dir" not in params  # model.grid_dir = PATH (or null: none) is kept as given
    if grids:
        params["grid_dir"] = str(out / GRIDS)
    model = model_class(recipe)(**params, random_state=seed, verbose=not quiet)
    model.fit(x[parts["train"]], y[parts["train"]])
    if grids:  # model.json names where the grids are once the run is in place, not the temporary folder
        model.grid_dir = str(output / GRIDS)
    model.save(out / "model")
    x_syn, y_syn = model.sample(**_sample_request(recipe, model.classes_), random_state=seed)
    np.savez_compressed(out / "synthetic.npz", x=x_syn, y=y_syn)
    options = recipe.get("evaluate", {})
    report = evaluate_images((x[parts["train"]], y[parts["train"]]), test, (x_syn, y_syn),
                             seeds=options.get("seeds", 3), steps=options.get("steps", 500),
                             random_state=seed, out_dir=out, verbose=not quiet,
                             **{key: options[key] for key in ("n_pairs", "judge") if key in options})

    def summary(output: Path) -> None:
        from ._cli_image import print_image_summary  # the lines `synthaug evaluate` prints for images

        print_image_summary(report, output / "report.html", console)
        console.print(f"wrote model, synthetic.npz and recipe.toml to {output}/")

    return 0, summary
