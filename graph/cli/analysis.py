"""``ikz analyze`` and ``ikz report``: the network analysis as tables, and the meeting report.

Thin wrappers over :mod:`graph.outputs.analysis` and :mod:`graph.outputs.report`.
"""

from __future__ import annotations

import sys

import click

from graph.cli.base import argument, command, option
from graph.cli.options import (default_output, district_option, format_option, graph_option, lang_option,
                               output_option, project_of, seed_option)
from graph.core.files import write_text
from graph.core.i18n import current, t
from graph.outputs.analysis import ANALYSES, DEFAULT_SEED, FORMATS, analyze, fetch, render_tables


def _source(graph_dir: str | None):
    """The built graph (``--graph DIR`` or the project's build/graph) and the project."""
    from graph.sparql.stores import built_file

    project = project_of()
    return built_file(project, graph_dir), project


@command("analyze")
@argument("analyses", nargs=-1, type=click.Choice(ANALYSES))
@format_option(FORMATS, default="table", help="cli.analyze.opt.format")
@option("--status", default="bestehend", show_default=True, help="cli.analyze.opt.status")
@district_option
@seed_option(DEFAULT_SEED)
@lang_option
@graph_option
@option("--with-iris", is_flag=True, help="cli.analyze.opt.with_iris")
@output_option()
def analyze_command(analyses, fmt, status, district, seed, graph_dir, with_iris, output):
    """Network analysis of the cooperation between towns, as tables."""
    path, project = _source(graph_dir)
    data = fetch(path, district=district, lang=current(), project=project)
    tables = analyze(data, status, seed=seed, only=analyses or None)
    text = render_tables(tables, fmt, with_iris=with_iris)
    if output:
        written = write_text(text, output)
        click.echo(t("cli.analyze.written", n=len(tables), path=written), err=True)
    else:
        click.echo(text.lstrip("\ufeff") if fmt == "csv" and sys.stdout.isatty() else text, nl=False)


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
