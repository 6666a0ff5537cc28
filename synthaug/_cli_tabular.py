"""CLI commands for tables: fit, sample, inspect, demo.

The models (torch, pandas, scikit-learn) are imported when a command runs, not with this module,
so that ``synthaug --help`` and ``synthaug fit --help`` start quickly.
"""

from __future__ import annotations

import json
import os
import warnings
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ._cli_options import (
    Categorical,
    Continuous,
    DemoSeed,
    Drop,
    FitSeed,
    Keep,
    Overwrite,
    Quiet,
    SampleSeed,
    SchemaFile,
    check_output_file,
    constructor_defaults,
    warn_left_behind,
    whole_option,
)
from ._cli_options import column_names as _names
from ._errors import DataError, FilterNotAppliedWarning, ModelFileError, warn
from ._outputs import note_other_rank, note_written
from ._overrides import add_flag_values, parse_overrides
from ._text import counted, epsilon_text, fit_record_lines, fit_setup
from .cli import command, console
from .sampling import IMAGE_CHUNK, ROW_CHUNK, parse_per_class, resolve_class_counts

TABLE = constructor_defaults("tabular.synthesizer", "TabularCGAN")  # the defaults fit --help shows
IMAGE = constructor_defaults("images.synthesizer", "ImageCGAN")


class Strategy(str, Enum):
    conditional = "conditional"
    per_class = "per-class"


class Loss(str, Enum):
    non_saturating = "non-saturating"
    wgan_gp = "wgan-gp"
    hinge = "hinge"


class Modality(str, Enum):
    auto = "auto"
    table = "table"
    image = "image"


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


