import pytest
import torch

from synthaug.images.diffaugment import (
    POLICIES,
    brightness,
    cutout,
    diff_augment,
    parse_policy,
    translation,
)

ALL = ("color", "translation", "cutout")


def batch():
    return torch.linspace(-1, 1, 4 * 3 * 8 * 8).reshape(4, 3, 8, 8)


def test_seeded_and_shape_preserving():
    a = diff_augment(batch(), ALL, torch.Generator().manual_seed(1))
    b = diff_augment(batch(), ALL, torch.Generator().manual_seed(1))
    c = diff_augment(batch(), ALL, torch.Generator().manual_seed(2))
    assert a.shape == (4, 3, 8, 8)
    assert torch.equal(a, b) and not torch.equal(a, c)


@pytest.mark.parametrize("name", list(POLICIES))
def test_each_operation_is_differentiable(name):
    x = batch().requires_grad_(True)
    out = diff_augment(x, (name,), torch.Generator().manual_seed(0))
    (out * torch.arange(out.numel()).reshape(out.shape)).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_translation_moves_pixels_and_fills_zeros():
    x = torch.ones(64, 1, 8, 8)
    out = translation(x, torch.Generator().manual_seed(0))
    per_image = out.sum(dim=(1, 2, 3))
    assert set(per_image.tolist()) <= {64.0, 56.0, 49.0}  # shifts of 0 or 1 px in x and/or y
    assert (per_image < 64).any()


def test_cutout_zeros_at_most_a_quarter():
    out = cutout(torch.ones(32, 1, 8, 8), torch.Generator().manual_seed(0))
    zeros = (out == 0).sum(dim=(1, 2, 3))
    assert zeros.max() == 16 and (zeros > 0).all()


def test_brightness_shifts_each_image_by_one_offset():
    x = torch.zeros(5, 1, 4, 4)
    out = brightness(x, torch.Generator().manual_seed(0))
    assert torch.allclose(out, out[:, :, :1, :1].expand_as(out))
    assert (out.abs() <= 0.5).all()


def test_probability_zero_is_identity_and_unknown_policy_fails():
    x = batch()
    assert torch.equal(diff_augment(x, ALL, torch.Generator().manual_seed(0), p=0.0), x)
    with pytest.raises(ValueError, match="rotation"):
        parse_policy("color,rotation")
    assert parse_policy(" color , cutout ") == ("color", "cutout")


def test_each_image_is_augmented_on_its_own():
    """What DP-SGD needs: an image's augmented version never depends on the other images in the batch."""
    policy = ALL
    x = torch.rand(4, 3, 8, 8, generator=torch.Generator().manual_seed(0)) * 2 - 1
    other = x.clone()
    other[1:] = -x[1:]
    a = diff_augment(x, policy, torch.Generator().manual_seed(1), p=0.5)
    b = diff_augment(other, policy, torch.Generator().manual_seed(1), p=0.5)
    assert torch.equal(a[0], b[0]) and not torch.equal(a[1:], b[1:])
    x.requires_grad_(True)
    (grad,) = torch.autograd.grad(diff_augment(x, policy, torch.Generator().manual_seed(1))[0].sum(), x)
    assert grad[1:].abs().sum() == 0 and grad[0].abs().sum() > 0


def test_affine_keeps_black_black_and_moves_an_off_centre_pixel():
    from synthaug.images.diffaugment import affine

    black = -torch.ones(16, 1, 8, 8)
    assert torch.allclose(affine(black, torch.Generator().manual_seed(0)), black)
    x = black.clone()
    x[:, :, 1, 1] = 1.0
    out = affine(x, torch.Generator().manual_seed(0))
    assert out.shape == x.shape and not torch.allclose(out, x)
    assert out.min() >= -1.0 - 1e-6 and out.max() <= 1.0 + 1e-6
    still = affine(x, torch.Generator().manual_seed(0), degrees=0.0, scale=0.0)  # identity
    assert torch.allclose(still, x, atol=1e-5)
