import torch

from synthaug.gan.adam import FusedAdam


def test_fused_adam_is_torchs_fused_adam_bit_for_bit():
    g = torch.Generator().manual_seed(0)
    ref = torch.nn.Sequential(torch.nn.Linear(7, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3), torch.nn.Linear(3, 2))
    mine = torch.nn.Sequential(torch.nn.Linear(7, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3), torch.nn.Linear(3, 2))
    mine.load_state_dict(ref.state_dict())
    opt_ref = torch.optim.Adam(ref.parameters(), 1e-2, (0.5, 0.9), weight_decay=1e-3, fused=True)
    opt_mine = FusedAdam(mine.parameters(), 1e-2, (0.5, 0.9), weight_decay=1e-3)
    for step in range(6):
        x = torch.randn(4, 7, generator=g)
        for model, opt in ((ref, opt_ref), (mine, opt_mine)):
            opt.zero_grad(set_to_none=True)
            out = model[:3](x) if step % 3 == 2 else model(x)  # the last layer gets no gradient: skipped
            out.square().sum().backward()
            opt.step()
        for a, b in zip(ref.parameters(), mine.parameters(), strict=True):
            assert torch.equal(a, b)
    assert opt_mine.steps[0].item() == 6 and opt_mine.steps[-1].item() == 4
