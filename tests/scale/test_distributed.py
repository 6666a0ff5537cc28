"""torchrun / DistributedDataParallel: a 2-process fit samples correctly and is reproducible,
and one DDP step on two half-batches equals one single-process step on the whole batch."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

import synthaug
from synthaug.distributed import DistContext
from synthaug.tabular.networks import Discriminator, Generator, NetworkConfig, SoftmaxLayout
from synthaug.tabular.training import StepBatch, TrainConfig, _discriminator_step, _generator_step

pytestmark = pytest.mark.xdist_group("processes")  # one xdist worker: two ranks per test already fill 2 cores

FIT = ["--epochs", "2", "--min-steps", "1", "--batch-size", "32", "--set", "generator_dims=[16]",
       "--set", "discriminator_dims=[16]", "--set", "latent_dim=8", "-q"]


def torchrun_fit(data, out, *extra, seed=0, env=None):
    port = 29500 + seed * 7 + len(extra) * 13 + os.getpid() % 500
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2", "--master-port", str(port),
           "-m", "synthaug", "fit", str(data), "--target", "label", "-o", str(out), "--seed", str(seed), *FIT, *extra]
    env = {**os.environ, "OMP_NUM_THREADS": "1", **(env or {})}
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def check_two_process_model(path, table):
    """The model records its two processes and samples the table's columns, class by class."""
    model = synthaug.load(path)
    assert model.n_processes_ == 2  # recorded: the same seed on one process gives other weights
    frame = model.sample_frame(per_class={"yes": 5, "no": 7})
    assert list(frame.columns) == list(table.columns)
    assert frame["label"].value_counts().to_dict() == {"no": 7, "yes": 5}
    return model


def test_two_processes_write_one_model_that_samples_and_reproduces(mixed_table, tmp_path):
    data = tmp_path / "data.csv"
    mixed_table.to_csv(data, index=False)
    torchrun_fit(data, tmp_path / "a")
    torchrun_fit(data, tmp_path / "b")
    weights = [(tmp_path / run / "weights.safetensors").read_bytes() for run in ("a", "b")]
    assert weights[0] == weights[1]
    assert check_two_process_model(tmp_path / "a", mixed_table).privacy_ is None


PINNED_SECRET = """
import os
if "PIN_SECRET" in os.environ:  # each process's secret DP seed, pinned (per rank when asked)
    from synthaug.tabular import synthesizer
    pinned = int(os.environ["PIN_SECRET"]) + int(os.environ.get("RANK", "0")) * int(os.environ["PIN_BY_RANK"])
    synthesizer.secret_seed = lambda: pinned
"""


def test_dp_processes_use_rank_0s_secret_seed_not_the_seed_option(mixed_table, tmp_path):
    """Under DP every draw of the fit comes from a secret seed that the processes take from rank 0. The review:
    with each process's secret its own (the processes would encode the table and noise the class counts
    differently, spending the budget once per process), an earlier test still passed."""
    data = tmp_path / "data.csv"
    mixed_table.to_csv(data, index=False)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(PINNED_SECRET)
    path = os.pathsep.join([str(tmp_path / "site"), os.environ.get("PYTHONPATH", "")])
    for run, secret, by_rank in (("own", "1000", "1"), ("rank0", "1000", "0"), ("other", "2000", "0")):
        torchrun_fit(data, tmp_path / run, "--dp-epsilon", "3",
                     env={"PYTHONPATH": path, "PIN_SECRET": secret, "PIN_BY_RANK": by_rank})
    own, rank0, other = ((tmp_path / run / "weights.safetensors").read_bytes() for run in ("own", "rank0", "other"))
    assert own == rank0  # rank 1's own secret (1001) changed nothing: rank 0's (1000) was used
    assert rank0 != other  # the same --seed, another secret: other weights
    model = check_two_process_model(tmp_path / "own", mixed_table)
    assert model.privacy_ is not None and 1.5 < model.privacy_["epsilon"] <= 3.0  # the global Poisson rate's


def test_each_process_holds_every_class_and_together_every_row():
    """Rows dealt class by class: a global round-robin gave alternating labels one class per process."""
    labels = np.array([0, 1] * 6 + [2] + [1] * 3)  # (16,); class 2 has one row
    shards = [DistContext(rank, 2).shard(labels) for rank in range(2)]
    for rows in shards:
        assert np.all(np.diff(rows) > 0) and set(labels[rows]) == {0, 1, 2}
        assert np.bincount(labels[rows]).tolist() in ([3, 5, 1], [3, 4, 1])
    assert sorted(set(shards[0]) | set(shards[1])) == list(range(16))
    assert set(shards[0]) & set(shards[1]) == {12}  # only the lone row of class 2 is on both
    np.testing.assert_array_equal(DistContext().shard(labels), np.arange(16))


