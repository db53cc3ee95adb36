"""``ikz build`` and ``ikz validate``: the graph from the project's ontology and data."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from graph.builder.build import build as build_graph
from graph.builder.build import load_project, validate_project
from graph.cli.base import command, option, path
from graph.cli.options import base_iri_option, lang_option, project_of
from graph.core.i18n import current, t
from graph.core.project import OPTIONAL_LAYERS

VALIDATORS = ("sparql", "pyshacl")


@command("build")
@option("-o", "--output", type=path(file_okay=False), default=None, help="cli.build.opt.output")
@base_iri_option
@option("--with", "layers", multiple=True, type=click.Choice(OPTIONAL_LAYERS), help="cli.build.opt.with")
@option("--data", "extra_data", multiple=True, type=path(file_okay=False, exists=True), help="cli.build.opt.data")
@option("--validator", type=click.Choice(VALIDATORS), default="sparql", show_default=True, help="cli.opt.validator")
@option("--progress/--quiet", default=False, help="cli.build.opt.progress")
@option("--store-dir", type=path(file_okay=False), default=None, help="build.opt.store-dir")
@option("--jsonld/--no-jsonld", default=None, help="build.opt.jsonld")
@lang_option
def build(output, base_iri, layers, extra_data, validator, progress, store_dir, jsonld):
    """Build the graph: load ontology and data, check quotes, validate, write (atomically)."""
    started = time.monotonic()

    def say(step: str) -> None:
        click.echo(f"  [{time.monotonic() - started:6.1f} s] {step}", err=True)

    project = project_of()
    result = build_graph(project, output, base_iri, layers, extra_data, validator, say if progress else None,
                         store_dir=store_dir, jsonld=jsonld)
    click.echo(format_summary(result.summary, result.output, project))


def format_summary(summary: dict, output: Path, project, lang: str | None = None) -> str:
    """The build summary as printed by ``ikz build`` (in ``lang``, default: the language in force)."""
    lines = [
        t("cli.build.built", lang, triples=summary["triples"], output=project.relative(output),
          files=", ".join(summary["files"])),
        t("cli.build.conforms", lang),
        t("cli.build.checks", lang, n=len(summary.get("data_checks_passed", []))),
        "",
        t("cli.build.classes", lang),
    ]
    width = max(len(k) for k in summary["classes"])
    lines += [f"  {name:<{width}}  {count:>5}" for name, count in summary["classes"].items()]
    lines += ["", t("cli.build.sources", lang)]
    lines += [f"  {s['title']} ({s['quotes']})" for s in summary["sources"]]
    return "\n".join(lines)


@command("validate")
@lang_option
@base_iri_option
@option("--with", "layers", multiple=True, type=click.Choice(OPTIONAL_LAYERS), help="cli.opt.with")
@option("--validator", type=click.Choice(VALIDATORS), default="sparql", show_default=True, help="cli.opt.validator")
def validate(base_iri, layers, validator):
    """Validate the data with the SHACL shapes; exit 1 when there are violations."""
    report = validate_project(load_project(project_of(), base_iri, layers), validator)
    click.echo(report.format(current()))
    sys.exit(0 if report.conforms else 1)


COMMANDS = [build, validate]
