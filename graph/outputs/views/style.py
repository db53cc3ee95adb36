"""Every visual choice of the network views in one table: shape, colour and size by type.

Shape *and* colour encode the type, so the picture stays readable for colour-blind viewers and
in black-and-white print. Colours are the Okabe–Ito palette (Okabe & Ito 2008, "Color
Universal Design"), which stays distinguishable under the common colour-vision deficiencies.
Each style names the ontology class, concept or property whose label the legend shows, so the
legend is generated from the ontology (German first, English available).
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.core.namespaces import FK, IKZ, STATUS

#: Okabe–Ito colour-blind safe palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
GREY = "#4D4D4D"
LIGHT_GREY = "#9A9A9A"


@dataclass(frozen=True)
class NodeStyle:
    shape: str           # a vis-network shape whose label sits below it
    color: str           # fill
    border: str          # outline (darker, so shapes stay apart from the background)
    size: int            # vis-network size (radius-like, px)
    font_size: int       # label size (px); meeting rooms need large text
    bold: bool = False
    label_width: int = 190   # labels wrap at this width (px)
    legend: str | None = None  # IRI whose label names the type in the legend
    order: int = 0       # drawing / legend order
    label_key: str | None = None  # UI text key naming the type in the legend (instead of ``legend``)


@dataclass(frozen=True)
class EdgeStyle:
    color: str
    width: float
    arrows: str | None = None   # "to", "from" or None
    legend: str | None = None   # IRI whose label names the type in the legend
    label_key: str | None = None  # UI text key when no ontology term names the relation
    font_size: int = 14
    order: int = 0
    dashes: tuple[int, ...] | None = None   # a dash pattern of its own (proposed is DASHES)


ORG_UNIT_OF = "http://www.w3.org/ns/org#unitOf"

#: Node types. ``facility-*`` types follow the top concept of the facility kind.
NODE_STYLES: dict[str, NodeStyle] = {
    "town": NodeStyle("dot", OKABE_ITO["blue"], "#00466E", 21, 32, bold=True, label_width=280,
                      legend=str(IKZ.Municipality), order=0),
    "facility-jugendschutzstelle": NodeStyle("square", OKABE_ITO["vermillion"], "#8A3C00", 18, 28, label_width=300,
                                             legend=str(FK.Jugendschutzstelle), order=1),
    "facility-beratungsstelle": NodeStyle("diamond", OKABE_ITO["bluish_green"], "#005C43", 21, 28, label_width=300,
                                          legend=str(FK.Beratungsstelle), order=2),
    "facility": NodeStyle("triangleDown", OKABE_ITO["yellow"], "#8A8100", 20, 28, label_width=300,
                          legend=str(IKZ.Facility), order=3),
    "office": NodeStyle("hexagon", OKABE_ITO["orange"], "#8A5F00", 19, 28, label_width=280,
                        legend=str(IKZ.YouthWelfareOffice), order=4),
    "provider": NodeStyle("triangle", OKABE_ITO["reddish_purple"], "#8A4F70", 17, 28, label_width=280,
                          legend=str(IKZ.Provider), order=5),
    "district": NodeStyle("star", OKABE_ITO["sky_blue"], "#2A6F96", 21, 28, label_width=280,
                          legend=str(IKZ.District), order=6),
    # partners view: a cooperation of many towns as one node (a hub with a spoke per town)
    "cooperation": NodeStyle("diamond", "#D9D9D9", GREY, 20, 28, label_width=440,
                             legend=str(IKZ.Cooperation), label_key="legend_hub", order=7),
}

#: Facility-kind top concepts with their own node type.
FACILITY_TYPES = {
    str(FK.Jugendschutzstelle): "facility-jugendschutzstelle",
    str(FK.Beratungsstelle): "facility-beratungsstelle",
}

#: Operator classes with their node type.
OPERATOR_TYPES = {
    str(IKZ.Provider): "provider",
    str(IKZ.District): "district",
    str(IKZ.Municipality): "town",
    str(IKZ.YouthWelfareOffice): "office",
}

EDGE_STYLES: dict[str, EdgeStyle] = {
    # facilities view
    "uses": EdgeStyle(GREY, 2.5, legend=str(IKZ.SharedFacilityUse), order=0),
    "acting-through": EdgeStyle(OKABE_ITO["orange"], 4, arrows="to", legend=str(IKZ.actingThrough), font_size=28, order=1),
    # not only thinner than "acting through": another colour (the office's dark outline) and dotted
    "office-of": EdgeStyle("#8A5F00", 3, arrows="to", label_key="office_of", order=2, dashes=(3, 5)),
    "operated-by": EdgeStyle(OKABE_ITO["reddish_purple"], 2, arrows="to", legend=str(IKZ.operatedBy), order=3),
    # partners view
    "partners": EdgeStyle(OKABE_ITO["blue"], 2, legend=str(IKZ.Cooperation), font_size=24, order=0),
    "hub": EdgeStyle(GREY, 2, label_key="hub_spoke", order=1),
}

#: Status groups: existing cooperation is drawn solid, everything else (proposed, planned)
#: dashed in a lighter colour.
STATUS_EXISTING = str(STATUS.bestehend)
STATUS_PROPOSED = str(STATUS.vorgeschlagen)
DASHES = [10, 8]
PROPOSED_COLOR = LIGHT_GREY

#: Partners view: edge width = base + per * (number of shared cooperations).
EDGE_WIDTH_BASE = 1.0
EDGE_WIDTH_PER = 1.5


#: Proposed cooperation is drawn thinner (and dashed, in grey) than existing cooperation.
PROPOSED_WIDTH_SCALE = 0.5


def partner_width(count: int, proposed: bool = False) -> float:
    """Width of a partners edge for ``count`` shared cooperations.

    >>> partner_width(1), partner_width(5), partner_width(1, proposed=True)
    (2.5, 8.5, 1.25)
    """
    width = EDGE_WIDTH_BASE + EDGE_WIDTH_PER * count
    return width * PROPOSED_WIDTH_SCALE if proposed else width


def node_style(node_type: str) -> NodeStyle:
    return NODE_STYLES[node_type]


def edge_style(edge_type: str) -> EdgeStyle:
    return EDGE_STYLES[edge_type]


def legend_symbol(shape: str, size: int = 18) -> tuple[str, dict[str, str]]:
    """An SVG element (name, attributes) drawing ``shape`` in a ``size`` x ``size`` box, for
    the HTML legend; the same shapes as vis-network draws.

    >>> legend_symbol("square", 10)
    ('rect', {'x': '1.5', 'y': '1.5', 'width': '7', 'height': '7'})
    """
    import math

    c = size / 2
    r = size / 2 - 1.5
    if shape == "dot":
        return "circle", {"cx": _n(c), "cy": _n(c), "r": _n(r)}
    if shape == "square":
        return "rect", {"x": _n(c - r), "y": _n(c - r), "width": _n(2 * r), "height": _n(2 * r)}

    def polygon(points):
        return "polygon", {"points": " ".join(f"{_n(x)},{_n(y)}" for x, y in points)}

    if shape == "diamond":
        return polygon([(c, c - r), (c + r, c), (c, c + r), (c - r, c)])
    if shape == "triangle":
        return polygon([(c, c - r), (c + r, c + r * 0.8), (c - r, c + r * 0.8)])
    if shape == "triangleDown":
        return polygon([(c, c + r), (c + r, c - r * 0.8), (c - r, c - r * 0.8)])
    if shape == "hexagon":
        return polygon([(c + r * math.cos(math.pi / 3 * k), c + r * math.sin(math.pi / 3 * k)) for k in range(6)])
    if shape == "star":
        points = []
        for k in range(10):
            radius = r if k % 2 == 0 else r * 0.45
            angle = -math.pi / 2 + math.pi / 5 * k
            points.append((c + radius * math.cos(angle), c + radius * math.sin(angle)))
        return polygon(points)
    return "circle", {"cx": _n(c), "cy": _n(c), "r": _n(r)}


def _n(value: float) -> str:
    """A number for SVG: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# -- how the model's styles become vis-network options -------------------------------------------

