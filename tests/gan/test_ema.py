import pytest
import torch

from synthaug.gan.ema import ema_copy, ema_tensors, ema_update


def test_ema_update_by_hand():
    module = torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.BatchNorm1d(1))
    shadow = ema_copy(module)
    with torch.no_grad():
        module[0].weight.fill_(1.0)
        shadow[0].weight.fill_(0.0)
        module[1].running_mean.fill_(3.0)
    ema_update(shadow, module, decay=0.999, step=0)  # warm-up: d = min(0.999, 1/10) = 0.1
    assert torch.allclose(shadow[0].weight, torch.full((1, 2), 0.9))
    assert torch.equal(shadow[1].running_mean, torch.tensor([3.0]))  # buffers are copied
    assert not any(p.requires_grad for p in shadow.parameters())
    ema_update(shadow, module, decay=0.999, step=0, tensors=ema_tensors(shadow, module))  # listed once
    assert torch.allclose(shadow[0].weight, torch.full((1, 2), 0.99))


def test_ema_update_refuses_a_different_module():
    with pytest.raises(ValueError, match="parameters"):
        ema_update(ema_copy(torch.nn.Linear(2, 1)), torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Linear(1, 1)),
                   0.9, 0)
    with pytest.raises(ValueError, match="parameters"):
        ema_tensors(ema_copy(torch.nn.Linear(2, 1)), torch.nn.Sequential(torch.nn.Linear(2, 1), torch.nn.Linear(1, 1)))


def test_warm_up_caps_the_decay_below_0_997_at_3000_steps():
    """The documented consequence: at step 2999, decays 0.999 and 0.9995 give the same average."""
    out = []
    for decay in (0.999, 0.9995, 0.99):
        module = torch.nn.Linear(1, 1, bias=False)
        shadow = ema_copy(module)
        with torch.no_grad():
            shadow.weight.fill_(0.0)
            module.weight.fill_(1.0)
        ema_update(shadow, module, decay=decay, step=2999)
        out.append(shadow.weight.item())
    assert out[0] == out[1] == pytest.approx(1 - 3000 / 3009)
    assert out[2] == pytest.approx(0.01)  # a decay below the warm-up cap applies as given
