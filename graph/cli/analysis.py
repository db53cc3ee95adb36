"""``ikz analyze`` and ``ikz report``: the network analysis as tables, and the meeting report.

Thin wrappers over :mod:`graph.outputs.analysis` and :mod:`graph.outputs.report`.
"""

from __future__ import annotations

import click

from graph.cli.base import argument, command, option
from graph.cli.options import (csv_dialect_option, default_output, district_option, format_option, graph_option,
                               lang_option, output_option, project_of, refuse_binary_on_terminal, seed_option)
from graph.cli.query import emit
from graph.core.i18n import current, t
from graph.outputs.analysis import ANALYSES, DEFAULT_SEED, FORMATS, analyze, fetch, render_tables
from graph.sparql import formats

#: Columns left out of the files unless --with-iris (the same as the text formats leave out).
IRI_COLUMNS = {"iri", "a", "b", "area_iri", "key"}


def _source(graph_dir: str | None):
    """The built graph (``--graph DIR`` or the project's build/graph) and the project."""
    from graph.sparql.stores import built_file

    project = project_of()
    return built_file(project, graph_dir), project


@command("analyze")
@argument("analyses", nargs=-1, type=click.Choice(ANALYSES))
@format_option(tuple(FORMATS) + ("xlsx",), default="table", help="cli.analyze.opt.format")
@csv_dialect_option
@option("--status", default="bestehend", show_default=True, help="cli.analyze.opt.status")
@district_option
@seed_option(DEFAULT_SEED)
@lang_option
@graph_option
@option("--with-iris", is_flag=True, help="cli.analyze.opt.with_iris")
@output_option()
def analyze_command(analyses, fmt, dialect, status, district, seed, graph_dir, with_iris, output):
    """Network analysis of the cooperation between towns, as tables."""
    path, project = _source(graph_dir)
    if fmt == "xlsx":
        refuse_binary_on_terminal(fmt, output)
    data = fetch(path, district=district, lang=current(), project=project)
    tables = analyze(data, status, seed=seed, only=analyses or None)
    if fmt == "xlsx":
        rendered = formats.workbook([(table.title, *table_cells(table, with_iris)) for table in tables.values()])
    elif fmt == "csv":
        rendered = formats.csv_tables([(f"{key}: {table.title}", *table_cells(table, with_iris))
                                       for key, table in tables.items()], dialect)
    else:
        rendered = render_tables(tables, fmt, with_iris=with_iris)
    emit(rendered, output, t("cli.analyze.written", n=len(tables), path="{path}"))


def table_cells(table, with_iris: bool = False) -> tuple[list[str], list[list]]:
    """An analysis :class:`~graph.outputs.analysis.Table` as (its headings in the language,
    rows of plain values), IRI columns only ``with_iris``."""
    columns = [c for c in table.columns if with_iris or c not in IRI_COLUMNS]
    heads = [table.headers[table.columns.index(c)] for c in columns]
    return heads, [[row.get(c) for c in columns] for row in table.rows]


@command("report")
@output_option("cli.report.opt.output")
@lang_option
@district_option
@seed_option(DEFAULT_SEED)
@graph_option
@option("--live/--no-live", default=True, show_default=True, help="cli.report.opt.live")
@click.pass_context
def report_command(ctx, output, district, seed, graph_dir, live):
    """Write the meeting report: one self-contained HTML file that prints on A4."""
    from graph.outputs.report import write_report

    path, project = _source(graph_dir)
    data = fetch(path, district=district, lang=current(), project=project)
    written = write_report(data, output or default_output(ctx, "report.html"), seed=seed, live=live)
    click.echo(t("cli.report.written", path=written))


COMMANDS = [analyze_command, report_command]
