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