@command("fit", torchrun=True)  # a table trains across processes; images are refused below
def fit(
    data: Annotated[Path, typer.Argument(metavar="DATA", help="Training data: a table (.csv, .csv.gz, .parquet or "
                                         ".pq), or images: a folder with one subfolder of images per class, or an "
                                         ".npz with x and y.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Model directory to write.")],
    target: Annotated[str | None, typer.Option("--target", "-t", help="Class label column (tables).")] = None,
    categorical: Categorical = None,
    continuous: Continuous = None,
    drop: Drop = None,
    keep: Keep = None,
    schema: SchemaFile = None,
    strategy: Annotated[Strategy | None, typer.Option(help="One conditional model, or one per class.")] = None,
    loss: Annotated[Loss | None, typer.Option(
        help=f"Adversarial loss (default: tables {TABLE['loss']}, images {IMAGE['loss']}).")] = None,
    epochs: Annotated[int | None, whole_option(
        minimum=1, help=f"Passes over the data (tables; default {TABLE['epochs']}): training runs max(epochs x "
                    "batches per epoch, --min-steps) steps.")] = None,
    min_steps: Annotated[int | None, whole_option(
        minimum=0, help=f"At least this many steps, for scarce data (tables; default {TABLE['min_steps']}); 0 "
                    "leaves the steps to --epochs.")] = None,
    batch_size: Annotated[int | None, whole_option(
        minimum=1, help=f"Rows (or images) per step (default: tables {TABLE['batch_size']}, images "
                    f"{IMAGE['batch_size']}).")] = None,
    device: Annotated[Device | None, typer.Option(help="Where to train.")] = None,
    dp_epsilon: Annotated[float | None, typer.Option(help="Differential privacy (DP-SGD) at this epsilon.")] = None,
    dp_delta: Annotated[float | None, typer.Option(help="DP delta (default: min(1e-5, 1/(10 n)), n training rows)."
                                                   )] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Any constructor parameter: KEY=VALUE.")] = None,
    modality: Annotated[Modality, typer.Option(help="table, image (folder of class subfolders or .npz), "
                                               "or auto: by what DATA is.")] = Modality.auto,
    seed: FitSeed = 0,
    quiet: Quiet = False,
) -> None:
    """Train a class-conditional GAN on DATA and write a model directory."""
    from ._paths import check_exists, check_table_file, is_image_input
    from ._recipe_yaml import is_yaml
    from .persist import check_model_path

    check_exists(data)  # before its kind decides the modality: a misspelt folder asked for --target
    if data.suffix.lower() == ".toml" or is_yaml(data):  # it said "unknown table extension '.toml'"
        raise DataError(f"{data}: a recipe, which `synthaug run {data}` runs; to train its model across processes, "
                        "run it once, then `synthaug fit` its folder's train.csv under torchrun with the recipe's "
                        "[model] values as --set KEY=VALUE")
    check_model_path(output)  # before training, not after it (and before importing torch: ~5 s)
    if os.environ.get("RANK", "0") == "0":  # under torchrun, rank 0 writes the model
        warn_left_behind(output)
    if modality == Modality.image or (modality == Modality.auto and is_image_input(data)):
        from ._cli_image import fit_images

        _check_image_fit({"--target": target, "--categorical": categorical, "--continuous": continuous,
                          "--drop": drop, "--keep": keep, "--strategy": strategy, "--epochs": epochs,
                          "--min-steps": min_steps, "--schema": schema})
        given = (("loss", loss.value if loss else None), ("batch_size", batch_size), ("dp_epsilon", dp_epsilon),
                 ("dp_delta", dp_delta))
        items = [f"{k}={v}" for k, v in given if v is not None]
        fit_images(data, output, [*(set_ or []), *items], device.value if device else None, seed, quiet, console)
        return
    if target is None:
        raise DataError("--target: the class label column is required for tables")
    check_table_file(data)
    from ._cli_schema import read_schema_option
    from ._progress import status
    from .distributed import process_group
    from .io import read_table
    from .tabular.synthesizer import TabularCGAN

    params = parse_overrides(set_ or [], TabularCGAN)
    given = {"strategy": strategy, "loss": loss, "epochs": epochs, "min_steps": min_steps,
             "batch_size": batch_size, "device": device, "dp_epsilon": dp_epsilon, "dp_delta": dp_delta}
    add_flag_values(params, {k: (v.value if isinstance(v, Enum) else v) for k, v in given.items() if v is not None})
    add_flag_values(params, {key: _names(texts) for key, texts in (("categorical", categorical),
                    ("continuous", continuous), ("drop", drop), ("keep", keep)) if _names(texts)})
    if schema is not None:
        params["public_schema"] = read_schema_option(schema, dp=params.get("dp_epsilon") is not None)
    with status(f"reading {data}", not quiet):
        frame = read_table(data)
    with process_group(params.get("device")) as ctx:  # joins torchrun's group when launched by it
        if not ctx.is_main:  # a signal here says rank 0 writes the model, not that none was written
            note_other_rank(ctx.rank, output)
        model = TabularCGAN(**params, random_state=seed, verbose=not quiet).fit(frame, y=target)
        if ctx.is_main:
            model.save(output)
            note_written(output)  # a signal while the other processes finish says the model is complete
        ctx.barrier()
        if not ctx.is_main:  # past the barrier: rank 0 has saved the model
            note_written(output)
    if not quiet and ctx.is_main:
        console.print(f"trained on {model.n_rows_} rows, {len(model.classes_)} classes, "
                      f"{len(model.encoder_.specs_)} columns in {model.fit_seconds_:.1f}s; wrote {output}")
        if model.privacy_ is not None:
            console.print(f"differential privacy: spent epsilon {epsilon_text(model.privacy_['epsilon'])} "
                          f"(target {model.privacy_['target_epsilon']:.4g}), delta {model.privacy_['delta']:.3g}"
                          f"{_dp_covers(model.provenance_['schema'])}", soft_wrap=True)


