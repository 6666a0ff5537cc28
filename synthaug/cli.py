"""The ``synthaug`` command line: thin typer commands over the Python API.

Commands are registered with :func:`command`, which turns known errors (SynthaugError,
NotFittedError, and OSError such as a full disk) into one line on stderr and exit code 2, and
warnings into ``warning:`` lines.
The commands themselves live in the ``_cli_*`` modules; options they share are in
:mod:`synthaug._cli_options`, and ``console`` (stdout) and ``err_console`` are here.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import inspect
import os
import re
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterator

import typer
from rich.console import Console, ConsoleDimensions
from rich.markup import escape
from typer.core import TyperCommand

from ._errors import SynthaugError
from ._outputs import ENDING_SIGNALS, forget_outputs, stopped_text
from ._text import CLI, options_named_for

app = typer.Typer(
    name="synthaug",
    help="Class-conditional GANs for synthetic-data augmentation, with utility and privacy checks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
PIPED_WIDTH = 10_000  # columns of stdout when it is a file or a pipe: wide enough for any table


class _Stdout(Console):
    """stdout for summaries: wrapped to the terminal's width in a terminal, never wrapped in a file or a
    pipe (``synthaug run ... > out.txt`` split lines at 80 columns, mid-number: ``margin \\n+0.04249``).

    There, text is printed with ``soft_wrap`` (no width at all) and tables, which need a width, get
    :data:`PIPED_WIDTH`: they are only as wide as their cells (none is expanded), so no row is split.
    Decided at each print, as stdout can change (a test runner swaps it).
    """

    @property
    def size(self) -> ConsoleDimensions:
        size = super().size
        return size if self._width is not None or self.is_terminal else ConsoleDimensions(PIPED_WIDTH, size.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)

    def print(self, *objects, soft_wrap: bool | None = None, **kwargs) -> None:
        super().print(*objects, soft_wrap=(not self.is_terminal) if soft_wrap is None else soft_wrap, **kwargs)


console = _Stdout(highlight=False, markup=False)  # summaries (stdout)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def _print_version(value: bool) -> None:
    if value:
        from . import __version__

        print(f"synthaug {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print synthaug's version and exit."),
) -> None:
    """Class-conditional GANs for synthetic-data augmentation, with utility and privacy checks."""


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print ``error: message`` on stderr and return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", markup=True)
    return typer.Exit(code=code)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    err_console.print(f"[yellow]warning:[/] {escape(str(message))}", markup=True)


def _os_error_text(exc: OSError) -> str:
    """``path: disk full (No space left on device)``, ``path: Permission denied``: the file the system
    refused, when it names one (the atomic writes name the output, not their temporary file)."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        reason = f"disk full ({reason})" if exc.errno == errno.ENOSPC else f"disk quota exceeded ({reason})"
    return f"{exc.filename}: {reason}" if exc.filename else reason


class _Command(TyperCommand):
    """A command whose usage line names its arguments as the help and README do (``DATA``), not as
    newer typer does (``{DATA}`` for a required one)."""

    def collect_usage_pieces(self, ctx) -> list[str]:
        return [re.sub(r"^\{(.+)\}(\.\.\.)?$", r"\1\2", piece) for piece in super().collect_usage_pieces(ctx)]


class Terminated(BaseException):
    """SIGTERM (kill, timeout, a scheduler, torchrun stopping its workers) or SIGHUP (the terminal or
    ssh session closed) raised in the main thread, so an unfinished output's temporary file goes as on
    Ctrl-C (it was left behind: 47 MB of a sample). A BaseException, as KeyboardInterrupt is, so no
    ``except Exception`` swallows it. ``signum`` is the signal received."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.signum = int(signum)


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """Within it, SIGTERM and SIGHUP (:data:`ENDING_SIGNALS`) raise :class:`Terminated` in this process
    (main thread only: Python runs signal handlers there); the previous handlers are restored after.
    Further signals while the first unwinds are ignored, so the temporary files' removal is not cut
    short. A process forked meanwhile (a DataLoader worker) that inherits the handler dies of the
    signal as it would have. A signal already ignored (SIGHUP under ``nohup``) stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pid = os.getpid()

    def on_signal(signum, frame) -> None:
        if os.getpid() != pid:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        for each in ENDING_SIGNALS:
            signal.signal(each, signal.SIG_IGN)
        raise Terminated(signum)

    # a signal ignored when we start stays ignored: nohup ignores SIGHUP so that a closed terminal ends nothing
    previous = {signum: signal.signal(signum, on_signal) for signum in ENDING_SIGNALS
                if signal.getsignal(signum) is not signal.SIG_IGN}
    try:
        yield
    finally:  # None: a handler set outside Python, which signal.signal cannot restore
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def command(name: str, *, torchrun: bool = False, **kwargs) -> Callable:
    """``app.command(name)`` that reports known errors as one line (exit 2), Ctrl-C as exit 130, SIGTERM as
    exit 143 and SIGHUP as 129 (128 + the signal's number, as a shell reports a process it ended).

    Under torchrun, a command not registered with ``torchrun=True`` (every one but ``fit``) is refused
    before any work (:func:`refuse_under_torchrun`)."""

    def decorate(fn: Callable) -> Callable:
        options = frozenset(inspect.signature(fn).parameters)

        @functools.wraps(fn)
        def wrapper(*a, **k):
            # a parameter given by --set is named "--set min_steps" (it was told "--min-steps must be ..."),
            # others by the command's option if it has one, else "--set NAME" when it takes --set (set_)
            named = options - {str(item).partition("=")[0].strip() for item in k.get("set_") or ()}
            with warnings.catch_warnings(), options_named_for(CLI, named), sigterm_raises():  # --per-class
                warnings.simplefilter("default")
                warnings.showwarning = _show_warning
                forget_outputs()
                try:
                    if not torchrun:  # before any work: each process would run the whole command alone
                        refuse_under_torchrun(name)
                    if isinstance(k.get("seed"), int):  # before any work
                        from ._random import check_seed

                        check_seed(k["seed"], "--seed")
                    return fn(*a, **k)
                except (SynthaugError, *_not_fitted_errors()) as exc:  # evaluated only when one is raised
                    raise fail(str(exc)) from None
                except OSError as exc:  # disk full, permission denied, ...: the environment, not a bug
                    raise fail(_os_error_text(exc)) from None
                except KeyboardInterrupt:
                    raise fail(stopped_text(signal.SIGINT), code=130) from None
                except Terminated as exc:
                    raise fail(stopped_text(exc.signum), code=128 + exc.signum) from None

        kwargs.setdefault("help", help_text(fn.__doc__ or ""))
        return app.command(name, cls=kwargs.pop("cls", _Command), **kwargs)(wrapper)

    return decorate