def test_per_class_strategy_with_a_one_row_class_trains_on_two_processes(mixed_table, tmp_path):
    """The class's model had no rows on the second process, which crashed (and took the run down). A data
    warning (here: an identifier-like column, dropped) is printed once, not once per process."""
    data = tmp_path / "data.csv"
    table = mixed_table.assign(label=["solo"] + mixed_table["label"].tolist()[1:], row_id=np.arange(len(mixed_table)))
    table.to_csv(data, index=False)
    result = torchrun_fit(data, tmp_path / "m", "--strategy", "per-class")
    assert result.stderr.count("dropping identifier-like column") == 1, result.stderr[-2000:]
    assert "row_id" in result.stderr
    model = synthaug.load(tmp_path / "m")
    assert model.sample_frame(per_class={"solo": 3})["label"].tolist() == ["solo"] * 3


def test_image_fit_under_torchrun_is_refused_before_any_work(tmp_path, monkeypatch):
    """It used to train the whole image model in every process, each writing the same folder."""
    from typer.testing import CliRunner

    from synthaug.cli import app

    rng = np.random.default_rng(0)
    np.savez(tmp_path / "img.npz", x=rng.integers(0, 255, (8, 8, 8), dtype=np.uint8), y=np.repeat([0, 1], 4))
    monkeypatch.setenv("WORLD_SIZE", "2")
    result = CliRunner().invoke(app, ["fit", str(tmp_path / "img.npz"), "-o", str(tmp_path / "m"), "-q"])
    assert result.exit_code == 2 and "torchrun: image models train in one process" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "m").exists()


@pytest.mark.parametrize("args", [
    ["run", "{dir}/r.toml", "-o", "{dir}/runs"],  # ran the whole recipe in each process, both replacing runs/
    ["sample", "{dir}/m", "-o", "{dir}/s.csv"],  # each process wrote s.csv
    ["evaluate", "--train", "{dir}/t.csv", "--test", "{dir}/t.csv", "--synthetic", "{dir}/t.csv", "--target", "y",
     "-o", "{dir}/ev"],
    ["demo", "-o", "{dir}/demo"],
    ["share", "{dir}/t.csv", "--target", "y", "-o", "{dir}/rel"],
    ["schema", "{dir}/t.csv", "--target", "y", "-o", "{dir}/s.json"],
    ["inspect", "{dir}/m"],  # harmless, but one description per process
], ids=lambda args: args[0])
def test_every_command_but_fit_is_refused_under_torchrun_before_any_work(tmp_path, monkeypatch, args):
    """Only a table fit trains across processes; every other command ran whole in each process. The inputs
    do not exist: the refusal comes first."""
    from typer.testing import CliRunner

    from synthaug.cli import app

    (tmp_path / "t.csv").write_text("x,y\n1,a\n2,b\n")  # evaluate's --train must exist before its command runs
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    result = CliRunner().invoke(app, [arg.format(dir=tmp_path) for arg in args])
    name = args[0]
    assert result.exit_code == 2, result.output
    instead = ("; to train across processes, run `synthaug fit` under torchrun, then `synthaug sample` and "
               "`synthaug evaluate` once each, without it") if name == "run" else ""
    assert result.output.strip().splitlines() == [
        f"error: torchrun: {'a recipe' if name == 'run' else name} runs in one process (only `synthaug fit` on a "
        f"table trains across processes); run `synthaug {name}` once, without torchrun{instead}"]
    assert [path.name for path in tmp_path.iterdir()] == ["t.csv"]
    if name == "sample":  # torchrun --nproc-per-node 1: one process, nothing to refuse
        monkeypatch.setenv("WORLD_SIZE", "1")
        assert "m: not found" in CliRunner().invoke(app, [arg.format(dir=tmp_path) for arg in args]).output
        monkeypatch.setenv("WORLD_SIZE", "two")  # it ended in int()'s traceback
        result = CliRunner().invoke(app, [arg.format(dir=tmp_path) for arg in args])
        assert result.exit_code == 2 and result.output.strip().splitlines() == [
            "error: WORLD_SIZE: expected a whole number of processes (torchrun sets it), got 'two'"], result.output


