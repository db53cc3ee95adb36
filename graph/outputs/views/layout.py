"""Node positions, computed once in Python so the picture is the same every time it opens.

* ``geo``: towns at their coordinates (equirectangular projection, north up), everything else
  placed among the nodes it is linked to (a facility at the mean position of the towns that use
  it, an operator next to its facility), nodes with the same place spread on a small circle,
  each at a free spot, so that no two labels overlap. Towns whose own labels would overlap
  (neighbours on the map) are first pushed apart just enough (:func:`remove_overlaps`); the
  map grows with the number of towns (:func:`map_span`).
* ``force``: a Fruchterman–Reingold layout in pure Python with a fixed seed; then each node
  goes to the free spot nearest its place, as in ``geo``.

Coordinates are rounded to whole pixels; the page turns physics off, so nothing moves.

Scale: placed boxes and lines live in a grid of cells (:class:`Space`), so a candidate spot is
checked only against what is near it (the same result as checking everything, in time linear
in the number of nodes). Above ``DETAILED_LIMIT`` nodes a spot is the nearest free one (lines
through labels and crossings are no longer weighed) and there is no refinement round. Nodes
with no coordinates and no neighbour to follow (towns of districts without any known
coordinates) are laid out by :func:`grid_blocks`: one block per district, in AGS order, below
the map. The force layout runs per connected component above ``FORCE_EXACT`` nodes, and the
components are packed in rows.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from graph.outputs.views import curves as _curves

#: Width/height of the drawing in vis-network units (the page zooms to fit).
SPAN = 1100.0
#: Gap kept between the boxes of two nodes (shape plus label), in pixels.
MARGIN = 12.0
#: Distance of a node placed next to a single neighbour.
SATELLITE = 130.0
#: Radius of the circle on which nodes with the same anchor are spread.
SPREAD = 95.0
#: Rounds of re-placing every movable node once all are placed.
REFINE_ROUNDS = 1
#: Above this many nodes the placement only looks for the nearest free spot (no line costs)
#: and skips the refinement round: linear time for views of thousands of nodes.
DETAILED_LIMIT = 400
#: Above this many nodes the force layout runs per connected component (packed in rows).
FORCE_EXACT = 400
#: Side of a cell of the spatial index, in pixels.
CELL = 200.0
CHAR_WIDTH = 0.56   # average glyph width of a sans-serif font, in font sizes
LINE_HEIGHT = 1.22


@dataclass(frozen=True)
class Box:
    """A node's extent: its shape and the label below it, relative to the node centre."""

    width: float
    height: float
    dy: float  # vertical offset of the box centre from the node centre


def wrap(label: str, font_size: float, max_width: float) -> list[str]:
    """Estimate how vis-network wraps ``label`` at ``max_width`` pixels (greedy, by words).

    >>> wrap("Jugendschutzstelle für Hattingen, Wetter und Witten", 16, 190)
    ['Jugendschutzstelle', 'für Hattingen, Wetter', 'und Witten']
    """
    per_char = CHAR_WIDTH * font_size
    lines: list[str] = []
    current = ""
    for word in (w for w in label.split(" ") if w):   # vis-network breaks at spaces, not at no-break spaces
        candidate = f"{current} {word}".strip()
        if current and len(candidate) * per_char > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def box(label: str, size: float, font_size: float, max_width: float) -> Box:
    lines = wrap(label, font_size, max_width)
    text_width = min(max_width, max(len(line) for line in lines) * CHAR_WIDTH * font_size)
    text_height = len(lines) * LINE_HEIGHT * font_size
    width = max(2 * size, text_width) + 6
    height = 2 * size + 4 + text_height
    # the shape spans [-size, size]; the label hangs below it
    return Box(width, height, (-size + (size + 4 + text_height)) / 2)


