"""All analyses as tables (:func:`analyze`) and the tables as text (:func:`render_tables`):
terminal table, CSV, Markdown or JSON. Titles, headings and notes come from the catalogue
(``analysis.*``), in the data's language.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import networkx as nx

from graph.core import i18n
from graph.core.i18n import msg
from graph.core.project import find_project  # noqa: F401 - used by the doctests
from graph.facts.network import EXISTING, FUTURE, CooperationData, fetch, statuses  # noqa: F401
from graph.outputs.analysis.coverage import CANDIDATE_RULE_KEY, candidate_partners, coverage, gaps
from graph.outputs.analysis.network import (DEFAULT_SEED, AnalysisError, centrality, cut_towns, density, groups,
                                            modularity, town_graph)

#: Up to this many towns, betweenness is exact; above, estimated from BETWEENNESS_SAMPLE sources.
BETWEENNESS_EXACT = 1000
BETWEENNESS_SAMPLE = 500




@dataclass
class Table:
    """One analysis as a table: ``columns`` (keys of ``rows``), ``headers`` (their titles in
    the chosen language), ``rows`` (dicts of plain values), and a ``note`` (method, rule)."""

    key: str
    title: str
    columns: list[str]
    headers: list[str]
    rows: list[dict]
    note: str | None = None

    def to_dict(self) -> dict:
        return {"title": self.title, "columns": self.columns, "note": self.note, "rows": self.rows}

    def to_dataframe(self):
        """The rows as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)


ANALYSES = ("summary", "towns", "cut_towns", "groups", "pairs", "coverage", "gaps", "candidates")

def _table(key: str, lang: str, columns: list[str], rows: list[dict], note: str | None = None) -> Table:
    return Table(key, i18n.t("analysis." + key, lang), columns,
                 [i18n.t("analysis." + c, lang) if i18n.has("analysis." + c) else c for c in columns], rows, note)


