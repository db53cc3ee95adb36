"""Downloads of a query answer. Every format is written by :mod:`graph.sparql.formats` (the one
place for answer formats), so the bytes are exactly those of ``ikz query --format ...``:
``csv`` (Excel in the page's language), ``xlsx``, and the SPARQL 1.1 results as ``json``,
``xml`` and ``tsv``.
"""

from __future__ import annotations

from graph.sparql import formats
from graph.sparql.formats import to_xml  # noqa: F401  (kept importable from here)

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
#: The download names → the names of :data:`graph.sparql.formats.TABLE_FORMATS`.
_FORMAT = {"csv": "csv", "xlsx": "xlsx", "json": "sparql-json", "xml": "sparql-xml", "tsv": "sparql-tsv"}


def to_xlsx(result, sheet: str | None = None, prefixes: dict[str, str] | None = None) -> bytes:
    """The answer as an Excel workbook (see :func:`graph.sparql.formats.to_xlsx`)."""
    return formats.to_xlsx(result, prefixes, sheet)


def table_download(result, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """The answer ``result`` (SELECT or ASK) as the bytes of download format ``fmt``, in the
    language in force; IRIs as prefixed names of ``prefixes`` (default: the project's)."""
    rendered = formats.render(result, _FORMAT[fmt], formats.default_prefixes() if prefixes is None else prefixes)
    return rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
