"""``ikz add-source``, ``ikz extract``, ``ikz accept``, ``ikz import``, ``ikz diff``: growing the
graph from letters, minutes and spreadsheets, and seeing what changed.

Thin wrappers over :mod:`graph.ingest.workflow`, :mod:`graph.extraction.extract` and :mod:`graph.outputs.diff`. Register
them in graph/cli.py with ``for command in COMMANDS: main.add_command(command)``. They read the
project and the language from ``ctx.obj`` (``.project``, ``.lang``) when the main group set it,
and find the project from the current folder otherwise.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click

from graph.core.errors import IKZError, ValidationError
from graph.core.project import find_project

MESSAGES = {
    "registered": ("Registriert: {doc}\n  Text:  {text}\n  Daten: {data}", "Registered: {doc}\n  text: {text}\n  data: {data}"),
    "added_places": ("  Aus dem Gemeindeverzeichnis übernommen: {places}", "  Taken from the national register: {places}"),
    "next_extract": ("Weiter: ikz extract {text}", "Next: ikz extract {text}"),
    "draft": ("Entwurf geschrieben: {path}", "Draft written: {path}"),
    "found": ("  {towns} Kommunen, {districts} Kreise, {coops} Kooperationen, {people} Personen, {dates} Daten, {events} Termine",
              "  {towns} towns, {districts} districts, {coops} cooperations, {people} people, {dates} dates, {events} events"),
    "ambiguous": ("  MEHRDEUTIG (nicht übernommen): {name} = {places}", "  AMBIGUOUS (not taken): {name} = {places}"),
    "next_review": ("Prüfen Sie jeden Kandidaten (Anleitung oben in der Datei), dann: ikz accept {path}",
                    "Review each candidate (instructions at the top of the file), then: ikz accept {path}"),
    "accepted": ("Übernommen: {n} geprüfte Kandidaten ({quotes} Zitate) nach {target}",
                 "Accepted: {n} reviewed candidates ({quotes} quotes) into {target}"),
    "imported": ("Importiert: {rows} Zeilen ({statements} Einträge) nach {target}",
                 "Imported: {rows} rows ({statements} entries) into {target}"),
    "build": ("Weiter: ikz build", "Next: ikz build"),
}


def _m(key: str, lang: str, **values) -> str:
    de, en = MESSAGES[key]
    return (de if lang == "de" else en).format(**values)


def _lang(ctx: click.Context) -> str:
    return getattr(ctx.obj, "lang", None) or "de"


def _project(ctx: click.Context):
    obj = ctx.obj
    return obj.project if obj is not None and hasattr(obj, "project") else find_project()


def _shown(ctx: click.Context, path: Path) -> str:
    try:
        return _project(ctx).relative(path)
    except IKZError:
        return str(path)


def _reports_errors(command):
    """Library errors become messages (no traceback) with the project's exit codes."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        try:
            return command(*args, **kwargs)
        except ValidationError as error:
            lang = _lang(ctx)
            click.echo(error.report.format(lang) if error.report else f"Fehler / error: {error}", err=True)
            if error.fix:
                click.echo(f"  fix: {error.fix}", err=True)
            sys.exit(1)
        except IKZError as error:
            click.echo(f"Fehler / error: {error}", err=True)
            sys.exit(error.exit_code)

    return wrapper


@click.command("add-source")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--title", help="Title of the document (asked for when missing on a terminal).")
@click.option("--title-en", help="English title (optional).")
@click.option("--date", help="Date of the document: 2016-04-12, 12.04.2016, 12. April 2016; a month (April 2016) "
                             "or a range (21.03.2016..30.04.2016) is recorded as not-before/not-after, never as an invented day.")
@click.option("--not-before", help="Earliest possible date of an undated document.")
@click.option("--not-after", help="Latest possible date of an undated document.")
@click.option("--author", "authors", multiple=True,
              help="Author organisation (repeatable): a town or district by name or AGS, 'Jugendamt Witten', or an IRI (ja:05954036).")
