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


def test_seeded_module_leaves_the_global_generator_as_it_was():
    """Constructors draw their default initialisation from torch's global generator: building a
    model used to move the caller's torch.manual_seed stream, then re-draw from the seeded one."""
    from torch import nn

    from synthaug.gan.init import seeded_module

    torch.manual_seed(1)
    before = torch.get_rng_state()
    a = seeded_module(lambda: nn.Linear(5, 3), torch.Generator().manual_seed(0))
    assert torch.equal(torch.get_rng_state(), before)
    b = seeded_module(lambda: nn.Linear(5, 3), torch.Generator().manual_seed(0))
    torch.testing.assert_close(a.weight, b.weight)
