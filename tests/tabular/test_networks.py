import pytest
import torch
import torch.nn.functional as F
from torch.nn.utils.parametrizations import spectral_norm

from synthaug.gan.init import reset_parameters
from synthaug.gan.losses import gradient_penalty
from synthaug.tabular.columns import Span
from synthaug.tabular.networks import Generator, NetworkConfig, SpectralEmbedding, SpectralLinear, linear_padded
from synthaug.tabular.spans import SoftmaxLayout, SparseCondition

SPANS = [Span(0, 1, "linear", "a"), Span(1, 3, "softmax", "b"), Span(4, 1, "linear", "c"),
         Span(5, 2, "softmax", "d"), Span(7, 4, "softmax", "e")]  # 11 columns, condition width 9


def copy_of_torch_spectral_norm(d_in: int, d_out: int) -> tuple[torch.nn.Module, SpectralLinear]:
    ref, mine = spectral_norm(torch.nn.Linear(d_in, d_out)), SpectralLinear(d_in, d_out)
    with torch.no_grad():
        mine.weight.copy_(ref.parametrizations.weight.original)
        mine.bias.copy_(ref.bias)
        mine._u.copy_(ref.parametrizations.weight[0]._u)
        mine._v.copy_(ref.parametrizations.weight[0]._v)
    return ref, mine


def test_spectral_linear_is_torchs_spectral_norm():
    torch.manual_seed(0)
    ref, mine = copy_of_torch_spectral_norm(30, 8)
    x = torch.randn(5, 30, requires_grad=True)
    for _ in range(3):  # power iterations advance alike
        a, b = ref(x), mine(x)
        assert torch.allclose(a, b, atol=1e-5)
    grads_ref = torch.autograd.grad(a.square().sum(), [x, ref.parametrizations.weight.original, ref.bias])
    grads_mine = torch.autograd.grad(b.square().sum(), [x, mine.weight, mine.bias])
    for g_ref, g_mine in zip(grads_ref, grads_mine, strict=True):
        assert torch.allclose(g_ref, g_mine, rtol=1e-4, atol=1e-5)
    ref.eval(), mine.eval()
    assert torch.allclose(ref(x), mine(x), atol=1e-5)


def test_spectral_linear_second_derivatives_for_the_gradient_penalty():
    torch.manual_seed(1)
    (r1, m1), (r2, m2) = copy_of_torch_spectral_norm(6, 5), copy_of_torch_spectral_norm(5, 1)
    nets = {"ref": torch.nn.Sequential(r1, torch.nn.LeakyReLU(0.2), r2),
            "mine": torch.nn.Sequential(m1, torch.nn.LeakyReLU(0.2), m2)}
    params = {"ref": [r1.parametrizations.weight.original, r2.parametrizations.weight.original],
              "mine": [m1.weight, m2.weight]}
    real, fake = torch.randn(4, 6), torch.randn(4, 6)
    grads = {}
    for name, net in nets.items():
        penalty = gradient_penalty(lambda x, net=net: net(x).squeeze(1), real, fake, torch.Generator().manual_seed(3))
        grads[name] = torch.autograd.grad(penalty, params[name])
    for g_ref, g_mine in zip(grads["ref"], grads["mine"], strict=True):
        assert torch.allclose(g_ref, g_mine, rtol=1e-4, atol=1e-6)


def test_reset_parameters_draws_spectral_vectors_from_the_generator():
    a, b = SpectralLinear(7, 3), SpectralLinear(7, 3)
    reset_parameters(a, torch.Generator().manual_seed(5))
    reset_parameters(b, torch.Generator().manual_seed(5))
    assert torch.equal(a._u, b._u) and torch.equal(a._v, b._v)
    assert torch.isclose(a._v.norm(), torch.tensor(1.0))
    assert not torch.allclose(a._v, torch.full((7,), 7**-0.5))


def test_spectral_embedding_is_torchs_spectral_norm():
    ref = spectral_norm(torch.nn.Embedding(3, 6))
    mine = SpectralEmbedding(3, 6)
    with torch.no_grad():
        mine.weight.copy_(ref.parametrizations.weight.original)
        mine._u.copy_(ref.parametrizations.weight[0]._u)
        mine._v.copy_(ref.parametrizations.weight[0]._v)
    y, w = torch.tensor([0, 2, 1, 2]), torch.randn(4, 6)
    for _ in range(3):  # training forwards: the power iteration moves u and v the same way
        a, b = ref(y), mine(y)
        assert torch.equal(a, b)
        (grad_ref,) = torch.autograd.grad((a * w).sum(), ref.parametrizations.weight.original)
        (grad_mine,) = torch.autograd.grad((b * w).sum(), mine.weight)
        assert torch.equal(grad_ref, grad_mine)
        with torch.no_grad():
            ref.parametrizations.weight.original.sub_(0.5 * grad_ref)
            mine.weight.sub_(0.5 * grad_mine)
    ref.eval(), mine.eval()
    assert torch.equal(ref(y), mine(y))
    reset_parameters(mine, torch.Generator().manual_seed(0))  # draws fresh unit u and v
    assert torch.isclose(mine._u.norm(), torch.tensor(1.0))
    assert not torch.allclose(mine._v, torch.full((6,), 6**-0.5))


