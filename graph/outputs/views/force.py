"""The force layout of the views: Fruchterman-Reingold with a fixed seed, each connected group
on its own, packed in rows (for ``--layout force`` and towns without coordinates).

The geometry (boxes, overlap tests, free spots) is :mod:`graph.outputs.views.layout`'s.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict

from graph.outputs.views.layout import DETAILED_LIMIT, FORCE_EXACT, MARGIN, SPAN, Box, Space, free_spot


def force_layout(
    node_ids: list[str],
    weighted_edges: list[tuple[str, str, float]],
    boxes: dict[str, Box],
    seed: int,
    iterations: int = 300,
) -> dict[str, tuple[float, float]]:
    """Fruchterman–Reingold with a seeded generator (pure Python, deterministic); above
    ``FORCE_EXACT`` nodes per connected component, the components packed in rows."""
    ids = sorted(node_ids)
    if not ids:
        return {}
    known = set(ids)
    weights: dict[tuple[str, str], float] = {}
    for a, b, w in weighted_edges:
        if a != b and a in known and b in known:
            key = (min(a, b), max(a, b))
            weights[key] = weights.get(key, 0.0) + w
    neighbours: dict[str, list[str]] = {}
    for a, b in weights:
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    if len(ids) <= FORCE_EXACT:
        scaled = _scale(_fruchterman_reingold(ids, weights, random.Random(seed), iterations), SPAN)
    else:
        scaled = _packed_components(ids, weights, neighbours, boxes, seed)
    # settle: most connected first, each node at the free spot nearest its force position
    space = Space(boxes, neighbours)
    detailed = len(ids) <= DETAILED_LIMIT
    for n in sorted(ids, key=lambda n: (-len(neighbours.get(n, [])), n)):
        space.add(n, free_spot(n, scaled[n], space, detailed))
    return {n: (round(x), round(y)) for n, (x, y) in space.pos.items()}


def _fruchterman_reingold(ids, weights, rng, iterations) -> dict[str, list[float]]:
    """Positions in about [-1, 1]²; repulsion between all pairs up to 200 nodes, else only
    between nodes in neighbouring cells of side 2k (Fruchterman and Reingold's grid variant)."""
    pos = {n: [rng.uniform(-1, 1), rng.uniform(-1, 1)] for n in ids}
    k = math.sqrt(4.0 / len(ids))
    edges = sorted(weights.items())
    exact = len(ids) <= 200
    temperature = 0.2
    for step in range(iterations):
        disp = {n: [0.0, 0.0] for n in ids}
        if exact:
            pairs = ((a, b) for i, a in enumerate(ids) for b in ids[i + 1:])
        else:
            pairs = _near_pairs(ids, pos, 2 * k)
        for a, b in pairs:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = math.hypot(dx, dy) or 1e-6
            force = k * k / dist
            disp[a][0] += dx / dist * force
            disp[a][1] += dy / dist * force
            disp[b][0] -= dx / dist * force
            disp[b][1] -= dy / dist * force
        for (a, b), w in edges:
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
    return pos


def _near_pairs(ids, pos, reach):
    cells: dict[tuple[int, int], list[str]] = defaultdict(list)
    for n in ids:
        cells[(math.floor(pos[n][0] / reach), math.floor(pos[n][1] / reach))].append(n)
    for (i, j), members in sorted(cells.items()):
        for index, a in enumerate(members):
            for b in members[index + 1:]:
                yield a, b
        for di, dj in ((1, -1), (1, 0), (1, 1), (0, 1)):
            for a in members:
                for b in cells.get((i + di, j + dj), ()):
                    yield a, b


def _scale(pos: dict[str, list[float]], span: float) -> dict[str, tuple[float, float]]:
    """Centre ``pos`` on 0 and scale it so that its larger side is ``span``."""
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {n: ((p[0] - cx) / extent * span, (p[1] - cy) / extent * span) for n, p in pos.items()}


def _packed_components(ids, weights, neighbours, boxes, seed) -> dict[str, tuple[float, float]]:
    """Each connected component laid out on its own (fewer iterations for large ones), sized
    by the square root of its node count, then packed in rows, largest first."""
    seen: set[str] = set()
    components: list[list[str]] = []
    for start in ids:
        if start in seen:
            continue
        seen.add(start)
        todo, component = [start], []
        while todo:
            n = todo.pop()
            component.append(n)
            for m in neighbours.get(n, []):
                if m not in seen:
                    seen.add(m)
                    todo.append(m)
        components.append(sorted(component))
    components.sort(key=lambda c: (-len(c), c[0]))
    pitch = max((b.width for b in boxes.values()), default=100.0) + MARGIN
    placed: list[tuple[dict[str, tuple[float, float]], float]] = []
    for index, component in enumerate(components):
        if len(component) == 1:
            placed.append(({component[0]: (0.0, 0.0)}, pitch))
            continue
        weights_c = {(n, m): weights[(n, m)] for n in component for m in neighbours.get(n, []) if n < m}
        iterations = 300 if len(component) <= 30 else max(40, int(300 * 30 / len(component)))
        rng = random.Random(seed * 1_000_003 + index)
        span = pitch * 1.3 * math.sqrt(len(component))
        placed.append((_scale(_fruchterman_reingold(component, weights_c, rng, iterations), span), span + pitch))
    total = sum(size * size for _, size in placed)
    row_width = max(SPAN, math.sqrt(total) * 1.2)
    result: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for positions, size in placed:
        if x and x + size > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        for n, (px, py) in positions.items():
            result[n] = (x + size / 2 + px, y + size / 2 + py)
        x += size
        row_height = max(row_height, size)
    return {n: (px - row_width / 2, py - y / 2) for n, (px, py) in result.items()}
