"""Spreadsheets as text cells: CSV (comma, semicolon or tab; UTF-8 with or without BOM, or
Windows-1252 as Excel writes it) and XLSX sheets (with openpyxl).

Every cell is read as text (an AGS keeps its leading zero); row numbers are those the user
sees in the spreadsheet (the header is row 1). Every failure is a located
:class:`TableError`, never a traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from graph.core.errors import SourceDataError
from graph.core.i18n import msg

#: Suffixes read as delimited text, and as workbooks.
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


class TableError(SourceDataError):
    """A spreadsheet cannot be read (missing, damaged, empty, not a table)."""


@dataclass
class Table:
    """A read spreadsheet: header cells and rows (row number as the user sees it → cells)."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """Read a CSV or an XLSX sheet; every cell is text, empty rows are left out.

    >>> import tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "t.csv")
    >>> _ = open(path, "w", encoding="utf-8").write("ags;name\\n05954004;Breckerfeld\\n\\n")
    >>> read_table(path).rows
    [(2, ['05954004', 'Breckerfeld'])]
    """
    path = Path(path)
    suffix = path.suffix.casefold()
    if suffix in WORKBOOK_SUFFIXES:
        return _read_xlsx(path, sheet)
    if suffix not in TEXT_SUFFIXES:
        raise TableError(msg("rdf.table.unknown-kind", suffix=path.suffix or "?"), where=str(path),
                         fix=msg("rdf.table.unknown-kind-fix"))
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise TableError(msg("rdf.file.missing"), where=str(path), fix=msg("rdf.file.missing-fix")) from None
    except OSError as error:
        raise TableError(msg("rdf.file.unreadable", reason=error.strerror or type(error).__name__), where=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV (Trennzeichen-getrennt)"
    first = text.split("\n", 1)[0]
    delimiter = "\t" if suffix == ".tsv" else (";" if first.count(";") > first.count(",") else ",")
    reader = csv.reader(io.StringIO(text.replace("\x00", "")), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as error:
        raise TableError(msg("rdf.table.csv-error", reason=str(error)), where=f"{path}:{reader.line_num}",
                         fix=msg("rdf.table.csv-error-fix")) from None
    if not lines:
        raise TableError(msg("rdf.table.empty"), where=str(path), fix=msg("rdf.table.empty-fix"))
    rows = [(n, [c.strip() for c in row]) for n, row in enumerate(lines[1:], start=2) if any(c.strip() for c in row)]
    return Table(path.name, [h.strip() for h in lines[0]], rows)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    try:
        import openpyxl
    except ImportError:
        raise TableError(msg("rdf.table.needs-openpyxl"), where=str(path), fix=msg("rdf.table.needs-openpyxl-fix")) from None
    if not path.is_file():
        raise TableError(msg("rdf.file.missing"), where=str(path), fix=msg("rdf.file.missing-fix"))
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - a damaged or foreign file: say what openpyxl said
        raise TableError(msg("rdf.table.bad-workbook", reason=str(error)[:300]), where=str(path),
                         fix=msg("rdf.table.bad-workbook-fix")) from None
    try:
        if sheet and sheet not in book.sheetnames:
            raise TableError(msg("rdf.table.no-sheet", sheet=sheet), where=str(path),
                             fix=msg("rdf.table.no-sheet-fix", sheets=", ".join(book.sheetnames)))
        ws = book[sheet] if sheet else book.worksheets[0]
        values = [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
        title = ws.title
    finally:
        book.close()
    if not values:
        raise TableError(msg("rdf.table.empty-sheet"), where=f"{path}:{title}", fix=msg("rdf.table.empty-fix"))
    rows = [(n, row) for n, row in enumerate(values[1:], start=2) if any(row)]
    return Table(f"{path.name} [{title}]", values[0], rows)
