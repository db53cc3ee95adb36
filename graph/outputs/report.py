"""A printable meeting report: one self-contained, offline HTML file.

Library first; ``ikz report`` (graph/cli_analysis.py) is a thin wrapper.

>>> from graph.outputs.report import write_report
>>> write_report(None, "build/report.html")                 # doctest: +SKIP
>>> write_report(None, "build/report-en.html", lang="en")   # doctest: +SKIP

What it holds: headline figures, the partners view of graph/views (drawn from its view model as a
static picture that prints, and on screen the interactive view itself), the towns holding the
network together, the groups, the coverage matrix, the gaps with candidate partners (a
heuristic, its rule stated), the proposed cooperations and the barriers named; every statement
with a footnote to its source and the verbatim sentence (document, line). "Stand" is the latest
date of the documents cited (never the clock) and the build version is printed, so the same graph
gives a byte-identical file.

Safety: rendered by Jinja2 with autoescape (a label such as ``<img src=x onerror=...>`` shows as
text); the report has no script of its own. The interactive view sits in a sandboxed
``<iframe srcdoc>`` (it is the page of :func:`graph.outputs.views.render_html`, escaped as an attribute);
its scripts and style are allowed by their SHA-256 hashes, which the frame inherits from the
report's Content-Security-Policy. The policy forbids every request (``default-src 'none'``,
images only from ``data:``/``blob:``), and no external URL appears in the page. ``live=False``
gives a small file without any script (``script-src 'none'``). Print CSS lays it out on A4.
"""

from __future__ import annotations

import datetime as _dt
import html as html_module
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2

from graph.core.i18n import t
from graph.outputs import analysis as A
from graph.outputs.report_picture import Figure, figure_from_view  # noqa: F401 - re-exported
from graph.outputs.views.render import csp_source
from graph.outputs.analysis import EXISTING, FUTURE, CooperationData

__all__ = ["Footnotes", "figure_from_view", "render_report", "report_context", "town_figures", "write_report"]

from graph.core.i18n import LANGS  # noqa: E402,F401 - re-exported

# ---------------------------------------------------------------------------------------------
# Footnotes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    number: int
    text: str | None            # the verbatim sentence (None: a document without quote)
    title: str                  # the document's title
    line: int | None
    document: str | None


@dataclass
class Footnotes:
    """Numbers the sources of the statements in order of first citation; each quote once.

    ``cite(*statements)`` returns the footnote numbers of the quotes behind the statements
    (cooperations, memberships, barriers); a statement without a quote cites its documents.
    """

    data: CooperationData
    notes: list[Note] = field(default_factory=list)
    _index: dict[str, int] = field(default_factory=dict)

    def _add(self, key: str, **values) -> int:
        if key not in self._index:
            self._index[key] = len(self.notes) + 1
            self.notes.append(Note(self._index[key], **values))
        return self._index[key]

    def cite(self, *statements: str) -> list[int]:
        numbers = set()
        for statement in statements:
            quotes = self.data.quotes(statement)
            for q in quotes:
                numbers.add(self._add(q.iri, text=q.text, title=q.title, line=q.line, document=q.document))
            if not quotes and statement in self.data.cooperations:
                for document in self.data.cooperations[statement].documents:
                    numbers.add(self._add(document, text=None, title=self.data.label(document), line=None, document=document))
        return sorted(numbers)

    def documents(self) -> set[str]:
        return {n.document for n in self.notes if n.document}


def ranges(numbers: list[int]) -> list[tuple[int, int]]:
    """Consecutive footnote numbers as (first, last) runs.

    >>> ranges([1, 2, 3, 5, 7, 8])
    [(1, 3), (5, 5), (7, 8)]
    """
    runs: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


# ---------------------------------------------------------------------------------------------
# The partners view, as a static picture (and optionally live)
# ---------------------------------------------------------------------------------------------


