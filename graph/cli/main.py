"""The ``ikz`` command: a thin layer over the library (parse options, call, format).

Exit codes: 0 success; 1 the data has findings (e.g. SHACL violations); 2 bad input or usage
(the message says what, where and how to fix it); 3 an internal failure.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from graph import __version__
from graph.builder.build import build as build_graph
from graph.builder.build import load_project, validate_project
from graph.core.errors import IKZError, ValidationError
from graph.sparql.formats import GRAPH_FORMATS, TABLE_FORMATS, render
from graph.core.project import OPTIONAL_LAYERS, find_project
from graph.sparql.query import DEFAULT_TIMEOUT, GraphQuery
from graph.sparql.questions import get_question, load_library
from graph.sparql.stores import STORES, built_file

TEXT = {
    "built": {"de": "Graph gebaut", "en": "Graph built"},
    "triples": {"de": "Tripel", "en": "triples"},
    "classes": {"de": "Instanzen je Klasse", "en": "Instances per class"},
    "sources": {"de": "Quellen (Zitate)", "en": "Sources (quotes)"},
    "written": {"de": "geschrieben nach", "en": "written to"},
    "conforms": {"de": "SHACL-Validierung: keine Verstöße", "en": "SHACL validation: no violations"},
    "checks": {"de": "Datenprüfungen ohne Befund", "en": "Data checks passed"},
}


def t(key: str, lang: str) -> str:
    return TEXT[key].get(lang, TEXT[key]["en"])


class Context:
    def __init__(self, project: str | None, lang: str):
        self.project_dir = project
        self.lang = lang

    @property
    def project(self):
        return find_project(self.project_dir)


def _fail(error: IKZError) -> None:
    click.echo(f"Fehler / error: {error}", err=True)
    sys.exit(error.exit_code)


class IKZGroup(click.Group):
    """Turn library errors into messages (no traceback) with their exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ValidationError as error:
            click.echo(error.report.format(ctx.obj.lang if ctx.obj else "de") if error.report else f"Fehler / error: {error}", err=True)
            sys.exit(1)
        except IKZError as error:
            _fail(error)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except Exception as error:  # an internal failure: say so, with what to report
            click.echo(f"Interner Fehler / internal error: {type(error).__name__}: {error}\n"
                       "  please report this with the command you ran", err=True)
            sys.exit(3)


@click.group(cls=IKZGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ikz")
@click.option("--project", type=click.Path(file_okay=False), envvar="IKZ_PROJECT",
              help="Project folder (with ontology/ and data/). Default: found from the current folder upwards.")
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", envvar="IKZ_LANG", show_default=True,
              help="Language of messages and labels (Deutsch/English).")
@click.pass_context
def main(ctx, project, lang):
    """IKZ-Graph: intermunicipal cooperation as a knowledge graph with provenance.

    Build the graph from data/, validate it, ask it questions and draw it.
    """
    ctx.obj = Context(project, lang)


@main.command()
@click.option("-o", "--output", type=click.Path(file_okay=False), default=None,
              help="Output folder for ikz.ttl, ikz.nt, ikz.jsonld and summary.json. Default: build/graph.")
@click.option("--base-iri", envvar="IKZ_BASE_IRI", default=None,
              help="Base IRI of the data (default https://w3id.org/ikz/id/; env IKZ_BASE_IRI).")
@click.option("--with", "layers", multiple=True, type=click.Choice(OPTIONAL_LAYERS),
              help="Also load an optional data layer: national = all 10,978 German municipalities, "
                   "their districts and Länder (data/national/).")
@click.option("--data", "extra_data", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="Also load *.ttl/*.nt from this folder (e.g. synthetic benchmark data). Repeatable.")
@click.option("--validator", type=click.Choice(["sparql", "pyshacl"]), default="sparql", show_default=True,
              help="SHACL engine: sparql (fast, scales) or pyshacl (the reference).")
@click.option("--progress/--quiet", default=False, help="Show each build step with its time (on stderr).")
@click.pass_obj
def build(obj: Context, output, base_iri, layers, extra_data, validator, progress):
    """Build the graph: load ontology and data, check quotes, validate, write.

    Writes Turtle, N-Triples and JSON-LD plus summary.json. The same input gives
    byte-identical output; on any error the previous output is left untouched.
    """
    started = [time.monotonic()]

    def say(step: str) -> None:
        now = time.monotonic()
        click.echo(f"  [{now - started[0]:6.1f} s] {step}", err=True)

    result = build_graph(obj.project, output, base_iri, layers, extra_data, validator, say if progress else None)
    click.echo(format_summary(result.summary, result.output, obj.project, obj.lang))


