"""A self-contained HTML page for an image evaluation (pictures embedded as data URIs).

Written for readers who are not statisticians, as the table evaluation's page: "How to read this
report" defines each measure (shared helpers from :mod:`synthaug.evaluate.report_guide`), and every
picture has a caption. The closest-pairs strip shows real training images; without it (``n_pairs=0``,
``--no-real-images``) the page neither shows nor mentions it.
"""

from __future__ import annotations

import html

import numpy as np

from .._text import counted
from ..evaluate.report_guide import GUIDE_CSS, figure, guide_section
from ..evaluate.verdict_words import signed
from .grid import data_uri

STYLE = """body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
img{image-rendering:pixelated;border:1px solid #ccc}.note{color:#555;font-size:90%}
.v{font-weight:600;padding:.1em .5em;border-radius:.3em;color:#fff;white-space:nowrap}
.helps{background:#2e7d32}.hurts{background:#c62828}.none{background:#757575}
""" + GUIDE_CSS
_VERDICT_CLASS = {"helps": "helps", "hurts": "hurts"}  # "no measurable effect": grey, as in the table report


def _pct(value) -> str:
    return "–" if value is None else f"{100.0 * value:.1f}%"


def _num(value, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _verdict(text: str | None) -> str:
    """A verdict as the table report colours it, or nothing (an older report has none)."""
    if not text:
        return ""
    return f"<span class='v {_VERDICT_CLASS.get(text, 'none')}'>{html.escape(text)}</span>"


def _points_interval(up: dict) -> str:
    """`` (95% interval -0.50 to +2.90)`` and the verdict, or nothing (an older report's single seed)."""
    if up.get("low") is None:
        return ""
    return f" (95% interval {signed(up['low'], 2)} to {signed(up['high'], 2)}) {_verdict(up.get('verdict'))}"


def _pairs_table(up: dict) -> str:
    """Each set with synthetic images against each set without, and synthetic only against real only."""
    pairs = up.get("pairs", []) + ([up["synthetic_only_minus_real"]] if up.get("synthetic_only_minus_real") else [])
    if not pairs:
        return ""
    head = "".join(f"<th>{h}</th>" for h in ("training set", "against", "points", "95% interval", "verdict"))
    rows = "".join(f"<tr><td>{html.escape(p['with_synthetic'])}</td><td>{html.escape(p['baseline'])}</td>"
                   f"<td>{signed(p['points'], 2)}</td><td>{signed(p['low'], 2)} to {signed(p['high'], 2)}</td>"
                   f"<td>{_verdict(p['verdict'])}</td></tr>" for p in pairs)
    return f"<table><tr>{head}</tr>{rows}</table>"


def _accuracy_section(report: dict) -> str:
    rows = []
    for name, acc in report["accuracy"].items():
        interval = "–" if acc["low"] is None else f"{_pct(acc['low'])} – {_pct(acc['high'])}"
        rows.append([name, _pct(acc["mean"]), interval, ", ".join(_pct(v) for v in acc["values"])])
    up = report["uplift"]
    s = report["settings"]
    only = up["synthetic_only_minus_real_points"]
    lacking = sum(v is None for v in report["quality"]["cas_per_class"].values())  # classes with no synthetic image
    only = ("skipped (the synthetic set has a single class)" if only is None else f"<b>{only:+.2f} points</b>"
            + (f" (on a synthetic set lacking {lacking} of {len(report['classes'])} classes: see Notes)"
               if lacking else ""))
    return (f"<h2>Test accuracy of a small CNN ({counted(s['steps'], 'step')} of {counted(s['batch_size'], 'image')}, "
            f"{counted(s['seeds'], 'seed')})</h2>" + _table(["training set", "mean", "95% interval", "per seed"], rows)
            + f"<p>Uplift: {html.escape(up['best_with_synthetic'])} against the better baseline "
            f"({html.escape(up['baseline'])}): <b>{up['points']:+.2f} points</b>{_points_interval(up)}; synthetic "
            "only against "
            f"real only: {only}.</p>" + _pairs_table(up)
            + f"<p class=note>Mixed sets give real images {100 * s['real_share']:.0f}% of every batch.</p>")


def _quality_section(report: dict) -> str:
    q = report["quality"]
    judge = q["judge"]
    per_class = [[c, _pct(q["cas_per_class"][c]), _num(q["diversity_per_class"][c], 2)] for c in report["classes"]]
    if judge["measured_on"] == "test":
        where = "The judge's own accuracy on the real test images"
        how = ""
    else:
        where = "The judge's accuracy on real test images it did not train on"
        how = (f" ({judge['folds']}-fold cross-validation over the test images: each fold scored by a judge "
               "trained on the training images and the other folds; the judge above trained on all of them)")
    weak = " <b>A weak judge: a low CAS may be its failure rather than the images' (see Notes).</b>" \
        if judge["weak"] else ""
    return ("<h2>Sample quality</h2>"
            f"<p>Classification Accuracy Score (a CNN trained on real {html.escape(report['settings']['judge'])} "
            f"images judging each synthetic image's intended label): <b>{_pct(q['cas'])}</b>, lowest class "
            f"{_pct(q['cas_min'])}. {where}: <b>{_pct(judge['accuracy'])}</b>{how}; "
            f"chance {_pct(judge['chance'])}.{weak}</p>"
            f"<p>Fréchet distance in the judge's features: synthetic vs test "
            f"<b>{_num(q['frechet_synthetic_test'])}</b> (real train vs test: {_num(q['frechet_train_test'])}). "
            f"Feature diversity ratio, synthetic / real within-class diversity (mean pairwise distance in the judge's "
            f"features): <b>{_num(q['diversity_ratio'], 2)}</b> (lowest class {_num(q['diversity_ratio_min'], 2)}).</p>"
            + _table(["class", "CAS", "feature diversity ratio"], per_class))


def _privacy_section(report: dict) -> str:
    p = report["privacy"]
    rows = [[name, _num(d["min"]), _num(d["p05"]), _num(d["median"])] for name, d in
            (("synthetic → nearest training image", p["synthetic_nearest_train"]),
             ("test → nearest training image", p["test_nearest_train"]))]
    return ("<h2>Nearest training image (privacy)</h2>"
            + _table(["pixel distance (0..1 scale)", "min", "5th pct", "median"], rows)
            + f"<p>{_pct(p['share_closer_than_test_p05'])} of synthetic images are closer to a training image "
            f"than 95% of unseen test images are; exact copies: {p['exact_copies']}.</p>")


_ROWS = {
    "real": "the training images alone",
    "real+albumentations": "the training images with classical augmentation (small shifts, rotations, zooms, "
                           "brightness and contrast changes), the baseline to beat",
    "real+synthetic": "the training images with synthetic images mixed into every batch",
    "real+synthetic+albumentations": "both: synthetic images and classical augmentation",
    "synthetic": "the synthetic images alone: how much of each class the generator captured",
}
"""What each row of the accuracy table trains on."""

_TERMS = {
    "uplift": (
        "Uplift, in points",
        "Accuracy differences in percentage points: 82.0% against 80.5% is +1.5 points. The uplift compares "
        "the better of the two rows with synthetic images against the better of the two without (real, "
        "real+albumentations): positive means the synthetic images add something classical augmentation does "
        "not. Its 95% interval compares the rows image by image and seed by seed on the same resampled test "
        "images and seeds (luck the rows share cancels out), and picks the better rows again in every "
        "resampling, so the choice of winners is part of the interval. The verdict is <i>helps</i> when the "
        "whole interval is above 0, <i>hurts</i> when it is below 0, and <i>no measurable effect</i> when it "
        "includes 0: the difference may be chance. The table under it gives each row with synthetic images "
        "against each row without, and synthetic only against real only, which says how well the synthetic "
        "images stand in for the real ones (0 points: as well)."),
    "frechet": (
        "Fréchet distance",
        "How far apart two sets of images are in the judge's features (the numbers it computes for an image "
        "just before labelling it): the distance between Gaussians fitted to the two sets' features, as FID does with "
        "another network. 0 is the same distribution; lower is closer to real. It has no absolute scale (it "
        "depends on the judge and the data, so do not compare it across reports): read synthetic vs test "
        "against real training vs test, the distance between two samples of real images, about the best to "
        "expect."),
    "pixels": (
        "Pixel distance to the nearest training image",
        "For each image, the straight-line distance over all pixels (values scaled to 0..1) to its closest "
        "training image: 0 is an exact copy. It grows with the image size, so read the synthetic row against "
        "the test row, real images the generator never saw: how close an unrelated image comes by chance. A "
        "synthetic minimum or 5th percentile far below the test images' points to near-copies. About 5% of "
        "synthetic images closer than 95% of test images is what chance gives; much more points to memorised "
        "training images. Exact copies are synthetic images identical to a training image."),
    "pairs": (
        "Closest pairs",
        "The strip under the privacy table shows the synthetic images closest to a training image (top row) "
        "above those training images (bottom row); a pair that looks the same is a near-copy. <b>The bottom "
        "row shows real training images</b>: treat this report as you treat the training data, not as if it "
        "held synthetic images only (<code>--no-real-images</code> or <code>n_pairs=0</code> leaves the strip "
        "out)."),
}
"""Terms of "How to read this report" that do not depend on the run; ``pairs`` only with the strip."""


def _guide(report: dict, with_pairs: bool) -> str:
    """'How to read this report': each row, measure and picture in plain words."""
    judge = report["quality"]["judge"]
    judged_on = "training images" if report["settings"]["judge"] == "train" else "training and test images"
    how = ("measured on the test images, which it did not train on" if judge["measured_on"] == "test" else
           "cross-validated, as the judge behind CAS trained on the test images too: the test images are split "
           f"into {judge['folds']} folds, each scored by a judge trained on the training images and the other folds")
    rows = "; ".join(f"<i>{k}</i> {v}" for k, v in _ROWS.items() if k in report["accuracy"])
    terms = [
        ("Training, test and synthetic images",
         "Training images are the real images the generator learned from; test images are real images it never "
         "saw, on which every accuracy is measured. Synthetic images are the ones judged here."),
        ("Accuracy rows and their intervals",
         "Each row trains the same small CNN, for the same number of steps, on one training set and gives the "
         f"share of test images it labels right: {rows}. {_augmentation(report)} Each is trained once per seed. "
         "The 95% interval "
         "is the range the accuracy on images like the test images plausibly lies in, allowing for which test "
         "images happened to be drawn and for training luck: it comes from redrawing the test images and the "
         "seeds, with replacement, "
         f"{report['settings'].get('n_boot', 1000)} times (a bootstrap). With one seed it covers the test images "
         "only. Rows whose intervals overlap may still differ, as they are compared on the same images: "
         "read the uplift's verdict."),
        _TERMS["uplift"],
        ("CAS (Classification Accuracy Score)",
         f"A judge, the same CNN trained on the real {judged_on}, labels every synthetic image; CAS is the share "
         "it labels as the class the image was made for (per class in the table). High: the images show their "
         "class recognisably; a class with a low CAS is drawn poorly or looks like another class. A judge that "
         "errs on real images errs on synthetic ones too, so read CAS against the judge's own accuracy on real "
         f"images it did not train on, {how}. Chance is the most common test class's share."),
        _TERMS["frechet"],
        ("Feature diversity ratio",
         "Within each class, the mean distance between two synthetic images' judge features over the same for "
         f"two real images (the {judged_on}); the overall ratio is the mean over classes. Near 1: the synthetic "
         "images vary as much as real ones. Below 0.5 (a note names it): mode collapse, the generator draws a few "
         "look-alike images for the class (see its row of samples). Above 1.5 (a note too): far more spread out "
         "than real images, more often noise, artefacts or images unlike their class than useful variety (a low "
         "CAS confirms it). Not the <i>pixel</i> diversity ratio that <code>synthaug fit</code> prints, which "
         "compares pixels rather than the judge's features and gives another number for the same images."),
        _TERMS["pixels"],
    ]
    if with_pairs:
        terms.append(_TERMS["pairs"])
    return guide_section(terms)


def albumentations_text(settings: dict[str, dict]) -> str:
    """The classical augmentation's transforms (``settings["albumentations"]``) as one line of code."""
    return ", ".join(f"{name}({', '.join(f'{k}={v!r}' for k, v in args.items())})" for name, args in settings.items())


def _augmentation(report: dict) -> str:
    """The classical augmentation's transforms, as the guide names them (reports before they were recorded:
    nothing)."""
    settings = report["settings"].get("albumentations")
    if not settings:
        return ""
    if isinstance(settings, str):  # evaluate_images(augmentation=...)
        return f"Classical augmentation is the transform given: <code>{html.escape(settings)}</code>."
    return (f"Classical augmentation is albumentations' <code>{html.escape(albumentations_text(settings))}</code>, "
            "in that order, on every training image drawn (translate_percent: a share of the image's side; rotate "
            "and shear in degrees; p: the chance each is applied).")


def _samples_figure(report: dict, picture: np.ndarray) -> str:
    classes = report["classes"]
    order = (f"top to bottom: {html.escape(', '.join(classes))}" if len(classes) <= 12 else
             "in the order of the class table below")
    caption = (f"Synthetic images, one row per class ({order}), the first images of each class from left to right; "
               "blank cells: a class with fewer images. Each image should show its row's class (CAS measures "
               "this); a row of near-identical images is mode collapse (a low feature diversity ratio).")
    return figure(data_uri(picture), "sample grid", caption)


def _pairs_figure(picture: np.ndarray, distances: list[float] | None) -> str:
    shown = ("" if not distances else " Their pixel distances, left to right: "
             + ", ".join(f"{d:.3f}" for d in distances) + " (0 is an exact copy; compare the test images' 5th "
             "percentile in the table above).")
    caption = ("Closest pairs: the synthetic images closest to a training image, closest first (top row), above "
               f"the training image each is closest to (bottom row).{shown} Pairs that look the same are "
               "near-copies. <b>The bottom row shows real training images.</b>")
    return figure(data_uri(picture), "closest pairs", caption)


def render_html(report: dict, pictures: dict[str, np.ndarray]) -> str:
    """The whole report as one HTML string; ``pictures`` maps names to (H, W, C) uint8 arrays."""
    sizes = report["sizes"]
    parts = [f"<!doctype html><html><head><meta charset=utf-8><title>synthaug image evaluation</title>"
             f"<style>{STYLE}</style></head><body><h1>Synthetic image evaluation</h1>",
             f"<p>{sizes['train']} real training, {sizes['test']} real test and {sizes['synthetic']} synthetic "
             f"images of {sizes['image_size']}×{sizes['image_size']} px, {len(report['classes'])} classes.</p>",
             _guide(report, "closest_pairs" in pictures),
             _accuracy_section(report)]
    if "samples" in pictures:
        parts.append("<h2>Synthetic samples (one row per class)</h2>" + _samples_figure(report, pictures["samples"]))
    parts.append(_quality_section(report))
    parts.append(_privacy_section(report))
    if "closest_pairs" in pictures:
        parts.append(_pairs_figure(pictures["closest_pairs"], report["privacy"].get("closest_pair_distances")))
    for name, picture in pictures.items():
        if name not in ("samples", "closest_pairs"):
            parts.append(f"<h2>{html.escape(name)}</h2>" + figure(data_uri(picture), name, html.escape(name)))
    if report["notes"]:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in report["notes"]) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
