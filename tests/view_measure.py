"""Measuring a network view in the browser: the boxes of node shapes, node labels and edge
labels in canvas coordinates, their overlaps, and the on-screen font sizes. Shared by the
layout tests and docs/img/screenshots.py."""

from __future__ import annotations

#: JavaScript returning every drawn box of the page's network, in canvas coordinates:
#: node shapes (x ± size), node labels (vis-network's label box, measured by it with the
#: canvas' measureText) and edge labels (drawn by view.js, measured with measureText).
BOXES_JS = """() => {
  const v = window.ikzView, body = v.network.body, ctx = document.createElement('canvas').getContext('2d');
  const out = [];
  for (const id of body.nodeIndices) {
    const n = body.nodes[id];
    if (n.options.hidden) continue;
    const s = n.options.size;
    out.push({owner: id, kind: 'node', left: n.x - s, top: n.y - s, right: n.x + s, bottom: n.y + s});
    const L = n.labelModule;
    if (L && L.size && L.size.width) {
      // our own measurement of the widest line, to check vis-network's box against the font metrics
      const font = n.options.font;
      ctx.font = font.size + 'px ' + font.face;
      const lines = (L.lines && L.lines.length) ? Array.from(L.lines).map(l => l.blocks.map(b => b.text).join('')) : [n.options.label];
      const measured = Math.max(...lines.map(t => ctx.measureText(t).width));
      out.push({owner: id, kind: 'label', text: n.options.label, font: font.size, measured: measured,
                left: L.size.left, top: L.size.top, right: L.size.left + L.size.width, bottom: L.size.top + L.size.height});
    }
  }
  for (const b of v.edgeLabelBoxes()) {
    out.push({owner: b.id, kind: 'edge-label', text: b.text, font: b.size,
              left: b.left, top: b.top, right: b.right, bottom: b.bottom});
  }
  return {boxes: out, scale: v.network.getScale()};
}"""


def overlapping(boxes: list[dict]) -> list[tuple[dict, dict]]:
    """Pairs of boxes that overlap, except a node's own shape and label; two shapes that
    overlap count as well. Touching is not overlapping."""
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a["owner"] == b["owner"]:
                continue
            if a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]:
                found.append((a, b))
    return found


def measure(page) -> dict:
    return page.evaluate(BOXES_JS)


def describe(pair: tuple[dict, dict]) -> str:
    a, b = pair
    return f"{a['kind']} {a.get('text') or a['owner']!r} × {b['kind']} {b.get('text') or b['owner']!r}"
