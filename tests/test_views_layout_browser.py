"""The network views on a projector: the real Ennepe-Ruhr graph (the session build) opened
offline in Debian's Chromium at 1920x1080, both views in both languages.

Measured in the page, not in Python: the boxes vis-network gives node shapes and labels (its
own canvas measureText), the boxes of the edge labels view.js draws, the on-screen font sizes
(font size times zoom for the canvas, computed style for the page), where the tooltip is.
"""

from __future__ import annotations

import difflib
import importlib.util
import math
import os
import struct
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import watch
from view_measure import describe, measure, overlapping

from graph.outputs.views import open_graph, render_html, view_model, write_html

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[1]
KINDS, LANGS = ("partners", "facilities"), ("de", "en")

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (Debian's chromium package); no browser is downloaded",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def _screenshots_module():
    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "docs" / "img" / "screenshots.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


screenshots = _screenshots_module()




@pytest.fixture(scope="module")
def views(built, tmp_path_factory):
    """(kind, lang) -> (HTML file, model) of the real graph."""
    store, version = open_graph(built.output)
    folder = tmp_path_factory.mktemp("projector")
    result = {}
    for kind in KINDS:
        for lang in LANGS:
            model = view_model(store, kind, lang=lang, version=version)
            result[kind, lang] = (write_html(render_html(model), folder / f"view-{kind}-{lang}.html"), model)
    return result


@pytest.fixture()
def open_page(browser):
    pages = []

    def _open(path):
        page = screenshots.open_offline(browser, path)
        record = SimpleNamespace(requests=[], errors=[], dialogs=[])
        watch(page, record)
        pages.append(page)
        return page, record

    yield _open
    for page in pages:
        page.context.close()


def canvas_point(page, x: float, y: float) -> tuple[float, float]:
    """Page coordinates of the canvas point (x, y)."""
    return tuple(page.evaluate(
        """([x, y]) => { const p = window.ikzView.network.canvasToDOM({x, y});
                         const r = document.getElementById('ikz-network').getBoundingClientRect();
                         return [p.x + r.left, p.y + r.top]; }""", [x, y]))


def tooltip_visible(page) -> bool:
    return page.evaluate("() => { const t = document.querySelector('div.vis-tooltip');"
                         " return !!t && getComputedStyle(t).visibility === 'visible' && t.textContent.trim().length > 0; }")


def hover(page, point) -> None:
    page.mouse.move(point[0] + 3, point[1] + 3)
    page.mouse.move(*point, steps=3)
    page.wait_for_function("() => { const t = document.querySelector('div.vis-tooltip');"
                           " return t && getComputedStyle(t).visibility === 'visible' && t.textContent.trim(); }",
                           timeout=5000)


# -- no label covers another label, a node or a number ---------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_no_overlapping_boxes_at_the_default_zoom(open_page, views, kind, lang):
    path, model = views[kind, lang]
    page, record = open_page(path)
    measured = measure(page)
    boxes = measured["boxes"]
    labels = [b for b in boxes if b["kind"] == "label"]
    assert len(labels) == len([n for n in model.nodes if page.evaluate(f"!window.ikzView.nodes.get({n.id!r}).hidden")])
    # vis-network's label box holds the widest line as the canvas measures it in this font
    assert all(b["measured"] <= b["right"] - b["left"] + 1 for b in labels)
    if kind == "partners":
        assert any(b["kind"] == "edge-label" for b in boxes), "the numbers of shared cooperations are drawn"
    found = overlapping(boxes)
    assert found == [], "\n".join(describe(pair) for pair in found)
    assert record.errors == [] and record.dialogs == []


def test_no_overlaps_in_another_graph_and_layout(open_page, views, built, tmp_path):
    """Not tuned to nine towns: the test fixture's four towns (geo and force layout) and the
    real graph in the force layout, with every filter box on as well as at the start."""
    import helpers

    small = helpers.fixture_store(Path(__file__).parent / "fixtures" / "views", "small.ttl")
    real, _ = open_graph(built.output)
    cases = [(small, kind, lang, layout) for kind in KINDS for lang in LANGS for layout in ("geo", "force")]
    cases += [(real, kind, lang, "force") for kind in KINDS for lang in LANGS]
    for i, (store, kind, lang, layout) in enumerate(cases):
        model = view_model(store, kind, lang=lang, layout=layout)
        page, _ = open_page(write_html(render_html(model), tmp_path / f"case-{i}.html"))
        for state in ("start", "everything shown"):
            if state != "start":
                for box in page.query_selector_all("input[data-facet]"):
                    box.check()
            measured = measure(page)
            found = overlapping(measured["boxes"])
            assert found == [], f"{kind} {lang} {layout} {state}: " + "; ".join(describe(pair) for pair in found)
            smallest = min(b["font"] for b in measured["boxes"] if b["kind"] in ("label", "edge-label"))
            assert smallest * measured["scale"] >= 16
        page.context.close()


def test_partners_with_proposed_shown_has_no_overlaps_and_one_hub(open_page, views):
    path, model = views["partners", "de"]
    page, _ = open_page(path)
    page.check('input[data-facet="status"][value="proposed"]')
    [hub] = model.nodes_of("cooperation")
    assert page.evaluate(f"window.ikzView.nodes.get({hub.id!r}).hidden") is False
    assert page.evaluate("window.ikzView.drawn()") == {"nodes": len(model.nodes), "edges": len(model.edges)}
    found = overlapping(measure(page)["boxes"])
    assert found == [], "\n".join(describe(pair) for pair in found)


def test_at_most_one_line_per_town_pair(open_page, views):
    path, model = views["partners", "de"]
    page, _ = open_page(path)
    for state in ("default", "all"):
        if state == "all":
            page.check('input[data-facet="status"][value="proposed"]')
        shown = page.evaluate("window.ikzView.edges.get().filter(e => !e.hidden).map(e => [e.from, e.to])")
        towns = {n.id for n in model.nodes_of("town")}
        pairs = [frozenset(p) for p in shown if set(p) <= towns]
        assert pairs and len(pairs) == len(set(pairs))
    # the numbers are the distinct cooperations each pair shares
    for e in model.edges_of("partners"):
        assert e.weight == len({item.title for item in e.info.items})


def test_facilities_lie_among_their_users(open_page, views):
    for lang in LANGS:
        path, model = views["facilities", lang]
        page, _ = open_page(path)
        positions = page.evaluate("window.ikzView.network.getPositions()")
        towns = {n.id for n in model.nodes_of("town")}
        checked = 0
        for node in model.nodes:
            if not node.type.startswith("facility"):
                continue
            users = {e.source for e in model.edges_of("uses") if e.target == node.id} & towns
            assert len(users) >= 2
            cx = sum(positions[u]["x"] for u in users) / len(users)
            cy = sum(positions[u]["y"] for u in users) / len(users)
            farthest = max(math.dist((cx, cy), (positions[u]["x"], positions[u]["y"])) for u in users)
            here = math.dist((cx, cy), (positions[node.id]["x"], positions[node.id]["y"]))
            assert here <= farthest, f"{node.label} lies outside its users"
            checked += 1
        assert checked == 5


# -- for a projector ------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_all_text_at_least_16_px(open_page, views, kind):
    path, _ = views[kind, "en"]
    page, _ = open_page(path)
    measured = measure(page)
    scale = measured["scale"]
    smallest = min(b["font"] for b in measured["boxes"] if b["kind"] in ("label", "edge-label"))
    assert smallest * scale >= 16, f"canvas text at {smallest * scale:.1f} px"
    # the page: every element that holds text of its own (legend, filters, footer, header, search)
    sizes = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
        .filter(e => Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()))
        .filter(e => e.offsetParent !== null || e.tagName === 'BODY')
        .map(e => [e.tagName + '.' + e.className + ' ' + e.textContent.trim().slice(0, 30),
                   parseFloat(getComputedStyle(e).fontSize)])""")
    assert len(sizes) > 20
    small = [s for s in sizes if s[1] < 16]
    assert small == []
    # the tooltip of a node and of a line
    node = next(n for n in views[kind, "en"][1].nodes if n.type == "town")
    hover(page, canvas_point(page, node.x, node.y))
    tip = page.evaluate("""() => Array.from(document.querySelectorAll('div.vis-tooltip *'))
        .filter(e => Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim()))
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert tip and min(tip) >= 16


