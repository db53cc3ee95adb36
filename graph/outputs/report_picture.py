"""The report's static network picture: a view model (graph/outputs/views) drawn as SVG data,
with its own placement of town labels and edge numbers so that no label box overlaps another
label, a node or an edge number.

The positions of the nodes are the view's; only the labels and numbers move. Text widths are
estimated from the advance widths of the fonts the picture names (the wider of Liberation Sans,
metric-compatible with Arial, and DejaVu Sans, measured in Chromium), so a box is never smaller
than the text the browser draws.

>>> text_width("Ennepetal", 30) > text_width("Witten", 30)
True
>>> wrap("Kreisweite Struktur für die Eingliederungshilfe (9 Kommunen)")
['Kreisweite Struktur für', 'die Eingliederungshilfe', '(9 Kommunen)']
>>> overlaps((0, 0, 10, 10), (10, 0, 20, 10)), overlaps((0, 0, 10, 10), (9, 9, 20, 20))
(False, True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from graph.outputs.views.curves import segment_hits_rect

__all__ = ["Figure", "figure_from_view", "overlaps", "text_width", "wrap"]

#: Font size of the town labels and of the edge numbers (SVG user units).
LABEL_SIZE = 30
NUMBER_SIZE = 25
#: Distance of two lines of a label, and the first baseline below the top of its box.
LINE_STEP = 36
ASCENT = 28
#: Radius of the white disc behind an edge number.
BADGE_RADIUS = 19
#: Labels longer than this are wrapped at spaces (hubs carry a cooperation's name).
WRAP_CHARS = 24
#: Least space between two labels.
LABEL_GAP = 4
#: Free space around the picture.
MARGIN = 24

_CHARS = (' !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~'
          "äöüÄÖÜßéèáàçñ–—…·»«„“”’")
_REGULAR = (
    "318,401,460,838,636,950,780,275,390,390,500,838,318,361,318,337,636,636,636,636,636,636,636,636,636,636,"
    "337,337,838,838,838,556,1015,684,686,722,770,667,611,778,752,295,500,667,557,863,748,787,667,787,722,667,"
    "611,732,684,989,685,667,685,390,337,390,838,556,500,613,635,532,635,567,352,635,634,278,278,579,278,974,"
    "634,556,635,635,384,521,392,634,592,818,592,592,525,636,337,636,838,613,556,634,684,787,732,630,567,567,"
    "613,613,532,634,556,1000,1000,318,612,612,518,518,518,318")
_BOLD = (
    "348,456,521,838,696,1002,872,306,457,457,523,838,380,415,380,365,696,696,696,696,696,696,696,696,696,696,"
    "400,400,838,838,838,611,1000,774,762,734,830,683,683,821,837,372,556,775,637,995,837,850,733,850,770,720,"
    "682,812,774,1103,771,724,725,457,365,457,838,556,500,675,716,593,716,678,435,716,712,343,343,665,343,1042,"
    "712,687,716,716,493,595,478,712,652,924,645,652,582,712,365,712,838,675,687,712,774,850,812,719,678,678,"
    "675,675,593,712,556,1000,1000,380,646,646,657,657,657,380")
_WIDTHS = {False: dict(zip(_CHARS, map(int, _REGULAR.split(",")))),
           True: dict(zip(_CHARS, map(int, _BOLD.split(","))))}

Box = tuple[float, float, float, float]     # x0, y0, x1, y1


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` at ``size`` (user units), never less than the browser draws it."""
    widths = _WIDTHS[bold]
    return size * sum(widths.get(c, 1000) for c in text) / 1000


def wrap(label: str, chars: int = WRAP_CHARS) -> list[str]:
    """``label`` in lines of at most ``chars`` characters (a longer word keeps its own line)."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [label]


def overlaps(a: Box, b: Box) -> bool:
    """Whether two boxes share an area (touching edges do not count)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _grow(box: Box, by: float) -> Box:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


