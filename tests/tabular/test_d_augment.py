import numpy as np
import pytest
import torch

from synthaug import TabularCGAN
from synthaug.tabular.d_augment import annealed, instance_noise, make_augment, pack_mixup


def test_annealed_falls_linearly_to_zero():
    assert [annealed(0.4, t, 4) for t in range(4)] == pytest.approx([0.4, 0.3, 0.2, 0.1])
    assert annealed(0.0, 0, 10) == 0.0


def test_pack_mixup_moves_linear_columns_towards_the_other_row_of_the_pack():
    # 2 packs of 2 rows; columns: 2 softmax, then 1 linear
    x = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 4.0], [1.0, 0.0, 10.0], [1.0, 0.0, 20.0]])
    out = pack_mixup(x, pac=2, n_softmax=2, probability=1.0, alpha=0.5, rng=np.random.default_rng(0))
    assert torch.equal(out[:, :2], x[:, :2])  # categories and modes stay the row's own
    partner = x[[1, 0, 3, 2], 2]  # pac 2: the partner is the pack's other row
    lam = (out[:, 2] - partner) / (x[:, 2] - partner)  # out = lam x + (1 - lam) partner
    assert ((lam >= 0.5 - 1e-6) & (lam <= 1 + 1e-6)).all()
    assert not torch.equal(out, x)


def test_pack_mixup_off_cases_return_the_rows_unchanged():
    x = torch.arange(12.0).reshape(4, 3)
    rng = np.random.default_rng(0)
    assert pack_mixup(x, 2, 1, 0.0, 0.5, rng) is x
    assert pack_mixup(x, 1, 1, 1.0, 0.5, rng) is x
    assert make_augment(0.0, 0.0, 0.5, 2, 1, rng) is None


def test_instance_noise_has_the_given_spread():
    x = torch.zeros(4000, 5)
    noisy = instance_noise(x, 0.3, np.random.default_rng(0))
    assert noisy.std().item() == pytest.approx(0.3, rel=0.03)


@pytest.mark.parametrize("option", [{"instance_noise": 0.3}, {"discriminator_mixup": 0.5}])
def test_augmentation_changes_the_fit_and_defaults_do_not(mixed_table, fast_params, option):
    def fit_sample(**kw):
        model = TabularCGAN(random_state=0, privacy_filter=None, label_filter=None, **fast_params, **kw)
        return model.fit(mixed_table, y="label").sample_frame(n=40)

    base = fit_sample()
    off = {k: 0.0 for k in option}
    assert fit_sample(**off).equals(base)
    assert not fit_sample(**option).equals(base)


def test_augmentation_parameters_are_checked(mixed_table, fast_params):
    for bad, match in [({"instance_noise": -0.1}, "instance_noise must be >= 0"),
                       ({"discriminator_mixup": 1.5}, "discriminator_mixup must be in"),
                       ({"discriminator_mixup_alpha": 0.0}, "discriminator_mixup_alpha must be > 0"),
                       ({"discriminator_mixup": 0.5, "pac": 1}, "needs pac >= 2")]:
        with pytest.raises(ValueError, match=match):
            TabularCGAN(**fast_params, **bad).fit(mixed_table, y="label")