FONT = 'Arial, "Liberation Sans", "DejaVu Sans", Helvetica, sans-serif'
LABEL_COLOR = "#111111"
HALO = "#FFFFFF"          # white outline around labels, so they stay readable over lines
LABEL_BOX = "rgba(255, 255, 255, 0.9)"   # behind node labels
SELECTED = "#000000"

#: vis-network options: physics off (positions come from Python), hover tooltips on.
VIS_OPTIONS = {
    "autoResize": True,
    "physics": {"enabled": False},
    "layout": {"randomSeed": 1, "improvedLayout": False},
    "interaction": {
        "hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": False,
        "dragNodes": True, "dragView": True, "zoomView": True, "multiselect": False,
        "hideEdgesOnDrag": False, "hideEdgesOnZoom": False,
    },
    "nodes": {"borderWidth": 2, "borderWidthSelected": 4, "labelHighlightBold": False},
    "edges": {"smooth": False, "selectionWidth": 2, "hoverWidth": 1, "labelHighlightBold": False},
}


def vis_node(node) -> dict:
    """vis-network options of a model node (everything but id, label, position, tooltip)."""
    colors = {"background": node.color, "border": node.border}
    return {
        "shape": node.shape,
        "size": node.size,
        "color": {**colors, "highlight": {"background": node.color, "border": SELECTED},
                  "hover": {"background": node.color, "border": SELECTED}},
        "shapeProperties": {"borderDashes": [5, 4] if node.dashed else False},
        # a white box behind the label: lines pass under it, not through it
        "font": {"size": node.font_size, "color": LABEL_COLOR, "face": FONT, "strokeWidth": 0, "background": LABEL_BOX},
        "widthConstraint": {"maximum": node.label_width},
    }


def vis_edge(edge) -> dict:
    """vis-network options of a model edge (everything but id, ends and tooltip). The edge's
    label (a number, "acting through") is drawn by the page itself, at ``edge.label_at`` along
    the line, where the layout found room for it (see :func:`graph.outputs.views.layout.label_spots`)."""
    own = EDGE_STYLES[edge.type].dashes if edge.type in EDGE_STYLES else None
    options = {
        "width": edge.width,
        "color": {"color": edge.color, "highlight": SELECTED, "hover": edge.color, "inherit": False, "opacity": 1.0},
        "dashes": DASHES if edge.dashes else (list(own) if own else False),
        "arrows": {"to": {"enabled": edge.arrows == "to", "scaleFactor": 0.8},
                   "from": {"enabled": edge.arrows == "from", "scaleFactor": 0.8}},
        "smooth": {"enabled": True, "type": edge.smooth, "roundness": edge.roundness} if edge.curved else False,
    }
    return options


#: Edge labels drawn by the page: bold, on a white box with this padding (px, canvas units).
EDGE_LABEL_PAD = 4