def _partners_view(data: CooperationData, lang: str, version: str, include_proposed: bool):
    """The partners view model of graph/outputs/views for the report's graph, or (None, reason)."""
    if data.district and any(town.district != data.district for town in _all_towns(data).values()):
        return None, t("report.view_no_district_filter", lang)
    from graph.outputs.views import view_model

    return view_model(data.query, "partners", lang=lang, include_proposed=include_proposed, version=version), None


def _all_towns(data: CooperationData) -> dict:
    from graph.facts.towns import read_towns

    return read_towns(data.query, data.labels)


def live_view(model) -> tuple[str, list[str], list[str]]:
    """The interactive view's HTML (for an ``<iframe srcdoc>``) and the CSP sources of its
    scripts and styles, which the report's policy must allow (a srcdoc frame inherits it)."""
    from graph.outputs.views import render_html

    html = render_html(model)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    scripts, styles = [], []
    for directive in html_module.unescape(policy.group(1) if policy else "").split(";"):
        parts = directive.split()
        if parts and parts[0] == "script-src":
            scripts = [p for p in parts[1:] if p.startswith("'sha256-")]
        if parts and parts[0] == "style-src":
            styles = [p for p in parts[1:] if p.startswith("'sha256-")]
    return html, scripts, styles


# ---------------------------------------------------------------------------------------------
# The content
# ---------------------------------------------------------------------------------------------


def _format_date(iso: str | None, lang: str) -> str:
    if not iso:
        return t("report.unknown_date", lang)
    day = _dt.date.fromisoformat(iso)
    return f"{day.day:02d}.{day.month:02d}.{day.year}" if lang == "de" else day.isoformat()


def _number(value: float, lang: str, digits: int = 2) -> str:
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if lang == "de" else text


def _district_label(data: CooperationData) -> str | None:
    if data.district:
        return data.label(data.district)
    districts = sorted({town.district for town in data.towns.values() if town.district})
    return ", ".join(data.label(d) for d in districts) if 0 < len(districts) <= 3 else None


