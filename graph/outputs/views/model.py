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

from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import cached_property


from graph.core.namespaces import IKZ, STATUS
from graph.outputs.views import layout as _layout
from graph.outputs.views import style as _style
from graph.core.i18n import msg
from graph.facts.detail import Facility, Facts
from graph.facts.labels import local_name
from graph.facts.source import store_version  # noqa: F401 - re-exported
from graph.outputs.views.facts import ViewError
from graph.core.i18n import LANGS, t
from graph.outputs.views.text import shared

KINDS = ("facilities", "partners")
LAYOUTS = ("geo", "force")
DEFAULT_SEED = 7

#: Above this many nodes a view is aggregated to districts unless ``full=True`` (``--full``).
#: Such a view still draws in about a second in headless Chromium (5,000 nodes in about 1.5 s),
#: but thousands of towns are no longer readable as a picture; districts are.
MAX_NODES = 2000
#: Towns that take part in no shown cooperation are drawn only while the graph has at most
#: this many towns (a district's towns around its cooperation, not the national register).
CONTEXT_TOWNS = 60
#: Quotes shown in the tooltip of an aggregated node or line (examples, not all of them).
EXAMPLE_QUOTES = 3
#: Names listed in a fact of an aggregated item before "… and N more".
EXAMPLE_NAMES = 8
#: Source documents named in the footer before "… and N more".
FOOTER_SOURCES = 12
#: Node id of the towns that have no district.
NO_DISTRICT = "urn:ikz:view:no-district"

EXISTING, PROPOSED = "existing", "proposed"
ORG_UNIT_OF = _style.ORG_UNIT_OF


# -- the model ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteRef:
    """A verbatim sentence and where it stands."""

    text: str
    source: str          # title of the document
    line: int | None     # line in the document's text file
    document: str | None = None  # IRI of the document


@dataclass
class Info:
    """What a node or edge is and on whose word: shown on hover and in the details panel."""

    kind: str                                   # what it is, e.g. "Kommune"
    title: str                                  # its name
    facts: list[tuple[str, str]] = field(default_factory=list)
    quotes: list[QuoteRef] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)        # titles of documents derived from
    items: list["Info"] = field(default_factory=list)       # e.g. the cooperations of an edge
    facets: dict[str, list[str]] = field(default_factory=dict)  # for the page's filters

    def all_quotes(self) -> list[QuoteRef]:
        seen: list[QuoteRef] = []
        for quote in self.quotes + [q for item in self.items for q in item.all_quotes()]:
            if quote not in seen:
                seen.append(quote)
        return seen


@dataclass
class Node:
    id: str              # the IRI (always a string)
    label: str
    type: str            # a key of style.NODE_STYLES
    shape: str
    color: str
    border: str
    size: int
    font_size: int
    label_width: int
    x: int = 0
    y: int = 0
    dashed: bool = False                                    # only proposed cooperation behind it
    info: Info | None = None
    facets: dict[str, list[str]] = field(default_factory=dict)
    requires: list[str] = field(default_factory=list)       # edge ids: hidden when all are


@dataclass
class Edge:
    id: str
    source: str          # node id ("from" in vis-network)
    target: str          # node id ("to")
    type: str            # a key of style.EDGE_STYLES
    status: str          # "existing" or "proposed"
    color: str
    width: float
    dashes: bool
    arrows: str | None = None
    label: str | None = None
    font_size: int = 14
    curved: bool = False
    weight: int = 1      # number of shared cooperations (partners view)
    count_label: bool = False   # the label is the number of (visible) cooperations
    weighted: bool = False      # the width follows the number of (visible) cooperations
    info: Info | None = None
    facets: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class LegendEntry:
    kind: str            # "node" or "edge"
    type: str
    label: str
    shape: str | None = None
    color: str = "#000000"
    border: str | None = None
    dashes: bool = False
    width: float = 2.0
    arrows: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class FilterOption:
    value: str
    label: str


@dataclass(frozen=True)
class FilterGroup:
    facet: str
    label: str
    options: list[FilterOption]


@dataclass(frozen=True)
class Footer:
    as_of: str | None            # ISO date
    as_of_display: str
    sources: list[str]
    version: str


