import pytest
import torch

from synthaug.gan.lecam import LeCamAnchors


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


def test_images_use_the_shared_anchors():
    from synthaug.images import training

    assert training.LeCamAnchors is LeCamAnchors
