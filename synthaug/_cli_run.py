"""CLI command ``run``: execute a recipe (TOML or YAML)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._cli_options import seed_option, warn_left_behind
from .cli import command, console


@command("run")
def run(
    recipe: Annotated[Path, typer.Argument(metavar="RECIPE", help="A recipe, TOML or YAML (.yaml, .yml), e.g. "
                                                                 "recipes/breast_cancer.toml.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Folder for everything (default runs/NAME); "
                                                 "must be new, empty or an earlier run's, as it is replaced.")]
    = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override: TABLE.KEY=VALUE, e.g. model.epochs=5.")]
    = None,
    seed: Annotated[int | None, seed_option(help="Random seed (default: the recipe's data.seed, else 0).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Hide progress bars and summaries; a share "
                                        "recipe's failed gate is still named on stderr (exit code 3).")] = False,
) -> None:
    """Run a recipe: fit, sample and evaluate (or release), writing all outputs and the resolved recipe."""
    from ._errors import DataError
    from ._run import check_run_path, run_recipe
    from .recipe import blame_override, load_recipe

    resolved = load_recipe(recipe, set_ or [])
    output = check_run_path(output or Path("runs") / recipe.stem)  # refused before the warning below
    warn_left_behind(output)
    try:
        code = run_recipe(resolved, output, seed, quiet, console)
    except DataError as exc:  # found once the data is read: "data.target: ..." may be a --set's value
        raise DataError(blame_override(str(exc), set_ or [], recipe)) from None
    if code:
        raise typer.Exit(code=code)
