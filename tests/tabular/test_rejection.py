import numpy as np
import pandas as pd

from synthaug.tabular.rejection import first_accepted, next_batch


def test_first_accepted_by_hand():
    # rows with 3, 1 and 2 candidates: rejected pattern [T F F | T | T F]
    rejected = np.array([True, False, False, True, True, False])
    first, found, starts = first_accepted(rejected, np.array([3, 1, 2]))
    assert starts.tolist() == [0, 3, 4]
    assert first.tolist() == [1, 6, 5]  # row 1 has no accepted candidate: len(rejected)
    assert found.tolist() == [True, False, True]


def test_next_batch_sizes_by_hand():
    checked, accepted = np.array([100.0, 10.0]), np.array([25.0, 0.0])  # class 0 accepts 1 in 4, class 1 none yet
    codes = np.array([0, 1] * 200)  # 400 rows left of a 10,000-row chunk: floor max(256, 2500) / 400 -> 7
    per = next_batch(checked, accepted, codes, np.zeros(400, np.int64), chunk=10_000, most=20, tries=100)
    assert per[:2].tolist() == [7, 20]
    few = next_batch(checked, accepted, np.array([0]), np.array([98]), chunk=10_000, most=20, tries=100)
    assert few.tolist() == [2]  # two tries left
    many = next_batch(checked, accepted, np.zeros(5000, np.int64), np.zeros(5000, np.int64), 10_000, 20, 100)
    assert many.max() == 4  # the class needs 4; the cap (4 x chunk / rows = 8) and floor (1) do not bind


class _RejectsAll:
    def too_close(self, frame, codes):
        return np.ones(len(codes), dtype=bool)


def test_rows_kept_inside_the_radius_are_warned_of_without_advice_to_loosen_the_filter():
    # the warning said "lower privacy_filter or privacy_filter_pinning": a looser filter lets the near-copy through
    import pandas as pd
    import pytest

    from synthaug import SynthaugWarning
    from synthaug.tabular.rejection import fill_rows

    codes = np.array([0, 0, 1])
    with pytest.warns(SynthaugWarning) as caught:
        frame, rejected, _ = fill_rows(codes, lambda c: pd.DataFrame({"x": np.zeros(len(c))}), _RejectsAll(), None,
                                       rounds=3, batch=2)
    text = str(caught[0].message)
    assert len(frame) == 3 and rejected == 6  # two rejected tries per row, the third kept
    assert text.startswith("privacy filter: 3 row(s) still inside a training row's radius") and "lower" not in text
    assert "a share release drops them" in text and "train longer, or give their class more rows" in text


class _MislabelsAll:
    def rejects(self, frame, codes):
        return np.ones(len(codes), dtype=bool)


def test_rows_kept_unlike_their_class_are_counted_and_training_longer_is_advised_not_a_looser_filter():
    # the warning said "lower label_filter, or train longer": loosening a quality filter to quiet it
    import pandas as pd
    import pytest

    from synthaug import SynthaugWarning
    from synthaug._text import RECIPE, options_named_for
    from synthaug.tabular.rejection import fill_rows

    def generate(c):
        return pd.DataFrame({"x": np.zeros(len(c))})

    codes = np.array([0, 0, 1, 1])
    with pytest.warns(SynthaugWarning) as caught:
        frame, _, label_rejected = fill_rows(codes, generate, None, _MislabelsAll(), rounds=3, batch=2)
    text = str(caught[0].message)
    assert len(frame) == 4 and label_rejected == 8  # two rejected tries per row, the third kept
    assert text == ("label filter: 4 of 4 row(s) kept after 3 tries although the filter still judged them unlike "
                    "their class; train longer (more epochs) first, as the model may not have learnt those classes "
                    "yet. label_filter sets how strict the filter is")
    with pytest.warns(SynthaugWarning, match=r"yet\. model\.label_filter sets"), options_named_for(RECIPE):
        fill_rows(codes[:1], generate, None, _MislabelsAll(), rounds=2, batch=2)


class _Rejects:
    """Rejects each candidate with probability ``share`` (``common_share`` for a row whose 'c' is "common");
    passes ``fresh`` of fresh rows."""

    def __init__(self, share: float, fresh: float = 0.25, common_share: float | None = None):
        self.share, self.fresh, self.rng = share, fresh, np.random.default_rng(0)
        self.common_share = share if common_share is None else common_share

    def too_close(self, frame, codes):
        share = np.where(frame["c"].to_numpy() == "common", self.common_share, self.share)
        return self.rng.random(len(codes)) < share

    def fresh_acceptance(self) -> float:
        return self.fresh


