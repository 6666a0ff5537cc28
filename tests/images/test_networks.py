import pytest
import torch

from synthaug.images.networks import Discriminator, Generator, ImageNetConfig


@pytest.mark.parametrize(("size", "n_up"), [(8, 1), (12, 1), (28, 2), (64, 4), (9, 0)])
def test_generator_and_discriminator_shapes(size, n_up):
    cfg = ImageNetConfig(image_size=size, channels=3, n_classes=2, latent_dim=4, width=2)
    assert cfg.n_up == n_up
    y = torch.tensor([0, 1, 1])
    x = Generator(cfg)(torch.randn(3, 4), y)
    assert x.shape == (3, 3, size, size) and x.abs().max() <= 1
    logits, phi = Discriminator(cfg)(x, y)
    assert logits.shape == (3,) and phi.shape[0] == 3


def test_mode_seeking_loss_by_hand():
    from synthaug.images.training import mode_seeking_loss

    a, za = torch.zeros(2, 1, 2, 2), torch.zeros(2, 3)
    assert mode_seeking_loss(a + 2.0, a, za + 1.0, za).item() == pytest.approx(1 / (2.0 + 1e-5))


def test_balanced_sampler_draws_every_class_evenly():
    import numpy as np

    from synthaug.images.training import BalancedSampler

    codes = np.array([0] * 90 + [1] * 10)
    rows = BalancedSampler(codes, 2).rows(4000, np.random.default_rng(0))
    assert abs((codes[rows] == 1).mean() - 0.5) < 0.03


def test_truncated_latent_is_bounded_and_seeded():
    from synthaug.images.training import latent

    a = latent(500, 4, torch.Generator().manual_seed(0), truncation=0.5)
    b = latent(500, 4, torch.Generator().manual_seed(0), truncation=0.5)
    assert torch.equal(a, b) and a.abs().max() < 0.5 and a.std() > 0.2


def test_discriminator_class_head_shapes():
    cfg = ImageNetConfig(image_size=8, channels=1, n_classes=3, latent_dim=4, width=2)
    D = Discriminator(cfg, classifier=True).eval()  # eval: no power iteration between the two calls
    x = torch.randn(5, 1, 8, 8)
    _, phi = D(x, torch.zeros(5, dtype=torch.long))
    assert D.classify(phi).shape == (5, 3)
    assert torch.allclose(D.class_logits(x), D.classify(phi))
    assert Discriminator(cfg).classifier is None


@pytest.mark.parametrize("spectral", [True, False])
def test_discriminator_scores_each_image_on_its_own(spectral):
    # the discriminator step scores real and fake images in one batch: that is only the same as two
    # passes if no layer mixes images (no batch norm)
    cfg = ImageNetConfig(image_size=8, channels=1, n_classes=3, latent_dim=4, width=4)
    D = Discriminator(cfg, spectral=spectral, classifier=True).eval()  # eval: no power iteration
    x, y = torch.randn(12, 1, 8, 8), torch.tensor([0, 1, 2] * 4)
    logits, phi = D(x, y)
    a, b = D(x[:5], y[:5]), D(x[5:], y[5:])
    torch.testing.assert_close(logits, torch.cat([a[0], b[0]]))
    torch.testing.assert_close(phi, torch.cat([a[1], b[1]]))