def _unseeded_fit_worker(rank: int, store: str, out: str) -> None:
    import warnings

    from tests.conftest import FAST, make_mixed_table

    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = synthaug.TabularCGAN(**{**FAST, "min_steps": 2}, dp_epsilon=3.0, random_state=None)
        model.fit(make_mixed_table(40), y="label")
    torch.save({"seed": model.seed_, "counts": torch.tensor(model.class_counts_)}, f"{out}.{rank}")
    assert str(model.save(f"{out}-model{rank}")) == f"{out}-model{rank}"  # written by rank 0 only
    dist.barrier()
    dist.destroy_process_group()


@pytest.mark.skipif(not dist.is_available(), reason="torch.distributed unavailable")
def test_unseeded_fit_uses_one_seed_on_every_process_and_only_rank_0_saves(tmp_path):
    """random_state=None drew a seed per process: each noised the DP class counts on its own. And every rank
    of a script's fit saved the model (to one folder: the last won, or a raw OSError); now rank 0 alone does."""
    pytest.importorskip("opacus")
    mp.spawn(_unseeded_fit_worker, args=(str(tmp_path / "store"), str(tmp_path / "fit")), nprocs=2, join=True)
    first, second = (torch.load(tmp_path / f"fit.{rank}", weights_only=True) for rank in range(2))
    assert first["seed"] == second["seed"]
    torch.testing.assert_close(first["counts"], second["counts"])
    assert (tmp_path / "fit-model0" / "model.json").is_file() and not (tmp_path / "fit-model1").exists()
    assert synthaug.load(tmp_path / "fit-model0").n_processes_ == 2


def test_a_fit_under_torchrun_without_a_process_group_warns_that_each_process_trains_alone(monkeypatch):
    """A script launched by torchrun that never called init_process_group trained a whole model per process,
    silently."""
    from tests.conftest import FAST, make_mixed_table

    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.warns(synthaug.SynthaugWarning, match=r"^torchrun started 2 processes, but no process group is "
                      r"initialised: each process trains its own whole model .*init_process_group\(\) before fit"):
        model = synthaug.TabularCGAN(**{**FAST, "min_steps": 2}, random_state=0).fit(make_mixed_table(40), y="label")
    assert model.n_processes_ == 1