def reference_generator_forward(G: Generator, z, y, condition) -> torch.Tensor:
    """The generator as written: one Linear over cat([z, embed(y), condition]) per block."""
    h = torch.cat([z, G.class_embedding(y), condition], 1)
    for block in G.blocks:
        out = F.relu(block.bn(block.fc(h)))
        h = out + h if block.residual else out
    return G.out(h)


@pytest.mark.parametrize("dims", [(16, 16), (17,)])  # 17 = 2 * latent + condition: a residual first block
def test_generator_fast_paths_compute_the_written_function(dims):
    cfg = NetworkConfig(data_dim=11, n_classes=3, condition_dim=9, latent_dim=4, generator_dims=dims,
                        discriminator_dims=(8,), pac=1, spectral_norm=True, dropout=0.0)
    G = reset_parameters(Generator(cfg), torch.Generator().manual_seed(0))
    z, y = torch.randn(7, 4), torch.tensor([0, 1, 2, 0, 1, 2, 0])
    condition = torch.zeros(7, 9)
    condition[[0, 3, 5], [2, 8, 4]] = 1.0
    assert torch.allclose(G(z, y, condition), reference_generator_forward(G, z, y, condition), atol=1e-5)
    assert torch.equal(G(z, y, SparseCondition.from_dense(condition)), G(z, y, condition))
    G.eval()  # batch norm folded into the Linear; no condition means zeros
    expected = reference_generator_forward(G, z, y, torch.zeros(7, 9))
    assert torch.allclose(G(z, y), expected, atol=1e-5)
    with torch.inference_mode():
        assert torch.allclose(G(z, y), expected, atol=1e-5)


def test_linear_padded_is_linear():
    x, weight, bias = torch.randn(5, 6), torch.randn(11, 6), torch.randn(11)
    out = linear_padded(x, weight, bias)
    assert out.shape == (5, 11)
    assert torch.allclose(out, F.linear(x, weight, bias), atol=1e-6)


@pytest.mark.parametrize("dims", [(16, 16), (17,)])
def test_generator_groups_share_class_and_condition_and_its_output_can_be_reordered(dims):
    cfg = NetworkConfig(data_dim=11, n_classes=3, condition_dim=9, latent_dim=4, generator_dims=dims,
                        discriminator_dims=(8,), pac=3, spectral_norm=True, dropout=0.0)
    G = reset_parameters(Generator(cfg), torch.Generator().manual_seed(0))
    z, y = torch.randn(6, 4), torch.tensor([2, 0])
    condition = torch.zeros(2, 9)
    condition[1, 5] = 1.0
    per_row = G(z, y.repeat_interleave(3), condition.repeat_interleave(3, dim=0))
    assert torch.allclose(G(z, y, condition, group=3), per_row, atol=1e-5)
    assert torch.allclose(G(z, y, SparseCondition.from_dense(condition), group=3), per_row, atol=1e-5)
    columns = SoftmaxLayout(SPANS).order
    assert not torch.equal(columns, torch.arange(11))
    assert torch.allclose(G.reorder_output(columns)(z, y, condition, group=3), per_row[:, columns], atol=1e-5)
    assert torch.allclose(G.reorder_output(torch.argsort(columns))(z, y, condition, group=3), per_row, atol=1e-5)
    padded = G.reorder_output(columns, width=16)(z, y, condition, group=3)  # zero rows appended
    assert padded.shape == (6, 16) and torch.equal(padded[:, 11:], torch.zeros(6, 5))
    assert torch.allclose(padded[:, :11], per_row[:, columns], atol=1e-5)
    assert torch.allclose(G.reorder_output(torch.argsort(columns))(z, y, condition, group=3), per_row, atol=1e-5)
    assert G.out.weight.shape[0] == G.out.bias.shape[0] == G.out.out_features == 11


def test_frozen_spectral_layers_keep_their_vectors_and_differentiate_the_input():
    torch.manual_seed(2)
    layer, table = SpectralLinear(6, 4), SpectralEmbedding(3, 4)
    x, y = torch.randn(5, 6, requires_grad=True), torch.tensor([0, 2, 1])
    layer(x), table(y)  # one training forward each: the vectors move
    u, v, eu, ev = layer._u.clone(), layer._v.clone(), table._u.clone(), table._v.clone()
    layer.eval(), table.eval()
    expected, expected_table = layer(x), table(y)
    (expected_grad,) = torch.autograd.grad(expected.square().sum(), x)
    layer.train(), table.train()
    layer.requires_grad_(False), table.requires_grad_(False)
    out, out_table = layer(x), table(y)
    assert torch.equal(layer._u, u) and torch.equal(layer._v, v)
    assert torch.equal(table._u, eu) and torch.equal(table._v, ev)
    assert torch.allclose(out, expected, atol=1e-6) and torch.allclose(out_table, expected_table, atol=1e-6)
    assert torch.allclose(torch.autograd.grad(out.square().sum(), x)[0], expected_grad, atol=1e-6)
