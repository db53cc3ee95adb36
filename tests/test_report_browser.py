"""The report's static network picture in Chromium (Debian's /usr/bin/chromium, driven by
Playwright): the boxes the browser draws for town labels, town nodes and edge numbers do not
overlap, in German and English, on the project graph and on the hand-built test district; every
label lies inside the picture; the picture prints on the first A4 pages."""

from __future__ import annotations

from pathlib import Path

import pytest

import helpers
from graph.outputs.analysis import fetch
from graph.outputs.report import render_report

CHROMIUM = "/usr/bin/chromium"
FIXTURES = Path(__file__).parent / "fixtures" / "analysis"

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (Debian's chromium package); no browser is downloaded",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

#: Boxes of the drawn picture in SVG user units, by kind, as the browser lays them out.
BOXES = """() => {
  const svg = document.querySelector('figure > svg');
  const box = (el, grow) => { const b = el.getBBox(); return [b.x - grow, b.y - grow, b.x + b.width + grow, b.y + b.height + grow]; };
  const vb = svg.viewBox.baseVal;
  return {
    labels: [...svg.querySelectorAll('g.label')].map(g => ({text: g.lastElementChild.textContent, box: box(g, 0)})),
    nodes: [...svg.querySelectorAll('.node')].map(n => ({text: '', box: box(n, 1.5)})),
    numbers: [...svg.querySelectorAll('g.number')].map(g => ({text: g.textContent, box: box(g, 0)})),
    view: [vb.x, vb.y, vb.x + vb.width, vb.y + vb.height],
    scale: svg.getBoundingClientRect().width / vb.width,
  };
}"""


def overlapping(boxes: dict) -> list[tuple[str, str]]:
    """Pairs of label, node and number boxes that share an area (more than half a unit)."""
    def meet(a, b):
        return min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5

    items = [(kind, item) for kind in ("labels", "nodes", "numbers") for item in boxes[kind]]
    found = []
    for i, (kind_a, a) in enumerate(items):
        for kind_b, b in items[i + 1:]:
            if kind_a == kind_b == "nodes":
                continue                      # node positions are the view's, not the report's
            if meet(a["box"], b["box"]):
                found.append((f"{kind_a}:{a['text']}", f"{kind_b}:{b['text']}"))
    return found




def _boxes(browser, page_html: str, tmp_path: Path, name: str, width: int = 1000) -> dict:
    path = tmp_path / name
    path.write_text(page_html, encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": 1200})
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_timeout(300)
        return page.evaluate(BOXES)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("graph", ["project", "fixture"])
def test_no_label_box_overlaps_another_label_a_node_or_an_edge_number(browser, gq, tmp_path, graph, lang):
    source = gq if graph == "project" else helpers.fixture_store(FIXTURES)
    page_html = render_report(fetch(source, lang=lang), live=False)
    boxes = _boxes(browser, page_html, tmp_path, f"{graph}-{lang}.html")
    towns = 9 if graph == "project" else 7
    assert len(boxes["labels"]) == len(boxes["nodes"]) == towns
    assert len(boxes["numbers"]) >= 2                          # numbers are drawn, not all left out
    assert overlapping(boxes) == []
    view = boxes["view"]
    for label in boxes["labels"]:                              # nothing cut off at the frame
        x0, y0, x1, y1 = label["box"]
        assert view[0] <= x0 and view[1] <= y0 and x1 <= view[2] and y1 <= view[3], label


def test_the_overlap_count_sees_overlaps():
    """The measure itself: two labels on top of each other, a number on a node."""
    boxes = {"labels": [{"text": "A", "box": [0, 0, 50, 20]}, {"text": "B", "box": [40, 10, 90, 30]}],
             "nodes": [{"text": "", "box": [200, 200, 240, 240]}, {"text": "", "box": [210, 210, 250, 250]}],
             "numbers": [{"text": "3", "box": [230, 230, 260, 260]}]}
    assert overlapping(boxes) == [("labels:A", "labels:B"), ("nodes:", "numbers:3"), ("nodes:", "numbers:3")]


def test_labels_and_numbers_read_at_16_px_on_a_1920_screen(browser, gq, tmp_path):
    from graph.outputs.report_picture import LABEL_SIZE, NUMBER_SIZE

    boxes = _boxes(browser, render_report(fetch(gq), live=False), tmp_path, "wide.html", width=1920)
    assert min(LABEL_SIZE, NUMBER_SIZE) * boxes["scale"] >= 16, boxes["scale"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_a_crowded_picture_still_has_no_overlap(browser, gq, tmp_path, monkeypatch, lang):
    """The project's partners view with proposed cooperation, squeezed to 40 % of its spread:
    labels drawn under their towns would collide; the report moves them apart."""
    import graph.outputs.report as report
    from graph.outputs.report_picture import LABEL_SIZE, overlaps, text_width

    original = report._partners_view

    def squeezed(data, lang, version, include_proposed):
        model, reason = original(data, lang, version, True)
        for node in model.nodes:
            node.x, node.y = round(node.x * 0.4), round(node.y * 0.4)
        return model, reason

    monkeypatch.setattr(report, "_partners_view", squeezed)
    data = fetch(gq, lang=lang)
    model, _ = squeezed(data, lang, data.version(), True)
    below = [(n.x - text_width(n.label, LABEL_SIZE) / 2, n.y + n.size + 6, n.x + text_width(n.label, LABEL_SIZE) / 2,
              n.y + n.size + 42) for n in model.nodes]
    assert any(overlaps(a, b) for i, a in enumerate(below) for b in below[i + 1:])   # the naive placement fails
    boxes = _boxes(browser, render_report(data, live=False), tmp_path, f"crowded-{lang}.html")
    assert len(boxes["labels"]) == len(model.nodes) >= 9
    assert overlapping(boxes) == []
