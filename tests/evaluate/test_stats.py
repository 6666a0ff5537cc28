"""Hand-computed checks of the interval and verdict functions."""

import numpy as np
import pytest

from synthaug.evaluate import stats


def test_z_value():
    assert stats.z_value(0.95) == pytest.approx(1.959964, abs=1e-6)


def test_wilson_five_of_ten():
    # p = 0.5, z^2/n = 0.38415: centre 0.5, half-width 1.96 * sqrt(0.025 + 0.0096) / 1.38415
    low, high = stats.wilson_interval(5, 10)
    assert low == pytest.approx(0.236593, abs=1e-5)
    assert high == pytest.approx(0.763407, abs=1e-5)


def test_wilson_zero_successes():
    low, high = stats.wilson_interval(0, 10)
    assert low == 0.0
    assert high == pytest.approx(0.38415 / 1.38415, abs=1e-5)  # z^2/n / (1 + z^2/n)


def test_newcombe_matches_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 - 48/80
    diff, low, high = stats.newcombe_interval(56, 70, 48, 80)
    assert diff == pytest.approx(0.2)
    assert low == pytest.approx(0.0524, abs=5e-4)
    assert high == pytest.approx(0.3339, abs=5e-4)


def test_auc_delong_by_hand():
    # pairs (pos, neg): (1,2) lose, (1,4) lose, (3,2) win, (3,4) lose -> AUC 1/4.
    # placements V10 = [0, 1/2], V01 = [1/2, 0]: variances 1/8 each -> var = 1/16 + 1/16.
    auc, se = stats.auc_delong(np.array([1.0, 3.0]), np.array([2.0, 4.0]))
    assert auc == pytest.approx(0.25)
    assert se == pytest.approx(np.sqrt(0.125))



def test_weighted_auc_by_hand():
    # negatives 2 and 4 weigh 3 and 1: V10 = [0, 3/4] -> AUC 3/8; V01 = [1/2, 0] around 3/8 with
    # shares [3/4, 1/4]: 2 * (9/16 * 1/64 + 1/16 * 9/64) = 9/256; var(V10) / 2 = 9/64
    auc, se = stats.auc_delong(np.array([1.0, 3.0]), np.array([2.0, 4.0]), neg_weights=np.array([3.0, 1.0]))
    assert auc == pytest.approx(0.375)
    assert se == pytest.approx(np.sqrt(9 / 64 + 9 / 256))


def test_unit_weights_give_the_unweighted_auc_and_interval():
    rng = np.random.default_rng(0)
    pos, neg = rng.integers(0, 6, 40).astype(float), rng.integers(0, 5, 50).astype(float)  # with ties
    assert stats.auc_delong(pos, neg, np.ones(50)) == pytest.approx(stats.auc_delong(pos, neg))
    assert stats.auc_interval(pos[:8], neg, neg_weights=np.ones(50)) == pytest.approx(stats.auc_interval(pos[:8], neg))
    whole = rng.integers(1, 4, 50)  # whole weights: the AUC of the repeated negatives
    assert stats.auc_delong(pos, neg, whole)[0] == pytest.approx(stats.auc_delong(pos, np.repeat(neg, whole))[0])

def test_auc_ties_count_half():
    auc, _ = stats.auc_delong(np.array([1.0, 1.0]), np.array([1.0, 1.0]))
    assert auc == pytest.approx(0.5)


def test_auc_interval_of_a_perfect_separation_is_wilsons():
    # DeLong's placements have no variance here; 3 against 3 separate by chance 1 time in 20
    auc, low, high = stats.auc_interval(np.array([3.0, 4.0, 5.0]), np.array([0.0, 1.0, 2.0]))
    assert (auc, high) == (1.0, 1.0)
    assert low == pytest.approx(stats.wilson_interval(3, 3)[0]) == pytest.approx(0.4385, abs=1e-4)
    assert stats.verdict_from_interval(low, high, 0.5, 0.05) != "leaks"
    auc, low, high = stats.auc_interval(np.arange(400.0, 600.0), np.arange(200.0))  # 200 each: still sure
    assert auc == 1.0 and low == pytest.approx(200 / (200 + stats.z_value(0.95) ** 2), abs=1e-3)
    _, low, high = stats.auc_interval(np.ones(5), np.ones(5))  # all tied: AUC 0.5, not a point
    assert low < 0.5 < high and high - low > 0.5
    _, low, high = stats.auc_interval(np.array([1.0, 3.0]), np.array([2.0, 4.0]))  # DeLong otherwise
    assert low == pytest.approx(max(0.0, 0.25 - stats.z_value(0.95) * np.sqrt(0.125)))


def test_auc_lower_bound_grows_with_separation_in_small_groups():
    # 3 against 3: AUC 8/9 had DeLong's [0.58, 1], above the perfect separation's Wilson [0.44, 1]
    members = [np.array([3.0, 4.0, 5.0]), np.array([1.5, 4.0, 5.0]), np.array([0.5, 4.0, 5.0])]
    lows = [stats.auc_interval(m, np.array([0.0, 1.0, 2.0]))[1] for m in members]  # AUC 1, 8/9, 7/9
    assert lows[0] > lows[1] > lows[2]
    assert lows[1] == pytest.approx(stats.wilson_interval(8 / 3, 3)[0])
    large = stats.auc_interval(np.arange(30.0) + 10, np.arange(30.0))  # 30 each: DeLong's interval as it was
    se = stats.auc_delong(np.arange(30.0) + 10, np.arange(30.0))[1]
    assert large[1] == pytest.approx(large[0] - stats.z_value(0.95) * se)


def test_t_interval_by_hand():
    # mean 2, sd 1, t(0.975, 2) = 4.302653
    mean, low, high = stats.t_interval(np.array([1.0, 2.0, 3.0]))
    assert mean == 2.0
    assert high - mean == pytest.approx(4.302653 / np.sqrt(3), abs=1e-5)
    assert mean - low == pytest.approx(high - mean)


def test_percentile_interval_ignores_nan():
    low, high = stats.percentile_interval(np.r_[np.arange(101.0), np.nan], confidence=0.9)
    assert (low, high) == pytest.approx((5.0, 95.0))


def test_cluster_ratio_bootstrap_constant_ratio():
    rng = np.random.default_rng(0)
    ratio, low, high = stats.cluster_ratio_bootstrap(np.array([2.0, 4.0, 0.0]), np.array([2.0, 4.0, 0.0]), rng)
    assert (ratio, low, high) == (1.0, 1.0, 1.0)


def test_cluster_ratio_bootstrap_covers_ratio():
    rng = np.random.default_rng(0)
    numer = np.r_[np.ones(50), np.zeros(50)]
    ratio, low, high = stats.cluster_ratio_bootstrap(numer, np.ones(100), rng, n_boot=2000)
    assert ratio == 0.5
    assert low < 0.5 < high
    assert high - low == pytest.approx(2 * 1.96 * 0.05, abs=0.03)  # binomial standard error 0.05


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (0.6, 0.7, "leaks"),
        (0.4, 0.55, "no measurable leak"),
        (0.5, 0.6, "inconclusive"),
        (np.nan, np.nan, "inconclusive"),
    ],
)
def test_verdict_from_interval(low, high, expected):
    assert stats.verdict_from_interval(low, high, reference=0.5, tolerance=0.05) == expected


def test_effect_verdict():
    assert stats.effect_verdict(0.01, 0.02) == "helps"
    assert stats.effect_verdict(-0.02, -0.01) == "hurts"
    assert stats.effect_verdict(-0.01, 0.01) == "no measurable effect"