def _dp_covers(schema: str) -> str:
    """What fit's DP line says the guarantee covers, by where the schema came from (its provenance)."""
    from .tabular.public_schema import DRAFT, PUBLIC

    if schema == PUBLIC:
        return "; for the synthetic records (training, with a public schema)"
    if schema == DRAFT:
        return ("; for training only: the --schema file is an unreviewed draft (its category lists, bounds and "
                "decimals may be the data's) and is not covered; review it and delete its \"draft\" key")
    return ("; for training only: the schema (category lists, bounds, decimals, the class list) came from "
            "the data and is not covered (pass --schema)")


def _check_image_fit(table_only: dict[str, object]) -> None:
    """Refuse what an image fit cannot honour: torchrun, and table options given (``table_only``: each
    option's value, None when not given), rather than train without them."""
    from .distributed import launched_by_torchrun

    if launched_by_torchrun():  # every process would train the whole model alone, and each write it
        raise DataError("torchrun: image models train in one process (only tables train across "
                        "processes); run `synthaug fit` on the images without torchrun")
    if table_only.pop("--schema") is not None:  # images take nothing from a schema: say so rather than ignore it
        raise DataError("--schema: a public schema describes table columns; image data takes none "
                        "(pixels are scaled from the fixed range 0..255)")
    unused = [name for name, value in table_only.items() if value is not None]
    if unused:
        what = "a table option" if len(unused) == 1 else "table options"
        why = dict.fromkeys(_IMAGE_INSTEAD[name] for name in unused)  # each kind's reason once, in order
        raise DataError(f"{', '.join(unused)}: {what}; for images, {', and '.join(why)}")


_LABELS = "labels come from the class folders or the .npz's y"
_IMAGE_INSTEAD = {  # what an image fit has instead of each table option
    **dict.fromkeys(("--target", "--categorical", "--continuous", "--drop", "--keep"), _LABELS),
    "--strategy": "one conditional model learns every class",
    **dict.fromkeys(("--epochs", "--min-steps"), "the training length is --set steps=N"),
}


