"""Building a full view: a builder per kind (shared facilities, partner towns) over the facts."""

from __future__ import annotations

import re

from graph.core.i18n import t
from graph.core.namespaces import IKZ
from graph.facts.detail import Facility, Facts
from graph.outputs.views import style as _style
from graph.outputs.views.text import shared
from graph.outputs.views.items import CONTEXT_TOWNS, EXISTING, PROPOSED, Edge, Info, Node, QuoteRef


# -- building -------------------------------------------------------------------------------------


class Builder:
    """Shared machinery of the two kinds of view."""

    def __init__(self, facts: Facts, lang: str, selected: list[str]):
        self.f = facts
        self.lang = lang
        self.selected = selected          # cooperation IRIs shown, sorted
        self.nodes: dict[str, Node] = {}
        self.edges: dict[str, Edge] = {}
        self.documents: set[str] = set()  # every document behind what is shown

    # texts and labels
    def t(self, key: str, **values) -> str:
        return t(key, self.lang, **values)

    def label(self, term: str | None, default: str | None = None) -> str:
        return self.f.label(term, default)

    # provenance
    def quotes(self, *subjects: str | None) -> list[QuoteRef]:
        result: list[QuoteRef] = []
        for subject in subjects:
            for q in self.f.quotes.get(subject or "", []):
                ref = QuoteRef(q.text, self.label(q.document, ""), q.line, q.document)
                if ref not in result:
                    result.append(ref)
                if q.document:
                    self.documents.add(q.document)
        return result

    def sources(self, *subjects: str | None) -> list[str]:
        docs: list[str] = []
        for subject in subjects:
            for doc in self.f.derived.get(subject or "", []):
                if doc not in docs:
                    docs.append(doc)
        self.documents.update(docs)
        return sorted({self.label(d) for d in docs})

    # cooperation facts
    def status_group(self, cooperation: str) -> str:
        return EXISTING if self.f.cooperations[cooperation].status == _style.STATUS_EXISTING else PROPOSED

    def areas_of(self, cooperation: str) -> list[str]:
        c = self.f.cooperations[cooperation]
        areas = list(c.areas)
        for facility in c.facilities:
            for area in self._facility(facility).areas:
                if area not in areas:
                    areas.append(area)
        return sorted(areas)

    def kinds_of(self, cooperation: str) -> list[str]:
        kinds: list[str] = []
        for facility in self.f.cooperations[cooperation].facilities:
            for kind in self._facility(facility).kinds:
                if kind not in kinds:
                    kinds.append(kind)
        return sorted(kinds)

    def _facility(self, facility: str) -> Facility:
        return self.f.facilities.get(facility) or Facility(facility)

    def facets(self, cooperation: str) -> dict[str, list[str]]:
        facets = {
            "status": [self.status_group(cooperation)],
            "area": sorted({self.f.below_root(a) for a in self.areas_of(cooperation)}),
        }
        kinds = sorted({self.f.root(k) for k in self.kinds_of(cooperation)})
        if kinds:
            facets["kind"] = kinds
        return facets

    def class_label(self, cooperation: str) -> str:
        classes = self.f.cooperations[cooperation].classes
        specific = [c for c in classes if c != str(IKZ.Cooperation)] or classes
        return self.label(sorted(specific)[0]) if specific else ""

    def memberships(self, cooperation: str):
        return self.f.memberships_of.get(cooperation, [])

    def is_town(self, member: str) -> bool:
        return member in self.f.towns

    def towns_shown(self, taking_part) -> list[str]:
        """Every town while the graph has few (``CONTEXT_TOWNS``), else those taking part."""
        if len(self.f.towns) <= CONTEXT_TOWNS:
            return list(self.f.towns)
        return [town for town in self.f.towns if town in taking_part]

    def acting_note(self, m) -> str | None:
        """'Breckerfeld → Jugendamt Ennepetal' when a town acts through the office of another
        town (shown under the heading 'vertreten durch')."""
        if m.office and m.office_town != m.member:
            return f"{self.label(m.member)} → {self.label(m.office)}"
        return None

    def cooperation_info(self, cooperation: str, focus: tuple[str, ...] = ()) -> Info:
        c = self.f.cooperations[cooperation]
        members = self.memberships(cooperation)
        partner_names = []
        for m in sorted(members, key=lambda m: (not self.is_town(m.member), self.label(m.member))):
            name = self.label(m.member)
            if m.office and m.office_town != m.member:
                name += f" ({self.t('views.acting_through')} {self.label(m.office)})"
            if name not in partner_names:
                partner_names.append(name)
        facts = [(self.t("views.cooperation_kind"), self.class_label(cooperation))]
        facts.append((self.t("views.status"), self.label(c.status, "?")))
        areas = self.areas_of(cooperation)
        if c.areas:
            facts.append((self.t("views.service_area"), ", ".join(self.label(a) for a in c.areas)))
        elif areas:
            facts.append((self.t("views.service_area"), ", ".join(self.label(a) for a in areas)))
        for facility in c.facilities:
            facts.append((self.t("views.facility"), self.label(facility)))
        if c.legal_form:
            facts.append((self.t("views.legal_form"), self.label(c.legal_form)))
        facts.append((self.t("views.partners"), ", ".join(partner_names)))
        quotes = self.quotes(cooperation)
        for m in members:
            if m.member in focus and self.acting_note(m):
                facts.append((self.t("views.acting_through"), self.acting_note(m)))
                for q in self.quotes(m.iri):
                    if q not in quotes:
                        quotes.append(q)
        return Info(
            kind=self.class_label(cooperation),
            title=self.label(cooperation),
            facts=facts,
            quotes=quotes,
            sources=self.sources(cooperation),
            facets=self.facets(cooperation),
        )

    # nodes and edges
    def add_node(self, node_id: str, node_type: str, label: str, info: Info, **extra) -> Node:
        if node_id in self.nodes:
            return self.nodes[node_id]
        st = _style.node_style(node_type)
        node = Node(
            id=node_id, label=label, type=node_type, shape=st.shape, color=st.color, border=st.border,
            size=st.size, font_size=st.font_size, label_width=st.label_width, info=info, **extra,
        )
        self.nodes[node_id] = node
        return node

    def add_edge(self, edge_id: str, source: str, target: str, edge_type: str, status: str,
                 info: Info, **extra) -> Edge:
        st = _style.edge_style(edge_type)
        proposed = status == PROPOSED
        edge = Edge(
            id=edge_id, source=source, target=target, type=edge_type, status=status,
            color=_style.PROPOSED_COLOR if proposed else st.color,
            width=extra.pop("width", st.width), dashes=proposed, arrows=st.arrows,
            font_size=st.font_size, info=info, **extra,
        )
        self.edges[edge_id] = edge
        return edge

    def town_info(self, town: str, extra_facts: list[tuple[str, str]]) -> Info:
        data = self.f.towns[town]
        facts = []
        if data.ags:
            facts.append((self.t("views.ags"), data.ags))
        if data.district:
            facts.append((self.t("views.district"), self.label(data.district)))
        if data.offices:
            facts.append((self.t("views.office"), ", ".join(self.label(o) for o in data.offices)))
        else:
            via = sorted({self.label(m.office) for m in self.f.memberships_by_member.get(town, [])
                          if m.office and m.office_town != town})
            note = self.t("views.no_own_office")
            if via:
                note += f" – {self.t('views.acting_through')} {', '.join(via)}"
            facts.append((self.t("views.office"), note))
        facts.extend(extra_facts)
        return Info(kind=self.label(str(IKZ.Municipality)), title=self.label(town), facts=facts,
                    quotes=self.quotes(town), sources=self.sources(town))


