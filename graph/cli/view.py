"""``ikz view KIND``: a meeting-ready network view as one offline HTML file.

A thin wrapper over :mod:`graph.outputs.views`: open the built graph, build the view's model,
render it and write it atomically.
"""

from __future__ import annotations

import click

from graph.cli.base import argument, command, option
from graph.cli.options import default_output, graph_option, lang_option, output_option, project_of, seed_option
from graph.core.i18n import current, t
from graph.outputs.views import DEFAULT_SEED, KINDS, LAYOUTS, open_graph, render_html, view_model, write_html


def _graph_source(graph_dir: str | None):
    from graph.sparql.stores import built_file

    return graph_dir if graph_dir else built_file(project_of())


@command("view")
@argument("kind", type=click.Choice(KINDS))
@output_option("cli.view.opt.output")
@lang_option
@option("--title", default=None, help="cli.view.opt.title")
@option("--service-area", default=None, help="cli.view.opt.service_area")
@option("--facility-kind", default=None, help="cli.view.opt.facility_kind")
@option("--proposed/--no-proposed", default=True, show_default=True, help="cli.view.opt.proposed")
@option("--layout", type=click.Choice(LAYOUTS), default="geo", show_default=True, help="cli.view.opt.layout")
@seed_option(DEFAULT_SEED, help="cli.view.opt.seed")
@option("--full", is_flag=True, default=False, help="cli.view.opt.full")
@graph_option
@click.pass_context
def view(ctx, kind, output, title, service_area, facility_kind, proposed, layout, seed, full, graph_dir):
    """Write the network view KIND (facilities or partners) as one self-contained HTML file."""
    store, version = open_graph(_graph_source(graph_dir))
    model = view_model(store, kind, lang=current(), title=title, service_area=service_area,
                       facility_kind=facility_kind, include_proposed=proposed, layout=layout, seed=seed,
                       version=version, full=full)
    path = write_html(render_html(model), output or default_output(ctx, f"view-{kind}.html"))
    shown = t("cli.view.summary", nodes=len(model.nodes), edges=len(model.edges))
    if model.aggregated:
        shown += "; " + t("cli.view.aggregated", kind=kind)
    click.echo(t("cli.view.written", path=path, summary=shown))


COMMANDS = [view]
