"""A self-contained HTML page for an image evaluation (pictures embedded as data URIs)."""

from __future__ import annotations

import html

import numpy as np

from .._text import counted
from .grid import data_uri

STYLE = """body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}
img{image-rendering:pixelated;border:1px solid #ccc}.note{color:#555;font-size:90%}"""


def _pct(value) -> str:
    return "–" if value is None else f"{100.0 * value:.1f}%"


def _num(value, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


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
            + f"<p>{html.escape(up['best_with_synthetic'])} against the better baseline "
            f"({html.escape(up['baseline'])}): <b>{up['points']:+.2f} points</b>; synthetic only against "
            f"real only: {only}.</p>"
            f"<p class=note>Mixed sets give real images {100 * s['real_share']:.0f}% of every batch.</p>")


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
            f"Within-class diversity, synthetic / real (mean pairwise feature distance): "
            f"<b>{_num(q['diversity_ratio'], 2)}</b> (lowest class {_num(q['diversity_ratio_min'], 2)}).</p>"
            + _table(["class", "CAS", "diversity ratio"], per_class))


def _privacy_section(report: dict) -> str:
    p = report["privacy"]
    rows = [[name, _num(d["min"]), _num(d["p05"]), _num(d["median"])] for name, d in
            (("synthetic → nearest training image", p["synthetic_nearest_train"]),
             ("test → nearest training image", p["test_nearest_train"]))]
    return ("<h2>Nearest training image (privacy)</h2>"
            + _table(["pixel distance (0..1 scale)", "min", "5th pct", "median"], rows)
            + f"<p>{_pct(p['share_closer_than_test_p05'])} of synthetic images are closer to a training image "
            f"than 95% of unseen test images are; exact copies: {p['exact_copies']}.</p>")


def render_html(report: dict, pictures: dict[str, np.ndarray]) -> str:
    """The whole report as one HTML string; ``pictures`` maps names to (H, W, C) uint8 arrays."""
    sizes = report["sizes"]
    parts = [f"<!doctype html><html><head><meta charset=utf-8><title>synthaug image evaluation</title>"
             f"<style>{STYLE}</style></head><body><h1>Synthetic image evaluation</h1>",
             f"<p>{sizes['train']} real training, {sizes['test']} real test and {sizes['synthetic']} synthetic "
             f"images of {sizes['image_size']}×{sizes['image_size']} px, {len(report['classes'])} classes.</p>",
             _accuracy_section(report)]
    if "samples" in pictures:
        parts.append(f"<h2>Synthetic samples (one row per class)</h2><img alt='sample grid' "
                     f"src='{data_uri(pictures['samples'])}'>")
    parts.append(_quality_section(report))
    parts.append(_privacy_section(report))
    if "closest_pairs" in pictures:
        parts.append("<p>Closest pairs: synthetic images (top) and their nearest training images (bottom).</p>"
                     f"<img alt='closest pairs' src='{data_uri(pictures['closest_pairs'])}'>")
    for name, picture in pictures.items():
        if name not in ("samples", "closest_pairs"):
            parts.append(f"<h2>{html.escape(name)}</h2><img alt='{html.escape(name)}' src='{data_uri(picture)}'>")
    if report["notes"]:
        parts.append("<h2>Notes</h2><ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in report["notes"]) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
