"""The view model: what a network view shows, as plain dataclasses (no HTML, no JavaScript).

``view_model(store, kind, ...)`` reads the graph (see :mod:`graph.outputs.views.facts`) and returns a
:class:`ViewModel` with nodes, edges, legend, filters and footer. Two kinds:

* ``facilities``: towns and the shared facilities they use (Jugendschutzstellen,
  Beratungsstellen) with their operators, and the youth welfare offices through which a town
  acts for another (Breckerfeld through the Jugendamt Ennepetal);
* ``partners``: towns only; an edge where two towns are partners in the same cooperation,
  its width the number of cooperations they share, proposed cooperation dashed.

Every node and edge carries an :class:`Info`: what it is, facts, and the verbatim quotes and
source documents behind it, shown on hover.

Scale: a town is drawn when it takes part in a shown cooperation; towns without any are drawn
too only while the graph has at most ``CONTEXT_TOWNS`` towns (the district around its
cooperation), not for the national register. A view that would have more than ``MAX_NODES``
nodes is *aggregated* to districts (``ikz:district``) unless ``full=True`` (CLI ``--full``):

* ``facilities``: one node per district (label: name and number of towns taking part) and, next
  to it, one node per facility type with the number of facilities of that type whose users are
  mostly in that district; a line from each district whose towns use them, its width the number
  of facilities;
* ``partners``: one node per district; a line between two districts for the cooperations with
  towns in both, its width the number of them; cooperation within one district is counted in
  the district's tooltip.

Tooltips of aggregated items give counts and a few example quotes (``EXAMPLE_QUOTES``), not
thousands; the page says it is aggregated and how to get the full view.
"""

from __future__ import annotations


from graph.core.i18n import LANGS, msg, t
from graph.core.namespaces import IKZ, STATUS
from graph.facts.detail import Facts
from graph.outputs.views import curves as _curves
from graph.outputs.views import layout as _layout
from graph.outputs.views.force import force_layout
from graph.outputs.views import style as _style
from graph.outputs.views.facts import ViewError
from graph.facts.source import store_version  # noqa: F401 - re-exported (graph.outputs.views.model.store_version)
from graph.outputs.views.items import EXAMPLE_QUOTES  # noqa: F401 - re-exported
from graph.outputs.views.items import CONTEXT_TOWNS, DEFAULT_SEED, EXISTING, FOOTER_SOURCES, KINDS, LAYOUTS, MAX_NODES, NO_DISTRICT, PROPOSED, Edge, FilterGroup, FilterOption, Footer, LegendEntry, Node, ViewModel
from graph.outputs.views.builders import FacilitiesBuilder, PartnersBuilder
from graph.outputs.views.districts import DistrictFacilitiesBuilder, DistrictPartnersBuilder, number_text


def full_size(facts: Facts, kind: str, selected: list[str]) -> int:
    """The number of nodes of the full (not aggregated) view of ``selected``."""
    towns_taking_part: set[str] = set()
    nodes: set[str] = set()
    if kind == "facilities":
        for c in selected:
            facilities = facts.cooperations[c].facilities
            if not facilities:
                continue
            nodes.update(facilities)
            for f in facilities:
                nodes.update(o for o, _ in (facts.facilities[f].operators if f in facts.facilities else []))
            for m in facts.memberships_of.get(c, []):
                if m.member in facts.towns:
                    towns_taking_part.add(m.member)
                    if m.office and m.office_town != m.member:
                        nodes.add(m.office)
    else:
        chosen = set(selected)
        for a, b, c in facts.pairs:
            if c in chosen:
                towns_taking_part.update((a, b))
    towns = facts.towns if len(facts.towns) <= CONTEXT_TOWNS else towns_taking_part
    return len(nodes | set(towns))


def _select(facts: Facts, kind: str, area: str | None, facility_kind: str | None, include_proposed: bool) -> list[str]:
    selected = []
    for iri, c in sorted(facts.cooperations.items()):
        if kind == "facilities" and not c.facilities:
            continue
        if c.status == str(STATUS.beendet):
            continue
        if not include_proposed and c.status != _style.STATUS_EXISTING:
            continue
        areas = list(c.areas) + [a for f in c.facilities for a in (facts.facilities[f].areas if f in facts.facilities else [])]
        if area and not any(facts.is_under(a, area) for a in areas):
            continue
        kinds = [k for f in c.facilities for k in (facts.facilities[f].kinds if f in facts.facilities else [])]
        if facility_kind and not any(facts.is_under(k, facility_kind) for k in kinds):
            continue
        selected.append(iri)
    return selected


