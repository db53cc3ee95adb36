"""Query results as text: a terminal table, CSV (Excel-ready), TSV and JSON (the SPARQL 1.1
result formats), Markdown; graphs as Turtle, N-Triples or JSON-LD."""

from __future__ import annotations

import csv
import io
import json

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from graph.core.i18n import t

TABLE_FORMATS = ("table", "csv", "tsv", "json", "md")
GRAPH_FORMATS = ("ttl", "nt", "jsonld")
#: Longest cell shown in the terminal table (the full value is in csv/tsv/json).
CELL = 60


def shorten(term, prefixes: dict[str, str]) -> str:
    """A term as people read it: a literal's text, an IRI as a prefixed name."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        best = max((ns for ns in prefixes.values() if str(term).startswith(ns)), key=len, default=None)
        if best:
            name = next(k for k, v in prefixes.items() if v == best)
            return f"{name}:{str(term)[len(best):]}"
        return f"<{term}>"
    return str(term)


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


def to_csv(result) -> str:
    """SPARQL 1.1 CSV results (values as plain text), starting with a UTF-8 byte order mark so
    that Excel shows umlauts correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.form == "ASK":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
    else:
        writer.writerow(result.vars)
        for r in result.rows:
            writer.writerow(["" if r.get(v) is None else str(r[v]) for v in result.vars])
    return "\ufeff" + buffer.getvalue()


def to_tsv(result) -> str:
    """SPARQL 1.1 TSV results: terms in N-Triples/Turtle syntax."""
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
    value = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype and term.datatype != XSD.string:
        value["datatype"] = str(term.datatype)
    return value


def to_json(result) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.form == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=2) + "\n"
    data = {
        "head": {"vars": result.vars},
        "results": {"bindings": [{v: _json_term(r[v]) for v in result.vars if r.get(v) is not None} for r in result.rows]},
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


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


def render(result, fmt: str, prefixes: dict[str, str]) -> str:
    """Any of the formats, chosen by name."""
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        return graph_text(result, fmt if fmt in GRAPH_FORMATS else "ttl", prefixes)
    if fmt in GRAPH_FORMATS:
        from graph.core.errors import IKZError

        raise IKZError(f"--format {fmt} is for CONSTRUCT/DESCRIBE queries", fix=f"use one of: {', '.join(TABLE_FORMATS)}")
    return {"table": lambda: table(result, prefixes), "md": lambda: markdown(result, prefixes),
            "csv": lambda: to_csv(result), "tsv": lambda: to_tsv(result), "json": lambda: to_json(result)}[fmt]()


def literal_value(term):
    """A literal's Python value (for DataFrames); IRIs as strings."""
    return term.toPython() if isinstance(term, Literal) else (None if term is None else str(term))