@click.option("--language", default="de", show_default=True, help="Language of the text (de, en, fr, ...).")
@click.option("--name", help="Short name for the IRIs and files (default: from the file name).")
@click.option("--base-iri", envvar="IKZ_BASE_IRI", default=None, help="Base IRI of the data.")
@click.pass_context
@_reports_errors
def add_source(ctx, file, title, title_en, date, not_before, not_after, authors, language, name, base_iri):
    """Register a new document (letter, minutes): copy its text into data/sources/ and describe it
    (title, date or date range, authors, language) in data/documents/NAME.ttl, the file its
    reviewed statements will go to. Checked like a build before anything is written.

    \b
    Example:
      ikz add-source protokoll.txt --title "Protokoll der AG Jugendhilfe vom 12.03.2019" \\
          --date 12.03.2019 --author "Kreis Unna"
    """
    from graph.ingest.workflow import add_source as add

    lang = _lang(ctx)
    if not title:
        if not sys.stdin.isatty():
            raise IKZError("a document needs a title", where="--title", fix="give --title '...'")
        title = click.prompt("Titel / title")
        date = date or click.prompt("Datum / date (leer lassen, wenn unbekannt / empty if unknown)", default="", show_default=False) or None
        if not authors:
            given = click.prompt("Verfasser / authors (Kommunen, durch ';' getrennt / towns separated by ';')", default="", show_default=False)
            authors = tuple(a for a in given.split(";") if a.strip())
    project = _project(ctx)
    result = add(project, file, title=title, title_en=title_en, date=date, not_before=not_before, not_after=not_after,
                 authors=authors, language=language, name=name, base=base_iri)
    text = project.relative(result.text_file)
    click.echo(_m("registered", lang, doc=result.doc, text=text, data=project.relative(result.data_file)))
    if result.added_places:
        click.echo(_m("added_places", lang, places=", ".join(result.added_places)))
    click.echo(_m("next_extract", lang, text=text))


@click.command("extract")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False),
              help="Draft file to write. Default: build/drafts/NAME.ttl (outside data/: the build never reads drafts).")
@click.option("--json", "as_json", is_flag=True, help="Print what was found as JSON on stdout (messages go to stderr).")
@click.option("--no-mentions", is_flag=True, help="Leave out the candidates that only record which towns the text names.")
@click.option("--base-iri", envvar="IKZ_BASE_IRI", default=None, help="Base IRI of the data.")
@click.pass_context
@_reports_errors
def extract(ctx, file, output, as_json, no_mentions, base_iri):
    """Propose candidate facts from a registered German text (letter, minutes), offline, and
    write them as a draft for review: towns and districts with their AGS, dates, people,
    addresses, facility kinds and service areas, and the cooperations its sentences state, each
    with its verbatim quote and position and marked ikz:reviewStatus "unreviewed".

    Nothing enters the graph until the draft is reviewed and accepted (`ikz accept DRAFT`).
    """
    from graph.extraction.extract import extract_file

    lang = _lang(ctx)
    project = _project(ctx)
    path, found = extract_file(project, file, output, base=base_iri, mentions=not no_mentions)
    shown = _shown(ctx, path)
    report = functools.partial(click.echo, err=as_json)  # with --json, stdout is the JSON alone
    report(_m("draft", lang, path=shown))
    report(_m("found", lang, towns=len(found.towns()), districts=len(found.districts()), coops=len(found.cooperations),
              people=len(found.people), dates=len(found.dates), events=len(found.events)))
    for name, places in found.ambiguous().items():
        report(_m("ambiguous", lang, name=name, places=" | ".join(p.describe() for p in places[:5])))
    report(_m("next_review", lang, path=shown))
    if as_json:
        click.echo(json.dumps({"draft": shown, **found.summary()}, indent=2, ensure_ascii=False))


