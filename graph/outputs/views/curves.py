"""Edges that bend around the nodes they do not join.

Nodes sit where their towns are, so a straight line between two towns can pass through or
right beside a third one, and reads as a line to that town. Such an edge is drawn as one of
vis-network's curves instead (``smooth: {type: "curvedCW" | "curvedCCW", roundness}``): the
side and the smallest roundness whose curve keeps :data:`MARGIN` beyond the shape of every
other node.

vis-network draws these curves as a quadratic Bézier from the source's centre over a control
point ("via") to the target's centre; :func:`via_point` is its ``_getViaCoordinates`` of
vis-network 9.1 (``BezierEdgeStatic``), :func:`curve_point` its ``getPoint``.
"""

from __future__ import annotations

import math

#: How far a line keeps from the shape of a node it does not join (layout units = px at zoom 1).
MARGIN = 40.0
#: The roundness values tried, smallest first (vis-network allows 0..1).
ROUNDNESS = [round(0.05 * k, 2) for k in range(1, 21)]
#: Labels are kept clear only by curves up to this roundness (wider arcs cross more lines).
LABEL_ROUNDNESS = 0.35
#: Views with more nodes keep their lines as they are (the search is O(edges x nodes) in Python;
#: such views hide edges while dragging and are read by zooming in).
BEND_LIMIT = 400
#: Points per curve when measuring how close it comes to a node.
SAMPLES = 48

Point = tuple[float, float]
#: How an edge is drawn: None (straight) or (vis-network smooth type, roundness).
Bend = tuple[str, float] | None


def via_point(p: Point, q: Point, kind: str, roundness: float) -> Point:
    """The control point of vis-network's ``curvedCW``/``curvedCCW`` edge from p to q.

    >>> [round(v, 6) for v in via_point((0, 0), (100, 0), "curvedCW", 0.0)]   # the middle: straight
    [50.0, 0.0]
    >>> [round(v, 3) for v in via_point((0, 0), (100, 0), "curvedCW", 0.5)]   # above (y grows downwards)
    [53.033, -53.033]
    >>> [round(v, 3) for v in via_point((0, 0), (100, 0), "curvedCCW", 0.5)]  # below
    [53.033, 53.033]
    """
    dx, dy = q[0] - p[0], p[1] - q[1]
    length = math.hypot(dx, dy)
    turn = 0.5 * roundness + 0.5 if kind == "curvedCW" else -0.5 * roundness + 0.5
    angle = (math.atan2(dy, dx) + turn * math.pi) % (2 * math.pi)
    reach = (0.5 * roundness + 0.5) * length
    return (p[0] + reach * math.sin(angle), p[1] + reach * math.cos(angle))


def curve_point(p: Point, q: Point, bend: Bend, t: float) -> Point:
    """The point at parameter t (0 = p, 1 = q) of the edge as vis-network draws it."""
    if bend is None:
        return (p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1]))
    v = via_point(p, q, *bend)
    a, b, c = (1 - t) ** 2, 2 * t * (1 - t), t ** 2
    return (a * p[0] + b * v[0] + c * q[0], a * p[1] + b * v[1] + c * q[1])


def curve_direction(p: Point, q: Point, bend: Bend, t: float) -> Point:
    """The direction of the edge at parameter t (not normalised)."""
    if bend is None:
        return (q[0] - p[0], q[1] - p[1])
    v = via_point(p, q, *bend)
    return (2 * (1 - t) * (v[0] - p[0]) + 2 * t * (q[0] - v[0]),
            2 * (1 - t) * (v[1] - p[1]) + 2 * t * (q[1] - v[1]))


