"""``synthaug evaluate``: a thin command over :func:`synthaug.evaluate.evaluate`.

Options left out on the command line are not passed on, so the API's defaults apply (the help
text quotes them from :mod:`synthaug.evaluate.defaults`, the names the function's signature uses,
rather than repeating them). The exception is ``--seed``: it defaults to 0, as every command's
does, so that a run repeats; the API keeps scikit-learn's ``random_state=None`` (fresh entropy).
Either way report.json records the seed.

The evaluation (scikit-learn, pandas, torch) is imported when the command runs, not with this
module, so that ``synthaug --help`` and ``synthaug evaluate --help`` start quickly.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from ._cli_options import (
    Categorical,
    Continuous,
    Drop,
    Sensitive,
    column_names,
    numbers,
    seed_option,
    whole_option,
)
from ._errors import DataError
from ._outputs import note_written
from ._paths import is_image_input
from .cli import command, console, err_console
from .evaluate.defaults import BASELINES, MAX_SYNTHETIC, N_JOBS, N_SEEDS, RATIOS

_TABLE = {"exists": True, "readable": True}  # a table file, or an image folder / .npz


class Judge(str, Enum):
    """The real images the CAS judge of an image evaluation trains on (``judge`` of evaluate_images)."""

    train_test = "train+test"
    train = "train"


@command("evaluate")
def evaluate_command(
    train: Annotated[Path, typer.Option("--train", help="Real rows the generator learned from.", **_TABLE)],
    test: Annotated[Path, typer.Option("--test", help="Real rows to score classifiers on.", **_TABLE)],
    synthetic: Annotated[Path, typer.Option("--synthetic", help="Synthetic records to evaluate.", **_TABLE)],
    out: Annotated[
        Path,
        typer.Option("-o", "--output", "--out", help="Directory for report.json and report.html.",
                     parser=_output_folder, metavar="DIRECTORY"),
    ],
    target: Annotated[str | None, typer.Option("--target", help="Name of the class column (tables).")] = None,
    holdout: Annotated[
        Path | None,
        typer.Option(
            "--holdout",
            help="Real rows the generator never saw (privacy reference; default: the test set).",
            **_TABLE,
        ),
    ] = None,
    drop: Drop = None,
    categorical: Categorical = None,
    continuous: Continuous = None,
    seeds: Annotated[
        int | None,
        whole_option("--seeds", minimum=1, help=f"Repetitions of every fit (default {N_SEEDS})."),
    ] = None,
    ratio: Annotated[
        list[str] | None,
        typer.Option(
            "--ratio",
            help="Synthetic records added per real training row, comma-separated; may be repeated "
            f"(default {','.join(f'{r:g}' for r in RATIOS)}).",
        ),
    ] = None,
    baselines: Annotated[
        list[str] | None,
        typer.Option(
            "--baselines",
            help=f"Tables: oversampling baselines measured beside the records, comma-separated, among "
            f"{', '.join(BASELINES)}; 'none' for none (default {','.join(BASELINES)}).",
        ),
    ] = None,
    sensitive: Sensitive = None,
    max_synthetic: Annotated[
        int | None,
        whole_option(
            "--max-synthetic", minimum=100,
            help=f"Tables: measure at most this many synthetic records, a seeded random sample drawn per class "
            f"from a larger table (default {MAX_SYNTHETIC:,}); memory and time grow with it.",
        ),
    ] = None,
    seed: Annotated[
        int,
        seed_option(
            "--seed",  # the range is the command's check_seed
            help="Random seed (0 or more), for tables and images alike; report.json records it.",
        ),
    ] = 0,
    jobs: Annotated[
        int | None,
        whole_option("--jobs", minimum=1, help=f"CPU threads (default {N_JOBS})."),
    ] = None,
    classifier_steps: Annotated[
        int | None,
        whole_option("--classifier-steps", minimum=1,
                     help="Images: training steps of each CNN classifier (default 500)."),
    ] = None,
    judge: Annotated[
        Judge | None,
        typer.Option("--judge", help="Images: real images the CAS judge trains on, 'train+test' (default; its "
                     "accuracy is then cross-validated over the test images) or 'train'."),
    ] = None,
    no_real_images: Annotated[
        bool,
        typer.Option("--no-real-images", help="Images: leave the closest synthetic/training pairs, the only "
                     "real training images report.html shows, out of it."),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no summary; warnings still print.")
    ] = False,
) -> None:
    """Measure utility, fidelity and privacy leakage of synthetic records; write JSON + HTML.

    Image inputs (class-subfolder trees or .npz) get the image evaluation: a small CNN trained on
    real, real + albumentations, real + synthetic (+ albumentations) and synthetic images.
    """
    from .evaluate.report import check_report_dir

    _check_folders({"train": train, "test": test, "synthetic": synthetic, "holdout": holdout})
    check_report_dir(out)  # before the evaluation (tables and images), not after it
    if any(is_image_input(p) for p in (train, test, synthetic)):
        from ._cli_image import evaluate_images_cli

        given = (("--target", target), ("--holdout", holdout), ("--ratio", ratio), ("--drop", drop),
                 ("--categorical", categorical), ("--continuous", continuous), ("--max-synthetic", max_synthetic),
                 ("--baselines", baselines), ("--sensitive", sensitive))
        if unused := [name for name, value in given if value is not None]:
            # the image evaluation's privacy reference is the test set, and it adds all synthetic images
            raise DataError(f"{', '.join(unused)}: options of the table evaluation; image inputs do not use them")
        steps = {} if classifier_steps is None else {"steps": classifier_steps}
        try:
            evaluate_images_cli(train, test, synthetic, out, seeds or 3, seed, quiet, console, **steps, jobs=jobs,
                                real_images=not no_real_images, judge=None if judge is None else judge.value)
        except DataError as exc:  # "test: ..." -> "digits-test.npz (test): ...", as for tables
            raise DataError(_name_file(str(exc), {"train": train, "test": test, "synthetic": synthetic})) from None
        return
    if no_real_images:  # rather than accept it and do nothing
        raise DataError("--no-real-images: an option of the image evaluation (its closest-pairs strip); "
                        "table inputs do not use it")
    if judge is not None:
        raise DataError("--judge: an option of the image evaluation (its CAS judge); table inputs do not use it")
    if classifier_steps is not None:
        raise DataError("--classifier-steps: an option of the image evaluation (its CNN classifiers); table inputs "
                        "do not use it")
    if target is None:
        raise DataError("--target: the class column is required for tables")
    from .evaluate import evaluate, write_report
    from .io import read_tables

    options = {"n_seeds": seeds, "ratios": tuple(numbers("--ratio", ratio)) if ratio else None, "n_jobs": jobs,
               "max_synthetic": max_synthetic, "drop": column_names(drop) or None,
               "categorical": column_names(categorical) or None, "continuous": column_names(continuous) or None,
               "baselines": _baselines(baselines), "sensitive": column_names(sensitive) or None}
    options = {k: v for k, v in options.items() if v is not None}
    paths = {"train": train, "test": test, "synthetic": synthetic, "holdout": holdout}
    tables = read_tables(paths)  # a column of codes in one CSV is text in each
    try:
        if quiet:
            result = evaluate(**tables, target=target, random_state=seed, **options)
        else:
            with _LazyProgress() as report:  # the bar starts at the first step, after the tables are checked
                result = evaluate(**tables, target=target, random_state=seed, progress=report, **options)
    except DataError as exc:
        raise DataError(_name_file(str(exc), paths)) from None
    json_path, html_path = write_report(result, out)
    note_written(json_path)
    note_written(html_path)
    if not quiet:
        _print_summary(result, json_path, html_path)


def _output_folder(value: str | Path) -> Path:
    """``-o``'s folder; an empty one (which wrote the reports into the current folder) or a file is refused."""
    if isinstance(value, Path):
        return value
    if not value.strip():
        raise typer.BadParameter(f"give a folder for report.json and report.html, got {value!r}")
    if Path(value).exists() and not Path(value).is_dir():
        raise typer.BadParameter(f"{value!r} is a file; give a folder for the reports")
    return Path(value)


