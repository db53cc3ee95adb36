"""The view model's parts: constants of the views and the plain dataclasses a view is made of
(nodes, edges, legend, filters, footer, the model itself)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from graph.outputs.views import style as _style


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
    label_at: float = 0.5       # where the label sits along the line (0 = source, 1 = target)
    label_offset: float = 0.0   # ... and how far beside it (px, to the left of source → target)
    curved: bool = False
    smooth: str = "curvedCW"    # vis-network's curve type when curved (curvedCW, curvedCCW)
    roundness: float = 0.12     # ... and how far it bends (see graph.outputs.views.curves)
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
    pattern: str | None = None   # an SVG dash pattern of its own (e.g. dotted), when not ``dashes``


@dataclass(frozen=True)
class FilterOption:
    value: str
    label: str
    checked: bool = True     # shown when the page opens (proposed cooperation starts hidden)


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
