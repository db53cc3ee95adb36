"""Scoring per field: precision and recall of an extraction against a corpus file
(``tests/corpus/*.expected.json``, schema in ``tests/corpus/README.md``) or an older
``tests/documents/*.expected.json``.

Fields: towns, districts, partners (each cooperation's partner set, towns and districts, as an
exact set), lead partner, status, legal form, persons, dates (ISO date with its role), and the
towns read out of a district, Land, provider or facility name (``not_towns``, should be 0).
A field the expected file does not record is not scored for that document.

>>> s = Score(3, 1, 0)
>>> (round(s.precision, 2), s.recall)
(0.75, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.extraction.findings import Extraction

#: The extractor's status concepts (ontology/concepts.ttl, local names) → the corpus codes.
STATUS_CODES = {
    "bestehend": "existing", "geplant": "planned", "erwogen": "considered", "empfohlen": "recommended",
    "beschlossen-vorbehaltlich": "decided-subject-to", "beendet": "ended", "abgelehnt": "rejected",
    "vorgeschlagen": "proposed",
}
#: Older expected files (tests/documents) say "vorgeschlagen" for anything not yet agreed.
_OLD_STATUS = {"bestehend": {"existing"}, "vorgeschlagen": {"proposed", "planned", "considered", "recommended",
                                                            "decided-subject-to"},
               "beendet": {"ended"}, "geplant": {"planned"}}
FIELDS = ("towns", "districts", "partners", "lead", "status", "legal_form", "persons", "dates")


@dataclass
class Score:
    found: int = 0  # true positives
    extra: int = 0  # false positives
    missed: int = 0  # false negatives

    @property
    def precision(self) -> float:
        return self.found / (self.found + self.extra) if self.found + self.extra else 1.0

    @property
    def recall(self) -> float:
        return self.found / (self.found + self.missed) if self.found + self.missed else 1.0

    def __add__(self, other: "Score") -> "Score":
        return Score(self.found + other.found, self.extra + other.extra, self.missed + other.missed)

    def as_dict(self) -> dict:
        return {"precision": round(self.precision, 3), "recall": round(self.recall, 3),
                "found": self.found, "extra": self.extra, "missed": self.missed}


def _sets(found: set, wanted: set) -> Score:
    return Score(len(found & wanted), len(found - wanted), len(wanted - found))


def status_matches(predicted: str | None, expected: str | None) -> bool:
    """Does the extractor's status (a concept local name) say what the expected file says?"""
    if expected is None:
        return True
    code = STATUS_CODES.get(predicted or "", predicted)
    return code == expected or code in _OLD_STATUS.get(expected, ())


def _attribute(score: Score, predicted, expected) -> None:
    """One value of a matched cooperation (lead, legal form, start date): right, wrong or missing."""
    if predicted is not None and predicted == expected:
        score.found += 1
    else:
        score.extra += predicted is not None
        score.missed += expected is not None


def score_document(extraction: Extraction, expected: dict) -> dict:
    """Per-field scores of one document; ``expected`` is the parsed expected JSON."""
    result: dict = {}
    towns = {p.key for p in extraction.towns()}
    result["towns"] = _sets(towns, set(expected.get("towns", {})))
    if "districts" in expected:
        result["districts"] = _sets({p.key for p in extraction.districts()}, set(expected["districts"]))
    # cooperations: exact partner sets, one to one, a matching status preferred
    wanted = [dict(c, _set=frozenset(c.get("partners", [])) | frozenset(c.get("partner_districts", [])))
              for c in expected.get("cooperations", [])]
    partners, status, lead, legal, start = Score(), Score(), Score(), Score(), Score()
    status_ok = 0
    remaining = list(wanted)
    for c in extraction.cooperations:
        keys = frozenset(p.place.key for p in c.partners)
        same = [e for e in remaining if e["_set"] == keys]
        match = next((e for e in same if status_matches(c.status, e.get("status"))), same[0] if same else None)
        if match is None:
            partners.extra += 1
            status.extra += 1
            continue
        remaining.remove(match)
        partners.found += 1
        right = status_matches(c.status, match.get("status"))
        status_ok += right
        status.found += right
        status.extra += not right
        status.missed += not right
        lead_place = getattr(c, "lead_partner", None)
        if "lead" in match:
            _attribute(lead, lead_place.key if lead_place else None, match["lead"])
        if "legal_form" in match:
            _attribute(legal, getattr(c, "legal_form_concept", None), (match["legal_form"] or {}).get("concept"))
        if "start_date" in match:
            _attribute(start, getattr(c, "start_date", None), match["start_date"])
    partners.missed += len(remaining)
    status.missed += len(remaining)
    for e in remaining:
        lead.missed += e.get("lead") is not None
        legal.missed += bool(e.get("legal_form"))
        start.missed += e.get("start_date") is not None
    result["partners"] = partners
    result["status"] = status
    result["status_ok"] = status_ok
    if any("lead" in c for c in wanted):
        result["lead"] = lead
        result["legal_form"] = legal
        result["start_date"] = start
    names = {" ".join(p.name.split()) for p in extraction.people}
    result["persons"] = _sets(names, set(expected.get("people", [])))
    if "dates" in expected:
        roles = getattr(extraction, "date_roles", None) or {}
        found = {(d.value, roles.get(d.start, "event")) for d in extraction.dates if len(d.value) == 10}
        result["dates"] = _sets(found, {(d["date"], d["role"]) for d in expected["dates"]})
    wrong = {n["town"] for n in expected.get("not_towns", [])}
    partner_keys = {p.place.key for c in extraction.cooperations for p in c.partners}
    result["not_towns"] = len(wrong & (towns | partner_keys))
    result["cooperations"] = len(wanted)
    return result


def total(results: list[dict]) -> dict:
    """Sum the per-document scores."""
    out: dict = {}
    for r in results:
        for key, value in r.items():
            if isinstance(value, Score):
                out[key] = out.get(key, Score()) + value
            elif isinstance(value, int):
                out[key] = out.get(key, 0) + value
    return out