def _baselines(texts: list[str] | None) -> tuple[str, ...] | None:
    """``--baselines`` as evaluate's ``baselines``: ``smote,ros`` -> ``("smote", "ros")``, ``none`` -> ``()``;
    None when not given (evaluate checks the names)."""
    if texts is None:
        return None
    names = column_names(texts)
    if "none" in names and len(names) > 1:
        raise DataError(f"--baselines: 'none' means no baseline; give it alone, got {','.join(names)!r}")
    if not names:
        raise DataError(f"--baselines: give {', '.join(BASELINES)} or none")
    return () if names == ["none"] else tuple(names)


def _check_folders(paths: dict[str, Path | None]) -> None:
    """A folder must hold images (in class subfolders); otherwise name it rather than an option."""
    from .io import TABLE_SUFFIXES

    for role, path in paths.items():
        if path is not None and path.is_dir() and not _holds_images(path):
            raise DataError(f"{path} ({role}): not a table file ({', '.join(sorted(TABLE_SUFFIXES))}) but a folder "
                            "with no images; image data is a folder with one subfolder of images per class")


def _holds_images(folder: Path) -> bool:
    from ._paths import IMAGE_SUFFIXES  # not images.folder, which imports torch

    return any(p.suffix.lower() in IMAGE_SUFFIXES and p.is_file() for p in folder.rglob("*"))


