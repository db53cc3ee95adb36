"""``ikz analyze`` and ``ikz report``: the network analysis as tables, and the meeting report.

Thin wrappers over :mod:`graph.outputs.analysis` and :mod:`graph.outputs.report`; register them in
graph/cli.py with ``for command in COMMANDS: main.add_command(command)``. They read
``ctx.obj.project`` and ``ctx.obj.lang`` (the global ``--project`` and ``--lang``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from graph.outputs.analysis import ANALYSES, DEFAULT_SEED, FORMATS, analyze, fetch, render_tables, write_text
from graph.core.errors import IKZError, ProjectError
from graph.core.project import find_project

MESSAGES = {
    "written": {"de": "Bericht geschrieben:", "en": "Report written:"},
    "tables": {"de": "Tabellen", "en": "tables"},
}


def _project(ctx: click.Context):
    obj = ctx.obj
    if obj is not None and hasattr(obj, "project"):
        return obj.project
    return find_project()


def _lang(ctx: click.Context, lang: str | None) -> str:
    return lang or getattr(ctx.obj, "lang", None) or "de"


def _source(ctx: click.Context, graph_dir: str | None):
    """The built graph: ``--graph DIR`` or the project's build/graph."""
    from graph.sparql.stores import built_file

    project = _project(ctx)
    return built_file(project, graph_dir), project


def _fail(error: IKZError) -> None:
    click.echo(f"Fehler / error: {error}", err=True)
    sys.exit(error.exit_code)


_GRAPH = click.option("--graph", "graph_dir", type=click.Path(file_okay=False), default=None,
                      help="Folder of a built graph (default: build/graph of the project).")
_DISTRICT = click.option("--district", default=None,
                         help="Only the towns of this district (key such as 05954, or name); only their memberships count.")
_LANG = click.option("--lang", type=click.Choice(["de", "en"]), default=None,
                     help="Language of labels and texts (default: the global --lang, German).")
_SEED = click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
                     help="Seed of the community detection (Louvain); the same seed gives the same groups.")


@click.command("analyze")
@click.argument("analyses", nargs=-1, type=click.Choice(ANALYSES))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="table for the terminal; csv (UTF-8 with BOM for Excel, one section per analysis); "
                   "json (one object, a key per analysis, all columns); md (Markdown).")
@click.option("--status", default="bestehend", show_default=True,
              help="Which cooperation forms the network: bestehend (existing), vorgeschlagen (proposed), "
                   "geplant, beendet, or all.")
@_DISTRICT
@_SEED
@_LANG
@_GRAPH
@click.option("--with-iris", is_flag=True, help="Also show the IRI columns in table/csv/md (json always has them).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write to this file instead of the terminal.")
@click.pass_context
def analyze_command(ctx, analyses, fmt, status, district, seed, lang, graph_dir, with_iris, output):
    """Network analysis of the cooperation between towns, as tables.

    \b
    summary     headline figures (towns, cooperations, density, groups, gaps)
    towns       partners, shared cooperations, betweenness per town
    cut_towns   towns whose removal splits the network, and into what
    groups      groups that already work together (Louvain, fixed seed)
    pairs       town pairs, what they share and the sources
    coverage    town × service area: how many cooperations, through what
    gaps        towns without cooperation in a service area
    candidates  candidate partners for each gap (a heuristic; its rule is printed)

    Give ANALYSES to print only some, e.g. `ikz analyze towns gaps`.
    """
    lang = _lang(ctx, lang)
    try:
        path, project = _source(ctx, graph_dir)
        data = fetch(path, district=district, lang=lang, project=project)
        tables = analyze(data, status, seed=seed, only=analyses or None)
        text = render_tables(tables, fmt, with_iris=with_iris)
        if output:
            write_text(text, output)
            click.echo(f"{len(tables)} {MESSAGES['tables'][lang]} → {output}", err=True)
        else:
            click.echo(text.lstrip("\ufeff") if fmt == "csv" and sys.stdout.isatty() else text, nl=False)
    except IKZError as error:
        _fail(error)


def _default_report(ctx: click.Context) -> Path:
    try:
        return _project(ctx).root / "build" / "report.html"
    except ProjectError:
        return Path("build") / "report.html"


@click.command("report")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="HTML file to write. Default: build/report.html.")
@_LANG
@_DISTRICT
@_SEED
@_GRAPH
@click.option("--live/--no-live", default=True, show_default=True,
              help="Also embed the interactive partners view of `ikz view partners` (on screen only; the printed "
                   "report has the static picture). --no-live gives a small file without any script.")
@click.pass_context
def report_command(ctx, output, lang, district, seed, graph_dir, live):
    """Write the meeting report: one self-contained HTML file that prints on A4.

    Headline figures, the partner network, the towns holding it together, the groups,
    the coverage matrix, the gaps with candidate partners, the proposed cooperations and
    the barriers named - every statement with a footnote to its source and the verbatim
    sentence. Opens offline (nothing is loaded from the internet); the same graph gives
    a byte-identical file. Print it from the browser (A4).
    """
    from graph.outputs.report import write_report

    lang = _lang(ctx, lang)
    try:
        path, project = _source(ctx, graph_dir)
        data = fetch(path, district=district, lang=lang, project=project)
        written = write_report(data, output or _default_report(ctx), seed=seed, live=live)
    except IKZError as error:
        _fail(error)
    click.echo(f"{MESSAGES['written'][lang]} {written}")


COMMANDS = [analyze_command, report_command]