def view_model(
    source,
    kind: str,
    *,
    lang: str = "de",
    title: str | None = None,
    service_area: str | None = None,
    facility_kind: str | None = None,
    include_proposed: bool = True,
    layout: str = "geo",
    seed: int = DEFAULT_SEED,
    version: str | None = None,
    full: bool = False,
    max_nodes: int | None = None,
) -> ViewModel:
    """Build the view ``kind`` (``facilities`` or ``partners``) of the graph ``source`` (a
    GraphQuery, a pyoxigraph store, a built graph folder or file; see :mod:`graph.facts.source`).

    ``service_area`` / ``facility_kind`` keep only cooperation in that service area / using a
    facility of that kind (narrower concepts included); they are resolved by
    :meth:`GraphQuery.term` (a concept IRI, its local name or its label, as in ``ikz query``). ``include_proposed=False``
    leaves out cooperation that is not existing (proposed cooperation is drawn dashed).
    ``layout`` is ``geo`` (towns at their coordinates) or ``force`` (seeded force layout).
    ``version`` is shown in the footer (default: :func:`store_version` of the store; for a
    built graph see :func:`graph.outputs.views.graph_version`).

    A view that would have more than ``max_nodes`` (default :data:`MAX_NODES`) nodes is
    aggregated to districts (``ViewModel.aggregated``; see the module's docstring) unless
    ``full`` is true.
    """
    if kind not in KINDS:
        raise ViewError(msg("views.unknown_view", value=kind), where="KIND", fix=msg("views.use_one_of", values=", ".join(KINDS)))
    if lang not in LANGS:
        raise ViewError(msg("views.unknown_language", value=lang), where="--lang", fix=msg("views.use_one_of", values=", ".join(LANGS)))
    if layout not in LAYOUTS:
        raise ViewError(msg("views.unknown_layout", value=layout), where="--layout", fix=msg("views.use_one_of", values=", ".join(LAYOUTS)))
    facts = Facts(source, lang)
    # values users type are resolved by the one resolver (GraphQuery.term): IRI, key or label
    area = str(facts.query.term("service-area", service_area, "service_area")) if service_area else None
    fkind = str(facts.query.term("facility-kind", facility_kind, "facility_kind")) if facility_kind else None
    if version is None:
        version = facts.version or store_version(facts.query.engine.store)
    if not facts.towns:
        raise ViewError(msg("views.no_towns"), fix=msg("views.no_towns_fix"))
    selected = _select(facts, kind, area, fkind, include_proposed)
    limit = MAX_NODES if max_nodes is None else max_nodes
    size = full_size(facts, kind, selected)
    aggregated = not full and size > limit
    if aggregated:
        builder_class = DistrictFacilitiesBuilder if kind == "facilities" else DistrictPartnersBuilder
    else:
        builder_class = FacilitiesBuilder if kind == "facilities" else PartnersBuilder
    builder = builder_class(facts, lang, selected)
    builder.build()

    nodes = sorted(builder.nodes.values(), key=lambda n: (_style.NODE_STYLES[n.type].order, n.label, n.id))
    edges = sorted(builder.edges.values(), key=lambda e: (_style.EDGE_STYLES[e.type].order, e.id))
    gridded = _place(nodes, edges, facts, layout, seed, aggregated)
    _bend_edges(nodes, edges)
    _place_edge_labels(nodes, edges)

    shown_towns = [n.id for n in nodes if n.type == "town" and n.id in facts.towns]
    districts = {facts.label(facts.towns[t].district) for t in shown_towns if facts.towns[t].district}
    if aggregated:
        districts |= {facts.label(n.id) for n in nodes if n.type == "district" and n.id != NO_DISTRICT}
    districts = sorted(districts)
    base_title = t(f"views.title_{kind}", lang)
    if len(districts) > 3:
        default_title = f"{base_title} – {t('views.districts_many', lang, n=number_text(len(districts), lang))}"
    else:
        default_title = f"{base_title} – {', '.join(districts)}" if districts else base_title
    subtitle = _subtitle(facts, lang, kind, area, fkind, include_proposed, layout, seed, edges, aggregated, gridded,
                         len(nodes))
    notice = notice_en = ""
    if aggregated:
        notice = t("views.aggregated_notice", lang, kind=kind, nodes=number_text(size, lang), limit=number_text(limit, lang))
        if lang != "en":
            notice_en = t("views.aggregated_notice", "en", kind=kind, nodes=number_text(size, "en"), limit=number_text(limit, "en"))
    documents = set(builder.documents)
    as_of = facts.as_of(documents)
    sources = sorted({facts.label(d) for d in documents})
    if len(sources) > FOOTER_SOURCES:
        sources = sources[:FOOTER_SOURCES] + [t("views.and_more", lang, n=number_text(len(sources) - FOOTER_SOURCES, lang))]
    footer = Footer(
        as_of=as_of,
        as_of_display=_format_date(as_of, lang) if as_of else t("views.unknown_date", lang),
        sources=sources,
        version=version or "",
    )
    return ViewModel(
        kind=kind, lang=lang, title=title or default_title, description=t(f"views.about_{kind}", lang), subtitle=subtitle,
        nodes=nodes, edges=edges,
        legend=_legend(facts, nodes, edges, lang, aggregated),
        filters=_filters(facts, kind, nodes, edges, lang),
        footer=footer,
        settings={
            "service_area": area, "facility_kind": fkind, "include_proposed": include_proposed,
            "layout": layout, "seed": seed,
            "width_base": _style.EDGE_WIDTH_BASE, "width_per": _style.EDGE_WIDTH_PER,
            **({"aggregated": True, "full_nodes": size, "max_nodes": limit} if aggregated else {}),
        },
        aggregated=aggregated, notice=notice, notice_en=notice_en,
    )


