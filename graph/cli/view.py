"""``ikz view KIND``: write a meeting-ready network view as one offline HTML file.

A thin wrapper over :func:`graph.outputs.views.write_view`; register it with
``main.add_command(view)`` in graph/cli.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from graph.core.errors import IKZError, ProjectError
from graph.core.project import find_project
from graph.outputs.views import DEFAULT_SEED, KINDS, LAYOUTS, MAX_NODES, open_graph, render_html, view_model, write_html
from graph.outputs.views.text import t


def _default_output(ctx: click.Context, kind: str) -> Path:
    obj = ctx.obj
    try:
        project = obj.project if obj is not None and hasattr(obj, "project") else find_project()
        return project.root / "build" / f"view-{kind}.html"
    except ProjectError:
        return Path("build") / f"view-{kind}.html"


def _graph_source(ctx: click.Context, graph_dir: str | None):
    if graph_dir:
        return graph_dir
    obj = ctx.obj
    from graph.sparql.stores import built_file

    return built_file(obj.project if obj is not None and hasattr(obj, "project") else None)


@click.command("view")
@click.argument("kind", type=click.Choice(KINDS))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="HTML file to write. Default: build/view-KIND.html.")
@click.option("--lang", type=click.Choice(["de", "en"]), default=None,
              help="Language of labels and texts (default: the global --lang, German).")
@click.option("--title", default=None, help="Title shown above the picture (default: from the view and the district).")
@click.option("--service-area", default=None,
              help="Only cooperation in this service area (narrower areas included), e.g. Beratung or Inobhutnahme.")
@click.option("--facility-kind", default=None,
              help="Only facilities of this kind (narrower kinds included), e.g. Jugendschutzstelle or Beratungsstelle.")
@click.option("--proposed/--no-proposed", default=True, show_default=True,
              help="Include proposed cooperation (drawn dashed) or leave it out.")
@click.option("--layout", type=click.Choice(LAYOUTS), default="geo", show_default=True,
              help="geo: towns at their coordinates; force: a force layout with a fixed seed.")
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Seed of the force layout.")
@click.option("--full", is_flag=True, default=False,
              help=f"Draw every town and facility even above {MAX_NODES:,} nodes (default: such views are "
                   "aggregated to districts).")
@click.option("--graph", "graph_dir", type=click.Path(file_okay=False), default=None,
              help="Folder of a built graph (default: build/graph).")
@click.pass_context
def view(ctx, kind, output, lang, title, service_area, facility_kind, proposed, layout, seed, full, graph_dir):
    """Write the network view KIND (facilities or partners) as one self-contained HTML file.

    \b
    facilities  towns and the facilities they share, with operators and the
                youth welfare offices acting for other towns
    partners    town-town network, line width = number of shared cooperations

    The file opens offline on any laptop (nothing is loaded from the internet): legend,
    search, filters, PNG export, and on hover the verbatim source sentence behind every
    point and line. The same graph gives a byte-identical file.

    Views of more than MAX_NODES (2,000) nodes, e.g. over the national register, are
    aggregated to districts (the page says so); --full draws every node.
    """
    lang = lang or getattr(ctx.obj, "lang", None) or "de"
    try:
        store, version = open_graph(_graph_source(ctx, graph_dir))
        model = view_model(
            store, kind, lang=lang, title=title, service_area=service_area, facility_kind=facility_kind,
            include_proposed=proposed, layout=layout, seed=seed, version=version, full=full,
        )
        path = write_html(render_html(model), output or _default_output(ctx, kind))
    except IKZError as error:
        click.echo(f"Fehler / error: {error}", err=True)
        sys.exit(error.exit_code)
    visible = t("summary", lang, nodes=len(model.nodes), edges=len(model.edges))
    if model.aggregated:
        visible += "; " + t("aggregated_short", lang, kind=kind)
    click.echo(f"{t('written', lang)} {path} ({visible})")