def report_context(data: CooperationData, *, seed: int = A.DEFAULT_SEED, view: bool = True,
                   live: bool = False, include_proposed_in_view: bool = False) -> dict:
    """Everything the report shows, with footnote numbers, as plain data for the template."""
    lang = data.lang
    L = data.label
    notes = Footnotes(data)
    G = A.town_graph(data, EXISTING)
    existing = data.selected(EXISTING)
    proposed = data.selected(FUTURE)
    metrics = A.centrality(G)
    cuts = A.cut_towns(G)
    found_groups = A.groups(G, seed=seed)
    matrix = A.coverage(data, EXISTING)
    gap_list = A.gaps(data, EXISTING)
    candidates = A.candidate_partners(data, status=EXISTING)
    n = G.number_of_nodes()
    version = data.version()
    district = _district_label(data)

    def town_cooperations(town: str, among: set[str] | None = None) -> list[str]:
        return [c.iri for c in existing if town in c.towns and (among is None or among & set(c.towns) - {town})]

    figures = {
        "towns": n,
        "existing": len(existing), "existing_notes": notes.cite(*(c.iri for c in existing)),
        "proposed": len(proposed), "proposed_notes": notes.cite(*(c.iri for c in proposed)),
        "ties": G.number_of_edges(), "pairs": n * (n - 1) // 2,
        "density": _number(100 * A.density(G), lang, 0),
        "groups": len(found_groups), "gaps": len(gap_list), "cut": len(cuts),
        "isolated": sum(1 for x in G.nodes if G.degree(x) == 0),
    }

    figure, figure_reason, live_html = None, None, None
    csp_scripts: list[str] = []
    csp_styles: list[str] = []
    if view:
        model, figure_reason = _partners_view(data, lang, version, include_proposed_in_view)
        if model is not None:
            figure = figure_from_view(model)
            figure_notes = notes.cite(*(c.iri for c in existing if len(c.towns) > 1))
            if live:
                live_model, _ = _partners_view(data, lang, version, True)
                live_html, csp_scripts, csp_styles = live_view(live_model)
        else:
            figure_notes = []
    else:
        figure_notes = []

    holders = []
    order = sorted(G.nodes, key=lambda x: (-metrics[x]["betweenness"], -metrics[x]["degree"], L(x), x))
    for town in order:
        m = metrics[town]
        holders.append({"town": L(town), **town_figures(data, town, G), "betweenness": _number(m["betweenness"], lang),
                        "cut": m["cut"], "notes": notes.cite(*town_cooperations(town))})
    cut_texts = []
    for town, parts in cuts.items():
        bridging = [c for p in parts for c in town_cooperations(town, set(p))]
        cut_texts.append({"town": L(town), "n": len(parts), "parts": [[L(x) for x in p] for p in parts],
                          "notes": notes.cite(*sorted(set(bridging)))})

    group_items = []
    for i, members in enumerate(found_groups, start=1):
        inside = sorted({c for a, b in G.subgraph(members).edges for c in G[a][b]["cooperations"]})
        group_items.append({"n": i, "members": [L(x) for x in members],
                            "cooperations": [L(c) for c in inside], "notes": notes.cite(*inside)})
    isolated = [L(x) for x in G.nodes if G.degree(x) == 0]

    rows = []
    for town in matrix.towns:
        cells = []
        for area in matrix.areas:
            cell = matrix.cell(town, area)
            cited = list(cell.cooperations)
            cited += [m for c in cell.cooperations for m in _memberships(data, c, town)]
            cells.append({"count": len(cell.cooperations), "offices": [_office_short(L(o)) for o in cell.offices],
                          "future": bool(cell.future), "notes": notes.cite(*cited) if cited else []})
        rows.append({"town": L(town), "cells": cells})
    coverage_table = {"areas": [L(a) for a in matrix.areas], "rows": rows}

    gap_sections = []
    for area in matrix.areas:
        towns_missing = [g for g in gap_list if g.area == area]
        if not towns_missing:
            continue
        nobody = not any(matrix.covered(x, area) for x in matrix.towns)
        future = sorted({c for g in towns_missing for c in g.future})
        items = []
        for g in towns_missing:
            mine = [c for c in candidates if c.town == g.town and c.area == area]
            items.append({
                "town": L(g.town),
                "basis": t("report.basis_" + mine[0].basis, lang) if mine else None,
                "candidates": [{"rank": c.rank, "partner": L(c.partner), "shared": c.shared,
                                "notes": notes.cite(*c.shared_cooperations, *c.partner_cooperations)} for c in mine],
            })
        gap_sections.append({
            "area": L(area), "n": len(towns_missing), "total": len(matrix.towns), "nobody": nobody,
            "future": [{"label": L(c), "notes": notes.cite(c)} for c in future], "rows": items,
        })

    proposals = [{"label": L(c.iri), "areas": ", ".join(L(a) for a in c.areas), "status": L(c.status),
                  "members": ", ".join(L(x) for x in c.towns), "notes": notes.cite(c.iri),
                  "quotes": data.quotes(c.iri)} for c in proposed]

    barriers = []
    for barrier, kinds in _barriers(data):
        barriers.append({"label": L(barrier), "kinds": ", ".join(sorted(L(k) for k in kinds)),
                         "notes": notes.cite(barrier), "quotes": data.quotes(barrier)})

    dates = data.document_dates()
    cited_dates = [dates[d] for d in notes.documents() if d in dates]
    as_of = max(cited_dates) if cited_dates else None
    title = t("report.title", lang) + (f" – {district}" if district else "")
    return {
        "lang": lang, "title": title, "subtitle": t("report.subtitle", lang), "district": district,
        "as_of": _format_date(as_of, lang), "as_of_iso": as_of, "version": version,
        "figures": figures, "figure": figure, "figure_reason": figure_reason, "figure_notes": figure_notes,
        "live_html": live_html, "csp_scripts": csp_scripts, "csp_styles": csp_styles,
        "holders": holders, "cut_texts": cut_texts, "groups": group_items, "isolated": isolated,
        "coverage": coverage_table, "gap_sections": gap_sections, "rule": t(A.CANDIDATE_RULE_KEY, lang),
        "proposals": proposals, "barriers": barriers, "notes": notes.notes, "seed": seed,
    }