class FacilitiesBuilder(Builder):
    def build(self) -> None:
        uses: dict[str, list[str]] = {}          # town -> facility labels
        users: dict[str, list[tuple[str, object]]] = {}  # facility -> (town, membership)
        acting: dict[tuple[str, str], list[tuple[str, object]]] = {}  # (town, office) -> (coop, m)
        coops_of_facility: dict[str, list[str]] = {}
        for cooperation in self.selected:
            c = self.f.cooperations[cooperation]
            for facility in c.facilities:
                coops_of_facility.setdefault(facility, []).append(cooperation)
                for m in self.memberships(cooperation):
                    if not self.is_town(m.member):
                        continue
                    users.setdefault(facility, []).append((m.member, m))
                    uses.setdefault(m.member, []).append(self.label(facility))
                    edge_info = self.use_info(cooperation, facility, m)
                    self.add_edge(f"uses|{cooperation}|{facility}|{m.member}", m.member, facility, "uses",
                                  self.status_group(cooperation), edge_info, facets=self.facets(cooperation))
                    if m.office and m.office_town != m.member:
                        acting.setdefault((m.member, m.office), []).append((cooperation, m))

        for town in self.towns_shown(uses):
            extra = []
            if uses.get(town):
                extra.append((self.t("views.uses"), "; ".join(sorted(set(uses[town])))))
            self.add_node(town, "town", self.label(town), self.town_info(town, extra))

        for facility in sorted(coops_of_facility):
            self.add_facility(facility, coops_of_facility[facility], users.get(facility, []))

        for (town, office), entries in sorted(acting.items()):
            self.add_office(town, office, entries)

    def use_info(self, cooperation: str, facility: str, m) -> Info:
        c = self.f.cooperations[cooperation]
        facts = [(self.t("views.cooperation"), self.label(cooperation)),
                 (self.t("views.role"), self.label(m.role, "?")),
                 (self.t("views.status"), self.label(c.status, "?"))]
        if self.acting_note(m):
            facts.append((self.t("views.acting_through"), self.label(m.office)))
        if c.legal_form:
            facts.append((self.t("views.legal_form"), self.label(c.legal_form)))
        return Info(
            kind=self.class_label(cooperation),
            title=f"{self.label(m.member)} – {self.label(facility)}",
            facts=facts,
            quotes=self.quotes(m.iri, cooperation),
            sources=sorted(set(self.sources(m.iri) + self.sources(cooperation))),
            facets=self.facets(cooperation),
        )

    def add_facility(self, facility: str, cooperations: list[str], users) -> None:
        data = self.f.facilities.get(facility)
        kinds = data.kinds if data else []
        roots = sorted({self.f.root(k) for k in kinds})
        node_type = next((_style.FACILITY_TYPES[r] for r in roots if r in _style.FACILITY_TYPES), "facility")
        facts = []
        if kinds:
            facts.append((self.t("views.facility_kind"), ", ".join(self.label(k) for k in kinds)))
        if data and data.operators:
            facts.append((self.t("views.operator"), ", ".join(self.label(o) for o, _ in data.operators)))
        elif data and data.operator_unknown:
            facts.append((self.t("views.operator"), self.t("views.operator_unknown")))
        if data and data.areas:
            facts.append((self.t("views.service_area"), ", ".join(self.label(a) for a in data.areas)))
        names = []
        for town, m in sorted(users, key=lambda u: self.label(u[0])):
            name = self.label(town)
            if m.office and m.office_town != town:
                name += f" ({self.t('views.acting_through')} {self.label(m.office)})"
            if name not in names:
                names.append(name)
        facts.append((self.t("views.used_by"), ", ".join(names)))
        for cooperation in cooperations:
            facts.append((self.t("views.cooperation"), f"{self.label(cooperation)} "
                          f"({self.label(self.f.cooperations[cooperation].status, '?')})"))
        facets: dict[str, list[str]] = {"status": sorted({self.status_group(c) for c in cooperations})}
        facets["area"] = sorted({a for c in cooperations for a in self.facets(c)["area"]})
        if roots:
            facets["kind"] = roots
        info = Info(
            kind=", ".join(self.label(k) for k in kinds) or self.label(str(IKZ.Facility)),
            title=self.label(facility), facts=facts,
            quotes=self.quotes(facility, *cooperations),
            sources=sorted(set(self.sources(facility)) | {s for c in cooperations for s in self.sources(c)}),
        )
        dashed = all(self.status_group(c) == PROPOSED for c in cooperations)
        self.add_node(facility, node_type, self.label(facility), info, dashed=dashed, facets=facets)

        for operator, cls in (data.operators if data else []):
            op_type = _style.OPERATOR_TYPES.get(cls or "", "provider")
            edge_id = f"operated|{facility}|{operator}"
            if operator not in self.nodes:
                op_info = Info(kind=self.label(cls or str(IKZ.Provider)), title=self.label(operator),
                               facts=[(self.t("views.operates"), self.label(facility))],
                               quotes=self.quotes(operator), sources=self.sources(operator))
                self.add_node(operator, op_type, self.label(operator), op_info, requires=[edge_id])
            else:
                node = self.nodes[operator]
                if node.type != "town":
                    node.requires.append(edge_id)
                    node.info.facts.append((self.t("views.operates"), self.label(facility)))
            info = Info(kind=self.label(str(IKZ.operatedBy)), title=f"{self.label(facility)} – {self.label(operator)}",
                        facts=[(self.t("views.operator"), self.label(operator))],
                        quotes=self.quotes(facility), sources=self.sources(facility))
            self.add_edge(edge_id, facility, operator, "operated-by", EXISTING, info)

    def add_office(self, town: str, office: str, entries) -> None:
        edge_id = f"acting|{town}|{office}"
        items = []
        for cooperation, m in entries:
            item = Info(kind=self.class_label(cooperation), title=self.label(cooperation),
                        facts=[(self.t("views.status"), self.label(self.f.cooperations[cooperation].status, "?"))],
                        quotes=self.quotes(m.iri) or self.quotes(cooperation),
                        sources=self.sources(m.iri), facets=self.facets(cooperation))
            items.append(item)
        office_town = entries[0][1].office_town
        info = Info(kind=self.label(str(IKZ.actingThrough)),
                    title=f"{self.label(town)} – {self.t('views.acting_through')} – {self.label(office)}",
                    facts=[(self.label(str(IKZ.Municipality)), self.label(town)),
                           (self.t("views.acting_through"), self.label(office))]
                    + ([(self.t("views.office_of"), self.label(office_town))] if office_town else []),
                    items=items)
        statuses = {self.status_group(c) for c, _ in entries}
        self.add_edge(edge_id, town, office, "acting-through", EXISTING if EXISTING in statuses else PROPOSED,
                      info, label=self.t("views.acting_through"))
        if office not in self.nodes:
            facts = []
            if office_town:
                facts.append((self.t("views.office_of"), self.label(office_town)))
            facts.append((self.t("views.acts_for"), self.label(town)))
            self.add_node(office, "office", self.label(office),
                          Info(kind=self.label(str(IKZ.YouthWelfareOffice)), title=self.label(office), facts=facts,
                               quotes=self.quotes(office), sources=self.sources(office)),
                          requires=[edge_id])
            if office_town and office_town in self.nodes:
                unit_info = Info(kind=self.t("views.office_of"), title=f"{self.label(office)} – {self.label(office_town)}",
                                 facts=[(self.t("views.office_of"), self.label(office_town))],
                                 quotes=self.quotes(office), sources=self.sources(office))
                self.add_edge(f"office|{office}|{office_town}", office, office_town, "office-of", EXISTING, unit_info)
        else:
            node = self.nodes[office]
            node.requires.append(edge_id)
            node.info.facts.append((self.t("views.acts_for"), self.label(town)))