@command("sample")
def sample(
    model_dir: Annotated[Path, typer.Argument(metavar="MODEL", help="Model directory from `synthaug fit`.")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Output: a .csv, .csv.gz (gzip-compressed) or .parquet file for tables; for "
                               "images, a folder of PNGs (one subfolder per class, plus manifest.csv) or an .npz.")],
    n: Annotated[int | None, whole_option(
        "--n", help="Rows (or images) in total, at the training class prior.")] = None,
    per_class: Annotated[str | None, typer.Option(
        help="Exact counts, e.g. 'A=100,B=50', or one count for every class, e.g. 100.")] = None,
    balance: Annotated[bool, typer.Option(help="Top every class up to the largest.")] = False,
    ratio: Annotated[float | None, typer.Option(help="Rows (or images) as a multiple of the training size.")] = None,
    chunk_size: Annotated[int | None, whole_option(
        minimum=1, help="Rows (or images) generated and written at a time; by default the model's own, "
                    f"{ROW_CHUNK:,} rows (fewer for an encoding over 2,048 columns) or {IMAGE_CHUNK:,} images, as "
                    "in Python's model.sample. Another size "
                    "draws other rows for the same seed.")] = None,
    train: Annotated[Path | None, typer.Option(
        help="The training table, so the model's privacy filter can drop rows too close to a training row "
             "and its label filter rows unlike their class (model files hold no rows).")] = None,
    overwrite: Overwrite = False,
    seed: SampleSeed = 0,
    quiet: Quiet = False,
) -> None:
    """Write labeled synthetic rows or images from MODEL, streaming in chunks.

    A table model writes a CSV (gzip-compressed for .csv.gz) or Parquet file; an image model a folder
    of PNGs (one subfolder per class, plus manifest.csv) or an .npz with x and y.

    An existing OUTPUT file is replaced only with --overwrite, and never when it is the --train
    table; an image folder is replaced only when an earlier `synthaug sample` wrote it.
    """
    from ._paths import check_image_output, check_table_file, table_output_format
    from .persist import read_meta

    # before importing torch and pandas (~5 s): a missing MODEL folder, a .tsv OUTPUT of a table model or a
    # .csv OUTPUT of an image model said so after them
    model_type = read_meta(model_dir)["model_type"]
    check_output_file(output, overwrite, {"--train table": train, "MODEL directory": model_dir},
                      "the synthetic records")
    if model_type == "TabularCGAN":
        table_output_format(output)
        if train is not None:
            check_table_file(train)
    elif model_type == "ImageCGAN":
        if train is not None:
            raise DataError("--train: the privacy and label filters apply to table models only")
        check_image_output(output)
    from . import load
    from .io import read_table
    from .tabular.synthesizer import TabularCGAN

    model = load(model_dir)
    request = {"per_class": parse_per_class(per_class) if per_class is not None else None, "balance": balance,
               "ratio": ratio}
    # the request's errors (an unknown --per-class class) before --train is read and the filters warned of
    resolve_class_counts(model.classes_, model.class_counts_, n, **request,
                         unit="rows" if isinstance(model, TabularCGAN) else "images")
    warn_left_behind(output)
    if train is not None and isinstance(model, TabularCGAN):  # else refused above, or by load
        model.attach_privacy_filter(read_table(train), model.target_name_)
        if not model.sampling_filters():  # a DP model, or one fitted on more than 10,000 rows
            reason = model.privacy_filter_off_reason() if model.privacy_filter is not None else None
            why = f"the privacy filter is {reason}, the label filter too" if reason else "both filters are off"
            warn(f"--train: no sampling filter runs for this model ({why}), so every generated row is kept")
    request["random_state"] = seed
    sizes = {"chunk_size": chunk_size} if chunk_size is not None else {}  # else model.sample's rows
    with warnings.catch_warnings():
        if train is None and isinstance(model, TabularCGAN):
            _warn_without_train(model)
        rows = model.write_sample(output, n, verbose=not quiet, **sizes, **request)
    note_written(output)  # a signal before the exit says the file is complete
    if not quiet:
        counts = [(getattr(model, "n_rejected_", 0), "the privacy filter"),
                  (getattr(model, "n_label_rejected_", 0), "the label filter")]
        regenerated = ", ".join(f"{n} regenerated by {name}" for n, name in counts if n)
        what = counted(rows, "row" if isinstance(model, TabularCGAN) else "image")
        console.print(f"wrote {what} to {output}" + (f" ({regenerated})" if regenerated else ""))