def test_a_filter_that_regenerates_far_more_than_fresh_rows_need_and_moves_categories_warns():
    # the trial's categorical sample: 4744 regenerated for 400 rows, 'Private' 0.29 against 0.67, no warning;
    # the demo's continuous one regenerates 6.5 a row, moving rows away from training rows (the filter's job)
    import warnings

    import pandas as pd
    import pytest

    from synthaug import SynthaugWarning
    from synthaug.tabular.rejection import fill_rows

    rng = np.random.default_rng(1)

    def make(c):
        return pd.DataFrame({"x": rng.random(len(c)), "c": rng.choice(["common", "rare"], len(c), p=[0.7, 0.3])})

    codes = np.resize(np.array([0, 1]), 100)
    with pytest.warns(SynthaugWarning, match=r"privacy filter: regenerated \d+ candidates for 100 row\(s\)") as caught:
        _, rejected, _ = fill_rows(codes, make, _Rejects(0.6, common_share=0.99), None, rounds=100, batch=20)
    text = str(caught[0].message)
    assert rejected / 100 > 5 and "fresh real rows would need about 3" in text and "skewed" in text
    assert "column 'c': its shares moved by" in text
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, rejected, _ = fill_rows(codes, make, _Rejects(0.9), None, rounds=100, batch=20)  # many, but evenly
        assert rejected / 100 > 5
        _, rejected, _ = fill_rows(codes, make, _Rejects(0.6), None, rounds=100, batch=20)  # about as fresh rows
    assert 0 < rejected / 100 < 5
    with pytest.warns(SynthaugWarning, match="regenerated"):  # without pinning fresh rows pass 1 in 2: above 2
        fill_rows(codes, make, _Rejects(0.5, fresh=0.5, common_share=0.95), None, rounds=100, batch=20)


def test_the_skew_tally_reweights_candidates_to_the_kept_class_mix():
    import pandas as pd

    from synthaug.tabular.filter_skew import SkewTally

    tally = SkewTally()  # class 0 is all "a", class 1 all "b"; class 1 regenerated 9 times as often
    tally.add(pd.DataFrame({"c": ["a"] * 10 + ["b"] * 90}), np.array([0] * 10 + [1] * 90))
    kept = pd.DataFrame({"c": ["a"] * 10 + ["b"] * 10})
    assert tally.skew(kept, np.array([0] * 10 + [1] * 10)) == (0.0, None)  # no shift within a class
    moved = pd.DataFrame({"c": ["a"] * 10 + ["a"] * 10})
    assert tally.skew(moved, np.array([0] * 10 + [1] * 10)) == (0.5, "c")


def test_a_sample_in_chunks_warns_once_at_its_end_with_the_whole_samples_counts():
    # a 2-million-row sample warned per 50,000-row chunk, 40 times, each with its chunk's counts
    import warnings

    import pandas as pd

    from synthaug import SynthaugWarning
    from synthaug.tabular.generation import generated_chunks
    from synthaug.tabular.rejection import fill_rows

    class Model:
        classes_ = np.array([0, 1])

        def _generate_filtered(self, codes, gen, notes=None):
            return fill_rows(codes, lambda c: pd.DataFrame({"x": np.zeros(len(c))}), _RejectsAll(), None,
                             rounds=3, batch=2, notes=notes)[0]

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chunks = generated_chunks(Model(), np.array([4, 5]), chunk_size=4, seed=0)
        sizes = []
        for chunk in chunks:
            assert not caught  # nothing before the last chunk is out
            sizes.append(len(chunk))
    assert sizes == [4, 4, 1]
    texts = [str(w.message) for w in caught if issubclass(w.category, SynthaugWarning)]
    assert texts and len(texts) == 1 and texts[0].startswith("privacy filter: 9 row(s) still inside")


class _Copies:
    """The privacy filter of a table with 40 rows of class 0 and 1 of class 1 (or ``rows``): rejects every
    candidate; its nearest training row is at distance ``x``, and ``x`` 0 is an exact copy."""

    def __init__(self, rows=(40, 1)):
        self.rows = np.array(rows)

    def check(self, frame, codes):
        return np.ones(len(codes), dtype=bool), frame["x"].to_numpy()

    def too_close(self, frame, codes):
        return self.check(frame, codes)[0]

    def class_rows(self):
        return self.rows