@dataclass
class ViewModel:
    kind: str
    lang: str
    title: str
    description: str
    subtitle: str
    nodes: list[Node]
    edges: list[Edge]
    legend: list[LegendEntry]
    filters: list[FilterGroup]
    footer: Footer
    settings: dict = field(default_factory=dict)
    aggregated: bool = False
    notice: str = ""          # says that the view is aggregated and how to get the full view
    notice_en: str = ""       # the same in English, on German pages

    def node(self, node_id: str) -> Node:
        return next(n for n in self.nodes if n.id == node_id)

    def nodes_of(self, node_type: str) -> list[Node]:
        return [n for n in self.nodes if n.type == node_type]

    def edges_of(self, edge_type: str) -> list[Edge]:
        return [e for e in self.edges if e.type == edge_type]

    def to_dict(self) -> dict:
        return asdict(self)


# -- building -------------------------------------------------------------------------------------


class _Builder:
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


class _FacilitiesBuilder(_Builder):
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


class _PartnersBuilder(_Builder):
    def build(self) -> None:
        selected = set(self.selected)
        groups: dict[tuple[str, str, str], list[str]] = {}
        for a, b, cooperation in self.f.pairs:
            if cooperation in selected:
                groups.setdefault((a, b, self.status_group(cooperation)), []).append(cooperation)
        partners: dict[str, set[str]] = {}
        cooperations_of: dict[str, set[str]] = {}
        for (a, b, status), cooperations in groups.items():
            partners.setdefault(a, set()).add(b)
            partners.setdefault(b, set()).add(a)
            for c in cooperations:
                cooperations_of.setdefault(a, set()).add(c)
                cooperations_of.setdefault(b, set()).add(c)

        for town in self.towns_shown(cooperations_of):
            n = len(cooperations_of.get(town, ()))
            extra = [(self.t("views.cooperation"), self.t("views.cooperations_one") if n == 1 else self.t("views.cooperations_many", n=n))]
            if partners.get(town):
                extra.append((self.t("views.partner_towns"), ", ".join(sorted(self.label(p) for p in partners[town]))))
            self.add_node(town, "town", self.label(town), self.town_info(town, extra))

        for (a, b, status), cooperations in sorted(groups.items()):
            cooperations = sorted(cooperations, key=lambda c: (self.label(c), c))
            count = len(cooperations)
            items = [self.cooperation_info(c, focus=(a, b)) for c in cooperations]
            statuses = sorted({self.f.cooperations[c].status or "" for c in cooperations})
            status_label = ", ".join(self.label(s, "?") for s in statuses)
            info = Info(
                kind=f"{self.label(str(IKZ.Cooperation))} ({status_label})",
                title=f"{self.label(a)} – {self.label(b)}: {shared(count, self.lang)}",
                items=items,
            )
            self.add_edge(
                f"pair|{a}|{b}|{status}", a, b, "partners", status, info,
                width=_style.partner_width(count, status == PROPOSED),
                weight=count, label=str(count) if status == EXISTING and count >= 2 else None,
                count_label=status == EXISTING, weighted=True, curved=status == PROPOSED,
            )


# -- aggregated views (districts) -----------------------------------------------------------------


