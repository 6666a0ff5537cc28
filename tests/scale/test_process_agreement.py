"""Processes that disagree, stall or are stopped end with one line, never hang (synthaug/distributed.py).

Ranks are started by hand (as torchrun would: MASTER_ADDR, RANK, WORLD_SIZE...), so a test controls what
each one is given and when it is signalled."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch.distributed as dist

from synthaug._errors import SynthaugError
from synthaug.distributed import TIMEOUT_ENV, _collective_failure, collective_timeout, table_fingerprint
from tests.conftest import make_mixed_table

pytestmark = [pytest.mark.skipif(not dist.is_available(), reason="torch.distributed unavailable"),
              pytest.mark.xdist_group("processes")]  # one xdist worker: two ranks per test already fill 2 cores
ROOT = Path(__file__).resolve().parents[2]
FIT = ["--epochs", "1", "--batch-size", "32", "--set", "generator_dims=[8]", "--set", "discriminator_dims=[8]",
       "--set", "latent_dim=4", "-q"]

# rank 0 waits in a barrier; rank 1 joins the group, then sleeps for argv[1] seconds; with argv[2], rank 0
# has written that output first (as fit saves the model, then waits for the others) and rank 1 knows rank 0
# writes it (as fit notes on the other ranks)
BLOCKED = """
import sys, time
import torch.distributed as dist
from synthaug._outputs import note_other_rank, note_written
from synthaug.cli import command, main
from synthaug.distributed import process_group

SLEEP = float(sys.argv[1])
OUTPUT = sys.argv[2] if len(sys.argv) > 2 else None

@command("wait", torchrun=True)
def wait() -> None:
    with process_group(None) as ctx:
        if ctx.rank == 0 and OUTPUT:
            note_written(OUTPUT)
        elif OUTPUT:
            note_other_rank(ctx.rank, OUTPUT)
        print("joined", flush=True)
        dist.barrier() if ctx.rank == 0 else time.sleep(SLEEP)

