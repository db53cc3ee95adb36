"""Downloads of a query answer: the SPARQL 1.1 result formats of :mod:`graph.sparql.formats`
(CSV, TSV, JSON) plus the two it lacks, SPARQL Query Results XML and an Excel workbook.

The CSV, TSV and JSON bytes are exactly those of ``ikz query --format csv|tsv|json``.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from graph.sparql import formats

#: Download format → (media type, file suffix), in the order offered on the pages.
TABLE_DOWNLOADS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": ("application/sparql-results+json; charset=utf-8", "srj"),
    "xml": ("application/sparql-results+xml; charset=utf-8", "srx"),
    "tsv": ("text/tab-separated-values; charset=utf-8", "tsv"),
}
#: RDF formats of one resource or a CONSTRUCT answer → (media type, suffix).
GRAPH_DOWNLOADS = {
    "ttl": ("text/turtle; charset=utf-8", "ttl"),
    "nt": ("application/n-triples; charset=utf-8", "nt"),
    "jsonld": ("application/ld+json; charset=utf-8", "jsonld"),
}


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


def to_xlsx(result, sheet: str = "Antwort") -> bytes:
    """An Excel workbook with one sheet: the column names in bold, then one row per answer;
    numbers and dates as Excel values, everything else as text (never as a formula)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    table = book.active
    table.title = sheet[:31]
    if result.form == "ASK":
        table.append(["boolean"])
        table.append(["true" if result.boolean else "false"])
    else:
        table.append(list(result.vars))
        for row in result.rows:
            table.append([_cell(row.get(v)) for v in result.vars])
    for cell in table[1]:
        cell.font = Font(bold=True)
    for cell in (c for line in table.iter_rows(min_row=2) for c in line):
        if isinstance(cell.value, str):
            cell.data_type = "s"  # text stays text: "=..." from the data is never a formula
    table.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(term):
    if term is None:
        return None
    if isinstance(term, Literal) and term.datatype in (XSD.integer, XSD.int, XSD.decimal, XSD.double, XSD.float,
                                                       XSD.date, XSD.gYear, XSD.long, XSD.nonNegativeInteger):
        value = formats.literal_value(term)
        if isinstance(value, (int, float)) or hasattr(value, "isoformat"):
            return value
    return str(term)


def table_download(result, fmt: str) -> bytes:
    """The answer ``result`` (SELECT or ASK) as the bytes of download format ``fmt``."""
    if fmt == "xlsx":
        return to_xlsx(result)
    if fmt == "xml":
        return to_xml(result).encode("utf-8")
    return {"csv": formats.to_csv, "tsv": formats.to_tsv, "json": formats.to_json}[fmt](result).encode("utf-8")
