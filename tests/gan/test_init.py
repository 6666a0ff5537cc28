import torch

from synthaug.gan.init import SeededDropout


def test_seeded_dropout_keeps_with_probability_one_minus_p_and_rescales():
    layer = SeededDropout(0.25)
    layer.generator = torch.Generator().manual_seed(3)
    x = torch.randn(40, 30).requires_grad_(True)
    out = layer(x)
    keep = torch.rand(40, 30, generator=torch.Generator().manual_seed(3)) >= 0.25  # the same draw
    torch.testing.assert_close(out, x * keep / 0.75)
    (grad,) = torch.autograd.grad(out.sum(), x)
    torch.testing.assert_close(grad, keep / 0.75)
    layer.eval()
    assert layer(x) is x
