"""A query answer, the same whichever engine gave it."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal

from graph.core.i18n import current, t


@dataclass
class Result:
    """A query answer: ``vars`` and ``rows`` (dicts of rdflib terms) for SELECT, ``boolean``
    for ASK, ``triples`` for CONSTRUCT/DESCRIBE."""

    form: str
    vars: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)
    #: True when the query had more rows (triples) than ``limit`` and only ``limit`` are here.
    truncated: bool = False
    limit: int | None = None

    def truncation_note(self, lang: str | None = None) -> str | None:
        """A one-line note for stderr when the answer was cut at the row cap, else None
        (in ``lang``, default the language in force).

        >>> Result("SELECT", truncated=True, limit=100000).truncation_note("de")[:42]
        'Hinweis: Antwort nach 100.000 Zeilen abges'
        """
        if not self.truncated:
            return None
        lang = lang or current()
        number = f"{self.limit:,}"
        if lang == "de":
            number = number.replace(",", ".")
        return t("sparql.run.truncated", lang, limit=number)

    def __len__(self) -> int:
        return len(self.rows) if self.form == "SELECT" else len(self.triples)

    def values(self, var: str) -> list:
        """The values of one column, as Python strings (None where unbound)."""
        return [None if r.get(var) is None else str(r[var]) for r in self.rows]

    def tuples(self) -> list[tuple]:
        """The rows as tuples of Python strings in column order (None where unbound)."""
        return [tuple(None if r.get(v) is None else str(r[v]) for v in self.vars) for r in self.rows]

    def to_dataframe(self):
        """The rows as a pandas DataFrame (needs pandas); values as Python values."""
        import pandas as pd  # optional dependency

        return pd.DataFrame(
            [{v: (None if r.get(v) is None else (r[v].toPython() if isinstance(r[v], Literal) else str(r[v]))) for v in self.vars} for r in self.rows],
            columns=self.vars,
        )

    def graph(self):
        """CONSTRUCT/DESCRIBE triples as an rdflib Graph."""
        from rdflib import Graph

        g = Graph()
        for triple in self.triples:
            g.add(triple)
        return g
