"""The one error path of the ``ikz`` command: every error becomes a message and an exit code.

=====================================  ====  ===========================================
error                                  exit  printed
=====================================  ====  ===========================================
click's usage errors (option, value)      2  click's message and the usage line
:class:`~graph.core.errors.ValidationError`  1  the readable SHACL report
any other :class:`IKZError`             its  what, where and the fix
OS error about a path                     2  the user's path (never a temporary file) and the fix
Ctrl-C                                  130  one line; atomic writes left nothing half-written
anything else (a bug)                     3  "internal error", what to report
=====================================  ====  ===========================================

No traceback reaches the user; ``IKZ_DEBUG=1`` prints it for an internal error.
"""

from __future__ import annotations

import os
import traceback

import click

from graph.core.errors import EXIT_FAILURE, EXIT_INTERRUPTED, IKZError, ValidationError, exit_code
from graph.core.files import file_error
from graph.core.i18n import current, t


def echo_error(error: IKZError) -> None:
    """``error`` on stderr, in the language in force: "Fehler: what" and the fix."""
    if isinstance(error, ValidationError) and error.report is not None:
        click.echo(error.report.format(current()), err=True)
        if error.fix_message is not None:
            click.echo(f"  {t('core.error.fix')}: {error.fix}", err=True)
        return
    click.echo(f"{t('core.error.prefix')}: {error}", err=True)


def handle(error: BaseException) -> int:
    """Report ``error`` on stderr and return its exit code (``SystemExit`` passes through)."""
    if isinstance(error, SystemExit):
        raise error
    if isinstance(error, click.exceptions.Exit):
        return error.exit_code
    if isinstance(error, click.ClickException):
        error.show()
        return error.exit_code
    if isinstance(error, (click.exceptions.Abort, KeyboardInterrupt)):
        click.echo(t("cli.error.interrupted"), err=True)
        return EXIT_INTERRUPTED
    if isinstance(error, OSError) and exit_code(error) != EXIT_FAILURE:
        error = file_error(error)
    if isinstance(error, IKZError):
        echo_error(error)
        return error.exit_code
    if os.environ.get("IKZ_DEBUG"):
        traceback.print_exception(error)
    detail = " ".join(str(error).split())[:300]
    click.echo(f"{t('cli.error.internal', kind=type(error).__name__, detail=detail)}\n"
               f"  {t('core.error.fix')}: {t('cli.error.internal_fix')}", err=True)
    return EXIT_FAILURE
