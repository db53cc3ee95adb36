"""``ikz serve`` and ``ikz publish``: the built graph over SPARQL, on this machine or a server."""

from __future__ import annotations

import os
import signal
import sys
import time

import click

from graph.cli.base import command, option
from graph.cli.options import graph_option, lang_option, project_of, timeout_option
from graph.core.i18n import t
from graph.sparql.stores import built_file


@command("serve")
@option("--port", type=int, default=7878, show_default=True, help="cli.serve.opt.port")
@option("--host", default="127.0.0.1", show_default=True, help="cli.serve.opt.host")
@graph_option
@option("--cors", is_flag=True, help="cli.serve.opt.cors")
@timeout_option(30, type=int)
@lang_option
def serve_command(port, host, graph_dir, cors, timeout):
    """Serve the built graph read-only: the workbench at / and the SPARQL endpoint at /query."""
    from graph.outputs.serve import running_server

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopping ikz serve stops the server
    project = project_of()
    graph_file = built_file(project, graph_dir)
    location = graph_file.parent.parent / "oxigraph-store"
    with running_server(graph_file, location, host=host, port=port, cors=cors, timeout_s=timeout,
                        project=project) as url:
        click.echo(t("cli.serve.running", url=url, ui=url.rsplit("/", 1)[0] + "/"))
        click.echo(t("cli.serve.try", url=url))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:  # the way to stop a server: not an interruption of work
            click.echo(t("cli.serve.stopped"))


@command("publish")
@option("--endpoint", "store_url", required=True, metavar="URL", help="cli.publish.opt.endpoint")
@option("--named-graph", metavar="IRI", help="cli.publish.opt.named_graph")
@graph_option
@option("--user", envvar="IKZ_PUBLISH_USER", help="cli.publish.opt.user")
@lang_option
def publish_command(store_url, named_graph, graph_dir, user):
    """Replace the graph on a Graph Store Protocol server with the build, in one step."""
    from graph.outputs.publish import publish

    project = project_of()
    graph_file = built_file(project, graph_dir)
    status = publish(graph_file, store_url, named_graph=named_graph, user=user,
                     password=os.environ.get("IKZ_PUBLISH_PASSWORD"))
    click.echo(t("cli.publish.done", graph=project.relative(graph_file), url=store_url, status=status))


COMMANDS = [serve_command, publish_command]