@pytest.mark.parametrize("kind", KINDS)
def test_tooltip_hides_when_the_pointer_jumps_away(open_page, views, kind):
    path, model = views[kind, "de"]
    page, _ = open_page(path)
    town = model.nodes_of("town")[0]
    at_node = canvas_point(page, town.x, town.y)
    # off the canvas in one move (to the filters on the right)
    hover(page, at_node)
    box = page.evaluate("(() => { const r = document.querySelector('aside').getBoundingClientRect();"
                        " return [r.left + r.width / 2, r.top + 200]; })()")
    page.mouse.move(*box)
    page.wait_for_timeout(300)
    assert not tooltip_visible(page)
    # from the node to empty canvas in one move
    hover(page, at_node)
    empty = page.evaluate("""() => { const r = document.getElementById('ikz-network').getBoundingClientRect();
        const net = window.ikzView.network;
        for (let y = 10; y < r.height; y += 20) for (let x = 10; x < r.width; x += 20) {
          if (net.getNodeAt({x, y}) === undefined && net.getEdgeAt({x, y}) === undefined) return [x + r.left, y + r.top];
        } return null; }""")
    assert empty is not None
    page.mouse.move(*empty)
    page.wait_for_timeout(300)
    assert not tooltip_visible(page)
    # ... and from a line off the canvas, through the header
    edge = next(e for e in model.edges if not e.dashes)
    a, b = model.node(edge.source), model.node(edge.target)
    hover(page, canvas_point(page, a.x + 0.3 * (b.x - a.x), a.y + 0.3 * (b.y - a.y)))
    page.mouse.move(400, 5)
    page.wait_for_timeout(300)
    assert not tooltip_visible(page)