def town_figures(data: CooperationData, town: str, G=None) -> dict[str, int]:
    """What the report counts for ``town``, each a number of *distinct* things: ``partners``
    (towns it shares an existing cooperation with), ``existing`` and ``future`` (the existing,
    and the proposed or planned, cooperations it takes part in, each counted once however many
    partners it has) and ``facilities`` (the facilities it uses jointly in existing cooperation).

    >>> from graph.core.project import find_project
    >>> data = A.fetch(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999")
    >>> cdorf = next(t for t in data.towns if data.label(t) == "Cdorf")
    >>> town_figures(data, cdorf)
    {'partners': 3, 'existing': 3, 'future': 1, 'facilities': 2}
    """
    G = A.town_graph(data, EXISTING) if G is None else G
    existing = [c for c in data.selected(EXISTING) if town in c.towns]
    return {
        "partners": G.degree(town) if town in G else 0,
        "existing": len({c.iri for c in existing}),
        "future": len({c.iri for c in data.selected(FUTURE) if town in c.towns}),
        "facilities": len({c.facility for c in existing if c.facility}),
    }


def _memberships(data: CooperationData, cooperation: str, town: str) -> list[str]:
    """The membership IRIs of ``town`` in ``cooperation`` that carry their own quote (acting through)."""
    if not any(member == town for member, _ in data.cooperations[cooperation].acting):
        return []
    rows = data.rows("membership-of", _iri_bindings(cooperation=cooperation, member=town))
    return sorted(r[0] for r in rows)


def _iri_bindings(**values: str) -> dict:
    from rdflib import URIRef

    return {k: URIRef(v) for k, v in values.items()}


def _office_short(label: str) -> str:
    return re.sub(r"^Jugendamt\s+", "JA ", label)


def _barriers(data: CooperationData) -> list[tuple[str, list[str]]]:
    found: dict[str, set[str]] = {}
    for barrier, kind in data.rows("barriers"):
        found.setdefault(barrier, set())
        if kind:
            found[barrier].add(kind)
    return [(b, sorted(k)) for b, k in sorted(found.items(), key=lambda item: (data.label(item[0]), item[0]))]


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (resources.files("graph.outputs") / "templates" / name).read_text(encoding="utf-8")),
        autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["ranges"] = ranges
    return env


def render_report(data: CooperationData, *, seed: int = A.DEFAULT_SEED, view: bool = True, live: bool = True) -> str:
    """The complete HTML of the report for ``data`` (see :func:`~graph.outputs.analysis.fetch`):
    German or English as ``data.lang``; ``view`` draws the partners view, ``live`` also embeds
    the interactive view (screen only; adds its scripts, allowed by hash)."""
    context = report_context(data, seed=seed, view=view, live=live)
    template = _environment().get_template("report.html")
    css = _environment().get_template("report-style.html").render().strip() + "\n"
    policy = "; ".join([
        "default-src 'none'",
        "script-src " + (" ".join(context["csp_scripts"]) if context["csp_scripts"] else "'none'"),
        "style-src " + " ".join([csp_source(css), *context["csp_styles"]]),
        "img-src data:" + (" blob:" if context["live_html"] else ""),
        "font-src 'none'", "connect-src 'none'", "frame-src 'none'",
        "base-uri 'none'", "form-action 'none'",
    ])
    text = template.render(text=lambda key, **v: t("report." + key, data.lang, **v), css=jinja2.utils.markupsafe.Markup(css),
                           csp=policy, **context)
    return text


def write_report(source=None, output: str | os.PathLike = "build/report.html", *, lang: str = "de",
                 district: str | None = None, project=None, seed: int = A.DEFAULT_SEED, view: bool = True,
                 live: bool = True) -> Path:
    """Read the graph (``source`` as for :func:`~graph.outputs.analysis.fetch`), render the report and
    write it to ``output`` (UTF-8, atomically); return the path."""
    data = source if isinstance(source, CooperationData) else A.fetch(source, district=district, lang=lang, project=project)
    return A.write_text(render_report(data, seed=seed, view=view, live=live), output)
