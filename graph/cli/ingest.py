"""``ikz add-source``, ``ikz extract``, ``ikz accept``, ``ikz import``, ``ikz diff``: growing the
graph from letters, minutes and spreadsheets, and seeing what changed.

Thin wrappers over :mod:`graph.ingest.workflow`, :mod:`graph.extraction.extract` and
:mod:`graph.outputs.diff`.
"""

from __future__ import annotations

import functools
import json
import sys

import click

from graph.cli.base import argument, command, option, path
from graph.cli.options import base_iri_option, format_option, lang_option, project_of
from graph.core.errors import IKZError
from graph.core.i18n import current, msg, t


def _added_places(result) -> None:
    if result.added_places:
        click.echo(t("cli.ingest.added_places", places=", ".join(result.added_places)))


@command("add-source")
@argument("file", type=path(exists=True, dir_okay=False))
@option("--title", help="cli.add_source.opt.title")
@option("--title-en", help="cli.add_source.opt.title_en")
@option("--date", help="cli.add_source.opt.date")
@option("--not-before", help="cli.add_source.opt.not_before")
@option("--not-after", help="cli.add_source.opt.not_after")
@option("--author", "authors", multiple=True, help="cli.add_source.opt.author")
@option("--language", default="de", show_default=True, help="cli.add_source.opt.language")
@option("--name", help="cli.add_source.opt.name")
@base_iri_option
@lang_option
def add_source(file, title, title_en, date, not_before, not_after, authors, language, name, base_iri):
    """Register a new document: copy its text into data/sources/ and describe it."""
    from graph.ingest.workflow import add_source as add

    if not title:
        if not sys.stdin.isatty():
            raise IKZError(msg("cli.add_source.no_title"), where="--title", fix=msg("cli.add_source.no_title_fix"))
        title = click.prompt(t("cli.add_source.ask_title"))
        date = date or click.prompt(t("cli.add_source.ask_date"), default="", show_default=False) or None
        if not authors:
            given = click.prompt(t("cli.add_source.ask_authors"), default="", show_default=False)
            authors = tuple(a for a in given.split(";") if a.strip())
    project = project_of()
    result = add(project, file, title=title, title_en=title_en, date=date, not_before=not_before, not_after=not_after,
                 authors=authors, language=language, name=name, base=base_iri)
    text = project.relative(result.text_file)
    click.echo(t("cli.add_source.registered", doc=result.doc, text=text, data=project.relative(result.data_file)))
    _added_places(result)
    click.echo(t("cli.add_source.next", text=text))


@command("extract")
@argument("file", type=path(exists=True, dir_okay=False))
@option("-o", "--output", "output", type=path(dir_okay=False), help="cli.extract.opt.output")
@option("--json", "as_json", is_flag=True, help="cli.extract.opt.json")
@option("--no-mentions", is_flag=True, help="cli.extract.opt.no_mentions")
@base_iri_option
@lang_option
def extract(file, output, as_json, no_mentions, base_iri):
    """Propose candidate facts from a registered German text and write them as a draft."""
    from graph.extraction.extract import extract_file

    project = project_of()
    drafted, found = extract_file(project, file, output, base=base_iri, mentions=not no_mentions)
    shown = project.relative(drafted)
    say = functools.partial(click.echo, err=as_json)  # with --json, stdout is the JSON alone
    say(t("cli.extract.draft", path=shown))
    say(t("cli.extract.found", towns=len(found.towns()), districts=len(found.districts()),
          coops=len(found.cooperations), people=len(found.people), dates=len(found.dates), events=len(found.events)))
    for name, places in found.ambiguous().items():
        say(t("cli.extract.ambiguous", name=name, places=" | ".join(p.describe() for p in places[:5])))
    say(t("cli.extract.next", path=shown))
    if as_json:
        click.echo(json.dumps({"draft": shown, **found.summary()}, indent=2, ensure_ascii=False))


@command("accept")
@argument("draft", type=path(exists=True, dir_okay=False), metavar="cli.accept.metavar")
@base_iri_option
@lang_option
def accept(draft, base_iri):
    """Merge a reviewed draft into data/ when every candidate is accepted and every check passes."""
    from graph.ingest.workflow import accept_draft

    project = project_of()
    result = accept_draft(project, draft, base=base_iri)
    click.echo(t("cli.accept.done", n=result.candidates, quotes=result.quotes, target=project.relative(result.target)))
    _added_places(result)
    click.echo(t("cli.ingest.next_build"))


@command("import")
@argument("file", type=path(exists=True, dir_okay=False))
@option("--kind", required=True, type=click.Choice(["cooperations", "facilities"]), help="cli.import.opt.kind")
@option("--name", help="cli.import.opt.name")
@option("--sheet", help="cli.import.opt.sheet")
@base_iri_option
@lang_option
def import_(file, kind, name, sheet, base_iri):
    """Import a spreadsheet (CSV or XLSX) of cooperations or facilities, one per row."""
    from graph.ingest.workflow import import_table

    project = project_of()
    result = import_table(project, file, kind, name=name, sheet=sheet, base=base_iri)
    click.echo(t("cli.import.done", rows=result.rows, statements=result.statements,
                 target=project.relative(result.target)))
    _added_places(result)
    click.echo(t("cli.ingest.next_build"))


@command("diff")
@argument("old", metavar="cli.diff.metavar_old")
@argument("new", required=False, default=None, metavar="cli.diff.metavar_new")
@format_option(["table", "json"], default="table", help="cli.diff.opt.format")
@lang_option
@base_iri_option
def diff(old, new, fmt, base_iri):
    """What changed between two versions of the graph (builds, files, folders, git revisions)."""
    from graph.outputs.diff import diff_json, diff_versions, format_diff

    try:
        project = project_of()
    except IKZError:
        project = None
    if new is None:  # the working tree of the project
        new = str(project.root) if project is not None else "."
    lang = current()
    result = diff_versions(old, new, project, lang, base_iri)
    click.echo(diff_json(result) if fmt == "json" else format_diff(result, lang))


COMMANDS = [add_source, extract, accept, import_, diff]
