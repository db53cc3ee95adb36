"""Answers as files and text, in one place: the terminal table, plain tab-separated values for
pipes, CSV and xlsx for Excel, Markdown, the four SPARQL 1.1 result formats (JSON, XML, CSV,
TSV); CONSTRUCT/DESCRIBE graphs as Turtle, N-Triples or JSON-LD.

People's formats (``table``, ``plain``, ``csv``, ``xlsx``, ``md``) show a literal's value and an
IRI as a prefixed name (``m:05954004``); the ``sparql-*`` formats keep every term as the
standards say. Any table (an analysis as well as an answer) becomes CSV with
:func:`csv_tables` and a workbook with :func:`workbook`.

>>> from rdflib import Literal, URIRef
>>> from rdflib.namespace import XSD
>>> from graph.sparql.result import Result
>>> answer = Result("SELECT", ["town", "share"], [{"town": URIRef("https://w3id.org/ikz/id/municipality/05954004"),
...                                                "share": Literal("0.556", datatype=XSD.decimal)}])
>>> prefixes = {"m": "https://w3id.org/ikz/id/municipality/"}
>>> to_plain(answer, prefixes).splitlines()
['town\\tshare', 'm:05954004\\t0.556']
>>> to_csv(answer, prefixes, "excel-de").splitlines()
['\\ufefftown;share', 'm:05954004;0,556']
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from graph.core.errors import IKZError
from graph.core.i18n import current, msg, t

#: Formats of SELECT/ASK answers. ``json`` and ``tsv`` are the older names of ``sparql-json``
#: and ``sparql-tsv`` and stay as aliases (scripts use them).
TABLE_FORMATS = ("table", "plain", "csv", "xlsx", "md", "sparql-json", "sparql-xml", "sparql-csv", "sparql-tsv",
                 "json", "tsv")
ALIASES = {"json": "sparql-json", "tsv": "sparql-tsv"}
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
#: Formats whose output is bytes, not text.
BINARY_FORMATS = ("xlsx",)
#: CSV dialects → (separator, decimal mark, byte order mark). ``excel-de`` opens in columns in a
#: German Excel, ``excel-en`` in an English one; ``rfc4180`` is plain RFC 4180 (UTF-8, no BOM).
CSV_DIALECTS = {"excel-de": (";", ",", True), "excel-en": (",", ".", True), "rfc4180": (",", ".", False)}
#: Words for true/false per dialect (what Excel of that language reads as a boolean).
_BOOLEANS = {"excel-de": ("WAHR", "FALSCH"), "excel-en": ("TRUE", "FALSE"), "rfc4180": ("true", "false")}
#: A file suffix → the format ``-o FILE`` chooses when no --format is given.
SUFFIXES = {".xlsx": "xlsx", ".csv": "csv", ".md": "md", ".json": "sparql-json", ".srj": "sparql-json",
            ".xml": "sparql-xml", ".srx": "sparql-xml", ".tsv": "plain", ".txt": "plain",
            ".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld"}
#: Longest cell shown in the terminal table (the full value is in the files).
CELL = 60
#: Literal datatypes shown as numbers, dates or booleans (everything else stays text:
#: an AGS such as "05954004" is a string and keeps its leading zero).
_NUMBERS = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger, XSD.positiveInteger,
            XSD.negativeInteger, XSD.nonPositiveInteger, XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort,
            XSD.decimal, XSD.double, XSD.float}
_DATES = {XSD.date, XSD.dateTime}


def format_name(fmt: str) -> str:
    """The canonical name of ``fmt`` (``json`` → ``sparql-json``, ``tsv`` → ``sparql-tsv``)."""
    return ALIASES.get(fmt, fmt)


def csv_dialect(dialect: str | None = None, lang: str | None = None) -> str:
    """``dialect`` if given, else the Excel dialect of the language (``excel-de`` for German)."""
    if dialect:
        return dialect
    return "excel-de" if (lang or current()) == "de" else "excel-en"


def shorten(term, prefixes: dict[str, str]) -> str:
    """A term as people read it: a literal's text, an IRI as a prefixed name.

    >>> shorten(URIRef("https://w3id.org/ikz/id/municipality/05954004"), {"m": "https://w3id.org/ikz/id/municipality/"})
    'm:05954004'
    >>> shorten(URIRef("https://example.org/x"), {})
    '<https://example.org/x>'
    """
    if term is None:
        return ""
    if isinstance(term, URIRef):
        best = max((ns for ns in prefixes.values() if str(term).startswith(ns)), key=len, default=None)
        if best:
            name = next(k for k, v in prefixes.items() if v == best)
            return f"{name}:{str(term)[len(best):]}"
        return f"<{term}>"
    return str(term)


def value(term, prefixes: dict[str, str]):
    """A term as a cell value: int, Decimal or float for numbers, bool, date/datetime, else
    text (IRIs as prefixed names; ill-typed literals as their text).

    >>> value(Literal("2", datatype=XSD.integer), {}), value(Literal("true", datatype=XSD.boolean), {})
    (2, True)
    >>> value(Literal("Ennepetal", lang="de"), {}), value(Literal("05954004"), {})
    ('Ennepetal', '05954004')
    """
    if term is None:
        return None
    if not isinstance(term, Literal):
        return shorten(term, prefixes)
    if term.datatype in _NUMBERS or term.datatype == XSD.boolean or term.datatype in _DATES:
        python = term.toPython()
        if isinstance(python, bool) and term.datatype == XSD.boolean:
            return python
        if isinstance(python, (int, float, decimal.Decimal)) and not isinstance(python, bool):
            return python
        if isinstance(python, (datetime.date, datetime.datetime)):
            return python
    if term.datatype == XSD.gYear and str(term).isdigit():
        return int(str(term))
    return str(term)


def _number_text(number, mark: str) -> str:
    if isinstance(number, float):
        text = repr(number)
    elif isinstance(number, decimal.Decimal):
        text = format(number, "f")
    else:
        text = str(number)
    return text.replace(".", mark) if mark != "." else text


def cell_text(item, dialect: str = "rfc4180") -> str:
    """A cell value as CSV/TSV text in ``dialect``: the decimal mark and boolean words of the
    dialect, dates in ISO 8601.

    >>> cell_text(0.556, "excel-de"), cell_text(True, "excel-de"), cell_text(0.556, "excel-en")
    ('0,556', 'WAHR', '0.556')
    """
    if item is None:
        return ""
    if isinstance(item, bool):
        return _BOOLEANS[dialect][0 if item else 1]
    if isinstance(item, (int, float, decimal.Decimal)):
        return _number_text(item, CSV_DIALECTS[dialect][1])
    if isinstance(item, (datetime.date, datetime.datetime)):
        return item.isoformat()
    return str(item)


def _safe(text: str) -> str:
    """Text that a spreadsheet does not run as a formula (a leading ' as Excel itself writes)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# -- people's formats --------------------------------------------------------------------------


def _cell(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CELL else text[: CELL - 1] + "…"


def table(result, prefixes: dict[str, str]) -> str:
    """An aligned text table for the terminal; long cells end in …"""
    if result.form == "ASK":
        return t("sparql.format.yes" if result.boolean else "sparql.format.no")
    rows = [[_cell(shorten(r.get(v), prefixes)) for v in result.vars] for r in result.rows]
    widths = [max([len(v)] + [len(row[i]) for row in rows]) for i, v in enumerate(result.vars)]
    line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    out = [line(result.vars), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(t("sparql.format.one_row" if len(rows) == 1 else "sparql.format.rows", count=len(rows)))
    return "\n".join(out)


def markdown(result, prefixes: dict[str, str]) -> str:
    if result.form == "ASK":
        return f"**{t('sparql.format.yes' if result.boolean else 'sparql.format.no')}**"
    esc = lambda s: s.replace("|", "\\|").replace("\n", " ")  # noqa: E731
    out = ["| " + " | ".join(result.vars) + " |", "|" + "---|" * len(result.vars)]
    out += ["| " + " | ".join(esc(shorten(r.get(v), prefixes)) for v in result.vars) + " |" for r in result.rows]
    return "\n".join(out)


def answer_table(result, prefixes: dict[str, str]) -> tuple[list[str], list[list]]:
    """A SELECT/ASK answer as (column headings, rows of cell values); ASK as one column
    "Antwort"/"Answer" with one boolean."""
    if result.form == "ASK":
        return [t("sparql.format.answer")], [[bool(result.boolean)]]
    return list(result.vars), [[value(r.get(v), prefixes) for v in result.vars] for r in result.rows]


def to_plain(result, prefixes: dict[str, str]) -> str:
    """Tab-separated values as people read them, for pipes: a header row of the variable names,
    then a literal's text and an IRI as a prefixed name (no SPARQL term syntax); numbers with a
    decimal point, booleans as true/false; tabs and line breaks in a value become spaces."""
    heads, rows = answer_table(result, prefixes)
    clean = lambda text: " ".join(text.split()) if ("\t" in text or "\n" in text or "\r" in text) else text  # noqa: E731
    out = ["\t".join(heads)] + ["\t".join(clean(cell_text(c)) for c in row) for row in rows]
    return "\n".join(out) + "\n"


def csv_tables(tables, dialect: str | None = None) -> str:
    """CSV of one or more tables, each ``(title or None, headings, rows of cell values)``; a
    title becomes a first row ``# title`` and tables are separated by a blank line. In the
    separator, decimal mark and booleans of ``dialect`` (default: Excel of the language in
    force), with a UTF-8 byte order mark for the Excel dialects; text that would start a
    formula gets a leading '.

    >>> csv_tables([(None, ["Kommune", "Anteil"], [["Breckerfeld", 0.5], ["=1+1", 2]])], "excel-de").splitlines()
    ['\\ufeffKommune;Anteil', 'Breckerfeld;0,5', "'=1+1;2"]
    """
    dialect = csv_dialect(dialect)
    if dialect not in CSV_DIALECTS:
        raise IKZError(msg("sparql.format.unknown_dialect", dialect=dialect), where="--csv-dialect",
                       fix=msg("sparql.format.choose", formats=", ".join(CSV_DIALECTS)))
    separator, _, bom = CSV_DIALECTS[dialect]
    parts = []
    for title, heads, rows in tables:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
        if title:
            writer.writerow([f"# {title}"])
        writer.writerow(heads)
        writer.writerows([[_safe(c) if isinstance(c, str) else cell_text(c, dialect) for c in row] for row in rows])
        parts.append(buffer.getvalue())
    return ("\ufeff" if bom else "") + "\r\n".join(parts)


def to_csv(result, prefixes: dict[str, str] | None = None, dialect: str | None = None) -> str:
    """The answer as CSV for Excel (``ikz query --format csv`` and the workbench's download):
    separator and decimal mark of the language in force (``;`` and ``0,556`` in German, ``,``
    and ``0.556`` in English) or of ``dialect``; IRIs as prefixed names (``prefixes``, default
    the current project's)."""
    heads, rows = answer_table(result, default_prefixes() if prefixes is None else prefixes)
    return csv_tables([(None, heads, rows)], dialect)


def default_prefixes() -> dict[str, str]:
    """The current project's prefixes (as a :class:`GraphQuery` has them); none outside a project."""
    from graph.core.errors import ProjectError
    from graph.core.project import find_project
    from graph.sparql.query import project_prefixes

    try:
        return project_prefixes(find_project())
    except ProjectError:
        return {}


# -- Excel workbooks ---------------------------------------------------------------------------


def _sheet_title(title: str, taken: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\ ."""
    name = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("' ")[:31] or "1"
    base, n = name, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _excel_value(item):
    if isinstance(item, datetime.datetime) and item.tzinfo is not None:
        return item.isoformat()  # Excel has no time zones: keep the exact text
    return item


def workbook(sheets) -> bytes:
    """An Excel workbook (xlsx), one sheet per ``(sheet title, headings, rows of cell values)``:
    a bold, frozen header row, an autofilter, column widths after the content; numbers, dates
    and booleans as Excel values, text always as text (never a formula).

    Needs openpyxl (a dependency of ikz-graph); without it an :class:`IKZError` says which
    command installs it.
    """
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError as error:
        raise IKZError(msg("sparql.format.no_openpyxl"), where="--format xlsx",
                       fix=msg("sparql.format.no_openpyxl_fix")) from error

    book = Workbook()
    book.remove(book.active)
    taken: set[str] = set()
    for title, heads, rows in sheets:
        sheet = book.create_sheet(_sheet_title(str(title), taken))
        sheet.append([str(h) for h in heads])
        for row in rows:
            sheet.append([_excel_value(c) for c in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(str(h)) for h in heads]
        for line in sheet.iter_rows(min_row=2):
            for i, cell in enumerate(line):
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # "=..." from the data stays text
                if i < len(widths) and cell.value is not None:
                    widths[i] = max(widths[i], len(str(cell.value)))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = min(max(width, 6) + 2, CELL)
        sheet.freeze_panes = "A2"
        if heads:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(heads))}{max(sheet.max_row, 1)}"
    if not book.sheetnames:
        book.create_sheet(t("sparql.format.answer"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_xlsx(result, prefixes: dict[str, str] | None = None, sheet: str | None = None) -> bytes:
    """The answer as a workbook with one sheet (named ``sheet``, default "Antwort"/"Answer")."""
    heads, rows = answer_table(result, default_prefixes() if prefixes is None else prefixes)
    return workbook([(sheet or t("sparql.format.answer"), heads, rows)])


# -- the SPARQL 1.1 result formats -------------------------------------------------------------


def to_sparql_csv(result) -> str:
    """SPARQL 1.1 Query Results CSV: values as plain text, full IRIs, CRLF, no BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.form == "ASK":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
    else:
        writer.writerow(result.vars)
        for r in result.rows:
            writer.writerow(["" if r.get(v) is None else str(r[v]) for v in result.vars])
    return buffer.getvalue()


def to_tsv(result) -> str:
    """SPARQL 1.1 Query Results TSV: terms in N-Triples/Turtle syntax."""
    if result.form == "ASK":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    out = ["\t".join("?" + v for v in result.vars)]
    for r in result.rows:
        out.append("\t".join("" if r.get(v) is None else r[v].n3() for v in result.vars))
    return "\n".join(out) + "\n"


def _json_term(term) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    item = {"type": "literal", "value": str(term)}
    if term.language:
        item["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        item["datatype"] = str(term.datatype)
    return item


def to_json(result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.form == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2) + "\n"
    data = {
        "head": {"vars": result.vars},
        "results": {"bindings": [{v: _json_term(r[v]) for v in result.vars if r.get(v) is not None} for r in result.rows]},
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def to_xml(result) -> str:
    """SPARQL Query Results XML Format (W3C, 2013)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.form == "ASK":
        out += ["  <head/>", f"  <boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out.append("  <head>")
    out += [f"    <variable name={quoteattr(v)}/>" for v in result.vars]
    out += ["  </head>", "  <results>"]
    for row in result.rows:
        out.append("    <result>")
        for var in result.vars:
            term = row.get(var)
            if term is None:
                continue
            out.append(f"      <binding name={quoteattr(var)}>{_xml_term(term)}</binding>")
        out.append("    </result>")
    out += ["  </results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _xml_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    attributes = ""
    if isinstance(term, Literal) and term.language:
        attributes = f" xml:lang={quoteattr(term.language)}"
    elif isinstance(term, Literal) and term.datatype and term.datatype != XSD.string:
        attributes = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attributes}>{escape(str(term))}</literal>"


# -- graphs, and choosing by name --------------------------------------------------------------


def graph_text(result, fmt: str, prefixes: dict[str, str]) -> str:
    """CONSTRUCT/DESCRIBE results as Turtle, N-Triples or JSON-LD (sorted, so stable)."""
    graph = result.graph()
    for name, namespace in prefixes.items():
        graph.bind(name, namespace, override=True, replace=True)
    if fmt == "nt":
        return "".join(sorted(graph.serialize(format="nt").splitlines(keepends=True)))
    if fmt == "jsonld":
        return graph.serialize(format="json-ld", indent=2, sort_keys=True)
    return graph.serialize(format="turtle")


def render(result, fmt: str, prefixes: dict[str, str], *, dialect: str | None = None, sheet: str | None = None):
    """Any of the formats, chosen by name: text, or bytes for ``xlsx``."""
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        return graph_text(result, fmt if fmt in GRAPH_FORMATS else "ttl", prefixes)
    if fmt in GRAPH_FORMATS:
        raise IKZError(msg("sparql.format.graph_only", format=fmt), where="--format",
                       fix=msg("sparql.format.choose", formats=", ".join(TABLE_FORMATS)))
    writers = {
        "table": lambda: table(result, prefixes), "md": lambda: markdown(result, prefixes),
        "plain": lambda: to_plain(result, prefixes), "csv": lambda: to_csv(result, prefixes, dialect),
        "xlsx": lambda: to_xlsx(result, prefixes, sheet),
        "sparql-json": lambda: to_json(result), "sparql-xml": lambda: to_xml(result),
        "sparql-csv": lambda: to_sparql_csv(result), "sparql-tsv": lambda: to_tsv(result),
    }
    name = format_name(fmt)
    if name not in writers:
        raise IKZError(msg("sparql.format.unknown", format=fmt), where="--format",
                       fix=msg("sparql.format.choose", formats=", ".join(TABLE_FORMATS)))
    return writers[name]()


def literal_value(term):
    """A literal's Python value (for DataFrames); IRIs as strings."""
    return term.toPython() if isinstance(term, Literal) else (None if term is None else str(term))