def project(points: dict[str, tuple[float, float]], span: float = SPAN) -> dict[str, tuple[float, float]]:
    """Equirectangular projection of (lon, lat) to x/y (y grows southwards), centred on 0 and
    scaled so that the larger side spans ``span``.

    >>> project({"a": (7.0, 51.0), "b": (7.2, 51.1)})
    {'a': (-550, 437), 'b': (550, -437)}
    """
    if not points:
        return {}
    lat0 = sum(lat for _, lat in points.values()) / len(points)
    k = math.cos(math.radians(lat0))
    raw = {key: (lon * k, -lat) for key, (lon, lat) in points.items()}
    xs = [x for x, _ in raw.values()]
    ys = [y for _, y in raw.values()]
    extent = max(max(xs) - min(xs), max(ys) - min(ys))
    scale = span / extent if extent > 0 else 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {key: (round((x - cx) * scale), round((y - cy) * scale)) for key, (x, y) in raw.items()}


def map_span(count: int) -> float:
    """The side of the map for ``count`` points: ``SPAN`` up to 30 of them, then growing with
    the square root, so that a district's towns keep room for their labels.

    >>> map_span(9), map_span(120)
    (1100.0, 2200.0)
    """
    return SPAN * max(1.0, math.sqrt(count / 30))


def _centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def geo_layout(
    node_ids: list[str],
    neighbours: dict[str, list[str]],
    fixed: dict[str, tuple[float, float]],
    boxes: dict[str, Box],
    anchors: dict[str, tuple[float, float]] | None = None,
) -> dict[str, tuple[float, float]]:
    """Positions for ``node_ids``: ``fixed`` ones (projected towns) stay; the others are placed
    one by one, most connected first, at the free spot nearest the centroid of their placed
    neighbours (a node with a single neighbour steps outwards from the middle of the map).
    A spot is free when its box overlaps no placed box; among free spots, fewer lines through
    labels and fewer crossings win (up to ``DETAILED_LIMIT`` nodes). ``anchors`` are places for
    nodes that have no placed neighbour to follow (a town at its district's mean position)."""
    detailed = len(node_ids) <= DETAILED_LIMIT
    pos: dict[str, tuple[float, float]] = dict(fixed)
    space = Space(boxes, neighbours)
    for n in sorted(fixed):
        space.add(n, fixed[n])
    centre = _centroid(list(fixed.values())) if fixed else (0.0, 0.0)

    def place(n, anchor):
        # a node used by two or more fixed nodes (a facility and its towns) stays among them:
        # no farther from their centre than the farthest of them
        users = [pos[m] for m in neighbours.get(n, []) if m in fixed and m in pos]
        bound = None
        if len(users) >= 2:
            anchor = _centroid(users)
            bound = (anchor, max(math.dist(anchor, u) for u in users))
        pos[n] = free_spot(n, anchor, space, detailed, bound)
        space.add(n, pos[n])

    for n in sorted(anchors or {}):
        if n not in pos:
            place(n, anchors[n])
    remaining = [n for n in node_ids if n not in pos]
    while remaining:
        ready = {n: [m for m in neighbours.get(n, []) if m in pos] for n in remaining}
        ready = {n: placed for n, placed in ready.items() if placed}
        if not ready:
            bottom = max((y + boxes.get(n, Box(0, 0, 0)).height for n, (_, y) in pos.items()), default=0.0) + 120
            for i, n in enumerate(sorted(remaining)):
                place(n, (centre[0] + (i - (len(remaining) - 1) / 2) * 260, bottom))
            break
        for n in sorted(ready, key=lambda n: (-len(ready[n]), n)):
            place(n, _anchor(n, pos, neighbours, centre))
        remaining = [n for n in node_ids if n not in pos]
    # improve: place each movable node again, now that all its neighbours have their place
    movable = [n for n in node_ids if n not in fixed and n not in (anchors or {})]
    for _ in range(REFINE_ROUNDS if detailed else 0):
        for n in movable:
            del pos[n]
            space.remove(n)
            place(n, _anchor(n, pos, neighbours, centre))
    return {n: (round(x), round(y)) for n, (x, y) in pos.items()}


def _anchor(node, pos, neighbours, centre) -> tuple[float, float]:
    points = [pos[m] for m in neighbours.get(node, []) if m in pos]
    if not points:
        return centre
    anchor = _centroid(points)
    if len(points) == 1:  # a satellite: step outwards, away from the middle of the map
        dx, dy = anchor[0] - centre[0], anchor[1] - centre[1]
        norm = math.hypot(dx, dy)
        dx, dy = (dx / norm, dy / norm) if norm > 1 else (0.0, 1.0)
        anchor = (anchor[0] + dx * SATELLITE, anchor[1] + dy * SATELLITE)
    return anchor


