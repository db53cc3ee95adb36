"""Check that every quote occurs verbatim in its source text, and record where.

A quote matches when its words occur in the document's text file in the same order with the
same characters; line breaks and runs of spaces count as one space (letters are wrapped
differently in different copies). It must occur exactly once, so that its place is certain.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph.core.errors import QuoteError, SourceDataError
from graph.core.i18n import msg
from graph.core.namespaces import IKZ, OA, RDF, XSD
from graph.core.text import NormalizedText, Position, normalize
from graph.rdf.parse import read_text

__all__ = ["NormalizedText", "Position", "check_quotes", "normalize"]

RDF_TYPE = ox.NamedNode(RDF.type)


def check_quotes(rows, data_dirs, where) -> list:
    """Check quotes; return the triples that record their positions.

    ``rows`` are ``(quote, exact, document, text_file)`` pyoxigraph terms (text_file may be
    None: an external document, nothing local to check). ``data_dirs`` are the folders where
    ``ikz:textFile`` paths may start (``data/`` first); ``where(iri)`` locates nodes for messages.
    """
    roots = [Path(data_dirs)] if isinstance(data_dirs, (str, Path)) else [Path(d) for d in data_dirs]
    texts: dict = {}
    added: list = []
    integer = ox.NamedNode(XSD.integer)
    non_negative = ox.NamedNode(XSD.nonNegativeInteger)
    selector, start, end, line = (ox.NamedNode(OA.TextPositionSelector), ox.NamedNode(OA.start),
                                  ox.NamedNode(OA.end), ox.NamedNode(IKZ.line))  # once, not per quote
    for quote, exact, document, text_file in rows:
        if text_file is None:
            continue
        name = text_file.value
        if document not in texts:
            path = next((root / name for root in roots if (root / name).is_file()), roots[0] / name)
            if not path.is_file():
                raise SourceDataError(
                    msg("build.quote.text-missing", name=name, document=document.value),
                    where=where(document.value),
                    fix=msg("build.quote.text-missing-fix", name=name),
                )
            texts[document] = (NormalizedText(read_text(path, f"data/{name}")), f"data/{name}")
        text, doc_name = texts[document]
        found = text.find_all(exact.value)
        if len(found) != 1:
            if not found:
                nearest = text.nearest(exact.value)
                raise QuoteError(
                    msg("build.quote.not-found-nearest", quote=quote.value, document=doc_name, nearest=repr(nearest))
                    if nearest else msg("build.quote.not-found", quote=quote.value, document=doc_name),
                    where=where(quote.value),
                    fix=msg("build.quote.not-found-fix"),
                )
            raise QuoteError(
                msg("build.quote.repeated", quote=quote.value, count=len(found), document=doc_name,
                    lines=", ".join(str(p.line) for p in found)),
                where=where(quote.value),
                fix=msg("build.quote.repeated-fix"),
            )
        position = found[0]
        added += [
            ox.Triple(quote, RDF_TYPE, selector),
            ox.Triple(quote, start, ox.Literal(str(position.start), datatype=non_negative)),
            ox.Triple(quote, end, ox.Literal(str(position.end), datatype=non_negative)),
            ox.Triple(quote, line, ox.Literal(str(position.line), datatype=integer)),
        ]
    return added
