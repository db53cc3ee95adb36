"""Reading a text file (data, ontology, query, source document) with located errors."""

from __future__ import annotations

from pathlib import Path

from graph.core.errors import SourceDataError
from graph.core.i18n import msg


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 text file (a byte order mark is dropped); a missing, unreadable or
    mis-encoded file is a :class:`SourceDataError` naming ``display`` (and the line)."""
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise SourceDataError(msg("rdf.file.missing"), where=display, fix=msg("rdf.file.missing-fix")) from None
    except OSError as error:
        raise SourceDataError(msg("rdf.file.unreadable", reason=error.strerror or type(error).__name__),
                              where=display) from None
    try:
        return raw.decode("utf-8-sig")  # a byte order mark (Windows editors write one) is not text
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SourceDataError(msg("rdf.file.not-utf8", byte=f"{raw[error.start]:02x}"), where=f"{display}:{line}",
                              fix=msg("rdf.file.not-utf8-fix")) from None