def box_rect(p: tuple[float, float], b: Box, margin: float = 0.0) -> tuple[float, float, float, float]:
    cy = p[1] + b.dy
    return (p[0] - b.width / 2 - margin, cy - b.height / 2 - margin, p[0] + b.width / 2 + margin, cy + b.height / 2 + margin)


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _segments_cross(p1, p2, p3, p4) -> bool:
    def orient(a, b, c):
        value = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (value > 1e-9) - (value < -1e-9)

    o1, o2, o3, o4 = orient(p1, p2, p3), orient(p1, p2, p4), orient(p3, p4, p1), orient(p3, p4, p2)
    return o1 * o2 < 0 and o3 * o4 < 0


#: Cost of a line through a label, and of two lines crossing (in pixels of distance).
_HIT = 1000
_CROSS = 60
_DIST = 1.0

#: Candidate spots: rings around the anchor.
_RADII = [0.0] + [45.0 * k for k in range(1, 16)]
_ANGLES = [2 * math.pi * k / 24 for k in range(24)]


def _cell_range(lo: float, hi: float) -> range:
    return range(math.floor(lo / CELL), math.floor(hi / CELL) + 1)


def rect_cells(rect) -> list[tuple[int, int]]:
    return [(i, j) for i in _cell_range(rect[0], rect[2]) for j in _cell_range(rect[1], rect[3])]


def _segment_cells(p, q) -> set[tuple[int, int]]:
    """Every cell the segment p-q passes through (a superset: samples at most one cell apart,
    with the cells between two samples)."""
    steps = max(1, math.ceil(max(abs(q[0] - p[0]), abs(q[1] - p[1])) / CELL))
    cells: set[tuple[int, int]] = set()
    previous = None
    for k in range(steps + 1):
        cell = (math.floor((p[0] + (q[0] - p[0]) * k / steps) / CELL),
                math.floor((p[1] + (q[1] - p[1]) * k / steps) / CELL))
        cells.add(cell)
        if previous is not None and previous != cell:
            cells.add((previous[0], cell[1]))
            cells.add((cell[0], previous[1]))
        previous = cell
    return cells


class Space:
    """The placed nodes' boxes and the lines between placed nodes, indexed by grid cell."""

    def __init__(self, boxes: dict[str, Box], neighbours: dict[str, list[str]]):
        self.boxes = boxes
        self.neighbours = neighbours
        self.pos: dict[str, tuple[float, float]] = {}
        self.rects: dict[str, tuple[float, float, float, float]] = {}
        self.rect_cells: dict[tuple[int, int], set[str]] = defaultdict(set)
        self.lines: dict[tuple[str, str], list[tuple[int, int]]] = {}
        self.line_cells: dict[tuple[int, int], set[tuple[str, str]]] = defaultdict(set)
        self.lines_of: dict[str, set[tuple[str, str]]] = defaultdict(set)

    def box(self, node: str) -> Box:
        return self.boxes.get(node, Box(20, 20, 0))

    def add(self, node: str, p: tuple[float, float]) -> None:
        self.pos[node] = p
        rect = self.rects[node] = box_rect(p, self.box(node))
        for cell in rect_cells(rect):
            self.rect_cells[cell].add(node)
        for m in self.neighbours.get(node, []):
            if m in self.pos and m != node:
                key = (min(node, m), max(node, m))
                if key not in self.lines:
                    cells = sorted(_segment_cells(self.pos[key[0]], self.pos[key[1]]))
                    self.lines[key] = cells
                    for cell in cells:
                        self.line_cells[cell].add(key)
                    self.lines_of[key[0]].add(key)
                    self.lines_of[key[1]].add(key)

    def remove(self, node: str) -> None:
        for cell in rect_cells(self.rects.pop(node)):
            self.rect_cells[cell].discard(node)
        for key in self.lines_of.pop(node, set()):
            for cell in self.lines.pop(key):
                self.line_cells[cell].discard(key)
            other = key[1] if key[0] == node else key[0]
            self.lines_of[other].discard(key)
        del self.pos[node]

    def overlaps(self, rect) -> bool:
        cells = self.rect_cells
        for cell in rect_cells(rect):
            for m in cells.get(cell, ()):
                if overlap(rect, self.rects[m]):
                    return True
        return False

    def lines_near(self, cells) -> set[tuple[str, str]]:
        found: set[tuple[str, str]] = set()
        for cell in cells:
            found.update(self.line_cells.get(cell, ()))
        return found

    def rects_near(self, cells) -> set[str]:
        found: set[str] = set()
        for cell in cells:
            found.update(self.rect_cells.get(cell, ()))
        return found