@pytest.mark.parametrize(("packs", "world", "rank", "trained", "near"), [
    (50, 3, 0, 480, "480 or 510"),  # the default batch of 500 over 3 processes
    (3, 4, 0, 40, "40"),  # batch 30 over 4: one pack each, more than asked
    (50, 2, 0, None, None),  # divides: no warning, the packs halve as before
    (50, 3, 1, None, None),  # rank 0 alone says it
])
def test_packs_that_do_not_divide_among_the_processes_are_named_with_the_global_batch(packs, world, rank, trained,
                                                                                      near, recwarn):
    from synthaug.distributed import packs_per_process

    assert packs_per_process(packs, 10, DistContext(rank, world)) == max(1, packs // world)
    said = [str(w.message) for w in recwarn if issubclass(w.category, synthaug.SynthaugWarning)]
    if trained is None:
        assert said == []
    else:
        assert said == [f"batch_size: a step's {packs} packs of 10 rows do not divide among {world} processes; each "
                        f"takes {trained // world // 10}, so the global batch is {trained} rows, not {packs * 10}; a "
                        f"batch_size that divides evenly is a multiple of {10 * world} (pac 10 x {world} processes), "
                        f"e.g. {near}"]


@pytest.mark.parametrize(("n_rows", "fix"), [
    (50, "e.g. 40 (a batch is at most the 50 training rows)"),  # batch_size 60 on 50 rows: "e.g. 40 or 60"
    (15, "none fits in the 15 training rows: train in fewer processes"),
])
def test_the_batch_sizes_suggested_fit_in_the_training_rows(n_rows, fix):
    from synthaug.distributed import packs_per_process

    packs = min(60, n_rows) // 10
    with pytest.warns(synthaug.SynthaugWarning) as record:
        packs_per_process(packs, 10, DistContext(0, 2), n_rows)
    assert str(record[0].message).endswith(f"(pac 10 x 2 processes), {fix}")


def test_a_fit_over_processes_with_a_batch_they_do_not_divide_warns(monkeypatch):
    """The README said each process takes 1/world of the global batch: 50 rows over 3 processes trained 30, silently.
    Three processes are stood in for by rank 0's view (no process group; DDP left out)."""
    from tests.conftest import FAST, make_mixed_table

    monkeypatch.setattr("synthaug.tabular.synthesizer.current_context", lambda: DistContext(0, 3))
    monkeypatch.setattr(DistContext, "wrap", lambda self, module: module)
    with pytest.warns(synthaug.SynthaugWarning, match=r"5 packs of 10 rows do not divide among 3 processes; each "
                      r"takes 1, so the global batch is 30 rows, not 50; .* e\.g\. 30 or 60$"):
        synthaug.TabularCGAN(**{**FAST, "min_steps": 2, "batch_size": 50, "pac": 10}, random_state=0).fit(
            make_mixed_table(60), y="label")


NET = NetworkConfig(data_dim=3, n_classes=2, condition_dim=0, latent_dim=4, generator_dims=(8,),
                    discriminator_dims=(8,), pac=1, spectral_norm=False, dropout=0.0, generator_norm="layer")
CFG = TrainConfig(loss="non-saturating", real_label=0.9, gp_weight=0.0, lecam_weight=0.0, r1_weight=0.0,
                  generator_lr=1e-2, discriminator_lr=1e-2,
                  betas=(0.5, 0.9), weight_decay=0.0, discriminator_steps=1, feature_matching=0.0,
                  condition_weight=0.0, ema_decay=None, gumbel_tau=0.2, n_steps=1, n_packs=8,
                  class_sampling="balanced", condition_probability=0.0, log_every=1)


def one_step(rows: slice, ctx: DistContext) -> list[torch.Tensor]:
    """One D and one G update from fixed data, noise and labels (the rows of this process)."""
    g = torch.Generator().manual_seed(0)
    data = torch.randn(8, 3, generator=g)
    z, y = torch.randn(8, 4, generator=g), torch.tensor([0, 1] * 4)
    G, D = Generator(NET), Discriminator(NET)
    for module in (G, D):
        for p in module.parameters():
            p.data = torch.randn(p.shape, generator=g) * 0.3
    G_train, D_train = ctx.wrap(G), ctx.wrap(D)
    opt_g, opt_d = torch.optim.SGD(G.parameters(), lr=0.1), torch.optim.SGD(D.parameters(), lr=0.1)
    raw = G_train(z[rows], y[rows], torch.zeros(len(y[rows]), 0))
    fakes = (raw, SoftmaxLayout([]).gumbel_softmax(raw, 0.2, g), y[rows], torch.zeros(len(y[rows]), 0))
    idx = np.arange(8)[rows]
    batch = StepBatch(idx, y[rows].numpy(), y[rows].numpy(), np.zeros((len(idx), 0), np.float32))
    _discriminator_step(D_train, opt_d, data, batch, fakes, CFG, g, torch.device("cpu"))
    _generator_step(D, opt_g, data, batch, fakes, SoftmaxLayout([]), CFG, torch.device("cpu"))
    return [p.detach().clone() for p in [*G.parameters(), *D.parameters()]]


def _worker(rank: int, store: str, out: str) -> None:
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=2)
    params = one_step(slice(rank * 4, rank * 4 + 4), DistContext(rank, 2))
    if rank == 0:
        torch.save(params, out)
    dist.barrier()  # both ranks done before gloo tears down (else one can abort at exit)
    dist.destroy_process_group()


@pytest.mark.skipif(not dist.is_available(), reason="torch.distributed unavailable")
def test_ddp_step_equals_single_process_step_on_the_whole_batch(tmp_path):
    single = one_step(slice(0, 8), DistContext())
    mp.spawn(_worker, args=(str(tmp_path / "store"), str(tmp_path / "ddp.pt")), nprocs=2, join=True)
    ddp = torch.load(tmp_path / "ddp.pt", weights_only=True)
    for a, b in zip(single, ddp, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    assert not torch.equal(single[0], one_step(slice(0, 4), DistContext())[0])  # the split matters


def one_private_step(rows: slice, ctx: DistContext, monkeypatch_noise) -> list[torch.Tensor]:
    """One DP-SGD discriminator update (noise 0, so only clipping acts) from fixed rows and fakes."""
    from synthaug.privacy.dp import DPConfig, PrivateDiscriminator

    monkeypatch_noise()
    g = torch.Generator().manual_seed(0)
    data, fake = torch.randn(8, 3, generator=g) * 3, torch.randn(8, 3, generator=g) * 3
    y = torch.tensor([0, 1] * 4)
    D = Discriminator(NET)
    for p in D.parameters():
        p.data = torch.randn(p.shape, generator=g) * 0.5
    private = PrivateDiscriminator(D, torch.optim.SGD(D.parameters(), lr=0.5), 8, 8, 1,
                                   DPConfig(1.0, 1e-5, 0.05, 0.0), 1.0, g, "non-saturating", 0.9,
                                   distributed=ctx.active)
    idx = np.arange(8)[rows]
    batch = StepBatch(idx, y[rows].numpy(), y[rows].numpy(), np.zeros((len(idx), 0), np.float32))
    fakes = (fake[rows], fake[rows], y[rows], torch.zeros(len(idx), 0))
    _discriminator_step(private.module, private.optimizer, data, batch, fakes, CFG, g, torch.device("cpu"), private)
    return [p.detach().clone() for p in D.parameters()]


def _no_noise() -> None:
    import synthaug.privacy.dp as dp

    dp.noise_multiplier = lambda *args: 0.0


def _private_worker(rank: int, store: str, out: str) -> None:
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=2)
    params = one_private_step(slice(rank * 4, rank * 4 + 4), DistContext(rank, 2), _no_noise)
    if rank == 0:
        torch.save(params, out)
    dist.barrier()  # both ranks done before gloo tears down (else one can abort at exit)
    dist.destroy_process_group()