# what runs in one process, and what to do beside running it once without torchrun, when not the command name
_WHAT = {"run": "a recipe"}
_INSTEAD = {"run": "; to train across processes, run `synthaug fit` under torchrun, then `synthaug sample` and "
                   "`synthaug evaluate` once each, without it"}


def refuse_under_torchrun(name: str) -> None:
    """A SynthaugError when torchrun started this process (WORLD_SIZE > 1): only a table ``fit`` trains across
    processes; every other command ran whole in each process (``run`` trained a model per process, both
    replacing the same folder; ``sample`` had each write the same file), so it is refused before any work.
    torch (~3 s) is imported only when WORLD_SIZE is set."""
    if os.environ.get("WORLD_SIZE", "1").strip() in ("", "1"):
        return
    from .distributed import launched_by_torchrun

    if launched_by_torchrun():
        raise SynthaugError(f"torchrun: {_WHAT.get(name, name)} runs in one process (only `synthaug fit` on a "
                            f"table trains across processes); run `synthaug {name}` once, without torchrun"
                            f"{_INSTEAD.get(name, '')}")


def help_text(docstring: str) -> str:
    """``docstring`` with each paragraph on one line: typer's rich help keeps a docstring's line breaks
    and wraps the lines again at the terminal's width, so "an image model a folder" ended a line of its own."""
    paragraphs = inspect.cleandoc(docstring).split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def _not_fitted_errors() -> tuple[type[Exception], ...]:
    """scikit-learn's NotFittedError if scikit-learn is loaded (else none was raised): importing it before
    the command ran took ~2 s, so that a missing MODEL folder was reported only after it."""
    module = sys.modules.get("sklearn.exceptions")
    return (module.NotFittedError,) if module is not None else ()


def main() -> None:
    """Console-script entry point: a bad option or argument is one ``error:`` line too (exit 2),
    not click's usage box."""
    forget_outputs()
    try:
        with sigterm_raises():
            code = app(standalone_mode=False)
    except _usage_errors() as exc:
        if not exc.format_message():  # no arguments at all: the help has been printed
            raise SystemExit(2) from None
        ctx = exc.ctx
        see = f"synthaug {ctx.info_name} --help" if ctx is not None and ctx.parent is not None else "synthaug --help"
        raise SystemExit(fail(f"{exc.format_message()} (see '{see}')").exit_code) from None
    except _aborts():  # Ctrl-C while click reads the arguments
        raise SystemExit(fail(stopped_text(signal.SIGINT), code=130).exit_code) from None
    except Terminated as exc:  # SIGTERM or SIGHUP there
        raise SystemExit(fail(stopped_text(exc.signum), code=128 + exc.signum).exit_code) from None
    raise SystemExit(code or 0)


def _usage_errors() -> tuple[type[Exception], ...]:
    """click's UsageError, and typer's own copy of it (typer >= 0.20 vendors click)."""
    import click

    found: list[type[Exception]] = [click.exceptions.UsageError]
    with contextlib.suppress(ImportError):
        from typer._click.exceptions import UsageError

        found.append(UsageError)
    return tuple(found)


def _aborts() -> tuple[type[BaseException], ...]:
    import click

    found: list[type[BaseException]] = [click.exceptions.Abort, KeyboardInterrupt]
    with contextlib.suppress(ImportError):
        from typer._click.exceptions import Abort

        found.append(Abort)
    return tuple(found)


# Registering the commands: fit, sample, inspect, demo; evaluate; share; run; schema.
from . import _cli_evaluate, _cli_run, _cli_schema, _cli_share, _cli_tabular  # noqa: E402,F401