def format_summary(summary: dict, output: Path, project, lang: str) -> str:
    lines = [
        f"{t('built', lang)}: {summary['triples']} {t('triples', lang)}, "
        f"{t('written', lang)} {project.relative(output)}/ ({', '.join(summary['files'])})",
        f"{t('conforms', lang)}.",
        f"{t('checks', lang)}: {len(summary.get('data_checks_passed', []))} (queries/*-violation.rq).",
        "",
        f"{t('classes', lang)}:",
    ]
    width = max(len(k) for k in summary["classes"])
    lines += [f"  {name:<{width}}  {count:>5}" for name, count in summary["classes"].items()]
    lines += ["", f"{t('sources', lang)}:"]
    lines += [f"  {s['title']} ({s['quotes']})" for s in summary["sources"]]
    return "\n".join(lines)


@main.command()
@click.option("--lang", "report_lang", type=click.Choice(["de", "en"]), default=None,
              help="Language of the report (default: the global --lang, German).")
@click.option("--base-iri", envvar="IKZ_BASE_IRI", default=None, help="Base IRI of the data.")
@click.option("--with", "layers", multiple=True, type=click.Choice(OPTIONAL_LAYERS), help="Also load an optional data layer.")
@click.option("--validator", type=click.Choice(["sparql", "pyshacl"]), default="sparql", show_default=True,
              help="sparql: the shapes compiled to SPARQL on the Oxigraph store (fast, scales); pyshacl: the reference.")
@click.pass_obj
def validate(obj: Context, report_lang, base_iri, layers, validator):
    """Validate the data with the SHACL shapes and report readably.

    Each finding names the data file and line, the shape id, the offending node and a
    message. Exit code 1 when there are violations.
    """
    lang = report_lang or obj.lang
    loaded = load_project(obj.project, base_iri, layers)
    report = validate_project(loaded, validator)
    click.echo(report.format(lang))
    sys.exit(0 if report.conforms else 1)


@main.command("queries")
@click.option("--format", "fmt", type=click.Choice(["table", "md"]), default="table", show_default=True,
              help="table for the terminal, md for a Markdown list (as in queries/README.md).")
@click.pass_obj
def queries_command(obj: Context, fmt):
    """List the named questions: id, title and parameters.

    Run one with `ikz query ID -p NAME VALUE`. Ids ending in -violation are data checks
    that must return no rows (the build runs them).
    """
    library = load_library(obj.project)
    click.echo(library_markdown(library, obj.lang) if fmt == "md" else library_table(library, obj.lang))


@main.command("query")
@click.argument("question_id", required=False)
@click.option("-p", "--param", "params", nargs=2, multiple=True, metavar="NAME VALUE",
              help="Bind a parameter, e.g. -p town Witten (a town by name or AGS). Repeatable.")
@click.option("--file", "query_file", type=click.Path(dir_okay=False), help="Run the SPARQL in this .rq file.")
@click.option("--text", "query_text", help="Run this SPARQL text.")
@click.option("--format", "fmt", type=click.Choice(TABLE_FORMATS + GRAPH_FORMATS), default=None,
              help="table (default on a terminal), csv (Excel-ready, UTF-8 with BOM), tsv, json (SPARQL 1.1 JSON), "
                   "md; ttl/nt/jsonld for CONSTRUCT/DESCRIBE. Default when piped: tsv.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the answer to this file.")
@click.option("--store", type=click.Choice(STORES), default="oxigraph", show_default=True,
              help="oxigraph: fast embedded store; rdflib: rdflib API on Oxigraph; memory: plain rdflib.")
@click.option("--endpoint", metavar="URL", help="Ask this SPARQL 1.1 endpoint instead of the built graph.")
@click.option("--graph", "graph_dir", type=click.Path(file_okay=False), help="Folder of a build (default build/graph).")
@click.option("--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True, help="Stop the query after this many seconds.")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE (federated queries that call other servers).")
@click.pass_obj
def query_command(obj: Context, question_id, params, query_file, query_text, fmt, output, store, endpoint,
                  graph_dir, timeout, allow_service):
    """Answer a named question (ID), a query file (--file) or query text (--text).

    The project's prefixes (ikz:, org:, skos:, m:, ...) are available without PREFIX lines.
    Parameters are bound as RDF terms, never pasted into the query text.

    \b
    Examples:
      ikz query partners-of-town -p town Breckerfeld
      ikz query coverage-matrix --format csv -o matrix.csv
      ikz query --text 'SELECT ?l WHERE { ?t a ikz:Municipality ; skos:prefLabel ?l }'
    """
    chosen = [x for x in (question_id, query_file, query_text) if x]
    if len(chosen) != 1:
        raise IKZError("give exactly one of: a question ID, --file PATH or --text QUERY",
                       fix="`ikz queries` lists the question ids")
    gq = GraphQuery.open(obj.project, store, graph_dir=graph_dir, endpoint=endpoint, timeout=timeout)
    options = {"allow_service": allow_service, "timeout": timeout}
    given = dict(params)
    if question_id:
        question = get_question(gq.library, question_id)
        if question.param("lang") and "lang" not in given:
            given["lang"] = obj.lang
        result = gq.ask(question_id, given, **options)
    else:
        bindings = {name: gq.adhoc_term(value) for name, value in given.items()}
        if query_file:
            result = gq.run_file(query_file, bindings, **options)
        else:
            result = gq.run(query_text, bindings, where="--text", **options)
    note = result.truncation_note(obj.lang) if hasattr(result, "truncation_note") else None
    if note:
        click.echo(note, err=True)
    fmt = fmt or ("table" if sys.stdout.isatty() and not output else "tsv")
    text = render(result, fmt, gq.prefixes)
    if output:
        Path(output).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8", newline="")
        click.echo(f"{len(result)} → {output}", err=True)
    else:
        click.echo(text.lstrip("\ufeff") if fmt == "csv" and sys.stdout.isatty() else text, nl=not text.endswith("\n"))