class _DistrictBuilder(_Builder):
    """Shared machinery of the aggregated views: towns grouped to their districts."""

    def district_of(self, town: str) -> str:
        return self.f.towns[town].district or NO_DISTRICT

    def district_label(self, district: str) -> str:
        return self.t("views.no_district") if district == NO_DISTRICT else self.label(district)

    def names(self, labels) -> str:
        """'A, B, C … und 12 weitere': at most ``EXAMPLE_NAMES`` names, sorted."""
        labels = sorted(set(labels))
        text = ", ".join(labels[:EXAMPLE_NAMES])
        if len(labels) > EXAMPLE_NAMES:
            text += " " + self.t("views.and_more", n=_number(len(labels) - EXAMPLE_NAMES, self.lang))
        return text

    def count(self, n: int, one: str, many: str) -> str:
        return self.t(one) if n == 1 else self.t(many, n=_number(n, self.lang))

    def by_status(self, cooperations) -> str:
        """'12 bestehend, 3 vorgeschlagen' (the cooperations' status labels)."""
        counts = Counter(self.f.cooperations[c].status or "" for c in cooperations)
        return ", ".join(f"{_number(n, self.lang)} {self.label(status, '?')}"
                         for status, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def example_quotes(self, cooperations, *subjects) -> list[QuoteRef]:
        """At most ``EXAMPLE_QUOTES`` quotes behind ``subjects`` and ``cooperations`` (in order)."""
        result: list[QuoteRef] = []
        for subject in list(subjects) + sorted(cooperations):
            for q in self.quotes(subject):
                if q not in result:
                    result.append(q)
                if len(result) >= EXAMPLE_QUOTES:
                    return result
        return result

    def example_sources(self, cooperations) -> list[str]:
        docs: list[str] = []
        for c in sorted(cooperations):
            for doc in self.f.derived.get(c, []):
                if doc not in docs:
                    docs.append(doc)
            if len(docs) >= EXAMPLE_QUOTES:
                break
        return sorted({self.label(d) for d in docs})

    def note_documents(self, cooperations) -> None:
        """Every document behind ``cooperations`` counts for the footer (date and sources)."""
        for c in cooperations:
            subjects = [c] + self.f.cooperations[c].facilities + [m.iri for m in self.memberships(c)]
            for subject in subjects:
                self.documents.update(self.f.derived.get(subject, []))
                self.documents.update(q.document for q in self.f.quotes.get(subject, []) if q.document)

    def add_district(self, district: str, towns: set[str], facts: list[tuple[str, str]], quotes, sources) -> Node:
        in_register = self.register_size.get(district, 0)
        label = self.t("views.district_label_one" if len(towns) == 1 else "views.district_label",
                       name=self.district_label(district), n=_number(len(towns), self.lang))
        head = [(self.t("views.towns"), self.t("views.taking_part", n=_number(len(towns), self.lang),
                                           total=_number(in_register, self.lang))),
                (self.t("views.towns_taking_part"), self.names(self.label(t) for t in towns))]
        info = Info(kind=self.label(str(IKZ.District)), title=self.district_label(district),
                    facts=head + facts, quotes=quotes, sources=sources)
        return self.add_node(district, "district", label, info)

    @cached_property
    def register_size(self) -> dict[str, int]:
        """District -> number of its towns in the graph."""
        return Counter(self.district_of(t) for t in self.f.towns)


class _DistrictFacilitiesBuilder(_DistrictBuilder):
    def build(self) -> None:
        users: dict[str, list[tuple[str, str]]] = {}       # facility -> (town, cooperation)
        coops_of_facility: dict[str, list[str]] = {}
        acting: dict[str, set[str]] = {}                   # district -> 'town → office'
        for cooperation in self.selected:
            c = self.f.cooperations[cooperation]
            for facility in c.facilities:
                coops_of_facility.setdefault(facility, []).append(cooperation)
                for m in self.memberships(cooperation):
                    if self.is_town(m.member):
                        users.setdefault(facility, []).append((m.member, cooperation))
                        if self.acting_note(m):
                            acting.setdefault(self.district_of(m.member), set()).add(self.acting_note(m))
        self.note_documents(self.selected)

        # each facility belongs to the district of most of its users, in a group by type
        groups: dict[tuple[str, str], list[str]] = {}
        for facility in sorted(coops_of_facility):
            districts = Counter(self.district_of(town) for town, _ in users.get(facility, []))
            home = min(districts, key=lambda d: (-districts[d], d)) if districts else NO_DISTRICT
            groups.setdefault((home, self.facility_type(facility)), []).append(facility)
        group_of = {f: key for key, facilities in groups.items() for f in facilities}

        # district -> towns taking part, cooperations, facilities used
        towns_in: dict[str, set[str]] = {}
        coops_in: dict[str, set[str]] = {}
        used_in: dict[str, set[str]] = {}
        uses: dict[tuple[str, tuple[str, str], str], dict] = {}   # (district, group, status) -> facts
        for facility, entries in sorted(users.items()):
            for town, cooperation in entries:
                district = self.district_of(town)
                towns_in.setdefault(district, set()).add(town)
                coops_in.setdefault(district, set()).add(cooperation)
                used_in.setdefault(district, set()).add(facility)
                use = uses.setdefault((district, group_of[facility], self.status_group(cooperation)),
                                      {"facilities": set(), "towns": set(), "cooperations": set()})
                use["facilities"].add(facility)
                use["towns"].add(town)
                use["cooperations"].add(cooperation)
        for home, _ in groups:
            towns_in.setdefault(home, set())

        for district in sorted(towns_in, key=lambda d: (self.district_label(d), d)):
            coops = coops_in.get(district, set())
            facts = [(self.t("views.facilities_count"), self.kind_counts(used_in.get(district, set())) or "0"),
                     (self.t("views.cooperations_heading"), self.by_status(coops) or "0")]
            if acting.get(district):
                facts.append((self.t("views.acting_through"), self.names(acting[district])))
            self.add_district(district, towns_in[district], facts, self.example_quotes(coops),
                              self.example_sources(coops))

        for (home, node_type), facilities in sorted(groups.items()):
            self.add_group(home, node_type, facilities, coops_of_facility, users)

        for (district, group, status), use in sorted(uses.items()):
            node_id = self.group_id(*group)
            n = len(use["facilities"])
            group_label = self.nodes[node_id].info.kind
            info = Info(
                kind=self.label(str(IKZ.SharedFacilityUse)),
                title=f"{self.district_label(district)} – {group_label} ({self.district_label(group[0])})",
                facts=[(self.t("views.facilities_count"), _number(n, self.lang)),
                       (self.t("views.used_by"), self.names(self.label(t) for t in use["towns"])),
                       (self.t("views.cooperations_heading"), self.by_status(use["cooperations"])),
                       (self.t("views.examples"), self.names(self.label(f) for f in use["facilities"]))],
                quotes=self.example_quotes(use["cooperations"]),
                sources=self.example_sources(use["cooperations"]),
            )
            facets = {"status": [status],
                      "kind": sorted({self.f.root(k) for f in use["facilities"] for k in self._facility(f).kinds})}
            if not facets["kind"]:
                del facets["kind"]
            self.add_edge(f"uses|{district}|{node_id}|{status}", district, node_id, "uses", status, info,
                          width=_style.partner_width(min(n, AGGREGATE_WIDTH_CAP), status == PROPOSED),
                          weight=n, label=str(n) if n >= 2 and status == EXISTING else None,
                          curved=status == PROPOSED, facets=facets)

    def facility_type(self, facility: str) -> str:
        roots = sorted({self.f.root(k) for k in self._facility(facility).kinds})
        return next((_style.FACILITY_TYPES[r] for r in roots if r in _style.FACILITY_TYPES), "facility")

    def kind_counts(self, facilities) -> str:
        """'Jugendschutzstelle: 2, Erziehungsberatungsstelle: 3' (exact kinds, most first)."""
        counts = Counter(self.label(k) for f in facilities for k in (self._facility(f).kinds or [str(IKZ.Facility)]))
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return ", ".join(f"{kind}: {_number(n, self.lang)}" for kind, n in ordered)

    @staticmethod
    def group_id(district: str, node_type: str) -> str:
        return f"group|{district}|{node_type}"

    def add_group(self, home, node_type, facilities, coops_of_facility, users) -> None:
        st = _style.NODE_STYLES[node_type]
        kind_label = self.label(st.legend)
        cooperations = sorted({c for f in facilities for c in coops_of_facility[f]})
        towns = {t for f in facilities for t, _ in users.get(f, [])}
        districts = {self.district_of(t) for t in towns}
        operators = {o for f in facilities for o, _ in self._facility(f).operators}
        unknown = sum(1 for f in facilities if not self._facility(f).operators)
        facts = [(self.t("views.facilities_count"), _number(len(facilities), self.lang)),
                 (self.t("views.facility_kind"), self.kind_counts(facilities)),
                 (self.t("views.cooperations_heading"), self.by_status(cooperations)),
                 (self.t("views.used_by"), self.count(len(towns), "views.towns_one", "views.towns_many")
                  + " · " + self.count(len(districts), "views.districts_one", "views.districts_many")),
                 (self.t("views.examples"), self.names(self.label(f) for f in facilities))]
        if operators or unknown:
            text = self.names(self.label(o) for o in operators) if operators else ""
            if unknown:
                text = (text + "; " if text else "") + self.t("views.operator_unknown_count", n=_number(unknown, self.lang))
            facts.append((self.t("views.operator"), text))
        areas = {self.f.below_root(a) for f in facilities for a in self._facility(f).areas}
        areas |= {a for c in cooperations for a in self.facets(c)["area"]}
        roots = sorted({self.f.root(k) for f in facilities for k in self._facility(f).kinds})
        facets = {"status": sorted({self.status_group(c) for c in cooperations}), "area": sorted(areas)}
        if roots:
            facets["kind"] = roots
        info = Info(kind=kind_label, title=f"{kind_label} – {self.district_label(home)}", facts=facts,
                    quotes=self.example_quotes(cooperations, *facilities[:EXAMPLE_QUOTES]),
                    sources=self.example_sources(cooperations))
        dashed = all(self.status_group(c) == PROPOSED for c in cooperations)
        label = f"{_number(len(facilities), self.lang)} × {kind_label}"
        self.add_node(self.group_id(home, node_type), node_type, label, info, dashed=dashed, facets=facets)


class _DistrictPartnersBuilder(_DistrictBuilder):
    def build(self) -> None:
        selected = set(self.selected)
        towns_of: dict[str, set[str]] = {}
        for a, b, cooperation in self.f.pairs:
            if cooperation in selected:
                towns_of.setdefault(cooperation, set()).update((a, b))
        self.note_documents(sorted(towns_of))
        towns_in: dict[str, set[str]] = {}
        inside: dict[str, list[str]] = {}                       # district -> cooperations within it
        across: dict[str, set[str]] = {}                        # district -> cooperations with others
        partners: dict[str, set[str]] = {}
        pairs: dict[tuple[str, str, str], list[str]] = {}
        for cooperation, towns in sorted(towns_of.items()):
            districts = sorted({self.district_of(t) for t in towns})
            for t in towns:
                towns_in.setdefault(self.district_of(t), set()).add(t)
            if len(districts) == 1:
                inside.setdefault(districts[0], []).append(cooperation)
                continue
            status = self.status_group(cooperation)
            for i, a in enumerate(districts):
                across.setdefault(a, set()).add(cooperation)
                for b in districts[i + 1:]:
                    pairs.setdefault((a, b, status), []).append(cooperation)
                    partners.setdefault(a, set()).add(b)
                    partners.setdefault(b, set()).add(a)

        for district in sorted(towns_in, key=lambda d: (self.district_label(d), d)):
            within = inside.get(district, [])
            facts = [(self.t("views.within_district"), self.by_status(within) or "0"),
                     (self.t("views.with_other_districts"), _number(len(across.get(district, ())), self.lang))]
            if partners.get(district):
                names = self.names(self.district_label(d) for d in partners[district])
                facts.append((self.t("views.partner_districts"), names))
            examples = within or sorted(across.get(district, ()))
            self.add_district(district, towns_in[district], facts, self.example_quotes(examples),
                              self.example_sources(examples))

        for (a, b, status), cooperations in sorted(pairs.items()):
            count = len(cooperations)
            towns = set().union(*(towns_of[c] for c in cooperations))
            info = Info(
                kind=f"{self.label(str(IKZ.Cooperation))} ({self.by_status(cooperations)})",
                title=f"{self.district_label(a)} – {self.district_label(b)}: {shared(count, self.lang)}",
                facts=[(self.district_label(d), self.names(self.label(t) for t in towns if self.district_of(t) == d))
                       for d in (a, b)]
                + [(self.t("views.examples"), self.names(self.label(c) for c in cooperations))],
                quotes=self.example_quotes(cooperations),
                sources=self.example_sources(cooperations),
            )
            facets = {"status": [status], "area": sorted({x for c in cooperations for x in self.facets(c)["area"]})}
            self.add_edge(
                f"pair|{a}|{b}|{status}", a, b, "partners", status, info,
                width=_style.partner_width(min(count, AGGREGATE_WIDTH_CAP), status == PROPOSED),
                weight=count, label=str(count) if status == EXISTING and count >= 2 else None,
                curved=status == PROPOSED, facets=facets,
            )


#: Lines of aggregated views grow with the count up to this many (then the label tells).
AGGREGATE_WIDTH_CAP = 8


def _number(n: int, lang: str) -> str:
    """'10.978' (German) / '10,978' (English)."""
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "de" else text


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
    ``version`` is shown in the footer (default: :func:`store_version` of ``store``; for a
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
        builder_class = _DistrictFacilitiesBuilder if kind == "facilities" else _DistrictPartnersBuilder
    else:
        builder_class = _FacilitiesBuilder if kind == "facilities" else _PartnersBuilder
    builder = builder_class(facts, lang, selected)
    builder.build()

    nodes = sorted(builder.nodes.values(), key=lambda n: (_style.NODE_STYLES[n.type].order, n.label, n.id))
    edges = sorted(builder.edges.values(), key=lambda e: (_style.EDGE_STYLES[e.type].order, e.id))
    gridded = _place(nodes, edges, facts, layout, seed, aggregated)

    shown_towns = [n.id for n in nodes if n.type == "town" and n.id in facts.towns]
    districts = {facts.label(facts.towns[t].district) for t in shown_towns if facts.towns[t].district}
    if aggregated:
        districts |= {facts.label(n.id) for n in nodes if n.type == "district" and n.id != NO_DISTRICT}
    districts = sorted(districts)
    base_title = t(f"views.title_{kind}", lang)
    if len(districts) > 3:
        default_title = f"{base_title} – {t('views.districts_many', lang, n=_number(len(districts), lang))}"
    else:
        default_title = f"{base_title} – {', '.join(districts)}" if districts else base_title
    subtitle = _subtitle(facts, lang, kind, area, fkind, include_proposed, layout, seed, edges, aggregated, gridded,
                         len(nodes))
    notice = notice_en = ""
    if aggregated:
        notice = t("views.aggregated_notice", lang, kind=kind, nodes=_number(size, lang), limit=_number(limit, lang))
        if lang != "en":
            notice_en = t("views.aggregated_notice", "en", kind=kind, nodes=_number(size, "en"), limit=_number(limit, "en"))
    documents = set(builder.documents)
    as_of = facts.as_of(documents)
    sources = sorted({facts.label(d) for d in documents})
    if len(sources) > FOOTER_SOURCES:
        sources = sources[:FOOTER_SOURCES] + [t("views.and_more", lang, n=_number(len(sources) - FOOTER_SOURCES, lang))]
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
        parts.append(t("views.with_proposed", lang))
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
        positions = _layout.force_layout(ids, [(e.source, e.target, float(e.weight)) for e in edges], boxes, seed)
    for n in nodes:
        n.x, n.y = (int(v) for v in positions.get(n.id, (0, 0)))
    return gridded


def _legend(facts: Facts, nodes: list[Node], edges: list[Edge], lang: str,
            aggregated: bool = False) -> list[LegendEntry]:
    entries: list[LegendEntry] = []
    for node_type in sorted({n.type for n in nodes}, key=lambda k: _style.NODE_STYLES[k].order):
        st = _style.NODE_STYLES[node_type]
        entries.append(LegendEntry("node", node_type, facts.label(st.legend), st.shape, st.color, st.border))
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
                                       arrows=st.arrows, note=note))
    if any(e.dashes for e in edges):
        entries.append(LegendEntry("edge", "proposed", facts.label(_style.STATUS_PROPOSED),
                                   color=_style.PROPOSED_COLOR, dashes=True, width=2))
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
        groups.append(FilterGroup("status", facts.label(str(IKZ.CooperationStatus), t("views.status", lang)),
                                  [FilterOption(v, labels[v]) for v in (EXISTING, PROPOSED) if v in statuses]))
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
