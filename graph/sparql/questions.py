"""The library of named questions: ``queries/*.rq`` with a header, and their parameters.

A question file is plain SPARQL whose first comment lines say what it is::

    # title: Partner einer Kommune über gemeinsame Einrichtungen
    # title@en: Partners of a town through shared facilities
    # question@de: Mit welchen Kommunen teilt ?town eine Einrichtung?
    # question@en: Which towns share a facility with ?town?
    # params: town: municipality = Witten; kind: facility-kind = *

``params`` lists ``name: type`` with an optional ``= default``; ``*`` means "any" (the variable
stays unbound); no default means the parameter is required. Files named ``*-violation.rq``
are data checks that must return no rows (the build runs them).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from graph.core.i18n import msg
from graph.core.project import Project
from graph.rdf.parse import read_text
from graph.sparql.errors import QuestionError
from graph.sparql.resolve import CONCEPT_SCHEMES  # noqa: F401 - re-exported

PARAM_TYPES = {
    "municipality": "Kommune: Name oder AGS / town: name or AGS",
    "district": "Kreis: Name oder Kreisschlüssel / district: name or key",
    "facility-kind": "Einrichtungsart / facility kind (e.g. Jugendschutzstelle)",
    "service-area": "Aufgabengebiet / service area (e.g. Inobhutnahme)",
    "status": "Status (bestehend/existing, vorgeschlagen/proposed, ...)",
    "legal-form": "Rechtsform / legal form",
    "document": "Dokument: doc:… oder Titel / document: doc:… or title",
    "iri": "IRI, <...> or prefixed (e.g. doc:votum-2016)",
    "string": "Text",
    "integer": "ganze Zahl / integer",
    "date": "Datum / date (YYYY-MM-DD)",
}
ANY = "*"


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: str | None = None  # None: required; "*": any

    @property
    def required(self) -> bool:
        return self.default is None

    def describe(self) -> str:
        if self.default is None:
            return f"{self.name}: {self.type} (required)"
        return f"{self.name}: {self.type} = {self.default}"


@dataclass
class Question:
    """One named question (or violation check) of the library."""

    id: str
    path: Path
    text: str
    title: dict = field(default_factory=dict)
    question: dict = field(default_factory=dict)
    params: list[Param] = field(default_factory=list)

    @property
    def is_violation_check(self) -> bool:
        return self.id.endswith("-violation")

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("de") or self.id

    def question_in(self, lang: str) -> str:
        return self.question.get(lang) or self.question.get("de") or ""

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


_HEADER = re.compile(r"^#\s*(title|question|params)(?:@(de|en))?\s*:\s*(.*)$")


def parse_question(path: Path, display: str | None = None) -> Question:
    """Read a question file and its header."""
    display = display or str(path)
    text = read_text(path, display)
    question = Question(id=path.stem, path=path, text=text)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if not match:
            continue
        key, lang, value = match.groups()
        if key == "params":
            question.params = _parse_params(value, f"{display}:{number}")
        elif key == "title":
            question.title[lang or "de"] = value.strip()
        else:
            question.question[lang or "de"] = value.strip()
    if "de" not in question.title:
        raise QuestionError(msg("sparql.question.no_title"), where=f"{display}:1",
                            fix=msg("sparql.question.no_title_fix"))
    return question


def _parse_params(value: str, where: str) -> list[Param]:
    params = []
    for part in filter(None, (p.strip() for p in value.split(";"))):
        match = re.fullmatch(r"([A-Za-z_]\w*)\s*:\s*([a-z-]+)\s*(?:=\s*(.+))?", part)
        if not match:
            raise QuestionError(msg("sparql.question.bad_param", part=repr(part)), where=where,
                                fix=msg("sparql.question.bad_param_fix"))
        name, kind, default = match.groups()
        if kind not in PARAM_TYPES:
            raise QuestionError(msg("sparql.question.bad_type", kind=repr(kind)), where=where,
                                fix=msg("sparql.resolve.unknown_kind_fix", known=", ".join(PARAM_TYPES)))
        params.append(Param(name, kind, default.strip() if default else None))
    return params


def load_library(project: Project) -> dict[str, Question]:
    """All named questions and violation checks of ``queries/*.rq``, by id (sorted)."""
    files = sorted(project.queries_dir.glob("*.rq"))
    return {p.stem: parse_question(p, project.relative(p)) for p in files}


def get_question(library: dict[str, Question], qid: str) -> Question:
    """A question by id, or an error that suggests the nearest ids."""
    if qid in library:
        return library[qid]
    near = difflib.get_close_matches(qid, list(library), n=3, cutoff=0.4)
    near += [q for q in library if qid in q and q not in near][:3]
    raise QuestionError(
        msg("sparql.question.unknown", qid=repr(qid)),
        fix=msg("sparql.question.unknown_fix", near=msg("sparql.question.near", near=", ".join(near)) if near else ""),
    )
