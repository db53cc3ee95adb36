"""The ``ikz`` command: a thin layer over the library (parse options, call, format).

Exit codes: 0 success; 1 the data has findings (e.g. SHACL violations); 2 bad input or usage
(the message says what, where and how to fix it); 3 an internal failure.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .build import build as build_graph
from .build import load_project, validate_project
from .errors import IKZError, ValidationError
from .project import find_project

TEXT = {
    "built": {"de": "Graph gebaut", "en": "Graph built"},
    "triples": {"de": "Tripel", "en": "triples"},
    "classes": {"de": "Instanzen je Klasse", "en": "Instances per class"},
    "sources": {"de": "Quellen (Zitate)", "en": "Sources (quotes)"},
    "written": {"de": "geschrieben nach", "en": "written to"},
    "conforms": {"de": "SHACL-Validierung: keine Verstöße", "en": "SHACL validation: no violations"},
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
            click.echo(error.report.format(ctx.obj.lang if ctx.obj else "de") if error.report else str(error), err=True)
            sys.exit(1)
        except IKZError as error:
            _fail(error)


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
@click.pass_obj
def build(obj: Context, output, base_iri):
    """Build the graph: load ontology and data, check quotes, validate, write.

    Writes Turtle, N-Triples and JSON-LD plus summary.json. The same input gives
    byte-identical output; on any error the previous output is left untouched.
    """
    result = build_graph(obj.project, output, base_iri)
    click.echo(format_summary(result.summary, result.output, obj.project, obj.lang))


def format_summary(summary: dict, output: Path, project, lang: str) -> str:
    lines = [
        f"{t('built', lang)}: {summary['triples']} {t('triples', lang)}, "
        f"{t('written', lang)} {project.relative(output)}/ ({', '.join(summary['files'])})",
        f"{t('conforms', lang)}.",
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
@click.pass_obj
def validate(obj: Context, report_lang, base_iri):
    """Validate the data with the SHACL shapes and report readably.

    Each finding names the data file and line, the shape id, the offending node and a
    message. Exit code 1 when there are violations.
    """
    lang = report_lang or obj.lang
    loaded = load_project(obj.project, base_iri)
    report = validate_project(loaded)
    click.echo(report.format(lang))
    sys.exit(0 if report.conforms else 1)


if __name__ == "__main__":  # pragma: no cover
    main()