def _segment_distance(c: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    span = dx * dx + dy * dy
    s = 0.0 if span == 0 else max(0.0, min(1.0, ((c[0] - a[0]) * dx + (c[1] - a[1]) * dy) / span))
    return math.hypot(c[0] - a[0] - s * dx, c[1] - a[1] - s * dy)


def path(p: Point, q: Point, bend: Bend) -> list[Point]:
    """The edge as a polyline of :data:`SAMPLES` + 1 points."""
    if bend is None:
        return [p, q]
    return [curve_point(p, q, bend, k / SAMPLES) for k in range(SAMPLES + 1)]


def room(line: list[Point], others: list[tuple[Point, float]]) -> float:
    """The smallest distance of the polyline to a node, less the node's clearance (negative:
    the line comes too close)."""
    worst = math.inf
    for centre, clearance in others:
        gap = min(_segment_distance(centre, a, b) for a, b in zip(line, line[1:])) - clearance
        worst = min(worst, gap)
    return worst


def segment_hits_rect(a: Point, b: Point, rect: tuple[float, float, float, float]) -> bool:
    """Whether the segment a-b enters the rectangle (left, top, right, bottom): the one
    Liang-Barsky clip of the views and the report's picture.

    >>> segment_hits_rect((0, 0), (10, 10), (4, 4, 6, 6)), segment_hits_rect((0, 10), (10, 10), (4, 4, 6, 6))
    (True, False)
    """
    lo, hi = 0.0, 1.0     # Liang-Barsky clipping
    dx, dy = b[0] - a[0], b[1] - a[1]
    for step, gap in ((-dx, a[0] - rect[0]), (dx, rect[2] - a[0]), (-dy, a[1] - rect[1]), (dy, rect[3] - a[1])):
        if step == 0:
            if gap < 0:
                return False
        elif step < 0:
            lo = max(lo, gap / step)
        else:
            hi = min(hi, gap / step)
        if lo > hi:
            return False
    return True


def _fit(line: list[Point], others: list[tuple[Point, float]], rects: list[tuple]) -> tuple[bool, bool, float]:
    """(clears every node, crosses no label either, room) of a polyline: sorts best last."""
    gap = room(line, others)
    clear = not any(segment_hits_rect(a, b, r) for r in rects for a, b in zip(line, line[1:]))
    return (gap >= 0, gap >= 0 and clear, gap)


def bend_edges(
    pos: dict[str, Point],
    radius: dict[str, float],
    edges: list[tuple[str, str, str, Bend]],
    margin: float = MARGIN,
    labels: dict[str, tuple[float, float, float, float]] | None = None,
) -> dict[str, Bend]:
    """How each edge (id, source, target, bend it has) is drawn so that it keeps ``margin``
    beyond the shape (``radius``) of every node it does not join, and if it can, out of their
    ``labels`` (rectangles left, top, right, bottom) with a roundness up to :data:`LABEL_ROUNDNESS`:
    as it is when it does, else the side and the smallest roundness that do, else the bend that
    comes least close.

    >>> pos = {"a": (0, 0), "b": (400, 0), "c": (200, 5)}   # c just below a-b: a-b bends upwards
    >>> radius = {k: 20 for k in pos}
    >>> bend_edges(pos, radius, [("a-b", "a", "b", None), ("a-c", "a", "c", None)])
    {'a-b': ('curvedCW', 0.3), 'a-c': None}
    """
    labels = labels or {}
    result: dict[str, Bend] = {}
    for edge_id, source, target, bend in edges:
        p, q = pos[source], pos[target]
        lo_x, hi_x = min(p[0], q[0]), max(p[0], q[0])
        lo_y, hi_y = min(p[1], q[1]), max(p[1], q[1])
        reach = math.hypot(q[0] - p[0], q[1] - p[1])   # a curve stays within this of the chord

        def near(x: float, y: float, extra: float) -> bool:
            return lo_x - reach - extra <= x <= hi_x + reach + extra and lo_y - reach - extra <= y <= hi_y + reach + extra

        ends = (source, target)
        others = [(pos[n], radius.get(n, 0.0) + margin) for n in sorted(pos)
                  if n not in ends and near(*pos[n], radius.get(n, 0.0) + margin)]
        rects = [labels[n] for n in sorted(labels) if n not in ends and n in pos
                 and near((labels[n][0] + labels[n][2]) / 2, (labels[n][1] + labels[n][3]) / 2,
                          max(labels[n][2] - labels[n][0], labels[n][3] - labels[n][1]))]
        best, best_fit = bend, _fit(path(p, q, bend), others, rects)
        if not best_fit[1]:
            for roundness in ROUNDNESS:
                for kind in ("curvedCW", "curvedCCW"):
                    fit = _fit(path(p, q, (kind, roundness)), others, rects if roundness <= LABEL_ROUNDNESS else [])
                    fit = (fit[0], fit[1] and roundness <= LABEL_ROUNDNESS, fit[2])
                    if fit[:2] > best_fit[:2] or (fit[:2] == best_fit[:2] and not fit[0] and fit[2] > best_fit[2]):
                        best, best_fit = (kind, roundness), fit
                if best_fit[1] or (best_fit[0] and roundness >= LABEL_ROUNDNESS):
                    break
        result[edge_id] = best
    return result
