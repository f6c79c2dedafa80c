"""How every rbx command reports errors: one line on stderr, a non-zero exit, no traceback.

``reports_errors`` wraps a single command (so it behaves the same when a sub-app is invoked on its
own, e.g. through typer's test runner); ``run_app`` is the entry point of ``rbx`` (and of
``python -m robustbench_xl``).
"""

from __future__ import annotations

import functools
import sys

import typer

from ..errors import RbxError


def reports_errors(command):
    """Turn an :class:`RbxError` raised by ``command`` into ``error: ...`` and its exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except RbxError as error:
            typer.echo(f"error: {error.message}", err=True)
            raise typer.Exit(code=error.exit_code) from None

    return wrapper


def run_app(app: typer.Typer) -> None:
    """Run a typer app with rbx's error handling (user errors and Ctrl-C)."""
    try:
        app()
    except RbxError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted: finished examples are saved; run the same command again to go on "
                   "(rbx attack needs --resume)", err=True)
        sys.exit(130)