def analyze(data: CooperationData, status=EXISTING, *, seed: int = DEFAULT_SEED, only=None) -> dict[str, Table]:
    """Every analysis as a :class:`Table`, keyed by name (``ANALYSES``); ``only`` picks some
    (and only what they need is computed).

    >>> tables = analyze(fetch(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999"))
    >>> list(tables)
    ['summary', 'towns', 'cut_towns', 'groups', 'pairs', 'coverage', 'gaps', 'candidates']
    >>> tables["towns"].rows[0]["town"], tables["towns"].rows[0]["betweenness"]
    ('Cdorf', 0.4)
    """
    from functools import cache

    only = list(ANALYSES) if not only else list(only)
    unknown = [name for name in only if name not in ANALYSES]
    if unknown:
        raise AnalysisError(msg("analysis.unknown_analysis", value=unknown[0]), fix=msg("analysis.use_one_of", values=", ".join(ANALYSES)))
    lang = data.lang
    L = data.label
    yes_no = lambda v: i18n.t("analysis.yes" if v else "analysis.no", lang)  # noqa: E731
    names = lambda towns: ", ".join(L(t) for t in towns)  # noqa: E731
    status_set = statuses(status)
    status_text = ", ".join(L(s) for s in sorted(status_set)) if status_set else i18n.t("analysis.all", lang)

    G = town_graph(data, status)
    n = G.number_of_nodes()
    sample = BETWEENNESS_SAMPLE if n > BETWEENNESS_EXACT else None
    metrics = cache(lambda: centrality(G, k=sample, seed=seed))
    cuts = cache(lambda: cut_towns(G))
    found_groups = cache(lambda: groups(G, seed=seed))
    gap_list = cache(lambda: gaps(data, status))

    tables: dict[str, Table] = {}
    if "summary" in only:
        figures = [
            ("n_towns", n),
            ("n_existing", len(data.selected(status))),
            ("n_proposed", len(data.selected(FUTURE))),
            ("n_ties", G.number_of_edges()),
            ("n_pairs", n * (n - 1) // 2),
            ("density", density(G)),
            ("n_components", nx.number_connected_components(G.subgraph([t for t in G if G.degree(t)]))),
            ("n_isolated", sum(1 for t in G if G.degree(t) == 0)),
            ("n_cut", len(cuts())),
            ("n_groups", len(found_groups())),
            ("modularity", modularity(G, found_groups())),
            ("n_gaps", len(gap_list())),
        ]
        tables["summary"] = _table("summary", lang, ["key", "figure", "value"],
                                   [{"key": k, "figure": i18n.t("analysis." + k, lang), "value": v} for k, v in figures])
    if "towns" in only:
        m = metrics()
        order = sorted(G.nodes, key=lambda t: (-m[t]["betweenness"], -m[t]["weighted_degree"], -m[t]["degree"], L(t), t))
        rows = [{"town": L(t), "ags": data.towns[t].ags, "degree": m[t]["degree"],
                 "weighted_degree": int(m[t]["weighted_degree"]), "betweenness": m[t]["betweenness"],
                 "cut": yes_no(m[t]["cut"]), "iri": t} for t in order]
        note = i18n.t("analysis.note_towns", lang) + (" " + i18n.t("analysis.note_sample", lang).format(k=sample, seed=seed) if sample else "")
        tables["towns"] = _table("towns", lang, ["town", "ags", "degree", "weighted_degree", "betweenness", "cut", "iri"],
                                 rows, note)
    if "cut_towns" in only:
        rows = [{"town": L(t), "parts": " | ".join(names(p) for p in parts), "iri": t} for t, parts in cuts().items()]
        tables["cut_towns"] = _table("cut_towns", lang, ["town", "parts", "iri"], rows)
    if "groups" in only:
        rows = []
        for i, members in enumerate(found_groups(), start=1):
            inside = sorted({c for a, b in G.subgraph(members).edges for c in G[a][b]["cooperations"]})
            rows.append({"group": i, "size": len(members), "members": names(members),
                         "internal": " | ".join(L(c) for c in inside)})
        tables["groups"] = _table("groups", lang, ["group", "size", "members", "internal"], rows,
                                  i18n.t("analysis.note_groups", lang).format(seed=seed))
    if "pairs" in only:
        edges = sorted(G.edges(data=True), key=lambda e: (-e[2]["weight"], data.towns[e[0]].ags or "", data.towns[e[1]].ags or ""))
        rows = [{"town_a": L(a), "town_b": L(b), "weight": d["weight"],
                 "shared": " | ".join(L(c) for c in d["cooperations"]),
                 "areas": ", ".join(sorted({L(x) for x in d["areas"]})),
                 "sources": " | ".join(sorted({L(x) for x in d["documents"]})), "a": a, "b": b} for a, b, d in edges]
        tables["pairs"] = _table("pairs", lang, ["town_a", "town_b", "weight", "shared", "areas", "sources", "a", "b"], rows)
    if "coverage" in only:
        C = coverage(data, status)
        rows = []
        for t in C.towns:
            for a in C.areas:
                cell = C.cell(t, a)
                rows.append({"town": L(t), "area": L(a), "cooperations": len(cell.cooperations),
                             "through": " | ".join(L(c) for c in cell.cooperations),
                             "acting_through": ", ".join(L(o) for o in cell.offices),
                             "proposed": " | ".join(L(c) for c in cell.future), "ags": data.towns[t].ags, "area_iri": a})
        tables["coverage"] = _table("coverage", lang, ["town", "area", "cooperations", "through", "acting_through",
                                                      "proposed", "ags", "area_iri"], rows,
                                    i18n.t("analysis.note_coverage", lang).format(status=status_text))
    if "gaps" in only:
        rows = [{"area": L(g.area), "town": L(g.town), "proposed": " | ".join(L(c) for c in g.future),
                 "ags": data.towns[g.town].ags, "area_iri": g.area} for g in gap_list()]
        tables["gaps"] = _table("gaps", lang, ["area", "town", "proposed", "ags", "area_iri"], rows)
    if "candidates" in only:
        rows = [{"area": L(c.area), "town": L(c.town), "rank": c.rank, "partner": L(c.partner),
                 "basis": i18n.t("analysis." + c.basis, lang), "weight": c.shared,
                 "join": " | ".join(L(x) for x in c.partner_cooperations)}
                for c in candidate_partners(data, status=status)]
        tables["candidates"] = _table("candidates", lang, ["area", "town", "rank", "partner", "basis", "weight", "join"],
                                      rows, i18n.t(CANDIDATE_RULE_KEY, lang))
    return {k: tables[k] for k in ANALYSES if k in tables}




FORMATS = ("table", "csv", "json", "md")
#: Longest cell in the terminal table (but the last column, which is never cut).
CELL = 60


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value else "0"
    return str(value)


def _visible(table: Table, with_iris: bool) -> list[str]:
    hidden = {"iri", "a", "b", "area_iri", "key"}
    return [c for c in table.columns if with_iris or c not in hidden]


def render_tables(tables: dict[str, Table], fmt: str = "table", *, with_iris: bool = False) -> str:
    """The tables as text: ``table`` (terminal), ``csv`` (sections separated by a blank line,
    UTF-8 BOM for Excel), ``md`` (Markdown) or ``json`` (one object, a key per analysis, all
    columns). IRI columns are left out of table/csv/md unless ``with_iris``."""
    if fmt not in FORMATS:
        raise AnalysisError(msg("analysis.unknown_format", value=fmt), where="--format", fix=msg("analysis.use_one_of", values=", ".join(FORMATS)))
    if fmt == "json":
        return json.dumps({k: t.to_dict() for k, t in tables.items()}, ensure_ascii=False, indent=2) + "\n"
    out: list[str] = []
    for table in tables.values():
        cols = _visible(table, with_iris)
        heads = [table.headers[table.columns.index(c)] for c in cols]
        cells = [[_plain(r.get(c)) for c in cols] for r in table.rows]
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow([f"# {table.key}: {table.title}"])
            writer.writerow(heads)
            writer.writerows(cells)
            out.append(buffer.getvalue())
        elif fmt == "md":
            esc = lambda s: s.replace("|", "\\|").replace("\n", " ")  # noqa: E731
            lines = [f"## {table.title}", ""]
            if table.note:
                lines += [f"*{table.note}*", ""]
            lines += ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
            lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in cells]
            out.append("\n".join(lines) + "\n")
        else:
            # long cells end in … (the full text is in csv/json/md); the last column is never cut
            short = [[c if len(c) <= CELL or i == len(row) - 1 else c[: CELL - 1] + "…" for i, c in enumerate(row)]
                     for row in cells]
            widths = [max([len(h)] + [len(r[i]) for r in short]) for i, h in enumerate(heads)]
            line = lambda row: "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()  # noqa: E731
            lines = [table.title, "=" * len(table.title)]
            if table.note:
                lines.append(table.note)
            lines += [line(heads), line(["-" * min(w, CELL) for w in widths])] + [line(r) for r in short]
            if not short:
                lines.append("–")
            out.append("\n".join(lines) + "\n")
    if fmt == "csv":
        return "\ufeff" + "\r\n".join(out)
    return "\n".join(out)