@dataclass
class Figure:
    svg_width: int
    svg_height: int
    view_box: str
    edges: list[dict]
    nodes: list[dict]
    legend: list[dict]
    title: str
    subtitle: str
    label_size: int = LABEL_SIZE
    number_size: int = NUMBER_SIZE
    badge_radius: int = BADGE_RADIUS


def _label_candidates(x: float, y: float, r: float, w: float, h: float):
    """Boxes for a label of size ``w`` x ``h`` around a node at (x, y) of radius ``r``: below,
    above, right, left, the four diagonals, then the same farther out."""
    for ring, gap in enumerate((6, 22, 44, 70)):
        d = r + gap
        yield ring, (x - w / 2, y + d, x + w / 2, y + d + h)                 # below
        yield ring, (x - w / 2, y - d - h, x + w / 2, y - d)                 # above
        yield ring, (x + d, y - h / 2, x + d + w, y + h / 2)                 # right
        yield ring, (x - d - w, y - h / 2, x - d, y + h / 2)                 # left
        s = d * 0.72
        yield ring, (x + s, y + s, x + s + w, y + s + h)                     # below right
        yield ring, (x - s - w, y + s, x - s, y + s + h)                     # below left
        yield ring, (x + s, y - s - h, x + s + w, y - s)                     # above right
        yield ring, (x - s - w, y - s - h, x - s, y - s)                     # above left


def _place_labels(model, nodes: dict, segments: list[tuple], node_boxes: dict[str, Box]) -> dict[str, tuple]:
    """A box for every label: overlapping no other label and no node; among those, the one
    crossed by the fewest lines, nearest its node. Most connected towns first."""
    degree: dict[str, int] = {}
    for s in segments:
        degree[s[0]] = degree.get(s[0], 0) + 1
        degree[s[1]] = degree.get(s[1], 0) + 1
    placed: dict[str, tuple] = {}
    taken: list[Box] = []
    for n in sorted(model.nodes, key=lambda n: (-degree.get(n.id, 0), n.label, n.id)):
        if not n.label:
            continue
        lines = wrap(n.label)
        w = max(text_width(line, LABEL_SIZE) for line in lines) + 6
        h = LINE_STEP * len(lines)
        others = [b for key, b in node_boxes.items() if key != n.id]
        best, best_cost, best_ring = None, None, 0
        for rank, (ring, box) in enumerate(_label_candidates(n.x, n.y, n.size + 3, w, h)):
            if any(overlaps(_grow(box, LABEL_GAP), b) for b in taken) or any(overlaps(box, b) for b in others):
                continue
            crossings = sum(1 for a, b in segments if segment_hits_rect(nodes[a], nodes[b], box))
            cost = crossings * 11 + ring * 10 + rank % 8
            if best_cost is None or cost < best_cost:
                best, best_cost, best_ring = box, cost, ring
        if best is None:        # crowded beyond every candidate: below, as far as needed
            y0 = n.y + n.size + 9
            best = (n.x - w / 2, y0, n.x + w / 2, y0 + h)
            while any(overlaps(_grow(best, LABEL_GAP), b) for b in taken + others):
                best = (best[0], best[1] + LINE_STEP, best[2], best[3] + LINE_STEP)
            best_ring = 9
        taken.append(best)
        placed[n.id] = (best, lines, best_ring)
    return placed


def _number_half(text: str) -> float:
    """Half the side of the box an edge number takes (its disc, or its text if wider)."""
    return max(BADGE_RADIUS, text_width(text, NUMBER_SIZE, bold=True) / 2) + 2


def _place_number(a: tuple, b: tuple, blocked: list[Box], size: float) -> tuple[float, float] | None:
    """A spot on the line a-b for an edge number (a box of half side ``size``) that covers no
    box of ``blocked``."""
    for f in (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8):
        x, y = a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])
        box = (x - size, y - size, x + size, y + size)
        if not any(overlaps(box, other) for other in blocked):
            return x, y
    return None


