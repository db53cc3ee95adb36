"""Browser tests of the network views: Debian's Chromium driven by Playwright, the file opened
via file:// with every other request blocked and recorded.

Never downloads a browser: skipped when /usr/bin/chromium (or the playwright package) is
missing. Screenshots go to tests/artifacts/ (git-ignored); the README's screenshots are made by
docs/img/screenshots.py (tests/test_views_layout_browser.py).
"""

from __future__ import annotations

import struct
from pathlib import Path
from types import SimpleNamespace

import helpers
import pyoxigraph as ox
import pytest
from helpers import watch

from graph.facts.source import open_source, rows
from graph.outputs.views import open_graph, render_html, view_model, write_html
from graph.outputs.views import style as S

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1600, "height": 1000}
FIXTURES = Path(__file__).parent / "fixtures" / "views"
ARTIFACTS = Path(__file__).parent / "artifacts"
T = "https://example.org/ikz-test/"
ABERG, BEDORF, GROSSDORF, UEBACH = (f"{T}municipality/0999900{i}" for i in (1, 2, 3, 4))
HOSTILE_TOWN = f"{T}municipality/09999005"
HOSTILE = "<img src=x onerror=alert(1)>"
OFFICE_ABERG = f"{T}office/jugendamt/09999001"
JSS, EBS, OST, VEREIN = f"{T}facility/jss", f"{T}facility/ebs", f"{T}facility/ost", f"{T}verein"

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (Debian's chromium package); no browser is downloaded",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")


def fixture_store(*names: str) -> ox.Store:
    return helpers.fixture_store(FIXTURES, *names)




@pytest.fixture(scope="module")
def small():
    return fixture_store("small.ttl")


@pytest.fixture(scope="module")
def files(small, tmp_path_factory):
    """The fixture's views as HTML files, with their models."""
    folder = tmp_path_factory.mktemp("views")
    result = {}
    for kind in ("facilities", "partners"):
        model = view_model(small, kind)
        result[kind] = (write_html(render_html(model), folder / f"fixture-{kind}.html"), model)
    hostile = view_model(fixture_store("small.ttl", "hostile.ttl"), "facilities")
    result["hostile"] = (write_html(render_html(hostile), folder / "fixture-hostile.html"), hostile)
    return result


@pytest.fixture()
def open_view(browser):
    """Open a view file offline; returns (page, record of requests, errors, dialogs)."""
    contexts = []

    def _open(path: Path):
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, service_workers="block")
        contexts.append(context)
        record = SimpleNamespace(requests=[], errors=[], dialogs=[], url=path.resolve().as_uri())

        def route(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        watch(page, record)
        page.add_init_script(
            "window.__csp = []; document.addEventListener('securitypolicyviolation',"
            " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
        page.goto(record.url)
        page.wait_for_function("window.ikzView && window.ikzView.ready", timeout=15000)
        page.wait_for_timeout(200)
        return page, record

    yield _open
    for context in contexts:
        context.close()


def assert_clean(page, record):
    assert record.requests == [record.url], "nothing but the file itself may be requested"
    assert page.evaluate("window.__csp") == [], "the Content-Security-Policy blocked something"
    assert record.errors == [] and record.dialogs == []


def drawn(page) -> dict:
    return page.evaluate("window.ikzView.drawn()")


def screen_position(page, node_id: str) -> tuple[float, float]:
    return tuple(page.evaluate(
        """id => { const v = window.ikzView; const p = v.network.canvasToDOM(v.network.getPositions([id])[id]);
                   const r = document.getElementById('ikz-network').getBoundingClientRect();
                   return [p.x + r.left, p.y + r.top]; }""", node_id))


def edge_midpoint(page, edge_id: str) -> tuple[float, float]:
    return tuple(page.evaluate(
        """id => { const v = window.ikzView; const e = v.edges.get(id); const P = v.network.getPositions([e.from, e.to]);
                   const p = v.network.canvasToDOM({x: (P[e.from].x + P[e.to].x) / 2, y: (P[e.from].y + P[e.to].y) / 2});
                   const r = document.getElementById('ikz-network').getBoundingClientRect();
                   return [p.x + r.left, p.y + r.top]; }""", edge_id))


def tooltip_at(page, point) -> str:
    page.mouse.move(1, 1)
    page.mouse.move(*point)
    page.wait_for_function(
        "() => { const t = document.querySelector('div.vis-tooltip');"
        " return t && getComputedStyle(t).visibility === 'visible' && t.textContent.length > 0; }", timeout=5000)
    return page.evaluate("document.querySelector('div.vis-tooltip').textContent")


def save_screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000
    return path


# -- offline, complete, stable ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["facilities", "partners"])
def test_fixture_view_offline_and_complete(open_view, files, kind):
    path, model = files[kind]
    page, record = open_view(path)
    assert_clean(page, record)
    if kind == "partners":   # opens with existing cooperation only; proposed is one click away
        hidden = [e for e in model.edges if e.status == "proposed"]
        assert drawn(page) == {"nodes": len(model.nodes) - 1, "edges": len(model.edges) - len(hidden)}
        page.check('input[data-facet="status"][value="proposed"]')
    assert drawn(page) == {"nodes": len(model.nodes), "edges": len(model.edges)}
    assert page.evaluate("window.ikzView.nodes.length") == len(model.nodes)
    # physics is off: every node stays where Python put it
    page.wait_for_timeout(500)
    positions = page.evaluate("window.ikzView.network.getPositions()")
    assert {k: (round(v["x"]), round(v["y"])) for k, v in positions.items()} == {n.id: (n.x, n.y) for n in model.nodes}
    assert page.inner_text("footer").count("15.02.2020") == 1
    legend = page.inner_text(".legend")
    assert "Kommune" in legend and ("Jugendschutzstelle" in legend if kind == "facilities" else "vorgeschlagen" in legend)
    save_screenshot(page, f"fixture-{kind}")


@pytest.fixture(scope="module")
def real_files(built, tmp_path_factory):
    store, version = open_graph(built.output)
    folder = tmp_path_factory.mktemp("real")
    result = {}
    for kind in ("facilities", "partners"):
        model = view_model(store, kind, version=version)
        result[kind] = (write_html(render_html(model), folder / f"view-{kind}.html"), model)
    return store, result


@pytest.mark.parametrize("kind", ["facilities", "partners"])
def test_real_view_offline_and_complete(open_view, real_files, kind):
    store, result = real_files
    path, model = result[kind]
    page, record = open_view(path)
    assert_clean(page, record)
    if kind == "partners":
        page.check('input[data-facet="status"][value="proposed"]')
    counts = drawn(page)
    assert counts == {"nodes": len(model.nodes), "edges": len(model.edges)}
    # ... and that is what the graph says: every town, every facility of a shared facility use
    gq, _ = open_source(store)
    towns = {r[0] for r in rows(gq, "towns")}
    if kind == "facilities":
        facilities = {r[5] for r in rows(gq, "cooperations") if r[5] is not None}
        assert len([n for n in model.nodes if n.type in ("town",) or n.type.startswith("facility")]) == \
            len(towns) + len(facilities)
    else:
        # every town; a line for every pair of towns that cooperate outside the hubs, and a
        # spoke from each hub to its towns: together every pair the graph names
        assert len(model.nodes_of("town")) == len(towns)
        pairs = {frozenset((r[0], r[1])) for r in rows(gq, "partner-pairs")}
        lines = {frozenset((e.source, e.target)) for e in model.edges_of("partners")}
        hubs = {}
        for e in model.edges_of("hub"):
            hubs.setdefault(e.source, set()).add(e.target)
        through_hubs = {frozenset((a, b)) for members in hubs.values() for a in members for b in members if a != b}
        assert lines <= pairs and pairs == lines | through_hubs
    save_screenshot(page, f"view-{kind}")


# -- search, filters, tooltips, PNG --------------------------------------------------------------------


def test_search_selects_and_focuses(open_view, files):
    page, record = open_view(files["facilities"][0])
    page.fill("#ikz-search", "großdorf")
    page.press("#ikz-search", "Enter")
    assert page.evaluate("window.ikzView.network.getSelectedNodes()") == [GROSSDORF]
    view = page.evaluate("window.ikzView.network.getViewPosition()")
    node = files["facilities"][1].node(GROSSDORF)
    assert abs(view["x"] - node.x) < 1 and abs(view["y"] - node.y) < 1
    assert "Großdorf" in page.inner_text("#ikz-details")
    # part of a name finds a facility
    assert page.evaluate("window.ikzView.search('Erziehungsberatung')") == EBS
    assert page.evaluate("window.ikzView.network.getSelectedNodes()") == [EBS]
    page.fill("#ikz-search", "Atlantis")
    page.click("#ikz-find")
    assert "Nicht gefunden: Atlantis" in page.inner_text("#ikz-search-message")
    assert_clean(page, record)


def test_filters_hide_what_they_should(open_view, files):
    path, model = files["facilities"]
    page, record = open_view(path)
    total = {"nodes": len(model.nodes), "edges": len(model.edges)}
    page.uncheck('input[data-facet="kind"][value="https://w3id.org/ikz/concept/facility-kind/Jugendschutzstelle"]')
    hidden = page.evaluate("window.ikzView.nodes.get().filter(n => n.hidden).map(n => n.id)")
    assert hidden == [JSS]
    assert drawn(page) == {"nodes": total["nodes"] - 1, "edges": total["edges"] - 3}
    # without Beratungsstellen as well, Bedorf needs no office and no operator remains
    page.uncheck('input[data-facet="kind"][value="https://w3id.org/ikz/concept/facility-kind/Beratungsstelle"]')
    assert sorted(page.evaluate("window.ikzView.nodes.get().filter(n => !n.hidden).map(n => n.id)")) == \
        sorted([ABERG, BEDORF, GROSSDORF, UEBACH])
    assert drawn(page) == {"nodes": 4, "edges": 0}
    page.check('input[data-facet="kind"][value="https://w3id.org/ikz/concept/facility-kind/Beratungsstelle"]')
    page.uncheck('input[data-facet="status"][value="proposed"]')
    visible = page.evaluate("window.ikzView.nodes.get().filter(n => !n.hidden).map(n => n.id)")
    assert OST not in visible and EBS in visible and OFFICE_ABERG in visible and VEREIN in visible
    save_screenshot(page, "fixture-facilities-filtered")
    assert_clean(page, record)


def test_partners_filters_reweigh_edges(open_view, files):
    path, model = files["partners"]
    page, record = open_view(path)
    existing = len([e for e in model.edges if e.status == "existing"])
    assert not page.is_checked('input[data-facet="status"][value="proposed"]')   # the default
    assert drawn(page) == {"nodes": 4, "edges": existing}
    edge_id = f"pair|{ABERG}|{BEDORF}"

    def numbers():
        return {b["id"]: b["text"] for b in page.evaluate("window.ikzView.edgeLabelBoxes()")}

    assert page.evaluate(f"window.ikzView.edges.get('{edge_id}').width") == S.partner_width(2)
    assert numbers() == {edge_id: "2"}
    page.uncheck('input[data-facet="area"][value="https://w3id.org/ikz/concept/service-area/Beratung"]')
    edge = page.evaluate(f"window.ikzView.edges.get('{edge_id}')")
    assert edge["width"] == S.partner_width(1) and not edge["hidden"] and numbers() == {}
    assert page.evaluate(f"window.ikzView.edges.get('pair|{ABERG}|{UEBACH}').hidden") is True
    # proposed shown again: the hub of the district-wide plan and its spokes come back
    page.check('input[data-facet="status"][value="proposed"]')
    assert page.evaluate("window.ikzView.nodes.get('https://example.org/ikz-test/cooperation/plan').hidden") is False
    assert_clean(page, record)


def test_hover_shows_what_it_is_and_the_quote(open_view, files):
    path, model = files["facilities"]
    page, record = open_view(path)
    [acting] = model.edges_of("acting-through")
    text = tooltip_at(page, edge_midpoint(page, acting.id))
    assert "Bedorf – vertreten durch – Jugendamt Aberg" in text
    assert "Das Jugendamt Aberg ist auch für Bedorf zuständig." in text
    assert "Brief der Jugendämter des Testkreises, Zeile 11" in text
    text = tooltip_at(page, screen_position(page, JSS))
    assert "Jugendschutzstelle Nord" in text and "unbekannt (keine Quelle nennt ihn)" in text
    assert "Aberg, Bedorf und Großdorf nehmen gemeinsam die Jugendschutzstelle Nord in Anspruch." in text
    page.mouse.click(*screen_position(page, JSS))
    assert "Zeile 3" in page.inner_text("#ikz-details")
    save_screenshot(page, "fixture-facilities-tooltip")
    assert_clean(page, record)


def test_png_button_downloads_the_picture(open_view, files):
    page, record = open_view(files["partners"][0])
    with page.expect_download() as info:
        page.click("#ikz-png")
    download = info.value
    assert download.suggested_filename == "ikz-partners.png"
    data = Path(download.path()).read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    width, height = struct.unpack(">II", data[16:24])
    canvas = page.evaluate("document.querySelector('#ikz-network canvas').width")
    assert width > canvas and height > 300  # the picture plus its legend, title and footer
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "fixture-partners-export.png").write_bytes(data)
    assert_clean(page, record)


# -- hostile data ----------------------------------------------------------------------------------


def test_hostile_label_is_shown_not_executed(open_view, files):
    path, model = files["hostile"]
    page, record = open_view(path)
    assert record.dialogs == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, svg[onload], script[src]').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 3
    options = page.evaluate("Array.from(document.querySelectorAll('#ikz-names option')).map(o => o.value)")
    assert HOSTILE in options
    text = tooltip_at(page, screen_position(page, HOSTILE_TOWN))
    assert HOSTILE in text and "</script><script>window.__pwned=1</script>" in text
    assert page.evaluate("window.ikzView.search('<img src')") == HOSTILE_TOWN
    details = page.inner_text("#ikz-details")
    assert HOSTILE in details and "window.__pwned=1" in details
    page.wait_for_timeout(300)
    assert record.dialogs == [] and page.evaluate("typeof window.__pwned") == "undefined"
    save_screenshot(page, "fixture-hostile")
    assert_clean(page, record)
