"""CLI glue for images: ``synthaug fit`` on image folders/.npz, and the image evaluation.

Thin wrappers over :class:`synthaug.images.synthesizer.ImageCGAN` and
:func:`synthaug.images.evaluate.evaluate_images`; ``synthaug sample`` needs nothing here
because ``ImageCGAN.write_sample`` has the tabular signature.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from ._errors import DataError
from ._outputs import note_written
from ._overrides import parse_overrides
from ._text import fit_setup
from .evaluate.defaults import REPORT_FILES
from .images.synthesizer import GRID_FILE, ImageCGAN


def fit_images(data: Path, output: Path, set_items: list[str], device: str | None, seed: int, quiet: bool,
               console: Console) -> None:
    """Train an ImageCGAN on a class-subfolder tree or an .npz and write a model directory.

    Progress grids go to ``OUTPUT.grids/`` unless ``--set grid_dir=...`` says otherwise; the
    final grid is ``OUTPUT/samples.png``.
    """
    params = parse_overrides(set_items, ImageCGAN)
    if device is not None:
        params["device"] = device
    params.setdefault("grid_dir", str(output.with_name(output.name + ".grids")))
    grid_dir = Path(str(params["grid_dir"])).resolve() if params["grid_dir"] is not None else None
    if grid_dir is not None and (grid_dir == output.resolve() or output.resolve() in grid_dir.parents):
        raise DataError(f"grid_dir: {params['grid_dir']} is inside the model folder {output}, which the model "
                        "replaces when it is saved; give another folder (the default is OUTPUT.grids)")
    model = ImageCGAN(**params, random_state=seed, verbose=not quiet).fit(data)
    model.save(output)
    note_written(output)
    if not quiet:
        diversity = model.history_[-1].get("diversity")
        shown = f"{diversity:.2f}" if diversity is not None else "n/a (off under DP)" if model.privacy_ else "n/a"
        console.print(f"trained on {model.n_images_} images ({model.image_size_}x{model.image_size_}, "
                      f"{model.channels_} channel{'s' if model.channels_ > 1 else ''}), "
                      f"{len(model.classes_)} classes in {model.fit_seconds_:.1f}s; pixel diversity ratio {shown}; "
                      f"wrote {output} (sample grid {output / GRID_FILE})", soft_wrap=True)  # one line, as inspect's
        if model.privacy_ is not None:
            console.print(describe_privacy(model.privacy_))


def describe_privacy(privacy: dict) -> str:
    """One line: the (epsilon, delta) the accountant spent, against the target, and how."""
    run = privacy["models"][0]
    return (f"differential privacy: spent epsilon {privacy['epsilon']:.4g} (target {privacy['target_epsilon']:.4g}), "
            f"delta {privacy['delta']:.3g}; noise multiplier {run['noise_multiplier']:.4g}, sample rate "
            f"{run['sample_rate']:.4g}, {run['steps']} DP-SGD steps")


def evaluate_images_cli(train: Path, test: Path, synthetic: Path, output: Path, seeds: int, seed: int,
                        quiet: bool, console: Console, *, steps: int = 500, jobs: int | None = None,
                        real_images: bool = True, judge: str | None = None) -> None:
    """Run the image evaluation and write ``OUTPUT/report.json`` and ``OUTPUT/report.html``.

    ``steps`` is each classifier's training budget; ``jobs`` torch's threads (None: as they are);
    ``real_images=False`` leaves out the closest pairs, the only training images the report shows;
    ``judge`` the CAS judge's training images (None: evaluate_images' default)."""
    from .images.evaluate import evaluate_images
    from .images.synthesizer import torch_threads

    with torch_threads(jobs):
        options = {} if real_images else {"n_pairs": 0}  # else evaluate_images' own defaults
        options.update({} if judge is None else {"judge": judge})
        report = evaluate_images(train, test, synthetic, seeds=seeds, steps=steps, random_state=seed,
                                 out_dir=output, verbose=not quiet, **options)
    for name in REPORT_FILES:
        note_written(output / name)
    if not quiet:
        print_image_summary(report, output / "report.html", console)


def print_image_summary(report: dict, html_path: Path, console: Console) -> None:
    """Accuracy per condition with its interval, one line on copies of training images, then the uplift with its
    interval and verdict, CAS, the judge, the Fréchet distance (as report.html words it) and the feature diversity
    ratio, and ``html_path`` (``synthaug evaluate`` and ``synthaug run`` print the same lines)."""
    from .evaluate.verdict_words import signed
    from .images.judge import judge_accuracy_text
    from .images.notes import privacy_text

    for name, acc in report["accuracy"].items():
        interval = "" if acc["low"] is None else f" [{100 * acc['low']:.1f}, {100 * acc['high']:.1f}]"
        console.print(f"{name:<32} {100 * acc['mean']:5.1f}%{interval}")
    console.print(privacy_text(report["privacy"], report["sizes"]["synthetic"]), soft_wrap=True)
    q, up = report["quality"], report["uplift"]
    diversity = "n/a" if q["diversity_ratio"] is None else f"{q['diversity_ratio']:.2f}"
    frechet = ["n/a" if q[key] is None else f"{q[key]:.3f}" for key in ("frechet_synthetic_test", "frechet_train_test")]
    interval = "" if up.get("low") is None else f" [{signed(up['low'], 2)}, {signed(up['high'], 2)}]"
    verdict = f": {up['verdict']}" if up.get("verdict") else ""
    console.print(f"uplift of {up['best_with_synthetic']} over {up['baseline']}: {up['points']:+.2f} points{interval}"
                  f"{verdict}; CAS {100 * q['cas']:.1f}% "
                  f"(lowest class {100 * q['cas_min']:.1f}%; judge's accuracy on {judge_accuracy_text(q['judge'])} "
                  f"{100 * q['judge']['accuracy']:.1f}%, chance {100 * q['judge']['chance']:.1f}%); "
                  f"Fréchet distance synthetic vs test {frechet[0]} (real train vs test {frechet[1]}); "
                  f"feature diversity ratio {diversity}; "
                  f"wrote {html_path}")


def describe_image_model(meta: dict, console: Console) -> None:
    """What ``synthaug inspect`` shows for an ImageCGAN model directory (from its model.json)."""
    from rich.table import Table

    from .persist import require

    params, training, net = require(meta, "params"), require(meta, "training"), require(meta, "network")
    console.print(f"{meta['model_type']} (format {meta['format_version']}, synthaug {meta['synthaug_version']})")
    console.print(f"{net['image_size']}x{net['image_size']} px, {net['channels']} channel(s); loss {params['loss']}, "
                  f"augment {params['augment']!r}, {params['steps']} steps on {training['n_images']} images "
                  f"in {training['seconds']}s ({fit_setup(meta)})")
    diversity = [h["diversity"] for h in training["history"] if h.get("diversity") is not None]
    if diversity:
        console.print("pixel diversity ratio during training: " + ", ".join(f"{d:.2f}" for d in diversity))
    privacy = meta.get("privacy")
    if privacy:
        console.print(describe_privacy(privacy))
        for key, text in privacy["scope"].items():
            console.print(f"  {key}: {text}")
    counts = "training images" + (" (noisy)" if privacy else "")
    classes = Table("class", counts)
    for label, count in zip(require(meta, "classes"), require(meta, "class_counts"), strict=True):
        classes.add_row(str(label), str(count))
    console.print(classes)
