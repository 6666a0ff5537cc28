"""The default sampling chunk keeps rows x encoded columns bounded; other chunk sizes are kept as asked."""

import pandas as pd
import pytest

from synthaug import TabularCGAN
from synthaug.sampling import ROW_CHUNK
from synthaug.tabular import generation
from tests.conftest import FAST, make_mixed_table


@pytest.fixture(scope="module")
def model():
    return TabularCGAN(random_state=0, privacy_filter=None, label_filter=None, **FAST).fit(
        make_mixed_table(60), y="label")


def test_the_default_chunk_of_a_wide_encoding_holds_fewer_rows(model, monkeypatch):
    # 50,000-row chunks of adult with a 5,000-level column (5,066 encoded columns) took 2.6 GB
    width = model.encoder_.output_dim_
    monkeypatch.setattr(generation, "WIDE_ENCODING", 2)  # as if this table were wider than the limit
    monkeypatch.setattr(generation, "ROW_CHUNK", 40)
    sizes = [len(chunk) for chunk in model.iter_sample(200, random_state=0)]
    assert sizes[0] == 40 * 2 // width and sum(sizes) == 200
    assert generation.chunk_rows(generation.DEFAULT_CHUNK, width) == 40 * 2 // width


def test_a_chunk_size_asked_for_is_kept_even_when_wide(model, monkeypatch):
    monkeypatch.setattr(generation, "WIDE_ENCODING", 2)
    assert [len(c) for c in model.iter_sample(25, chunk_size=10, random_state=0)] == [10, 10, 5]
    assert generation.chunk_rows(ROW_CHUNK, 10**6) == ROW_CHUNK  # the number, passed: not the default


def test_ordinary_tables_sample_the_same_rows_as_with_the_fixed_default(model):
    assert model.encoder_.output_dim_ <= generation.WIDE_ENCODING
    assert generation.chunk_rows(generation.DEFAULT_CHUNK, 2_048) == ROW_CHUNK == generation.DEFAULT_CHUNK
    pd.testing.assert_frame_equal(model.sample_frame(30, random_state=4),
                                  pd.concat(model.iter_sample(30, chunk_size=ROW_CHUNK, random_state=4),
                                            ignore_index=True))


def test_a_5000_level_encoding_samples_about_a_gigabyte_of_cells_per_chunk():
    rows = generation.chunk_rows(generation.DEFAULT_CHUNK, 5_066)
    assert rows == ROW_CHUNK * 2_048 // 5_066 == 20_213


def test_sample_takes_a_chunk_size_as_iter_sample_and_the_cli_do(model):
    """The README said chunking works "as in Python's model.sample", which took no chunk_size (a TypeError)."""
    X, y = model.sample(n=25, chunk_size=10, random_state=3)
    chunked = pd.concat(model.iter_sample(25, chunk_size=10, random_state=3), ignore_index=True)
    pd.testing.assert_frame_equal(X, chunked.drop(columns="label"))
    pd.testing.assert_series_equal(y, chunked["label"])
    X0, _ = model.sample(n=25, random_state=3)  # the default: the rows sample drew before
    pd.testing.assert_frame_equal(X0, model.sample_frame(25, random_state=3).drop(columns="label"))
    assert not X0.equals(X)  # another chunk size draws other rows for the same seed


def test_a_larger_sample_does_not_start_with_a_smaller_one_of_the_same_seed(model):
    """As the README says: draw the full size at once; n=200 is not n=100 and 100 rows more."""
    small, large = model.sample_frame(100, random_state=5), model.sample_frame(200, random_state=5)
    assert not small.equals(large.head(100))
    in_place = (small.to_numpy() == large.head(100).to_numpy()).all(axis=1).sum()
    assert in_place < 5  # drawn anew (a tiny model's rows can repeat by chance: 1 here), not a prefix (100)