sys.argv[1:] = ["wait"]
main()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_ranks(args_of, port: int, rank_env: dict[int, dict[str, str]] | None = None, **env) -> list[subprocess.Popen]:
    base = {**os.environ, "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "WORLD_SIZE": "2",
            "LOCAL_WORLD_SIZE": "2", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT), **env}
    return [subprocess.Popen([sys.executable, *args_of(rank)],
                             env={**base, "RANK": str(rank), "LOCAL_RANK": str(rank), **(rank_env or {}).get(rank, {})},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for rank in range(2)]


def finish(procs: list[subprocess.Popen], timeout: float = 120) -> list[tuple[int, str]]:
    try:
        return [(p.wait(timeout=timeout), p.stderr.read()) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()


def test_ranks_started_with_other_settings_fail_alike_before_training(tmp_path):
    """--min-steps 20 on rank 0 and 40 on rank 1: rank 0 wrote a normal-looking model, then both hung."""
    data = tmp_path / "data.csv"
    make_mixed_table(60).to_csv(data, index=False)

    def args(rank: int) -> list[str]:
        return ["-m", "synthaug", "fit", str(data), "--target", "label", "-o", str(tmp_path / "m"),
                "--min-steps", str(20 * (rank + 1)), *FIT]

    for code, err in finish(start_ranks(args, free_port())):
        assert code == 2, err[-2000:]
        assert err.strip() == ("error: torchrun: the processes were started with different settings: min_steps "
                               "differs (rank 0: 20; rank 1: 40); give every process the same options and the "
                               "same table")
    assert not (tmp_path / "m").exists()


def test_ranks_with_other_torch_thread_counts_fail_alike_before_training(tmp_path):
    """OMP_NUM_THREADS=2 on rank 1 only: rc 0, model.json said rank 0's threads 1, and the weights were not
    those of a one-thread run."""
    data = tmp_path / "data.csv"
    make_mixed_table(60).to_csv(data, index=False)

    def args(rank: int) -> list[str]:
        return ["-m", "synthaug", "fit", str(data), "--target", "label", "-o", str(tmp_path / "m"), *FIT]

    for code, err in finish(start_ranks(args, free_port(), rank_env={1: {"OMP_NUM_THREADS": "2"}})):
        assert code == 2, err[-2000:]
        assert err.strip() == ("error: torchrun: the processes were started with different settings: threads "
                               "differs (rank 0: 1; rank 1: 2); set the same OMP_NUM_THREADS (or "
                               "torch.set_num_threads) in every process")
    assert not (tmp_path / "m").exists()


def test_the_table_fingerprint_tells_one_changed_cell_and_shows_no_value():
    table = make_mixed_table(60)
    features, labels = table.drop(columns="label"), table["label"]
    same = table_fingerprint(features.copy(), labels.copy())
    assert same == table_fingerprint(features, labels) and same.startswith("60 rows x 9 columns, content ")
    changed = features.copy()
    changed.loc[7, "colour"] = "mauve"
    assert table_fingerprint(changed, labels) != same and "mauve" not in table_fingerprint(changed, labels)
    assert table_fingerprint(features, labels.iloc[::-1].reset_index(drop=True)) != same


def test_a_rank_waiting_on_a_stalled_peer_times_out_with_one_line(tmp_path):
    script = tmp_path / "blocked.py"
    script.write_text(BLOCKED)
    started = time.monotonic()
    (code0, err0), (code1, _) = finish(start_ranks(lambda rank: [str(script), "5"], free_port(),
                                                   **{TIMEOUT_ENV: "2"}))
    assert code0 == 2, err0[-2000:]
    assert err0.strip() == ("error: torchrun: waited 2 s for another process in a collective operation "
                            "(SYNTHAUG_DIST_TIMEOUT sets the wait): a process stopped, hangs, or runs other settings")
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("written", [None, "model-dir"], ids=["nothing-written", "output-written"])
def test_sigterm_ends_a_rank_blocked_in_a_collective(tmp_path, written):
    """Python's handler is not reached while gloo's C++ waits: only kill -9 ended such a rank. A rank 0 that
    had saved the model said "no output was written" of it."""
    script = tmp_path / "blocked.py"
    script.write_text(BLOCKED)
    procs = start_ranks(lambda rank: [str(script), "30", *([written] if written else [])], free_port(),
                        **{TIMEOUT_ENV: "120"})
    try:
        assert procs[0].stdout.readline().strip() == "joined"
        time.sleep(1)  # in the barrier now
        sent = time.monotonic()
        procs[0].send_signal(signal.SIGTERM)
        code = procs[0].wait(timeout=30)
        assert code == 128 + signal.SIGTERM and time.monotonic() - sent < 15
        said = ("the output model-dir was written before the signal and is complete" if written else
                "no output was written")
        assert procs[0].stderr.read().strip() == f"error: terminated; {said} (while waiting for another process)"
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()


def test_sigterm_to_both_ranks_after_rank_0_saved_says_so_on_both(tmp_path):
    """torchrun signals every process: rank 1 said "no output was written" while rank 0 said the model it had
    saved was complete."""
    script = tmp_path / "blocked.py"
    script.write_text(BLOCKED)
    procs = start_ranks(lambda rank: [str(script), "60", "model-dir"], free_port(), **{TIMEOUT_ENV: "120"})
    try:
        assert [p.stdout.readline().strip() for p in procs] == ["joined", "joined"]
        time.sleep(1)  # rank 0 in the barrier, rank 1 asleep
        procs[0].send_signal(signal.SIGTERM)  # first rank 0: had rank 1 gone first, rank 0 would have lost it
        assert procs[0].wait(timeout=30) == 128 + signal.SIGTERM
        procs[1].send_signal(signal.SIGTERM)
        assert procs[1].wait(timeout=30) == 128 + signal.SIGTERM
        assert procs[0].stderr.read().strip() == ("error: terminated; the output model-dir was written before the "
                                                  "signal and is complete (while waiting for another process)")
        assert procs[1].stderr.read().strip() == ("error: terminated; this process (rank 1) writes no output: rank 0 "
                                                  "writes model-dir and says whether it was written")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()


def test_the_timeout_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(TIMEOUT_ENV, raising=False)
    assert collective_timeout() == 600
    monkeypatch.setenv(TIMEOUT_ENV, "2.5")
    assert collective_timeout() == 2.5
    for bad in ("0", "-1", "ten", "inf"):
        monkeypatch.setenv(TIMEOUT_ENV, bad)
        with pytest.raises(SynthaugError, match=f"^{TIMEOUT_ENV}: expected a number of seconds > 0, got '{bad}'$"):
            collective_timeout()


def test_a_lost_peer_is_one_line_without_gloo_source_paths_and_other_errors_stay_bugs():
    lost = RuntimeError("[/__w/pytorch/pytorch/third_party/gloo/gloo/transport/tcp/pair.cc:537] Read error "
                        "[127.0.0.1]:53448: Connection reset by peer. This is typically caused by a remote worker")
    assert str(_collective_failure(lost, 600)) == (
        "torchrun: lost another process (Read error [127.0.0.1]:53448: Connection reset by peer): it stopped or "
        "failed; its own output says why")
    assert _collective_failure(RuntimeError("mat1 and mat2 shapes cannot be multiplied"), 600) is None


def test_ddps_buffer_broadcast_timing_out_is_the_timeout_line():
    # a verification trial: with a peer stopped, DDP's buffer sync raised this, which ended in a 70-line traceback
    closed = RuntimeError("Application timeout caused pair closure")
    assert str(_collective_failure(closed, 8)).startswith("torchrun: waited 8 s for another process")