def _warn_without_train(model) -> None:
    """One ``--train`` line for the filters a model sampled without its training table cannot apply, in
    place of the model's line; within a ``warnings.catch_warnings()`` that ends after sampling."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model._check_filters()  # what sampling would warn of
    missing = [name for w in caught if issubclass(w.category, FilterNotAppliedWarning) for name in w.message.filters]
    warnings.filterwarnings("ignore", category=FilterNotAppliedWarning)  # the model's line
    if missing:
        what = "the privacy and label filters are" if len(missing) == 2 else f"the {missing[0].replace('_', ' ')} is"
        rows = " or ".join(text for name, text in (("privacy_filter", "too close to a training row"),
                                                   ("label_filter", "unlike their class")) if name in missing)
        warn(f"{what} off: a model file holds no training rows, so every generated row is kept; pass the "
             f"training table with --train DATA to drop rows {rows}")


@command("inspect")
def inspect_model(
    model_dir: Annotated[Path, typer.Argument(metavar="MODEL", help="Model directory.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print model.json as it is, with the model's SHA-256 "
                                                         "(the digest to pin it) as model_sha256.")] = False,
) -> None:
    """Describe a model directory: format, classes, columns, training, and its SHA-256 (to pin it)."""
    from .persist import META_FILE, load_model_digested, read_fit_record, read_meta

    read_meta(model_dir)  # a missing or foreign folder is named before torch is imported (~5 s)
    meta, _, digest = load_model_digested(model_dir)  # the digest of the bytes described, read once
    if as_json:
        console.print_json(json.dumps({"model_sha256": digest, **meta}))
        return
    try:  # a model.json that loads but lacks a key or has one of the wrong type: one line, no traceback
        _describe(meta)
        for line in fit_record_lines(read_fit_record(meta)):
            console.print(line, soft_wrap=True)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        what = f"missing {exc.args[0]!r}" if isinstance(exc, KeyError) else str(exc)
        raise ModelFileError(f"{model_dir / META_FILE}: damaged ({what})") from None
    console.print(f"model SHA-256 (model.json and weights): {digest}", soft_wrap=True)
    console.print("  record it to check the model later: synthaug.load(MODEL, sha256=...) refuses it if either file "
                  "changed")


def _describe(meta: dict) -> None:
    if meta.get("model_type") == "ImageCGAN":
        from ._cli_image import describe_image_model

        describe_image_model(meta, console)
        return
    params, training = meta["params"], meta["training"]
    console.print(f"{meta['model_type']} (format {meta['format_version']}, synthaug {meta['synthaug_version']})")
    console.print(f"strategy {params['strategy']}, loss {params['loss']}, trained on {training['n_rows']} rows "
                  f"in {training['seconds']}s ({fit_setup(meta)})")
    classes = Table("class", _counts_heading(meta), title=f"target {meta['target']['name']!r}")
    for label, count in zip(meta["classes"], meta["class_counts"], strict=True):
        classes.add_row(str(label), str(count))
    console.print(classes)
    provenance = meta.get("provenance") or {"schema": "inferred from the training data"}
    console.print(f"schema: {provenance['schema']}; class counts: {provenance.get('class_counts', 'unknown')}")
    privacy = meta.get("privacy")
    if privacy:
        console.print(f"differential privacy: spent epsilon {epsilon_text(privacy['epsilon'])}, "
                      f"delta {privacy['delta']:.3g}")
    columns = Table("column", "kind", "dtype", "missing")
    for column in meta["encoder"]["columns"]:
        spec = column["spec"]
        columns.add_row(spec["name"], spec["kind"], spec["dtype"], "yes" if spec["has_missing"] else "")
    console.print(columns)


def _counts_heading(meta: dict) -> str:
    """The class-count column's heading: a public schema's counts (not the training rows'), or under DP
    Laplace-noised ones (they replace the exact ones in the model file, and need not add up to the row
    count)."""
    if (meta.get("provenance") or {}).get("class_counts") == "public (given)":
        return "class counts (the public schema's)"
    privacy = meta.get("privacy")
    count_epsilon = (privacy or {}).get("count_epsilon", 0)
    if not privacy or not count_epsilon:
        return "training rows"
    return f"training rows, Laplace-noised (epsilon {count_epsilon:.3g})"


@command("demo")
def demo(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the model and data.")] = Path(
        "synthaug-demo"
    ),
    min_steps: Annotated[int | None, whole_option(
        minimum=0, help=f"The model's min_steps (default {TABLE['min_steps']}). The demo's 50 training rows are one "
                    f"batch, so it trains max(epochs, min_steps) steps: {TABLE['min_steps']} by default; "
                    f"--min-steps 50 alone trains {TABLE['epochs']} (the default --epochs), with --epochs 1 "
                    "50.")] = None,
    epochs: Annotated[int | None, whole_option(
        minimum=1, help=f"The model's epochs (default {TABLE['epochs']}); one step each here.")] = None,
    seed: DemoSeed = 0,
    quiet: Quiet = False,
) -> None:
    """Run the whole job on scikit-learn's breast-cancer data: fit, sample, evaluate."""
    from ._demo import run_demo

    params = {key: value for key, value in (("min_steps", min_steps), ("epochs", epochs)) if value is not None}
    run_demo(output, seed=seed, quiet=quiet, console=console, params=params)

