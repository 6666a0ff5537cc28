import math

import pytest
import torch

from synthaug.gan.losses import (
    discriminator_loss,
    feature_matching_loss,
    generator_loss,
    gradient_penalty,
    r1_penalty,
)


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


def test_r1_penalty_of_a_linear_critic_on_packs():
    # packs of 2 rows of 2 columns: logit = pack (4,) . w, so |grad|^2 = 1 + 4 + 4 + 16 = 25 per real pack
    w = torch.tensor([1.0, 2.0, 2.0, 4.0])
    inputs = torch.randn(6, 2).requires_grad_(True)  # 2 real packs, then 1 fake pack
    logits = inputs.reshape(-1, 4) @ w  # (3,)
    assert r1_penalty(logits[:2], inputs).item() == pytest.approx(25.0)  # the fake pack adds nothing


def test_r1_penalty_keeps_its_graph_to_the_critic():
    a = torch.tensor(1.0, requires_grad=True)
    x = torch.tensor([[1.0, 0.0], [0.0, 2.0]], requires_grad=True)
    logits = a * x.square().sum(1)  # grad_x = 2 a x: |grad|^2 = 4 a^2 |x|^2 = 4 and 16
    value = r1_penalty(logits, x)
    assert value.item() == pytest.approx(10.0)
    value.backward()  # d/da mean(4 a^2 |x|^2) = 8 a mean(|x|^2) = 8 * 2.5
    assert a.grad.item() == pytest.approx(20.0)


def test_r1_penalty_of_no_real_packs_is_zero():
    x = torch.zeros(3, 2, requires_grad=True)
    assert r1_penalty(x.sum(1)[:0], x).item() == 0.0
