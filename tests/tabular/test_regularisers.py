"""TabularCGAN's opt-in discriminator regularisers: lecam_weight and r1_weight."""

import hashlib

import numpy as np
import pandas as pd
import pytest

import synthaug.tabular.training as training
from synthaug import DataError, TabularCGAN

# sha256 of pd.util.hash_pandas_object(sample_frame(n=40, random_state=1)) of a default fit, computed with the
# code of 10e407f (before the regularisers existed); same torch / numpy / pandas as the rest of the suite.
# 3dbff86 changed which rows the privacy filter's pinning test keeps (a local reference), so the hash is
# that of 3dbff86 with the regularisers off: the generator's bytes are those of 10e407f, the filter's choice is new
# (with the pinning test of 6811866 the hash of 10e407f, c41823d6..., still holds); a7bb0e0 changed it again
# (a reference of the 8 nearest rows, at the quantile 0.75; 3dbff86's 20 rows at 0.7 gave 8a02304f...)
DEFAULT_SAMPLE = "786f714ad298e703126aef11e9ce9645749cb9380509ecda6e150fed63551590"


def _sample(table: pd.DataFrame, params: dict, **extra) -> pd.DataFrame:
    return TabularCGAN(random_state=0, **params, **extra).fit(table, y="label").sample_frame(n=40, random_state=1)


@pytest.mark.parametrize("extra", [{}, {"rounding": False}])
def test_default_fit_samples_the_bytes_of_before(mixed_table, fast_params, extra):
    """Rounding to the training decimals (``rounding``, on by default) came later and leaves these bytes
    alone, as the fixture's one continuous column, ``score`` (normal draws), needs more than 14 decimals:
    the hash of before holds with rounding on and off."""
    digest = hashlib.sha256(pd.util.hash_pandas_object(_sample(mixed_table, fast_params, **extra)).values.tobytes())
    assert digest.hexdigest() == DEFAULT_SAMPLE


def test_zero_weights_never_compute_a_penalty(mixed_table, fast_params, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("a penalty was computed at weight 0")

    monkeypatch.setattr(training, "r1_penalty", boom)
    monkeypatch.setattr(training.LeCamAnchors, "penalty", boom)
    _sample(mixed_table, fast_params, lecam_weight=0.0, r1_weight=0.0)


@pytest.mark.parametrize("name", ["lecam_weight", "r1_weight"])
def test_each_weight_changes_the_fit(mixed_table, fast_params, name):
    plain = _sample(mixed_table, fast_params)
    assert not plain.equals(_sample(mixed_table, fast_params, **{name: 10.0}))


def test_r1_sees_the_real_packs_only(mixed_table, fast_params, monkeypatch):
    calls, penalty = [], training.r1_penalty

    def spy(real_logits, inputs):
        calls.append((real_logits.shape[0], inputs.shape[0]))
        return penalty(real_logits, inputs)

    monkeypatch.setattr(training, "r1_penalty", spy)
    model = TabularCGAN(random_state=0, r1_weight=1.0, pac=4, **fast_params).fit(mixed_table, y="label")
    packs = min(fast_params["batch_size"], len(mixed_table)) // 4  # 16 real packs, 16 fake packs of 4 rows
    assert calls == [(packs, 2 * packs * 4)] * fast_params["min_steps"]
    assert np.isfinite(model.history_[0][-1]["d_loss"])


@pytest.mark.parametrize("name", ["lecam_weight", "r1_weight"])
@pytest.mark.parametrize("value", [-0.1, float("nan"), float("inf"), True])
def test_bad_weights_are_named(mixed_table, name, value):
    with pytest.raises(DataError, match=f"{name} must be a finite number >= 0"):
        TabularCGAN(**{name: value}).fit(mixed_table, y="label")


@pytest.mark.parametrize("name", ["lecam_weight", "r1_weight"])
def test_refused_under_dp(mixed_table, name):
    with pytest.raises(DataError, match=f"{name}: not supported with DP"):
        TabularCGAN(dp_epsilon=1.0, **{name: 0.5}).fit(mixed_table, y="label")


def test_r1_refused_with_wgan_gp(mixed_table):
    with pytest.raises(DataError, match="r1_weight: not with loss wgan-gp"):
        TabularCGAN(loss="wgan-gp", r1_weight=1.0).fit(mixed_table, y="label")