def library_table(library, lang: str) -> str:
    rows = [(q.id, q.title_in(lang), "; ".join(p.describe() for p in q.params if p.name != "lang")) for q in library.values()]
    widths = [max(len(r[i]) for r in rows + [("id", "title", "params")]) for i in range(3)]
    head = ("id", "Titel" if lang == "de" else "title", "Parameter" if lang == "de" else "parameters")
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)


def library_markdown(library, lang: str = "de") -> str:
    """The question library as a Markdown table (queries/README.md holds it)."""
    lines = ["| id | Titel / title | Frage / question | Parameter |", "|---|---|---|---|"]
    for q in library.values():
        params = ", ".join(f"`{p.describe()}`" for p in q.params) or "–"
        lines.append(f"| `{q.id}` | {q.title_in('de')}<br>*{q.title_in('en')}* | {q.question_in('de')}<br>*{q.question_in('en')}* | {params} |")
    return "\n".join(lines)


@main.command("serve")
@click.option("--port", type=int, default=7878, show_default=True, help="TCP port.")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Only change it if others on your network should query the graph.")
@click.option("--graph", "graph_dir", type=click.Path(file_okay=False), help="Folder of a build (default build/graph).")
@click.option("--cors", is_flag=True, help="Allow cross-origin requests from web pages (off by default).")
@click.option("--timeout", type=int, default=30, show_default=True, help="Per-query timeout of the server, in seconds.")
@click.pass_obj
def serve_command(obj: Context, port, host, graph_dir, cors, timeout):
    """Serve the built graph read-only over SPARQL with the Oxigraph server.

    The query endpoint is http://HOST:PORT/query (SPARQL 1.1 Protocol) and the server's query
    UI is at http://HOST:PORT/. There is no update route. Ctrl-C stops the server.
    """
    import signal

    from graph.outputs.serve import running_server

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopping ikz serve stops the server
    project = obj.project
    graph_file = built_file(project, graph_dir)
    location = graph_file.parent.parent / "oxigraph-store"
    with running_server(graph_file, location, host=host, port=port, cors=cors, timeout_s=timeout) as url:
        click.echo(f"SPARQL endpoint: {url}  (UI: {url.rsplit('/', 1)[0]}/)  read-only; Ctrl-C stops it")
        click.echo(f"Try: ikz query partners-of-town -p town Witten --endpoint {url}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            click.echo("stopped")


@main.command("publish")
@click.option("--endpoint", "store_url", required=True, metavar="URL",
              help="Graph Store Protocol URL of the server, e.g. http://127.0.0.1:7878/store (Oxigraph) "
                   "or http://localhost:3030/ikz/data (Fuseki).")
@click.option("--named-graph", metavar="IRI", help="Replace this named graph instead of the default graph.")
@click.option("--graph", "graph_dir", type=click.Path(file_okay=False), help="Folder of a build (default build/graph).")
@click.option("--user", envvar="IKZ_PUBLISH_USER", help="User for HTTP basic authentication (password: $IKZ_PUBLISH_PASSWORD).")
@click.pass_obj
def publish_command(obj: Context, store_url, named_graph, graph_dir, user):
    """Replace the graph on a SPARQL 1.1 Graph Store Protocol server with the build, in one step.

    One HTTP PUT of build/graph/ikz.nt: readers of the server see the old or the new graph.
    """
    import os

    from graph.outputs.publish import publish

    graph_file = built_file(obj.project, graph_dir)
    status = publish(graph_file, store_url, named_graph=named_graph, user=user,
                     password=os.environ.get("IKZ_PUBLISH_PASSWORD"))
    click.echo(f"{obj.project.relative(graph_file)} → {store_url} (HTTP {status})")


from graph.cli.analysis import COMMANDS as ANALYSIS_COMMANDS  # noqa: E402
from graph.cli.ingest import COMMANDS as INGEST_COMMANDS  # noqa: E402
from graph.cli.view import view  # noqa: E402

main.add_command(view)
for _command in INGEST_COMMANDS + ANALYSIS_COMMANDS:
    main.add_command(_command)
main.add_command(__import__("graph.cli.init", fromlist=["init"]).init)  # ikz init (graph/cli/init.py)


if __name__ == "__main__":  # pragma: no cover
    main()
