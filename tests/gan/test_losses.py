import math

import pytest
import torch

from synthaug.gan.losses import discriminator_loss, feature_matching_loss, generator_loss, gradient_penalty


def test_hinge_and_wasserstein_by_hand():
    real, fake = torch.tensor([2.0, 0.5]), torch.tensor([-2.0, 0.0])
    # relu(1-2)=0, relu(1-0.5)=0.5 -> 0.25 ; relu(1-2)=0, relu(1+0)=1 -> 0.5
    assert discriminator_loss("hinge", real, fake).item() == pytest.approx(0.75)
    assert discriminator_loss("wgan-gp", real, fake).item() == pytest.approx(-1.0 - 1.25)
    assert generator_loss("hinge", fake).item() == pytest.approx(1.0)


def test_non_saturating_with_label_smoothing_by_hand():
    zero = torch.zeros(1)
    # logits 0: BCE(0, target) = log 2 for any target
    assert discriminator_loss("non-saturating", zero, zero, real_label=0.9).item() == pytest.approx(2 * math.log(2))
    assert generator_loss("non-saturating", zero).item() == pytest.approx(math.log(2))
    big = torch.tensor([20.0])
    # with smoothing, a very confident real logit is penalised: 0.1 * 20 (plus ~0)
    assert discriminator_loss("non-saturating", big, -big, real_label=0.9).item() == pytest.approx(2.0, abs=1e-3)


def test_gradient_penalty_of_a_linear_critic():
    w = torch.tensor([3.0, 4.0])  # |grad| = 5 everywhere -> (5 - 1)^2 = 16
    critic = lambda x: x @ w  # noqa: E731
    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    assert gradient_penalty(critic, real, fake, torch.Generator().manual_seed(0)).item() == pytest.approx(16.0)


def test_feature_matching_by_hand():
    real = torch.tensor([[1.0, 2.0], [3.0, 4.0]])  # mean (2, 3)
    fake = torch.tensor([[0.0, 0.0], [0.0, 2.0]])  # mean (0, 1)
    assert feature_matching_loss(real, fake).item() == pytest.approx(8.0)


def test_unknown_loss():
    with pytest.raises(ValueError, match="unknown loss"):
        generator_loss("lsgan", torch.zeros(1))