@click.command("accept")
@click.argument("draft", type=click.Path(exists=True, dir_okay=False))
@click.option("--base-iri", envvar="IKZ_BASE_IRI", default=None, help="Base IRI of the data.")
@click.pass_context
@_reports_errors
def accept(ctx, draft, base_iri):
    """Merge a reviewed draft into data/: only when every candidate is marked
    ikz:reviewStatus "accepted" and has its quote, and the draft together with all existing
    data passes every check of the build (quotes verbatim in the registered text, SHACL shapes,
    data checks). Otherwise nothing in data/ changes and the message names file:line.
    """
    from graph.ingest.workflow import accept_draft

    lang = _lang(ctx)
    project = _project(ctx)
    result = accept_draft(project, draft, base=base_iri)
    click.echo(_m("accepted", lang, n=result.candidates, quotes=result.quotes, target=project.relative(result.target)))
    if result.added_places:
        click.echo(_m("added_places", lang, places=", ".join(result.added_places)))
    click.echo(_m("build", lang))


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--kind", required=True, type=click.Choice(["cooperations", "facilities"]),
              help="What the rows are (the templates are in docs/ingest.md).")
@click.option("--name", help="Name of the data file data/imports/NAME.ttl (default: from the file name). "
                             "Importing again under the same name replaces it.")
@click.option("--sheet", help="Worksheet of an .xlsx file (default: the first).")
@click.option("--base-iri", envvar="IKZ_BASE_IRI", default=None, help="Base IRI of the data.")
@click.pass_context
@_reports_errors
def import_(ctx, file, kind, name, sheet, base_iri):
    """Import a spreadsheet (CSV or XLSX) of cooperations or facilities, one per row, each with
    its source document and verbatim quote. German column names are accepted (Bezeichnung,
    Kommunen, Aufgabengebiet, Status, Rechtsform, Einrichtung, Quelle, Zitat, ...).

    Every row is checked; errors name the row and the column and what is expected. A file with
    any error imports nothing.
    """
    from graph.ingest.workflow import import_table

    lang = _lang(ctx)
    project = _project(ctx)
    result = import_table(project, file, kind, name=name, sheet=sheet, base=base_iri)
    click.echo(_m("imported", lang, rows=result.rows, statements=result.statements, target=project.relative(result.target)))
    if result.added_places:
        click.echo(_m("added_places", lang, places=", ".join(result.added_places)))
    click.echo(_m("build", lang))


@click.command("diff")
@click.argument("old")
@click.argument("new", required=False, default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table: readable text; json: for scripts.")
@click.option("--lang", "diff_lang", type=click.Choice(["de", "en"]), default=None,
              help="Language of labels and headings (default: the global --lang).")
@click.option("--base-iri", envvar="IKZ_BASE_IRI", default=None, help="Base IRI of the data.")
@click.pass_context
@_reports_errors
def diff(ctx, old, new, fmt, diff_lang, base_iri):
    """What changed between two versions of the graph: cooperations (with partners), facilities
    and sources added, removed or changed. OLD and NEW are build folders (build/graph), graph
    files (ikz.nt), project folders ('.' = the working tree, built afresh) or git revisions
    (HEAD, main~3, a tag); NEW defaults to the working tree.

    \b
    Examples:
      ikz diff sitzung-2024-05/graph build/graph
      ikz diff HEAD~1            # from the previous commit to the working tree
    """
    from graph.outputs.diff import diff_json, diff_versions, format_diff

    lang = diff_lang or _lang(ctx)
    try:
        project = _project(ctx)
    except IKZError:
        project = None
    if new is None:  # the working tree of the project
        new = str(project.root) if project is not None else "."
    result = diff_versions(old, new, project, lang, base_iri)
    click.echo(diff_json(result) if fmt == "json" else format_diff(result, lang))


COMMANDS = [add_source, extract, accept, import_, diff]
