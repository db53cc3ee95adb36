"""Node positions, computed once in Python so the picture is the same every time it opens.

* ``geo``: towns at their coordinates (equirectangular projection, north up), everything else
  placed among the nodes it is linked to (a facility at the mean position of the towns that use
  it, an operator next to its facility), nodes with the same place spread on a small circle;
  then labels are pushed apart until no two overlap (towns never move).
* ``force``: a Fruchterman–Reingold layout in pure Python with a fixed seed; then each node
  goes to the free spot nearest its place, as in ``geo``.

Coordinates are rounded to whole pixels; the page turns physics off, so nothing moves.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

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
    for word in label.split():
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


def project(points: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Equirectangular projection of (lon, lat) to x/y (y grows southwards), centred on 0 and
    scaled so that the larger side spans ``SPAN``.

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
    span = max(max(xs) - min(xs), max(ys) - min(ys))
    scale = SPAN / span if span > 0 else 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {key: (round((x - cx) * scale), round((y - cy) * scale)) for key, (x, y) in raw.items()}


def _centroid(points: list[tuple[float, float]]) -> tuple[float, float]:
    return (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))


def geo_layout(
    node_ids: list[str],
    neighbours: dict[str, list[str]],
    fixed: dict[str, tuple[float, float]],
    boxes: dict[str, Box],
) -> dict[str, tuple[float, float]]:
    """Positions for ``node_ids``: ``fixed`` ones (projected towns) stay; the others are placed
    one by one, most connected first, at the free spot nearest the centroid of their placed
    neighbours (a node with a single neighbour steps outwards from the middle of the map).
    A spot is free when its box overlaps no placed box; among free spots, fewer lines through
    labels and fewer crossings win."""
    pos: dict[str, tuple[float, float]] = dict(fixed)
    centre = _centroid(list(fixed.values())) if fixed else (0.0, 0.0)
    remaining = [n for n in node_ids if n not in pos]
    while remaining:
        ready = {n: [m for m in neighbours.get(n, []) if m in pos] for n in remaining}
        ready = {n: placed for n, placed in ready.items() if placed}
        if not ready:
            bottom = max((y + boxes.get(n, Box(0, 0, 0)).height for n, (_, y) in pos.items()), default=0.0) + 120
            for i, n in enumerate(sorted(remaining)):
                pos[n] = _free_spot(n, (centre[0] + (i - (len(remaining) - 1) / 2) * 260, bottom), pos, boxes, neighbours)
            break
        for n in sorted(ready, key=lambda n: (-len(ready[n]), n)):
            pos[n] = _free_spot(n, _anchor(n, pos, neighbours, centre), pos, boxes, neighbours)
        remaining = [n for n in node_ids if n not in pos]
    # improve: place each movable node again, now that all its neighbours have their place
    movable = [n for n in node_ids if n not in fixed]
    for _ in range(REFINE_ROUNDS):
        for n in movable:
            del pos[n]
            pos[n] = _free_spot(n, _anchor(n, pos, neighbours, centre), pos, boxes, neighbours)
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


def _rect(p: tuple[float, float], b: Box, margin: float = 0.0) -> tuple[float, float, float, float]:
    cy = p[1] + b.dy
    return (p[0] - b.width / 2 - margin, cy - b.height / 2 - margin, p[0] + b.width / 2 + margin, cy + b.height / 2 + margin)


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _segments_cross(p1, p2, p3, p4) -> bool:
    def orient(a, b, c):
        value = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
        return (value > 1e-9) - (value < -1e-9)

    o1, o2, o3, o4 = orient(p1, p2, p3), orient(p1, p2, p4), orient(p3, p4, p1), orient(p3, p4, p2)
    return o1 * o2 < 0 and o3 * o4 < 0


def _segment_hits_rect(p1, p2, rect) -> bool:
    """Whether the segment p1-p2 passes through the rectangle (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = rect
    t0, t1 = 0.0, 1.0
    dx, dy = p2[0] - p1[0], p2[1] - p1[1]
    for p, q in ((-dx, p1[0] - x0), (dx, x1 - p1[0]), (-dy, p1[1] - y0), (dy, y1 - p1[1])):
        if p == 0:
            if q < 0:
                return False
        else:
            t = q / p
            if p < 0:
                t0 = max(t0, t)
            else:
                t1 = min(t1, t)
            if t0 > t1:
                return False
    return True


#: Cost of a line through a label, and of two lines crossing (in pixels of distance).
_HIT = 1000
_CROSS = 60
_DIST = 1.0

#: Candidate spots: rings around the anchor.
_RADII = [0.0] + [45.0 * k for k in range(1, 16)]
_ANGLES = [2 * math.pi * k / 24 for k in range(24)]


def _free_spot(node, anchor, pos, boxes, neighbours) -> tuple[float, float]:
    box_n = boxes.get(node, Box(20, 20, 0))
    placed = sorted(pos)
    rects = {m: _rect(pos[m], boxes.get(m, Box(20, 20, 0))) for m in placed}
    placed_set = set(placed)
    lines = sorted({(min(a, b), max(a, b)) for a in placed for b in neighbours.get(a, []) if b in placed_set and a != b})
    mine = [m for m in neighbours.get(node, []) if m in placed_set]
    best, best_cost = None, None
    for radius in _RADII:
        for angle in (_ANGLES if radius else [0.0]):
            spot = (anchor[0] + radius * math.cos(angle), anchor[1] + radius * math.sin(angle))
            rect = _rect(spot, box_n, MARGIN)
            if any(_overlap(rect, rects[m]) for m in placed):
                continue
            cost = radius * _DIST
            for a, b in lines:  # lines through this node's label
                if _segment_hits_rect(pos[a], pos[b], rect):
                    cost += _HIT
            for m in mine:      # this node's lines through other labels, and crossings
                for other in placed:
                    if other != m and _segment_hits_rect(spot, pos[m], rects[other]):
                        cost += _HIT
                for a, b in lines:
                    if m not in (a, b) and _segments_cross(spot, pos[m], pos[a], pos[b]):
                        cost += _CROSS
            if best_cost is None or cost < best_cost:
                best, best_cost = spot, cost
        if best is not None and best_cost <= radius * _DIST:
            break  # nothing further out can be cheaper
    return best if best is not None else anchor


def force_layout(
    node_ids: list[str],
    weighted_edges: list[tuple[str, str, float]],
    boxes: dict[str, Box],
    seed: int,
    iterations: int = 300,
) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold with a seeded generator (pure Python, deterministic)."""
    ids = sorted(node_ids)
    if not ids:
        return {}
    rng = random.Random(seed)
    pos = {n: [rng.uniform(-1, 1), rng.uniform(-1, 1)] for n in ids}
    k = math.sqrt(4.0 / len(ids))
    weights: dict[tuple[str, str], float] = {}
    for a, b, w in weighted_edges:
        if a != b and a in pos and b in pos:
            key = (min(a, b), max(a, b))
            weights[key] = weights.get(key, 0.0) + w
    temperature = 0.2
    for step in range(iterations):
        disp = {n: [0.0, 0.0] for n in ids}
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                dist = math.hypot(dx, dy) or 1e-6
                force = k * k / dist
                disp[a][0] += dx / dist * force
                disp[a][1] += dy / dist * force
                disp[b][0] -= dx / dist * force
                disp[b][1] -= dy / dist * force
        for (a, b), w in sorted(weights.items()):
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = math.hypot(dx, dy) or 1e-6
            force = dist * dist / k * min(w, 4.0) ** 0.25
            disp[a][0] -= dx / dist * force
            disp[a][1] -= dy / dist * force
            disp[b][0] += dx / dist * force
            disp[b][1] += dy / dist * force
        for n in ids:
            # gravity keeps unconnected parts on the page
            disp[n][0] -= pos[n][0] * 0.1 * k
            disp[n][1] -= pos[n][1] * 0.1 * k
            dx, dy = disp[n]
            length = math.hypot(dx, dy) or 1e-6
            pos[n][0] += dx / length * min(length, temperature)
            pos[n][1] += dy / length * min(length, temperature)
        temperature = max(0.005, temperature * (1 - 1.0 / iterations) ** 3)
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    scaled = {n: ((p[0] - cx) / span * SPAN, (p[1] - cy) / span * SPAN) for n, p in pos.items()}
    # settle: most connected first, each node at the free spot nearest its force position
    neighbours: dict[str, list[str]] = {}
    for a, b in weights:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    placed: dict[str, tuple[float, float]] = {}
    for n in sorted(ids, key=lambda n: (-len(neighbours.get(n, [])), n)):
        placed[n] = _free_spot(n, scaled[n], placed, boxes, neighbours)
    return {n: (round(x), round(y)) for n, (x, y) in placed.items()}


def remove_overlaps(
    pos: dict[str, tuple[float, float]], boxes: dict[str, Box], fixed: set[str], iterations: int = 300,
) -> dict[str, tuple[float, float]]:
    """Push node boxes apart (along the axis of least overlap) until none overlap; ``fixed``
    nodes never move. Deterministic: pairs are visited in sorted order. Returns whole pixels."""
    ids = sorted(pos)
    p = {n: list(pos[n]) for n in ids}
    for _ in range(iterations):
        moved = False
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                if a in fixed and b in fixed:
                    continue
                ba, bb = boxes.get(a, Box(20, 20, 0)), boxes.get(b, Box(20, 20, 0))
                dx = (p[b][0]) - (p[a][0])
                dy = (p[b][1] + bb.dy) - (p[a][1] + ba.dy)
                over_x = (ba.width + bb.width) / 2 + MARGIN - abs(dx)
                over_y = (ba.height + bb.height) / 2 + MARGIN - abs(dy)
                if over_x <= 0 or over_y <= 0:
                    continue
                moved = True
                if over_x < over_y:
                    push = (over_x if dx >= 0 else -over_x, 0.0)
                else:
                    push = (0.0, over_y if dy >= 0 else -over_y)
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
        if not moved:
            break
    return {n: (round(p[n][0]), round(p[n][1])) for n in ids}