class PartnersBuilder(Builder):
    """Towns, and at most one line per pair of towns: its number and width are the distinct
    cooperations the two share (existing and proposed on the same line; dashed only when all of
    them are proposed). A cooperation drawn as a hub (:func:`is_hub`) is one node with a spoke
    to each of its towns instead of lines between all its pairs."""

    def build(self) -> None:
        selected = set(self.selected)
        towns_of: dict[str, set[str]] = {}
        for a, b, cooperation in self.f.pairs:
            if cooperation in selected:
                towns_of.setdefault(cooperation, set()).update((a, b))
        hubs = sorted(c for c, towns in towns_of.items() if is_hub(len(towns), self.status_group(c) == PROPOSED))
        groups: dict[tuple[str, str], list[str]] = {}
        for a, b, cooperation in self.f.pairs:
            if cooperation in selected and cooperation not in hubs:
                groups.setdefault((a, b), []).append(cooperation)
        partners: dict[str, set[str]] = {}
        cooperations_of: dict[str, set[str]] = {}
        for cooperation, towns in towns_of.items():
            for town in towns:
                cooperations_of.setdefault(town, set()).add(cooperation)
                partners.setdefault(town, set()).update(towns - {town})

        for town in self.towns_shown(cooperations_of):
            n = len(cooperations_of.get(town, ()))
            extra = [(self.t("views.cooperation"), self.t("views.cooperations_one") if n == 1 else self.t("views.cooperations_many", n=n))]
            if partners.get(town):
                extra.append((self.t("views.partner_towns"), ", ".join(sorted(self.label(p) for p in partners[town]))))
            self.add_node(town, "town", self.label(town), self.town_info(town, extra))

        for (a, b), cooperations in sorted(groups.items()):
            cooperations = sorted(set(cooperations), key=lambda c: (self.label(c), c))
            count = len(cooperations)
            existing = [c for c in cooperations if self.status_group(c) == EXISTING]
            status = EXISTING if existing else PROPOSED
            items = [self.cooperation_info(c, focus=(a, b)) for c in cooperations]
            statuses = sorted({self.f.cooperations[c].status or "" for c in cooperations})
            status_label = ", ".join(self.label(s, "?") for s in statuses)
            info = Info(
                kind=f"{self.label(str(IKZ.Cooperation))} ({status_label})",
                title=f"{self.label(a)} – {self.label(b)}: {shared(count, self.lang)}",
                items=items,
            )
            facets = {"status": sorted({self.status_group(c) for c in cooperations})}
            self.add_edge(
                f"pair|{a}|{b}", a, b, "partners", status, info,
                width=_style.partner_width(count, status == PROPOSED),
                weight=count, label=str(count) if count >= 2 else None,
                count_label=True, weighted=True, facets=facets,
            )

        for cooperation in hubs:
            self.add_hub(cooperation, sorted(towns_of[cooperation], key=lambda t: (self.label(t), t)))

    def add_hub(self, cooperation: str, towns: list[str]) -> None:
        """One node for ``cooperation``, a spoke to each of its towns."""
        info = self.cooperation_info(cooperation)
        proposed = self.status_group(cooperation) == PROPOSED
        facets = self.facets(cooperation)
        spokes = [f"hub|{cooperation}|{town}" for town in towns]
        self.add_node(cooperation, "cooperation", hub_label(self.label(cooperation), len(towns), self.lang),
                      info, dashed=proposed, facets=facets, requires=spokes)
        for town, spoke in zip(towns, spokes):
            spoke_info = Info(kind=info.kind, title=f"{self.label(town)} – {self.label(cooperation)}",
                              facts=info.facts, quotes=info.quotes, sources=info.sources, facets=facets)
            self.add_edge(spoke, cooperation, town, "hub", self.status_group(cooperation), spoke_info, facets=facets)


