"""Growing the graph: the ingest workflow, one module per step.

* :mod:`graph.ingest.sources`: ``ikz add-source`` (:func:`add_source`);
* :mod:`graph.ingest.accept`: ``ikz accept`` (:func:`accept_draft`), reviewed drafts only;
* :mod:`graph.ingest.importer`: ``ikz import`` (:func:`import_table`), spreadsheets by template
  (:mod:`graph.ingest.templates`); reading CSV/XLSX is :func:`graph.rdf.tables.read_table`;
* :mod:`graph.ingest.changes`: every change is checked in a temporary copy with the build's
  checks, then written atomically; :mod:`graph.ingest.additions`: the municipalities and
  districts a change needs from the national register.

This module keeps the names the CLI and the tests have always imported from here.
"""

from __future__ import annotations

from graph.ingest.accept import AcceptResult, accept_draft, merge_turtle
from graph.ingest.additions import register_additions
from graph.ingest.changes import Changes, ImportTableError, ReviewError, check_changes, write_changes
from graph.ingest.importer import ImportResult, import_table
from graph.ingest.sources import AddSourceResult, add_source, parse_german_date, resolve_organisation
from graph.ingest.templates import KINDS, TEMPLATES, Column
from graph.rdf.tables import Table, read_table

__all__ = [
    "AcceptResult", "AddSourceResult", "Changes", "Column", "ImportResult", "ImportTableError", "KINDS", "ReviewError",
    "TEMPLATES", "Table", "accept_draft", "add_source", "check_changes", "import_table", "merge_turtle",
    "parse_german_date", "read_table", "register_additions", "resolve_organisation", "write_changes",
]
