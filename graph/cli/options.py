"""Options every command shares, as decorators, and what commands read from the context.

``@lang_option`` on every command that prints (``ikz query --lang en`` as well as
``ikz --lang en query``); ``@graph_option``, ``@output_option``, ``@format_option(...)``,
``@timeout_option``, ``@base_iri_option``, ``@district_option``, ``@seed_option`` bundle the
other repeated ones. Commands find the project with :func:`project_of` (``--project``,
``$IKZ_PROJECT``, else from the current folder upwards) and the language with
:func:`graph.core.i18n.current` (set once, here).
"""

from __future__ import annotations

from pathlib import Path

import click

from graph.cli.base import option, path
from graph.core.errors import ProjectError
from graph.core.i18n import LANGS, set_language
from graph.core.project import Project, find_project


class Context:
    """``ctx.obj`` of the ``ikz`` group: the ``--project`` folder and the language."""

    def __init__(self, project: str | None, lang: str):
        self.project_dir = project
        self.lang = lang

    @property
    def project(self) -> Project:
        return find_project(self.project_dir)


def project_of(ctx: click.Context | None = None) -> Project:
    """The project of this run: the group's ``--project``/``$IKZ_PROJECT``, else found from the
    current folder upwards (also when a command is run on its own, as in the tests)."""
    obj = (ctx or click.get_current_context()).obj  # click hands the group's obj to each command
    if obj is not None and hasattr(obj, "project"):
        return obj.project
    return find_project()


def default_output(ctx: click.Context, name: str) -> Path:
    """``build/NAME`` of the project (of the current folder when there is no project)."""
    try:
        return project_of(ctx).root / "build" / name
    except ProjectError:
        return Path("build") / name


def _set_language(ctx: click.Context, param, value):
    if value is not None:
        set_language(value)
    return value


def lang_option(command):
    """``--lang de|en``: the language of everything this command prints (default: the global
    ``--lang``, ``$IKZ_LANG``, German)."""
    return option("--lang", type=click.Choice(LANGS), default=None, expose_value=False, is_eager=True,
                  callback=_set_language, help="cli.opt.lang")(command)


def graph_option(command):
    return option("--graph", "graph_dir", type=path(file_okay=False), default=None, help="cli.opt.graph")(command)


def output_option(help: str = "cli.opt.output"):
    return option("-o", "--output", type=path(dir_okay=False), default=None, help=help)


def format_option(choices, default=None, help: str = "cli.opt.format", show_default=True):
    return option("--format", "fmt", type=click.Choice(choices), default=default,
                  show_default=show_default and default is not None, help=help)


def csv_dialect_option(command):
    """``--csv-dialect excel-de|excel-en|rfc4180``: the CSV's separator and decimal mark
    (default: Excel of the language, ``;`` and ``0,5`` in German)."""
    from graph.sparql.formats import CSV_DIALECTS

    return option("--csv-dialect", "dialect", type=click.Choice(list(CSV_DIALECTS)), default=None,
                  help="cli.opt.csv_dialect")(command)


def is_terminal() -> bool:
    """Whether standard output is a terminal (a person reading), not a pipe or a file."""
    return click.get_text_stream("stdout").isatty()


def refuse_binary_on_terminal(fmt: str, output) -> None:
    """An xlsx workbook is written to ``-o FILE`` or a pipe, never onto a terminal."""
    from graph.core.errors import IKZError
    from graph.core.i18n import msg

    if output is None and is_terminal():
        raise IKZError(msg("cli.binary_on_terminal", format=fmt), where=f"--format {fmt}",
                       fix=msg("cli.binary_on_terminal_fix", format=fmt))


def timeout_option(default, type=float):
    return option("--timeout", type=type, default=default, show_default=True, help="cli.opt.timeout")


def base_iri_option(command):
    return option("--base-iri", envvar="IKZ_BASE_IRI", default=None, help="cli.opt.base_iri")(command)


def district_option(command):
    return option("--district", default=None, help="cli.opt.district")(command)


def seed_option(default, help: str = "cli.opt.seed"):
    return option("--seed", type=int, default=default, show_default=True, help=help)


__all__ = ["Context", "project_of", "default_output", "lang_option", "graph_option", "output_option",
           "format_option", "csv_dialect_option", "is_terminal", "refuse_binary_on_terminal", "timeout_option", "base_iri_option", "district_option", "seed_option"]