def free_spot(node, anchor, space: Space, detailed: bool = True,
              bound: tuple[tuple[float, float], float] | None = None) -> tuple[float, float]:
    """The spot for ``node`` near ``anchor``: on rings around it, the first that overlaps no
    placed box (``detailed``: the cheapest, counting lines through labels and crossings).
    ``bound`` (centre, radius): only spots within it, unless none of them is free."""
    if bound is not None:
        inside = _free_spot(node, anchor, space, detailed, bound)
        if inside is not None:
            return inside
    found = _free_spot(node, anchor, space, detailed, None)
    return found if found is not None else anchor


def _free_spot(node, anchor, space: Space, detailed: bool, bound) -> tuple[float, float] | None:
    def outside(spot) -> bool:
        return bound is not None and math.dist(spot, bound[0]) > bound[1]

    box_n = space.box(node)
    pos = space.pos
    mine = [m for m in space.neighbours.get(node, []) if m in pos]
    best, best_cost = None, None
    for radius in _RADII:
        for angle in (_ANGLES if radius else [0.0]):
            spot = (anchor[0] + radius * math.cos(angle), anchor[1] + radius * math.sin(angle))
            rect = box_rect(spot, box_n, MARGIN)
            if outside(spot) or space.overlaps(rect):
                continue
            cost = radius * _DIST
            if detailed:
                for a, b in space.lines_near(rect_cells(rect)):  # lines through this node's label
                    if _curves.segment_hits_rect(pos[a], pos[b], rect):
                        cost += _HIT
                for m in mine:      # this node's lines through other labels, and crossings
                    cells = _segment_cells(spot, pos[m])
                    for other in space.rects_near(cells):
                        if other != m and _curves.segment_hits_rect(spot, pos[m], space.rects[other]):
                            cost += _HIT
                    for a, b in space.lines_near(cells):
                        if m not in (a, b) and _segments_cross(spot, pos[m], pos[a], pos[b]):
                            cost += _CROSS
            if best_cost is None or cost < best_cost:
                best, best_cost = spot, cost
        if best is not None and best_cost <= radius * _DIST:
            break  # nothing further out can be cheaper
    if best is None:  # crowded: further rings, as many spots per ring as fit its length
        radius = _RADII[-1]
        limit = 50 * SPAN if bound is None else math.dist(anchor, bound[0]) + bound[1]
        while best is None and radius < limit:
            radius += _RADII[1]
            count = max(len(_ANGLES), int(2 * math.pi * radius / _RADII[1]))
            for k in range(count):
                angle = 2 * math.pi * k / count
                spot = (anchor[0] + radius * math.cos(angle), anchor[1] + radius * math.sin(angle))
                if not outside(spot) and not space.overlaps(box_rect(spot, box_n, MARGIN)):
                    best = spot
                    break
    return best


