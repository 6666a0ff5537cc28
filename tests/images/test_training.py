import numpy as np
import pytest
import torch

from synthaug.images.synthesizer import ImageCGAN
from synthaug.images.training import LeCamAnchors

from .conftest import TINY


def test_lecam_penalty_and_anchors_by_hand():
    anchors = LeCamAnchors(decay=0.99)
    # anchors start at 0: mean(1, 9) + mean(1, 1) = 5 + 1
    value = anchors.penalty(torch.tensor([1.0, 3.0]), torch.tensor([-1.0, -1.0]))
    assert float(value) == pytest.approx(6.0)
    assert anchors.real == pytest.approx(0.02) and anchors.fake == pytest.approx(-0.01)
    # (0 - (-0.01))^2 + (0 - 0.02)^2
    assert float(anchors.penalty(torch.zeros(1), torch.zeros(1))) == pytest.approx(0.0005)


def test_lecam_penalty_has_gradients_towards_the_other_anchor():
    anchors = LeCamAnchors()
    anchors.real, anchors.fake = 1.0, -1.0
    real = torch.tensor([0.0], requires_grad=True)
    fake = torch.tensor([0.0], requires_grad=True)
    anchors.penalty(real, fake).backward()
    assert float(real.grad) == pytest.approx(2.0) and float(fake.grad) == pytest.approx(-2.0)


def test_lecam_weight_changes_the_fit_and_is_checked(images):
    x, codes = images
    plain = ImageCGAN(**TINY, random_state=0).fit(x, codes).sample(n=6, random_state=1)[0]
    lecam = ImageCGAN(**TINY, lecam_weight=10.0, random_state=0).fit(x, codes).sample(n=6, random_state=1)[0]
    assert not np.array_equal(plain, lecam)
    with pytest.raises(ValueError, match="lecam_weight"):
        ImageCGAN(**TINY, lecam_weight=-1.0).fit(x, codes)


def test_condition_scale_ramps_between_the_fractions():
    from synthaug.images.training import condition_scale

    values = [condition_scale(s, 10, (0.2, 0.6)) for s in range(10)]
    assert values == pytest.approx([0, 0, 0, 0.25, 0.5, 0.75, 1, 1, 1, 1])
    assert condition_scale(0, 10, None) == 1.0


def test_zero_condition_scale_makes_both_networks_unconditional():
    from synthaug.images.networks import Discriminator, Generator, ImageNetConfig

    net = ImageNetConfig(image_size=8, channels=1, n_classes=3, latent_dim=8, width=4)
    G, D = Generator(net).eval(), Discriminator(net)
    for emb in (m for m in G.modules() if isinstance(m, torch.nn.Embedding)):
        torch.nn.init.normal_(emb.weight)
    z, x = torch.randn(2, 8).repeat(1, 1), torch.randn(1, 1, 8, 8).repeat(2, 1, 1, 1)
    y = torch.tensor([0, 2])
    assert not torch.allclose(G(z[:1].repeat(2, 1), y)[0], G(z[:1].repeat(2, 1), y)[1])
    assert not torch.allclose(*D(x, y)[0])
    G.set_condition_scale(0.0)
    D.condition_scale = 0.0
    assert torch.allclose(G(z[:1].repeat(2, 1), y)[0], G(z[:1].repeat(2, 1), y)[1])
    assert torch.allclose(*D(x, y)[0])


def test_transition_changes_the_fit_and_is_checked(images):
    x, codes = images
    plain = ImageCGAN(**TINY, random_state=0).fit(x, codes)
    ramped = ImageCGAN(**TINY, transition=(0.25, 0.75), random_state=0).fit(x, codes)
    assert not np.array_equal(plain.sample(n=6, random_state=1)[0], ramped.sample(n=6, random_state=1)[0])
    norms = [m for m in ramped.generator_.modules() if hasattr(m, "condition_scale")]
    assert norms and all(m.condition_scale == 1.0 for m in norms)  # sampling is fully conditional
    for bad in ((0.5, 0.5), (0.2, 1.5), (0.1,)):
        with pytest.raises(ValueError, match="transition"):
            ImageCGAN(**TINY, transition=bad).fit(x, codes)