def _format_date(iso: str, lang: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}.{month}.{year}" if lang == "de" else iso


def _subtitle(facts, lang, kind, area, fkind, include_proposed, layout, seed, edges,
              aggregated=False, gridded=False, node_count=0) -> str:
    parts = [t("views.aggregated_short", lang, kind=kind)] if aggregated else []
    if area:
        parts.append(f"{t('views.filter_area', lang)}: {facts.label(area)}")
    if fkind:
        parts.append(f"{t('views.filter_kind', lang)}: {facts.label(fkind)}")
    if not include_proposed:
        parts.append(t("views.without_proposed", lang))
    elif any(e.dashes for e in edges):
        parts.append(t("views.proposed_hidden" if kind == "partners" and not aggregated
                       and any(not e.dashes for e in edges) else "views.with_proposed", lang))
    if layout == "geo" and aggregated:
        parts.append(t("views.layout_geo_districts", lang))
    elif layout == "geo":
        parts.append(t("views.layout_geo_facilities" if kind == "facilities" else "views.layout_geo", lang))
    else:
        parts.append(t("views.layout_force", lang, seed=seed))
        if node_count > _layout.FORCE_EXACT:
            parts.append(t("views.layout_force_components", lang))
    if gridded:
        parts.append(t("views.layout_grid_districts" if aggregated else "views.layout_grid", lang))
    return " · ".join(parts)


