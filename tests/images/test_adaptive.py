import numpy as np
import pytest
import torch

from synthaug.images.adaptive import AdaptiveProbability, consistency_penalty, pseudo_augment
from synthaug.images.synthesizer import ImageCGAN

from .conftest import TINY


def _weights(model: ImageCGAN) -> bytes:
    return b"".join(v.numpy().tobytes() for v in model.generator_.state_dict().values())


def test_controller_moves_p_by_the_sign_of_r_t_by_hand():
    # step = interval * batch / speed = 2 * 4 / 16 = 0.5
    ada = AdaptiveProbability(target=0.6, p=0.0, batch_size=4, speed_images=16, interval=2)
    ada.observe(torch.tensor([1.0, 2.0, 0.5, -1.0]))
    assert ada.p == 0.0 and np.isnan(ada.last_r)  # no adjustment before `interval` batches
    ada.observe(torch.tensor([3.0, 1.0, 1.0, 1.0]))
    assert ada.last_r == pytest.approx(0.75) and ada.p == pytest.approx(0.5)  # (3 - 1 + 4) / 8 > 0.6
    for _ in range(2):
        ada.observe(torch.tensor([1.0, 1.0, 1.0, -1.0]))
    assert ada.last_r == pytest.approx(0.5) and ada.p == pytest.approx(0.0)  # 0.5 < 0.6: down
    for _ in range(2):
        ada.observe(-torch.ones(4))
    assert ada.p == 0.0  # clamped at 0
    ada.p = 0.9
    for _ in range(2):
        ada.observe(torch.ones(4))
    assert ada.p == 1.0  # clamped at 1


def test_pseudo_augment_swaps_rows_and_draws_nothing_at_p_0():
    real, fake = torch.zeros(6, 1, 2, 2), torch.ones(6, 1, 2, 2)
    gen = torch.Generator().manual_seed(0)
    state = gen.get_state()
    same, mask = pseudo_augment(real, fake, 0.0, gen)
    assert same is real and not mask.any() and torch.equal(gen.get_state(), state)
    mixed, mask = pseudo_augment(real, fake, 1.0, gen)
    assert torch.equal(mixed, fake) and mask.all()
    mixed, mask = pseudo_augment(real, fake, 0.5, torch.Generator().manual_seed(3))
    assert torch.equal(mixed.flatten(1).mean(1), mask.float())  # swapped rows are the fake ones


def test_consistency_penalty_by_hand():
    assert float(consistency_penalty(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 4.0]))) == pytest.approx(2.5)


def test_options_off_leave_the_fit_unchanged(images):
    x, codes = images
    plain = ImageCGAN(**TINY, random_state=0).fit(x, codes)
    off = ImageCGAN(**TINY, apa_target=None, ada_target=None, bcr_weight=0.0, adapt_images=5,
                    random_state=0).fit(x, codes)
    assert _weights(plain) == _weights(off) and plain.history_ == off.history_
    # APA whose probability is still 0 runs the adaptive step, which must equal the plain one
    apa = ImageCGAN(**TINY, apa_target=0.6, random_state=0).fit(x, codes)
    assert _weights(apa) == _weights(plain)
    assert apa.history_[-1]["apa_p"] == 0.0 and apa.history_[-1]["apa_r"] < 0.6  # the first r_t was low


@pytest.mark.parametrize("option", [dict(apa_target=-0.99, adapt_images=8), dict(ada_target=0.0),
                                    dict(bcr_weight=10.0)])
def test_each_option_changes_the_fit(images, option):
    x, codes = images
    params = {**TINY, "steps": 8}
    plain = ImageCGAN(**params, random_state=0).fit(x, codes)
    other = ImageCGAN(**params, **option, random_state=0).fit(x, codes)
    assert _weights(plain) != _weights(other)
    if "apa_target" in option:  # r_t >= -0.99 always: p rises to 1 at the first adjustment
        assert other.history_[-1]["apa_p"] == 1.0


@pytest.mark.parametrize("option, match", [
    (dict(apa_target=1.0), "apa_target must be in"),
    (dict(ada_target=-1.5), "ada_target must be in"),
    (dict(apa_target=False), "apa_target must be in"),
    (dict(bcr_weight=-1.0), "bcr_weight must be a finite number >= 0"),
    (dict(lecam_weight=float("inf")), "lecam_weight must be a finite number >= 0"),
    (dict(class_weight=True), "class_weight must be a finite number >= 0"),
    (dict(adapt_images=0), "adapt_images must be a whole number"),
    (dict(apa_target=0.6, dp_epsilon=5.0, dp_delta=1e-3), "apa_target=0.6: APA, ADA, bCR and LeCam are not supported"),
    (dict(bcr_weight=1.0, dp_epsilon=5.0, dp_delta=1e-3), "bcr_weight=1.0: APA, ADA, bCR and LeCam are not supported"),
    (dict(lecam_weight=0.1, dp_epsilon=5.0, dp_delta=1e-3), "lecam_weight=0.1: APA, ADA, bCR and LeCam are not"),
])
def test_bad_values_are_refused(images, option, match):
    x, codes = images
    with pytest.raises(ValueError, match=match):
        ImageCGAN(**TINY, **option).fit(x, codes)