def grid_blocks(
    groups: list[tuple[str, list[str]]],
    boxes: dict[str, Box],
    top: float,
    centre_x: float = 0.0,
    room: float = 1.6,
) -> dict[str, tuple[float, float]]:
    """Lay out ``groups`` (key, node ids) as blocks in rows, in the given order, starting at
    ``top`` and centred on ``centre_x``: inside a block the nodes sit on a square grid whose
    pitch is the largest box plus ``room`` times that again of free space (for the nodes that
    are placed among them later). Deterministic; nothing overlaps by construction."""
    if not groups:
        return {}
    pitch_x = max((boxes[n].width for _, ids in groups for n in ids if n in boxes), default=60.0)
    pitch_y = max((boxes[n].height for _, ids in groups for n in ids if n in boxes), default=60.0)
    pitch_x, pitch_y = pitch_x * (1 + room) + MARGIN, pitch_y * (1 + room) + MARGIN
    dims = []
    for _, ids in groups:
        columns = max(1, math.ceil(math.sqrt(len(ids))))
        rows = max(1, math.ceil(len(ids) / columns))
        dims.append((columns, rows))
    area = sum(c * r for c, r in dims) * pitch_x * pitch_y
    row_width = max(SPAN, math.sqrt(area) * 1.4)
    gap = max(pitch_x, pitch_y) * 0.5
    # shelf packing: blocks left to right, a new row when the width is used up
    rows: list[list[int]] = [[]]
    width = 0.0
    for index, (columns, _) in enumerate(dims):
        w = columns * pitch_x
        if rows[-1] and width + w > row_width:
            rows.append([])
            width = 0.0
        rows[-1].append(index)
        width += w + gap
    pos: dict[str, tuple[float, float]] = {}
    y = top
    for row in rows:
        total = sum(dims[i][0] * pitch_x for i in row) + gap * (len(row) - 1)
        x = centre_x - total / 2
        for i in row:
            columns, block_rows = dims[i]
            for k, n in enumerate(groups[i][1]):
                pos[n] = (x + (k % columns + 0.5) * pitch_x, y + (k // columns + 0.5) * pitch_y)
            x += columns * pitch_x + gap
        y += max(dims[i][1] for i in row) * pitch_y + gap
    return pos


def remove_overlaps(
    pos: dict[str, tuple[float, float]], boxes: dict[str, Box], fixed: set[str] = frozenset(),
    iterations: int = 300, margin: float = MARGIN,
) -> dict[str, tuple[float, float]]:
    """Push node boxes apart (along the axis of least overlap) until none overlap; ``fixed``
    nodes never move. Candidate pairs come from a grid of cells (linear time per round);
    deterministic: pairs are visited in sorted order. Nodes that overlap nothing keep their
    place exactly. Returns whole pixels."""
    ids = sorted(pos)
    p = {n: list(pos[n]) for n in ids}
    moved_any = False
    for _ in range(iterations):
        rects = {n: box_rect((p[n][0], p[n][1]), boxes.get(n, Box(20, 20, 0)), margin / 2) for n in ids}
        cells: dict[tuple[int, int], list[str]] = defaultdict(list)
        for n in ids:
            for cell in rect_cells(rects[n]):
                cells[cell].append(n)
        pairs = sorted({(a, b) for members in cells.values() for i, a in enumerate(members) for b in members[i + 1:]
                        if overlap(rects[a], rects[b])})
        if not pairs:
            break
        moved = False
        for a, b in pairs:
            if a in fixed and b in fixed:
                continue
            ba, bb = boxes.get(a, Box(20, 20, 0)), boxes.get(b, Box(20, 20, 0))
            dx = (p[b][0]) - (p[a][0])
            dy = (p[b][1] + bb.dy) - (p[a][1] + ba.dy)
            over_x = (ba.width + bb.width) / 2 + margin - abs(dx)
            over_y = (ba.height + bb.height) / 2 + margin - abs(dy)
            if over_x <= 0 or over_y <= 0:
                continue
            moved = True
            if over_x < over_y:
                push = (over_x if dx > 0 or (dx == 0 and a < b) else -over_x, 0.0)
            else:
                push = (0.0, over_y if dy > 0 or (dy == 0 and a < b) else -over_y)
            if a in fixed:
                share_a, share_b = 0.0, 1.0
            elif b in fixed:
                share_a, share_b = 1.0, 0.0
            else:
                share_a = share_b = 0.5
            p[a][0] -= push[0] * share_a
            p[a][1] -= push[1] * share_a
            p[b][0] += push[0] * share_b
            p[b][1] += push[1] * share_b
        moved_any = moved_any or moved
        if not moved:
            break
    if not moved_any:
        return {n: (round(pos[n][0]), round(pos[n][1])) for n in ids}
    return {n: (round(p[n][0]), round(p[n][1])) for n in ids}


#: Where an edge label may sit along its line: the middle first, then outwards; on the line
#: first, then beside it (offsets in label heights, perpendicular to the line).
LABEL_FRACTIONS = [0.5] + [0.5 + s * k * 0.04 for k in range(1, 11) for s in (-1, 1)]
LABEL_OFFSETS = [0.0, 0.75, -0.75, 1.5, -1.5, 2.25, -2.25]


def label_size(text: str, font_size: float, pad: float = 4.0) -> tuple[float, float]:
    """Width and height of an edge label's box (bold text on a white box).

    >>> label_size("3", 24)
    (22.78, 37.28)
    """
    return (round(max(1, len(text)) * CHAR_WIDTH * 1.1 * font_size + 2 * pad, 2),
            round(LINE_HEIGHT * font_size + 2 * pad, 2))


def label_point(p, q, at: float, offset: float, bend: _curves.Bend = None) -> tuple[float, float]:
    """The point ``at`` along the edge p-q (straight, or bent as vis-network draws it), moved
    ``offset`` perpendicular to it (to the left of p→q)."""
    x, y = _curves.curve_point(p, q, bend, at)
    dx, dy = _curves.curve_direction(p, q, bend, at)
    length = math.hypot(dx, dy) or 1.0
    return (x - dy / length * offset, y + dx / length * offset)


def label_spots(
    pos: dict[str, tuple[float, float]],
    boxes: dict[str, Box],
    labels: list[tuple[str, str, str, tuple[float, float]]],
    optional: frozenset[str] | set[str] = frozenset(),
    bends: dict[str, _curves.Bend] | None = None,
) -> dict[str, tuple[float, float] | None]:
    """Where each edge label sits: (fraction along its line from the source, offset beside
    it), the spot nearest the middle of the line whose box overlaps no node (shape or label,
    with a margin) and no label placed before (``labels``: edge id, source, target, (width,
    height) of the label box, in drawing order). When every spot is taken the least covered
    one is used, or, for the ``optional`` edges, none (None: the label is left out). ``bends``:
    the edges drawn as curves (see :mod:`graph.outputs.views.curves`), their labels sit on the curve.

    >>> pos = {"a": (0, 0), "b": (400, 0), "c": (200, 0)}
    >>> boxes = {k: Box(60, 60, 0) for k in pos}
    >>> label_spots(pos, boxes, [("a-b", "a", "b", (20, 20))])   # on the line, beside c
    {'a-b': (0.34, 0.0)}
    """
    rects = [box_rect(pos[n], boxes.get(n, Box(20, 20, 0)), MARGIN) for n in sorted(pos)]
    placed: list[tuple[float, float, float, float]] = []
    result: dict[str, tuple[float, float] | None] = {}

    def covered(rect) -> float:
        area = 0.0
        for other in rects + placed:
            if overlap(rect, other):
                area += (min(rect[2], other[2]) - max(rect[0], other[0])) * (min(rect[3], other[3]) - max(rect[1], other[1]))
        return area

    for edge_id, source, target, (w, h) in labels:
        p, q = pos[source], pos[target]
        bend = (bends or {}).get(edge_id)
        best, best_area = (0.5, 0.0), None
        # a label that may be left out stays on or next to its line (never off at a distance)
        for k in (LABEL_OFFSETS[:3] if edge_id in optional else LABEL_OFFSETS):
            for f in LABEL_FRACTIONS:
                x, y = label_point(p, q, f, k * h, bend)
                area = covered((x - w / 2, y - h / 2, x + w / 2, y + h / 2))
                if best_area is None or area < best_area:
                    best, best_area = (round(f, 2), k * h), area
                if area == 0:
                    break
            if best_area == 0:
                break
        if best_area and edge_id in optional:
            result[edge_id] = None
            continue
        x, y = label_point(p, q, *best, bend)
        placed.append((x - w / 2 - MARGIN / 2, y - h / 2 - MARGIN / 2, x + w / 2 + MARGIN / 2, y + h / 2 + MARGIN / 2))
        result[edge_id] = best
    return result