def _place(nodes: list[Node], edges: list[Edge], facts: Facts, layout: str, seed: int,
           aggregated: bool = False) -> bool:
    """Give every node its position; return whether some were laid out in the grid of towns
    (or districts) without coordinates."""
    boxes = {n.id: _layout.box(n.label, n.size, n.font_size, n.label_width) for n in nodes}
    ids = [n.id for n in nodes]
    gridded = False
    if layout == "geo":
        neighbours: dict[str, list[str]] = {}
        for e in edges:
            neighbours.setdefault(e.source, []).append(e.target)
            neighbours.setdefault(e.target, []).append(e.source)
        neighbours = {k: sorted(set(v)) for k, v in neighbours.items()}
        # where a district is: the mean of the known coordinates of its towns
        known: dict[str, list[tuple[float, float]]] = {}
        for town in facts.towns.values():
            if town.point:
                known.setdefault(town.district or NO_DISTRICT, []).append(town.point)
        means = {d: (sum(p[0] for p in ps) / len(ps), sum(p[1] for p in ps) / len(ps)) for d, ps in known.items()}
        points: dict[str, tuple[float, float]] = {}
        homeless: dict[str, list[str]] = {}     # district -> nodes that have no coordinates
        anchored: dict[str, str] = {}           # town -> its district, placed near the district's mean
        if aggregated:
            for n in nodes:
                if n.type == "district":
                    if n.id in means:
                        points[n.id] = means[n.id]
                    else:
                        homeless.setdefault("", []).append(n.id)
        else:
            for n in nodes:
                if n.type != "town" or n.id not in facts.towns:
                    continue
                town = facts.towns[n.id]
                district = town.district or NO_DISTRICT
                if town.point:
                    points[n.id] = town.point
                elif district in means:
                    anchored[n.id] = district
                    points[f"district|{district}"] = means[district]
                else:
                    homeless.setdefault(district, []).append(n.id)
        projected = _layout.project(points, _layout.map_span(len(points)))
        fixed = {k: v for k, v in projected.items() if not k.startswith("district|")}
        # towns (or districts) close together are pushed apart until no two labels overlap
        fixed = _layout.remove_overlaps(fixed, boxes, margin=2.0)
        anchors = {town: projected[f"district|{district}"] for town, district in anchored.items()}
        if homeless:
            gridded = True
            tops = [y + boxes[k].dy + boxes[k].height / 2 for k, (_, y) in fixed.items() if k in boxes]
            tops += [y for _, y in anchors.values()]
            top = max(tops) + 2 * _layout.SATELLITE if tops else 0.0
            def by_ags(node_id):
                return (facts.towns[node_id].ags or "", node_id) if node_id in facts.towns else ("", node_id)

            groups = [(d, sorted(homeless[d], key=by_ags)) for d in sorted(homeless)]
            fixed.update(_layout.grid_blocks(groups, boxes, top, room=2.2 if aggregated else 0.8))
        positions = _layout.geo_layout(ids, neighbours, fixed, boxes, anchors)
    else:
        positions = force_layout(ids, [(e.source, e.target, float(e.weight)) for e in edges], boxes, seed)
    for n in nodes:
        n.x, n.y = (int(v) for v in positions.get(n.id, (0, 0)))
    return gridded


def _bend_edges(nodes: list[Node], edges: list[Edge]) -> None:
    """Draw an edge that would pass through or close beside a node it does not join as a
    curve around it, and if it can, around the node's label too (see
    :mod:`graph.outputs.views.curves`); not in views above ``BEND_LIMIT`` nodes."""
    if len(nodes) > _curves.BEND_LIMIT:
        return
    pos = {n.id: (float(n.x), float(n.y)) for n in nodes}
    radius = {n.id: float(n.size) for n in nodes}
    drawn = [e for e in edges if e.source in pos and e.target in pos and e.source != e.target]
    labels = {n.id: _layout.box_rect(pos[n.id], _layout.box(n.label, n.size, n.font_size, n.label_width), 4.0)
              for n in nodes}
    bends = _curves.bend_edges(pos, radius, [
        (e.id, e.source, e.target, (e.smooth, e.roundness) if e.curved else None) for e in drawn], labels=labels)
    for e in drawn:
        bend = bends[e.id]
        e.curved = bend is not None
        if bend is not None:
            e.smooth, e.roundness = bend


def _place_edge_labels(nodes: list[Node], edges: list[Edge]) -> None:
    """Put each edge label (a number, "acting through") where it covers no node, no node label
    and no other edge label (see :func:`graph.outputs.views.layout.label_spots`); heavy lines
    first. A label that is not a number is left out where there is no room for it."""
    pos = {n.id: (float(n.x), float(n.y)) for n in nodes}
    boxes = {n.id: _layout.box(n.label, n.size, n.font_size, n.label_width) for n in nodes}
    labelled = sorted((e for e in edges if e.label and e.source in pos and e.target in pos),
                      key=lambda e: (-e.weight, e.id))
    spots = _layout.label_spots(pos, boxes, [
        (e.id, e.source, e.target, _layout.label_size(e.label, e.font_size, _style.EDGE_LABEL_PAD))
        for e in labelled], optional={e.id for e in labelled if not e.count_label},
        bends={e.id: (e.smooth, e.roundness) for e in labelled if e.curved})
    for e in labelled:
        if spots[e.id] is None:   # no room: the legend and the tooltip name the relation
            e.label = None
        else:
            e.label_at, e.label_offset = spots[e.id]