def figure_from_view(model) -> Figure:
    """Draw a view model (graph/outputs/views) as SVG data: the same positions, colours, widths
    and dashes as the interactive view. Labels are placed where they overlap no other label and
    no node; the number on a line (its ``label``, e.g. shared cooperations) where it overlaps no
    node, label or other number, else it is left out (the width shows it)."""
    nodes = {n.id: (n.x, n.y) for n in model.nodes}
    node_boxes = {n.id: (n.x - n.size - 3, n.y - n.size - 3, n.x + n.size + 3, n.y + n.size + 3) for n in model.nodes}
    ordered = [e for e in sorted(model.edges, key=lambda e: (e.dashes is False, e.weight, e.id))   # proposed first, heavy on top
               if e.source in nodes and e.target in nodes]
    segments = [(e.source, e.target) for e in ordered]
    labels = _place_labels(model, nodes, segments, node_boxes)

    blocked = list(node_boxes.values()) + [box for box, *_ in labels.values()]
    edges = []
    for e in sorted(ordered, key=lambda e: (-e.weight, e.id)):
        half = _number_half(e.label) if e.label else 0
        spot = _place_number(nodes[e.source], nodes[e.target], blocked, half) if e.label else None
        if spot:
            blocked.append((spot[0] - half, spot[1] - half, spot[0] + half, spot[1] + half))
        edges.append((e, spot))
    order = {e.id: i for i, e in enumerate(ordered)}
    drawn_edges = []
    for e, spot in sorted(edges, key=lambda item: order[item[0].id]):
        (x1, y1), (x2, y2) = nodes[e.source], nodes[e.target]
        drawn_edges.append({
            "x1": x1, "y1": y1, "x2": x2, "y2": y2, "color": e.color, "width": round(e.width * 1.6, 2),
            "dash": "14 10" if e.dashes else None, "label": e.label if spot else None,
            "lx": round(spot[0], 1) if spot else None, "ly": round(spot[1], 1) if spot else None,
        })

    drawn_nodes = []
    for n in model.nodes:
        item = {"x": n.x, "y": n.y, "r": n.size, "fill": n.color, "stroke": n.border, "shape": n.shape,
                "dash": "6 4" if n.dashed else None, "label": n.label, "lines": [], "leader": None}
        if n.id in labels:
            (x0, y0, x1, y1), lines, ring = labels[n.id]
            item["lx"] = round((x0 + x1) / 2, 1)
            if ring > 0:        # away from its town: a thin leader from the town to the label
                tx, ty = min(max(n.x, x0), x1), min(max(n.y, y0), y1)
                item["leader"] = {"x1": n.x, "y1": n.y, "x2": round(tx, 1), "y2": round(ty, 1)}
            item["lines"] = [{"text": line, "y": round(y0 + ASCENT + i * LINE_STEP, 1)} for i, line in enumerate(lines)]
        drawn_nodes.append(item)

    boxes = blocked + [(x - 1, y - 1, x + 1, y + 1) for x, y in nodes.values()]
    left = math.floor(min(b[0] for b in boxes)) - MARGIN if boxes else 0
    top = math.floor(min(b[1] for b in boxes)) - MARGIN if boxes else 0
    right = math.ceil(max(b[2] for b in boxes)) + MARGIN if boxes else 100
    bottom = math.ceil(max(b[3] for b in boxes)) + MARGIN if boxes else 100
    width, height = right - left, bottom - top
    legend = [{"kind": entry.kind, "label": entry.label, "note": entry.note, "color": entry.color,
               "border": entry.border, "dash": "6 4" if entry.dashes else None} for entry in model.legend]
    return Figure(int(width), int(height), f"{left} {top} {width} {height}", drawn_edges, drawn_nodes, legend,
                  model.title, model.subtitle)