def test_a_row_out_of_tries_keeps_its_candidate_farthest_from_the_training_rows():
    # it kept its last candidate: 4 of 100 rows of iris's one-row class were exact copies of that row
    import warnings

    import pandas as pd

    from synthaug.tabular.rejection import fill_rows

    rounds = iter([[0.0, 0.0, 0.0],  # one try a row, then 3 a row, laid out row after row
                   [0.1, 0.9, 0.2, 0.3, 0.1, 0.0, 0.5, 0.5, 0.1],
                   [0.2, 0.2, 0.2, 0.4, 0.0, 0.6, 0.0, 0.0, 0.0]])
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        frame, rejected, _ = fill_rows(np.array([1, 1, 1]), lambda c: pd.DataFrame({"x": next(rounds)}), _Copies(),
                                       None, rounds=7, batch=3)
    assert frame["x"].tolist() == [0.9, 0.6, 0.5]  # the last tries were 0.2, 0.6 and 0.0 (an exact copy)
    assert rejected == 18  # 7 tries a row, 6 regenerated


def test_kept_rows_count_exact_copies_and_name_a_class_too_small_to_synthesise():
    # "30 row(s) still inside ...; train longer, or give their class more rows": 4 were exact copies of the
    # only row of class 2, and training longer does not help a class of 5 rows or fewer
    import pandas as pd
    import pytest

    from synthaug import SynthaugWarning
    from synthaug.tabular.rejection import FilterNotes, fill_rows

    def generate(c):  # class 1 (1 training row): copies of it; class 0 (40 rows): near, not copies
        return pd.DataFrame({"x": np.where(c == 1, 0.0, 0.3)})

    notes = FilterNotes(labels=np.array(["yes", "no"], dtype=object))
    fill_rows(np.array([0, 1, 1, 0, 1]), generate, _Copies(), None, rounds=3, batch=2, notes=notes)
    with pytest.warns(SynthaugWarning) as caught:
        notes.warn()
    assert str(caught[0].message) == (
        "privacy filter: 5 row(s) still inside a training row's radius (or pinned to it) after 3 tries were kept "
        "and may be near-copies of training rows (3 of them exact copies; a share release drops them); class 'no' "
        "(1 training row) has too few rows to be synthesised without copying them: give it more rows or drop the "
        "class (training longer does not help); for the other 2, train longer, or give their class more rows")
    with pytest.warns(SynthaugWarning) as caught:  # classes of 40 and 6 rows: no exact copy, the old advice
        fill_rows(np.array([0, 1]), lambda c: pd.DataFrame({"x": np.full(len(c), 0.2)}), _Copies((40, 6)), None,
                  rounds=3, batch=2)
    assert str(caught[0].message).endswith("may be near-copies of training rows (a share release drops them); "
                                           "train longer, or give their class more rows")


def test_the_skew_tally_counts_only_the_columns_the_model_encodes_as_categories():
    # "column 'visit': its shares moved by 0.56": distinct ISO dates, text to pandas, a datetime to the model
    import warnings

    import pandas as pd

    from synthaug.tabular.rejection import fill_rows

    rng, made = np.random.default_rng(2), [0]

    def make(c):  # every candidate on a date of its own, as ISO text; 'c' evenly rejected
        days = pd.to_timedelta(np.arange(made[0], made[0] + len(c)), unit="D")
        made[0] += len(c)
        return pd.DataFrame({"visit": (pd.Timestamp("1990-01-01") + days).strftime("%Y-%m-%d"),
                             "c": rng.choice(["a", "b"], len(c))})

    class Dated(_Rejects):
        categories = ("c",)

    codes = np.resize(np.array([0, 1]), 100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, rejected, _ = fill_rows(codes, make, Dated(0.9), None, rounds=100, batch=20)
    assert rejected / 100 > 5  # regenerated far more than fresh rows need, but no category moved


def test_the_privacy_filter_names_the_columns_the_encoder_models_as_categories(fast_params):
    from synthaug import TabularCGAN

    table = pd.DataFrame({"visit": [f"2021-{m:02d}-{d:02d}" for m in range(1, 11) for d in (3, 17)],
                          "site": np.resize(["north", "south", "east"], 20), "flag": np.resize([True, False], 20),
                          "x": np.linspace(0, 1, 20), "y": np.resize([0, 1], 20)})
    model = TabularCGAN(random_state=0, **fast_params).fit(table, y="y")
    assert model._privacy_filter.categories == ("site", "flag")