def _name_file(message: str, paths: dict[str, Path | None]) -> str:
    """``"synthetic: ..."`` -> ``"syn.csv (synthetic): ..."``: errors name the file given."""
    role, sep, rest = message.partition(": ")
    if sep and paths.get(role) is not None:
        return f"{paths[role]} ({role}): {rest}"
    return message


class _LazyProgress:
    """A transient progress bar on stderr that appears only when the first step is reported.

    An error found while the tables are checked is then printed alone: a bar started before it
    left a blank line above the error. On stderr that is not a terminal (a log, CI, nohup) there is no
    bar: each new stage is a line with the time since the first (a 200,000-row table printed nothing
    for minutes).
    """

    def __init__(self) -> None:
        self.progress: Progress | None = None
        self.started: float | None = None
        self.said = ""

    def __enter__(self) -> _LazyProgress:
        return self

    def __call__(self, description: str, done: int, total: int) -> None:
        if not err_console.is_terminal:
            self._log(description)
            return
        if self.progress is None:
            self.progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeElapsedColumn(),
                console=err_console,
                transient=True,
                disable=not err_console.is_terminal,
            )
            self.progress.start()
            self.task = self.progress.add_task(description, total=total)
        self.progress.update(self.task, description=description, completed=done, total=total)

    def _log(self, description: str) -> None:
        import time

        from ._progress import clock

        now = time.perf_counter()
        self.started = now if self.started is None else self.started
        if description != self.said:
            err_console.print(f"{description} (at {clock(now - self.started)})", soft_wrap=True, highlight=False)
            self.said = description

    def __exit__(self, *exc) -> None:
        if self.progress is not None:
            self.progress.stop()


def _print_summary(result, json_path: Path, html_path: Path) -> None:
    from .evaluate.verdict_words import signed, verdict_drivers

    utility = result.utility
    pooled = {u.setting: u for u in utility.uplifts if u.classifier == "all" and u.metric == utility.primary_metric}
    typer.echo(f"utility ({utility.primary_metric} vs real only, 95% interval):")
    for setting, u in pooled.items():
        e = u.estimate
        typer.echo(f"  {setting:<24} {signed(e.value)} [{signed(e.low)}, {signed(e.high)}]  {u.verdict}")
    typer.echo("privacy (against the training rows):")
    for p in result.privacy:
        share = next(m for m in p.measures if m.name == "dcr_share")
        auc = max(m.value for m in p.measures if m.name in ("mia_distance", "mia_density"))  # as demo shows it
        typer.echo(f"  {p.source:<24} DCR share {share.value:.3f} ({share.verdict}); membership AUC {auc:.3f}; "
                   f"overall {p.verdict} ({verdict_drivers(p)})")
    fidelity = result.fidelity
    mix = "" if fidelity.weighting == "none" else f" (at the {fidelity.weighting})"
    classes = next(m.value for m in fidelity.marginals if m.column == result.target)
    within = fidelity.within_class.association_difference
    if within != within:  # NaN: no class compared, or no pair of columns within a class
        within = "n/a (" + ("fewer than two columns" if fidelity.within_class.class_weights else
                            "no class with enough rows") + ")"
    else:
        within = f"{within:.3f}"
    typer.echo(f"fidelity: detection AUC {fidelity.detection_auc.value:.3f}{mix}; {result.target} total "
               f"variation {classes:.3f} (class shares); within-class association difference {within}"
               f"{_worst_within_class(fidelity.within_class)}")
    typer.echo(f"wrote {json_path} and {html_path}")


def _worst_within_class(within) -> str:
    """The column farthest from the real one within a class, and the largest gap in a missing share (a
    swap of missing values between classes left the association difference at 0.004)."""
    parts = []
    if within.columns:
        worst = max(within.columns, key=lambda c: c.within_class)
        parts.append(f"largest within-class distance {worst.column!r} {worst.within_class:.3f} ({worst.statistic})")
    if within.missing:
        gap = max(within.missing, key=lambda m: m.difference)
        parts.append(f"largest within-class missing-share gap {gap.column!r} {gap.difference:.3f}")
    return "; " + "; ".join(parts) if parts else ""