def _legend(facts: Facts, nodes: list[Node], edges: list[Edge], lang: str,
            aggregated: bool = False) -> list[LegendEntry]:
    entries: list[LegendEntry] = []
    for node_type in sorted({n.type for n in nodes}, key=lambda k: _style.NODE_STYLES[k].order):
        st = _style.NODE_STYLES[node_type]
        label = t("views." + st.label_key, lang) if st.label_key else facts.label(st.legend)
        entries.append(LegendEntry("node", node_type, label, st.shape, st.color, st.border))
    for edge_type in sorted({e.type for e in edges}, key=lambda k: _style.EDGE_STYLES[k].order):
        st = _style.EDGE_STYLES[edge_type]
        label = facts.label(st.legend) if st.legend else t("views." + (st.label_key or edge_type), lang)
        ends = _EDGE_ENDS.get(edge_type)
        if ends:
            label += f" ({facts.label(ends[0])} → {facts.label(ends[1])})"
        note = t("views.width_note", lang) if edge_type == "partners" else None
        if aggregated and edge_type == "uses":
            note = t("views.width_note_facilities", lang)
        if any(e.type == edge_type and not e.dashes for e in edges):
            entries.append(LegendEntry("edge", edge_type, label, color=st.color, width=min(st.width, 4),
                                       arrows=st.arrows, note=note,
                                       pattern=" ".join(str(d) for d in st.dashes) if st.dashes else None))
    if any(e.dashes for e in edges):
        hidden = any(e.type in ("partners", "hub") for e in edges) and not aggregated
        entries.append(LegendEntry("edge", "proposed", facts.label(_style.STATUS_PROPOSED),
                                   color=_style.PROPOSED_COLOR, dashes=True, width=2,
                                   note=t("views.proposed_note", lang) if hidden else None))
    return entries


def _filters(facts: Facts, kind: str, nodes: list[Node], edges: list[Edge], lang: str) -> list[FilterGroup]:
    def values(facet: str) -> list[str]:
        found: set[str] = set()
        for n in nodes:
            found.update(n.facets.get(facet, []))
        for e in edges:
            found.update(e.facets.get(facet, []))
            for item in e.info.items if e.info else []:
                found.update(item.facets.get(facet, []))
        return sorted(found, key=lambda v: (facts.label(v) if v.startswith("http") else v))

    groups = []
    if kind == "facilities":
        kinds = values("kind")
        if len(kinds) >= 2:
            groups.append(FilterGroup("kind", facts.label(FACILITY_KIND_SCHEME_KIND, t("views.filter_kind", lang)),
                                      [FilterOption(v, facts.label(v)) for v in kinds]))
    else:
        areas = values("area")
        if len(areas) >= 2:
            groups.append(FilterGroup("area", facts.label(SERVICE_AREA_KIND, t("views.filter_area", lang)),
                                      [FilterOption(v, facts.label(v)) for v in areas]))
    statuses = values("status")
    if PROPOSED in statuses:
        labels = {EXISTING: facts.label(_style.STATUS_EXISTING), PROPOSED: facts.label(_style.STATUS_PROPOSED)}
        # the partners view opens with existing cooperation only: proposed is one click away
        hide = kind == "partners" and EXISTING in statuses
        groups.append(FilterGroup("status", facts.label(str(IKZ.CooperationStatus), t("views.status", lang)),
                                  [FilterOption(v, labels[v], checked=not (hide and v == PROPOSED))
                                   for v in (EXISTING, PROPOSED) if v in statuses]))
    return groups


#: What an edge of each type links, named by ontology classes in the legend.
_EDGE_ENDS = {
    "acting-through": (str(IKZ.Municipality), str(IKZ.YouthWelfareOffice)),
    "office-of": (str(IKZ.YouthWelfareOffice), str(IKZ.Municipality)),
    "operated-by": (str(IKZ.Facility), str(IKZ.Provider)),
}

#: Ontology classes naming the filter groups.
FACILITY_KIND_SCHEME_KIND = str(IKZ.FacilityKind)
SERVICE_AREA_KIND = str(IKZ.ServiceArea)
