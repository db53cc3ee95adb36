"""The ``ikz`` group: global options, and the one place where commands are registered.

A thin layer over the library: each command parses its options, makes one library call and
formats the answer. Exit codes (graph/cli/errors.py): 0 done; 1 the data has findings; 2 bad
input or usage (the message says what, where and how to fix it); 3 a failure (timeout, server
unreachable) or an internal error; 130 interrupted (Ctrl-C).

To add commands: write ``graph/cli/NAME.py`` with ``COMMANDS = [...]`` (built with
:func:`graph.cli.base.command` and the shared options of :mod:`graph.cli.options`), and add the
module to ``COMMAND_MODULES`` below.
"""

from __future__ import annotations

import click

from graph import __version__
from graph.cli import analysis, build, ingest, init, query, serve, view
from graph.cli.base import Group, Option, option, path
from graph.cli.options import Context
from graph.core.i18n import LANGS, current, set_language

# Re-exported for callers of the earlier single-module CLI (tests, README generation).
from graph.cli.build import format_summary  # noqa: F401
from graph.cli.query import library_markdown, library_table  # noqa: F401


def _set_language(ctx: click.Context, param, value):
    if value is not None:  # else the language read from the line ($IKZ_LANG, else German) stays
        set_language(value)
    return value


@click.group("ikz", cls=Group, help="cli.main.help", context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="ikz", message="%(prog)s %(version)s", cls=Option,
                      help="cli.click.version")
@option("--project", type=path(file_okay=False), envvar="IKZ_PROJECT", help="cli.opt.project")
@option("--lang", type=click.Choice(LANGS), default=None, envvar="IKZ_LANG", is_eager=True,
        callback=_set_language, help="cli.opt.lang")
@click.pass_context
def main(ctx, project, lang):
    ctx.obj = Context(project, current())


#: Every module of commands (each has ``COMMANDS``), in the order of ``ikz --help``'s sections.
COMMAND_MODULES = (init, build, query, serve, view, analysis, ingest)

for _module in COMMAND_MODULES:
    for _command in _module.COMMANDS:
        main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