@pytest.mark.skipif(not dist.is_available(), reason="torch.distributed unavailable")
def test_private_ddp_step_equals_single_process_private_step(tmp_path, monkeypatch):
    """Per-sample clipping, then the sum over both processes' samples: the single-process step."""
    import synthaug.privacy.dp as dp

    no_noise = lambda: monkeypatch.setattr(dp, "noise_multiplier", lambda *args: 0.0)  # noqa: E731
    single = one_private_step(slice(0, 8), DistContext(), no_noise)
    mp.spawn(_private_worker, args=(str(tmp_path / "store"), str(tmp_path / "ddp.pt")), nprocs=2, join=True)
    ddp = torch.load(tmp_path / "ddp.pt", weights_only=True)
    for a, b in zip(single, ddp, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)
    assert not torch.equal(single[-1], one_private_step(slice(0, 4), DistContext(), no_noise)[-1])  # split matters


def test_sigterm_after_rank_0_saved_says_the_model_is_complete(mixed_table, tmp_path, monkeypatch):
    """Rank 0 saves the model, then waits for the other processes: a SIGTERM there said "no output was
    written" of a model that was complete."""
    from typer.testing import CliRunner

    from synthaug.cli import Terminated, app

    def signalled(self) -> None:  # SIGTERM in the barrier after the save
        raise Terminated

    data = tmp_path / "data.csv"
    mixed_table.to_csv(data, index=False)
    monkeypatch.setattr(DistContext, "barrier", signalled)
    result = CliRunner().invoke(app, ["fit", str(data), "--target", "label", "-o", str(tmp_path / "m"), *FIT])
    assert result.exit_code == 143, result.output
    assert result.output.strip().splitlines()[-1] == (f"error: terminated; the output {tmp_path / 'm'} was written "
                                                      "before the signal and is complete")
    assert synthaug.load(tmp_path / "m").n_processes_ == 1  # complete: it loads
    monkeypatch.setattr(synthaug.TabularCGAN, "fit", lambda *a, **k: signalled(None))  # before any save
    result = CliRunner().invoke(app, ["fit", str(data), "--target", "label", "-o", str(tmp_path / "m2"), *FIT])
    assert result.output.strip().splitlines()[-1] == "error: terminated; no output was written"  # none carried over


@pytest.mark.parametrize("after_barrier", [False, True], ids=["before-the-barrier", "after-the-barrier"])
def test_sigterm_on_another_rank_does_not_contradict_rank_0(mixed_table, tmp_path, monkeypatch, after_barrier):
    """Rank 0 said the model it had saved was complete, the other processes that no output was written. Before
    the barrier after rank 0's save another rank cannot know whether it saved; after it, it can."""
    import contextlib

    from typer.testing import CliRunner

    from synthaug.cli import Terminated, app

    @contextlib.contextmanager
    def as_rank_1(device):
        yield DistContext(1, 2)
        if after_barrier:
            raise Terminated  # as the process group is left

    def barrier(self) -> None:
        if not after_barrier:
            raise Terminated

    data = tmp_path / "data.csv"
    mixed_table.to_csv(data, index=False)
    monkeypatch.setattr(synthaug.distributed, "process_group", as_rank_1)
    monkeypatch.setattr(DistContext, "barrier", barrier)
    monkeypatch.setattr(synthaug.TabularCGAN, "fit", lambda self, *a, **k: self)  # rank 1 saves nothing anyway
    out = tmp_path / "m"
    result = CliRunner().invoke(app, ["fit", str(data), "--target", "label", "-o", str(out), *FIT])
    assert result.exit_code == 143, result.output
    said = (f"the output {out} was written before the signal and is complete" if after_barrier else
            f"this process (rank 1) writes no output: rank 0 writes {out} and says whether it was written")
    assert result.output.strip().splitlines() == [f"error: terminated; {said}"]
    assert not out.exists()  # rank 1 wrote nothing
