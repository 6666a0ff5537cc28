"""The explanatory text of ``report.html``, for readers who are not statisticians.

"How to read this report" (:func:`guide`), the notes under tables, and the readable labels of
measure details with their definitions. :mod:`.report` assembles the page from them. The
helpers at the top (:data:`GUIDE_CSS`, :func:`guide_section`, :func:`figure`) are shared with
the image evaluation's report, so both pages explain themselves the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from html import escape

from .leakage_measures import NUMERIC_MATCH
from .results import EvaluationResult, LeakageResult

GUIDE_CSS = """figure{margin:1em 0}figcaption{color:#555;font-size:.9em;max-width:60em}
dl.guide dt{font-weight:600;margin-top:.6em}dl.guide dd{margin:.1em 0 0 1.5em;max-width:60em}
"""
"""Styles of :func:`figure` and :func:`guide_section`, for a page's ``<style>``."""


def guide_section(terms: Iterable[tuple[str, str]]) -> str:
    """'How to read this report' (anchor ``#guide``): each ``(term, definition)``, both HTML."""
    items = "".join(f"<dt>{t}</dt><dd>{d}</dd>" for t, d in terms)
    return f"<h2 id='guide'>How to read this report</h2><dl class='guide'>{items}</dl>"


def figure(src: str, alt: str, caption: str) -> str:
    """A picture (``src``, a data URI) with a caption saying what is drawn and how to read it
    (``caption`` is HTML)."""
    return (f"<figure><img alt='{escape(alt)}' src='{src}'>"
            f"<figcaption>{caption}</figcaption></figure>")


_TERMS = {
    "intervals": (
        "Numbers in brackets, verdicts",
        "<i>0.39 [0.28, 0.51]</i> is a figure with its 95% interval: the range the true value plausibly "
        "lies in, given how many rows were measured. A verdict (helps / hurts, leaks / no measurable leak) "
        "is given only when the whole interval clears the threshold; &ldquo;no measurable effect&rdquo; and "
        "&ldquo;inconclusive&rdquo; mean the data cannot tell, often because the tables are small. A release "
        "of fewer than about 400 records is never &ldquo;no measurable leak&rdquo;: even with no copy at all, "
        "the exact-copies interval stays wider than its tolerance (0.01), so the best it can get is "
        "&ldquo;inconclusive&rdquo;."),
    "distance": (
        "Distance between two rows",
        "No unit: each numeric column's difference is divided by that column's range in the real rows "
        "(largest minus smallest value), each categorical column counts 0 if equal and 1 if different, and "
        "the distance is the square root of the mean of these squared differences over the columns. 0 means "
        "identical rows, about 1 rows that differ as much as they can in every column; one differing "
        "category alone gives the square root of 1/(number of columns){example}. Judge a distance against "
        "the reference rows' distances in the same report."),
    "dcr_share": (
        "DCR share",
        "For each record: is its closest real row a training row or a reference row? The share answering "
        "&ldquo;training row&rdquo;, balanced for the two sets' sizes, is 0.5 when the records are no closer "
        "to the training rows than to fresh real rows (the ideal) and 1.0 when they copy training rows; only "
        "a share above 0.5 plus its tolerance counts as a leak. A share below 0.5 is not a problem: the "
        "records are then, if anything, nearer fresh real rows. It happens by chance (more so with a small "
        "reference set) or when the generator smooths the data. A share whose whole interval lies below 0.3 "
        "is unusual for a generator fitted on the training rows: a note then asks whether the records were "
        "made from the reference rows, which also makes every privacy verdict meaningless."),
    "auc": (
        "AUC (membership attack, detection)",
        "How well a classifier tells two groups apart: 0.5 is guessing, 1.0 always right. A membership "
        "attack tries to tell training rows from reference rows using the records (above 0.5: the records "
        "give members away); detection tries to tell real from synthetic rows (near 0.5: they look real). "
        "A detection AUC whose whole interval lies below 0.5 does not mean &ldquo;more real than real&rdquo;: "
        "the detector scores each row with a model that never saw it, so synthetic rows that nearly copy real "
        "rows (or too few rows) push it below 0.5; a note then says so."),
    "attribute_inference": (
        "Attribute inference",
        "An attacker who knows all of a person's other columns takes the sensitive one (by default the class) "
        "from the closest record; the figure is how much more often that guess is right for training rows than "
        "for reference rows (0: the records give members' values away no more than anyone's). A category "
        "counts as right only when it is the same; a number when it is within "
        f"{NUMERIC_MATCH:.0%} of the column's range in the real rows (largest minus smallest value), so a "
        "close guess of a wide-ranging number counts as a hit."),
    "dp": (
        "Differential privacy: epsilon and delta",
        "A guarantee of how the model was trained, proven rather than measured: adding or removing any one "
        "person's row changes the probability of any trained model, and so of any records drawn from it, by "
        "at most a factor of e<sup>epsilon</sup> (about 2.7 at epsilon 1), except with a probability of at "
        "most delta. Smaller epsilon is stronger protection (1 or below is usually called strong, 10 weak); "
        "delta should be far below one over the number of training rows. The <a href='#release'>Release</a> "
        "notes say what it covers."),
}
"""Terms of "How to read this report"; ``dp`` only when a note states an epsilon."""

_DP_NOTE = re.compile(r"\bepsilon\b")  # share's release note: "differential privacy at epsilon 0.993, delta 1e-05"


def guide(result: EvaluationResult) -> str:
    """'How to read this report': the terms every section relies on, in plain words."""
    baselines = [p.source for p in result.privacy if p.source != "synthetic"]
    rows = (
        "Training rows are the real rows the generator learned from. Reference rows (the "
        f"{escape(result.reference)} set) are real rows of the same population that it never saw: they show "
        "what &ldquo;no leak&rdquo; looks like. Records are the released rows judged here: the synthetic ones"
        + (f", and for comparison rows made by {escape(' and '.join(baselines))} from the training rows."
           if baselines else ".")
    )
    p = len(result.fidelity.columns)
    title, text = _TERMS["distance"]
    distance = (title, text.format(example=f" (here {p} columns: {math.sqrt(1 / p):.2f})" if p else ""))
    terms = [("Training rows, reference rows, records", rows), _TERMS["intervals"], distance, _TERMS["dcr_share"],
             _TERMS["auc"], _TERMS["attribute_inference"]]
    if any(_DP_NOTE.search(n) for n in result.notes):
        terms.append(_TERMS["dp"])
    return guide_section(terms)


SUMMARY_NOTE = (
    "<p class='note'>Utility: paired difference against training on real rows only, pooled over "
    "classifiers and seeds. Privacy: the DCR share with its own verdict, and the overall verdict "
    'with the measures that set it: "leaks" if any measure below leaks, "no measurable leak" if '
    'every one is clear, else "inconclusive"; the DCR share is 0.5 '
    "for records no closer to the training rows than fresh real rows, 1.0 for copies.</p>"
)


def low_dcr_share_note(said: str) -> str:
    """Why a DCR share well below 0.5 is no cause for concern; ``said`` names the sources and shares."""
    return (f"<p class='note'>A DCR share below 0.5 ({said}) is not a leak: see <i>DCR share</i> in "
            "<a href='#guide'>How to read this report</a>.</p>")


_SETTINGS = {
    "real": "trains on the training rows alone",
    "real+synthetic@r": "adds r times as many synthetic records as there are training rows",
    "real+smote@r": "adds as many rows made by SMOTE (interpolated between real rows of a class), a baseline to beat",
    "real+ros@r": "adds as many copies of real rows (random oversampling), a baseline to beat",
    "synthetic": "trains on the synthetic records alone",
}


def settings_note(settings: Iterable[str]) -> str:
    """What each setting of the utility tables trains on (``real+synthetic@2`` -> ``real+synthetic@r``)."""
    shown = {re.sub(r"@[^@]*$", "@r", s) for s in settings}
    said = "; ".join(f"<i>{k}</i> {v}" for k, v in _SETTINGS.items() if k in shown)
    return f"<p class='note'>{said}. Scores run from 0 to 1, higher is better.</p>"


def privacy_intro(reference: str) -> str:
    """What the privacy table compares and when a measure leaks."""
    return (f"<p>Training rows are compared with {escape(reference)} rows the generator "
            "never saw. A measure <i>leaks</i> when its whole 95% interval lies more than a "
            "tolerance above its null value: the value expected when the records reveal nothing "
            "about the training rows.</p>")


DETAIL_LABELS = {
    "raw_share": "unbalanced share",
    "raw_null": "its no-leak value",
    "records_rate": "share among records",
    "reference_rate": "share among reference rows",
    "shared_rate": "share copying a combination many people share",
    "members": "training rows scored",
    "non_members": "reference rows scored",
    "train_success": "right on training rows",
    "reference_success": "right on reference rows",
}
"""A measure's ``details`` key (as in report.json) -> its label in the HTML."""

_DETAIL_MEANINGS = (
    (("raw_share", "raw_null"), "the DCR share before balancing for the two sets' sizes, and what it would "
     "be if nothing leaked (training rows over all real rows)"),
    (("records_rate", "reference_rate"), "the share of records, and of reference rows, that are exact copies, "
     "closer than 95% of reference rows, or have a low distance ratio; the second is what chance gives, "
     "and the excess share is the first minus the second"),
    (("shared_rate",), "the share of records identical to a combination of values (label included) that 5 or "
     "more training rows and a reference row share: copying it singles none of them out (k-anonymity), so the "
     "exact-copies gate of <code>synthaug share</code> does not count them"),
    (("members", "non_members"), "how many training rows and reference rows the attack scored"),
    (("train_success", "reference_success"), "how often the attacker guesses the column right for training "
     "rows, and for reference rows (what the records teach about anyone, not about the training rows)"),
)
"""Pairs of ``details`` keys and what they mean, said under the privacy table."""


def detail_notes(sources: list[LeakageResult]) -> str:
    """What the small figures under each verdict are, for the details the table shows."""
    shown = {k for p in sources for m in p.measures for k in m.details}
    said = "; ".join(
        " / ".join(f"<i>{DETAIL_LABELS[k]}</i>" for k in keys) + f": {meaning}"
        for keys, meaning in _DETAIL_MEANINGS if shown & set(keys)
    )
    return (
        f"<p class='note'>Under each verdict: {said}. The <i>distance ratio</i> is a record's distance to "
        "its closest training row over that to the second closest: near 0, the record sits on one particular "
        "training row. Attribute inference: an attacker who knows all of a person's other columns takes the "
        "missing one from the closest record.</p>"
    )


PERCENTILE_NOTE = (
    "<p class='note'>Distances as defined in <a href='#guide'>How to read this report</a> (0 = "
    "identical). p1, p5 and p50 are the distances below which 1%, 5% and half of the rows lie. The "
    "reference columns are the same for the reference rows, real people the generator never saw: "
    "the distance an unrelated person has to the training rows. Records' p1 and p5 far below the "
    "reference's point to copies or near copies; similar or larger values are what you want.</p>"
)
"""Under the table of distances to the closest training row."""

MARGINAL_NOTE = (
    "<p class='note'>How far each column's distribution (its marginal) in the records is from the "
    "training rows': <i>ks</i> is the Kolmogorov-Smirnov statistic (numeric and date columns), the "
    "largest gap between the shares of real and synthetic values below any threshold; <i>tv</i> is the "
    "total variation distance (categorical columns), the share of rows that would have to change "
    "category to match. Both run from 0 (identical marginals) to 1 (no overlap).</p>"
)
"""Under the table of marginal distances."""

CLASS_MIX_NOTE = (
    "<p><b>Measured at the synthetic class mix.</b> The synthetic table's class shares differ from the "
    "training table's (e.g. <code>sample --balance</code>), so each real row is weighted by its class's "
    "synthetic share over its real share: the feature marginals (and the real shares drawn for them), "
    "the real associations and the detection AUC below compare the generator within classes. The "
    "target's marginal compares the class mixes unweighted:</p>"
)
"""Why and how the real rows were weighted, above the table of class mixes."""


RELEASE_PREFIXES = ("release:", "release gates")
"""How the notes of a ``synthaug share`` release begin (:mod:`synthaug._release_card` writes them): the
report shows them first, under "Release", not at the end of its notes."""
GATES_PASSED = "release gates (all passed)"


def is_release_note(note: str) -> bool:
    """Whether ``note`` is one of a release's own notes (:data:`RELEASE_PREFIXES`)."""
    return note.startswith(RELEASE_PREFIXES)


def verdict_mismatch_note(verdict_html: str, drivers: str) -> str:
    """The warning at the top of a released report whose overall privacy verdict (``verdict_html``, set by
    the measures ``drivers``, HTML) is not "no measurable leak" although every gate passed."""
    return (f"<p><b>Released although the overall privacy verdict is</b> {verdict_html} (from {drivers}). The "
            "release gates passed on their own limits, and they test less than the verdict does: by default near "
            "copies, low NNDR and attribute inference are not gated, and the membership-attack gate's limit (0.6) "
            "is looser than the verdict's (0.5 + tolerance 0.05). <code>card.json</code>'s "
            "<code>verdict_mismatch</code> names each measure behind the verdict and why its gate let it pass. "
            "Review the privacy section before passing the release on.</p>")


def release_section(notes: list[str], mismatch: str) -> str:
    """The "Release" section (anchor ``#release``): ``mismatch`` (:func:`verdict_mismatch_note`, or ""),
    what ``card.json`` holds, and the release's ``notes``."""
    items = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return ("<h2 id='release'>Release</h2>" + mismatch
            + "<p>This evaluation belongs to a release written by <code>synthaug share</code>. "
            "<code>card.json</code> beside this report records what was trained, with what guarantee, the gates "
            "and their limits, every measure with its interval and verdict, the seed and when it was written.</p>"
            f"<ul>{items}</ul>")
