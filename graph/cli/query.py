"""``ikz queries`` and ``ikz query``: the named questions, and answering them."""

from __future__ import annotations

from pathlib import Path

import click

from graph.cli.base import argument, command, option, path
from graph.cli.options import (csv_dialect_option, format_option, graph_option, is_terminal, lang_option,
                               output_option, project_of, refuse_binary_on_terminal, timeout_option)
from graph.core.errors import IKZError
from graph.core.files import write_bytes, write_text
from graph.core.i18n import current, msg, t
from graph.sparql.formats import BINARY_FORMATS, GRAPH_FORMATS, SUFFIXES, TABLE_FORMATS, render
from graph.sparql.query import DEFAULT_TIMEOUT, GraphQuery
from graph.sparql.questions import get_question, load_library
from graph.sparql.stores import STORES


@command("queries")
@format_option(["table", "md"], default="table", help="cli.queries.opt.format")
@lang_option
def queries_command(fmt):
    """List the named questions: id, title and parameters."""
    library = load_library(project_of())
    click.echo(library_markdown(library) if fmt == "md" else library_table(library), nl=fmt == "md")


def _describe(param) -> str:
    """A parameter as ``name: type = default`` or ``name: type (Pflicht)``."""
    if param.default is None:
        return f"{param.name}: {param.type} ({t('cli.queries.required')})"
    return f"{param.name}: {param.type} = {param.default}"


def library_table(library, lang: str | None = None) -> str:
    """The question library as a terminal table (the one table renderer of the analyses)."""
    from graph.outputs.analysis import Table, render_tables

    lang = lang or current()
    rows = [{"id": q.id, "title": q.title_in(lang), "params": "; ".join(_describe(p) for p in q.params if p.name != "lang")}
            for q in library.values()]
    table = Table("queries", t("cli.queries.title", lang), ["id", "title", "params"],
                  [t("cli.queries.head.id", lang), t("cli.queries.head.title", lang), t("cli.queries.head.params", lang)],
                  rows, t("cli.queries.note", lang))
    return render_tables({"queries": table}, "table")


def library_markdown(library, lang: str = "de") -> str:
    """The question library as a Markdown table in both languages (queries/README.md holds it)."""
    lines = ["| id | Titel / title | Frage / question | Parameter |", "|---|---|---|---|"]
    for q in library.values():
        params = ", ".join(f"`{p.describe()}`" for p in q.params) or "–"
        lines.append(f"| `{q.id}` | {q.title_in('de')}<br>*{q.title_in('en')}* | {q.question_in('de')}<br>*{q.question_in('en')}* | {params} |")
    return "\n".join(lines)


@command("query")
@argument("question_id", required=False, metavar="cli.query.metavar")
@option("-p", "--param", "params", nargs=2, multiple=True, metavar="cli.query.param_metavar", help="cli.query.opt.param")
@option("--file", "query_file", type=path(dir_okay=False, exists=True), help="cli.query.opt.file")
@option("--text", "query_text", help="cli.query.opt.text")
@format_option(TABLE_FORMATS + GRAPH_FORMATS, help="cli.query.opt.format")
@csv_dialect_option
@output_option("cli.query.opt.output")
@option("--store", type=click.Choice(STORES), default="oxigraph", show_default=True, help="cli.query.opt.store")
@option("--endpoint", metavar="URL", help="cli.query.opt.endpoint")
@graph_option
@timeout_option(DEFAULT_TIMEOUT)
@option("--allow-service", is_flag=True, help="cli.query.opt.allow_service")
@lang_option
def query_command(question_id, params, query_file, query_text, fmt, dialect, output, store, endpoint, graph_dir,
                  timeout, allow_service):
    """Answer a named question (ID), a query file (--file) or query text (--text)."""
    chosen = [x for x in (question_id, query_file, query_text) if x]
    if len(chosen) != 1:
        raise IKZError(msg("cli.query.exactly_one"), fix=msg("cli.query.exactly_one_fix"))
    lang = current()
    gq = GraphQuery.open(project_of(), store, graph_dir=graph_dir, endpoint=endpoint, timeout=timeout)
    options = {"allow_service": allow_service, "timeout": timeout}
    given = dict(params)
    if question_id:
        question = get_question(gq.library, question_id)
        if question.param("lang") and "lang" not in given:
            given["lang"] = lang
        result = gq.ask(question_id, given, **options)
    else:
        bindings = {name: gq.adhoc_term(value) for name, value in given.items()}
        if query_file:
            result = gq.run_file(query_file, bindings, **options)
        else:
            result = gq.run(query_text, bindings, where="--text", **options)
    note = result.truncation_note(lang) if hasattr(result, "truncation_note") else None
    if note:
        click.echo(note, err=True)
    fmt = fmt or chosen_format(output)
    if fmt in BINARY_FORMATS:
        refuse_binary_on_terminal(fmt, output)
    rendered = render(result, fmt, gq.prefixes, dialect=dialect, sheet=question_id)
    emit(rendered, output, t("cli.query.written", n=len(result), path="{path}"))


def chosen_format(output) -> str:
    """The format when --format is not given: by the suffix of ``-o FILE`` (``.xlsx``, ``.csv``
    …), else ``table`` on a terminal and ``plain`` in a pipe or an unknown file type."""
    if output:
        return SUFFIXES.get(Path(output).suffix.lower(), "plain")
    return "table" if is_terminal() else "plain"


def emit(rendered: str | bytes, output, written: str) -> None:
    """Write ``rendered`` to ``-o FILE`` (atomically; ``written`` with ``{path}`` goes to
    stderr) or to standard output (text without the BOM on a terminal, bytes as they are)."""
    if output:
        if isinstance(rendered, bytes):
            path = write_bytes(rendered, output)
        else:
            path = write_text(rendered if rendered.endswith("\n") else rendered + "\n", output)
        click.echo(written.replace("{path}", str(path)), err=True)
    elif isinstance(rendered, bytes):
        stream = click.get_binary_stream("stdout")
        stream.write(rendered)
        stream.flush()
    else:
        text = rendered.lstrip("\ufeff") if is_terminal() else rendered
        click.echo(text, nl=not text.endswith("\n"))


COMMANDS = [queries_command, query_command]