#: A cooperation of this many towns or more is drawn as one node (a hub with a spoke per town)
#: when it is proposed (a district-wide plan would otherwise add a line between every pair of
#: towns); existing cooperation only from ``HUB_MIN_TOWNS_EXISTING`` towns on (a shared facility
#: of a few towns reads well as lines between them, a register-wide one would not).
HUB_MIN_TOWNS = 3
HUB_MIN_TOWNS_EXISTING = 6


def is_hub(towns: int, proposed: bool) -> bool:
    """Whether a cooperation of ``towns`` towns is drawn as a hub.

    >>> is_hub(3, proposed=True), is_hub(2, proposed=True), is_hub(5, proposed=False), is_hub(6, proposed=False)
    (True, False, False, True)
    """
    return towns >= (HUB_MIN_TOWNS if proposed else HUB_MIN_TOWNS_EXISTING)


#: A hub's label is the cooperation's name, shortened to this many characters.
HUB_LABEL_CHARS = 80


def hub_label(name: str, towns: int, lang: str) -> str:
    """The label of a hub: the (shortened) name and the number of towns.

    >>> hub_label("Kreisweite Struktur für die Eingliederungshilfe (»große Lösung«)", 9, "de")
    'Kreisweite Struktur für die Eingliederungshilfe (9\xa0Kommunen)'
    """
    name = re.sub(r"\s*\([^()]*\)$", "", name) or name    # without a trailing remark in brackets
    if len(name) > HUB_LABEL_CHARS:
        name = name[:HUB_LABEL_CHARS].rsplit(" ", 1)[0] + " …"
    return f"{name} ({t('views.hub_towns', lang, n=towns)})"
