"""What the CLI prints on stdout when it is a file or a pipe: whole lines, never wrapped at 80 columns
(``synthaug run ... > out.txt`` split ``margin +0.04249`` and ``wrote ... to r_bc1/`` over two lines)."""

from __future__ import annotations

import io

from rich.table import Table
from typer.testing import CliRunner

from synthaug.cli import PIPED_WIDTH, app, console

FAST = ["--epochs", "1", "--min-steps", "5", "--set", "generator_dims=[8]", "--set", "discriminator_dims=[8]",
        "--set", "latent_dim=4"]


def test_a_piped_summary_line_and_table_row_are_never_split(mixed_table, tmp_path):
    long_name = "a_column_whose_name_is_long_enough_to_push_a_row_of_the_inspect_table_past_eighty_columns"
    data = tmp_path / "data.csv"
    mixed_table.rename(columns={"colour": long_name}).to_csv(data, index=False)
    out = tmp_path / ("a_model_folder_with_a_long_name_" * 3)
    runner = CliRunner()
    result = runner.invoke(app, ["fit", str(data), "--target", "label", "-o", str(out), *FAST], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    summary = [line for line in result.stdout.splitlines() if line.startswith("trained on ")]
    assert len(summary) == 1 and summary[0].endswith(f"; wrote {out}") and len(summary[0]) > 80
    shown = runner.invoke(app, ["inspect", str(out)], env={"COLUMNS": "80"})
    assert shown.exit_code == 0, shown.output
    assert "s (seed 0, 1 process, 1 torch thread)" in shown.stdout  # what the weights depend on
    row = [line for line in shown.stdout.splitlines() if long_name in line]
    assert len(row) == 1 and "categorical" in row[0] and len(row[0]) > 80, shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines()) < 200  # tables as wide as their cells, no padding


def test_the_stdout_console_wraps_only_in_a_terminal(monkeypatch):
    text = "gate membership_auc = 0.4977, 95% upper bound 0.5575 passes (limit 0.6, margin +0.04249) " * 2
    table = Table("class", "rows")
    table.add_row("x" * 120, "3")
    piped = io.StringIO()
    monkeypatch.setattr(console, "_file", piped)  # not "file": undoing it would pin the stdout of now
    console.print(text.strip())
    console.print(table)
    lines = piped.getvalue().splitlines()
    assert lines[0] == text.strip() and console.width == PIPED_WIDTH
    assert sum("x" * 120 in line for line in lines) == 1

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(console, "_file", terminal)
    monkeypatch.setattr(console, "_force_terminal", True)
    monkeypatch.setenv("COLUMNS", "80")
    console.print(text.strip())
    assert all(len(line) <= 80 for line in terminal.getvalue().splitlines())