def test_the_two_arrow_kinds_differ_in_colour_or_dash(open_page, views):
    path, model = views["facilities", "en"]
    page, _ = open_page(path)
    [acting] = model.edges_of("acting-through")
    [office] = model.edges_of("office-of")
    drawn = {e: page.evaluate(f"(() => {{ const e = window.ikzView.edges.get({e!r});"
                              " return [e.color.color, JSON.stringify(e.dashes)]; })()")
             for e in (acting.id, office.id)}
    assert drawn[acting.id][0] != drawn[office.id][0] and drawn[acting.id][1] != drawn[office.id][1]
    # the legend draws them the same way
    legend = page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('.legend li[data-type]'))
        .filter(li => li.querySelector('line')).map(li => { const l = li.querySelector('line');
          return [li.dataset.type, [l.getAttribute('stroke'), l.getAttribute('stroke-dasharray')]]; }))""")
    assert legend["acting-through"][0] != legend["office-of"][0]
    assert legend["acting-through"][1] is None and legend["office-of"][1]


# -- search with did-you-mean -------------------------------------------------------------------------


TYPOS = [("Breckerfelt", "Breckerfeld"), ("Gevelsbreg", "Gevelsberg"), ("Hatingen", "Hattingen"),
         ("sprockhoevel", "Sprockhövel"), ("Schwelmm", "Schwelm")]


@pytest.mark.parametrize("lang", LANGS)
def test_search_suggests_the_nearest_name(open_page, views, lang):
    path, model = views["facilities", lang]
    page, record = open_page(path)
    labels = sorted({n.label for n in model.nodes})
    for typo, meant in TYPOS:
        page.fill("#ikz-search", typo)
        page.press("#ikz-search", "Enter")
        message = page.inner_text("#ikz-search-message")
        if lang == "de":
            assert message == f"Nicht gefunden: {typo}\nMeinten Sie „{meant}“?"
        else:
            assert message == f"Not found: {typo}\nDid you mean “{meant}”?"
        # the same similarity as Python's difflib; the name meant is the closest one there too
        assert max(labels, key=lambda label: _best_ratio(typo, label)) == meant
        score = page.evaluate("([a, b]) => window.ikzView.similarity(a, b)", [typo.lower(), meant.lower()])
        assert score == pytest.approx(difflib.SequenceMatcher(None, typo.lower(), meant.lower()).ratio())
    # the suggestion is a button that finds the town
    page.click("#ikz-search-message button.suggestion")
    [town] = [n.id for n in model.nodes if n.label == TYPOS[-1][1]]
    assert page.evaluate("window.ikzView.network.getSelectedNodes()") == [town]
    # nothing near: no suggestion
    page.fill("#ikz-search", "Atlantis")
    page.press("#ikz-search", "Enter")
    assert page.inner_text("#ikz-search-message") == ("Nicht gefunden: Atlantis" if lang == "de" else "Not found: Atlantis")
    assert record.errors == []


def _best_ratio(query: str, label: str) -> float:
    q = query.lower()
    lower = label.lower()
    words = [w for w in lower.replace(",", " ").replace("(", " ").replace(")", " ").replace("/", " ").split() if len(w) >= 4]
    return max([difflib.SequenceMatcher(None, q, lower).ratio()] + [difflib.SequenceMatcher(None, q, w).ratio() - 0.01 for w in words])


# -- screenshots for the README -----------------------------------------------------------------------


def test_screenshots_for_the_readme(built, browser, tmp_path):
    target = ROOT / "docs" / "img" if os.environ.get("IKZ_UPDATE_SCREENSHOTS") == "1" else tmp_path
    written = screenshots.write_screenshots(built.output, target, browser)
    assert sorted(p.name for p in written) == sorted(f"view-{k}-{lang}.png" for k in KINDS for lang in LANGS)
    for path in written:
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
        assert struct.unpack(">II", data[16:24]) == (1920, 1080)


# -- no line runs through a node it does not join --------------------------------------------------

#: Every edge as vis-network draws it (its own getPoint, 101 points from source to target), the
#: nodes each comes closer to than their size plus ``margin``, and the same for the straight chord.
PATHS_JS = """(margin) => {
  const body = window.ikzView.network.body, out = [];
  for (const id of Object.keys(body.edges)) {
    const e = body.edges[id], shape = e.edgeType;
    shape.fromPoint = e.from; shape.toPoint = e.to;
    const near = [], nearStraight = [];
    for (const nid of body.nodeIndices) {
      if (nid === e.fromId || nid === e.toId) continue;
      const n = body.nodes[nid], clearance = n.options.size + margin;
      let closest = Infinity, closestStraight = Infinity;
      for (let k = 0; k <= 100; k++) {
        const t = k / 100, p = shape.getPoint(t);
        closest = Math.min(closest, Math.hypot(p.x - n.x, p.y - n.y));
        const s = {x: e.from.x + t * (e.to.x - e.from.x), y: e.from.y + t * (e.to.y - e.from.y)};
        closestStraight = Math.min(closestStraight, Math.hypot(s.x - n.x, s.y - n.y));
      }
      if (closest < clearance - 1) near.push([nid, Math.round(closest), clearance]);
      if (closestStraight < clearance - 1) nearStraight.push(nid);
    }
    out.push({id: id, from: e.fromId, to: e.toId, curved: !!(e.options.smooth && e.options.smooth.enabled),
              near: near, nearStraight: nearStraight});
  }
  return out;
}"""


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_no_edge_passes_through_a_node_it_does_not_join(open_page, views, kind, lang):
    """Every edge (shown or filtered out) keeps the clearance from every other node, measured
    on the path vis-network draws; the edges bent for it would not have as straight lines."""
    from graph.outputs.views.curves import MARGIN

    path, model = views[kind, lang]
    page, record = open_page(path)
    edges = page.evaluate(PATHS_JS, MARGIN)
    assert len(edges) == len(model.edges)
    names = {n.id: n.label for n in model.nodes}
    too_close = [f"{names[e['from']]} – {names[e['to']]} near {[names[n[0]] for n in e['near']]}"
                 for e in edges if e["near"]]
    assert too_close == []
    # the check has teeth: here, straight lines would run through towns (Sprockhövel–Herdecke
    # through Wetter (Ruhr)); those are the ones drawn as curves
    bent = [e for e in edges if e["nearStraight"]]
    assert bent and all(e["curved"] for e in bent)
    assert not record.errors
