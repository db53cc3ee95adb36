"""Hostile labels × every injection point of the views, in offline Chromium: each payload is put
into every text of a fixture graph (town, office, facility, cooperation and provider labels,
document titles, quotes) and into the view's title; both views are rendered, every node and
every edge is hovered and clicked, the search is used; the canary is any dialog, any
``window.__pwned``, any request but the file itself, any element a payload would create, and any
Content-Security-Policy violation (an injection CSP had to stop is still an injection).

``IKZ_RELIABILITY_FULL=1`` runs every payload; otherwise a fixed few.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from fuzz.harness import record

CHROMIUM = "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (Debian's chromium package); no browser is downloaded", allow_module_level=True)
pytest.importorskip("playwright.sync_api")

from graph.core.project import find_project  # noqa: E402
from graph.outputs.views import render_html, view_model, write_html  # noqa: E402
from test_views_browser import edge_midpoint, open_view, screen_position  # noqa: E402

FIXTURE = Path(__file__).parent / "fixtures" / "views" / "small.ttl"

#: %d is the payload's number: window.__pwned = %d tells which one ran.
PAYLOADS = [
    '<img src=x onerror="window.__pwned=%d;alert(%d)">',
    "</script><script>window.__pwned=%d</script>",
    '"><svg onload="window.__pwned=%d">',
    "'><iframe srcdoc=\"<script>parent.__pwned=%d</script>\"></iframe>",
    '<a href="javascript:window.__pwned=%d">href</a>',  # pyvis renders any title with "href" as HTML
    "javascript:window.__pwned=%d//",
    '<details open ontoggle="window.__pwned=%d">',
    "<style>*{background:url(http://127.0.0.1:9/%d)}</style>",
    "<link rel=stylesheet href=http://127.0.0.1:9/%d.css>",
    '<meta http-equiv="refresh" content="0;url=http://127.0.0.1:9/%d">',
    '<base href="http://127.0.0.1:9/%d/">',
    '{{constructor.constructor("window.__pwned=%d")()}}',
    "${window.__pwned=%d}",
    "<!--<script>window.__pwned=%d</script>-->",
    "\u2028\u2029<script>window.__pwned=%d</script>",
    '<math><mtext></p><img src=x onerror="window.__pwned=%d"></mtext></math>',
    '<form action="http://127.0.0.1:9/%d"><button>x</button></form>',
    "&lt;img src=x onerror=window.__pwned=%d&gt;",
    '<object data="http://127.0.0.1:9/%d"></object>',
    '<body onload="window.__pwned=%d">',
    '<noscript><p title="</noscript><img src=x onerror=window.__pwned=%d>">',
    "<svg><script>window.__pwned=%d</script></svg>",
]
QUICK = [4]
ELEMENTS = ("img, iframe, object, embed, svg[onload], svg script, math, details[ontoggle], form[action], "
            "meta[http-equiv='refresh' i], base, link[rel=stylesheet], a[href^='javascript'], noscript p")


def _turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def hostile_store(payload: str) -> tuple[ox.Store, int]:
    """The fixture with every literal text replaced by ``payload``; returns the number of
    injection points (literals) replaced."""
    text = FIXTURE.read_text(encoding="utf-8")
    pattern = re.compile(r'"((?:[^"\\\n]|\\.)*)"(@[A-Za-z-]+)')
    count = len(pattern.findall(text))
    text = pattern.sub(lambda m: _turtle_string(payload) + m.group(2), text)
    store = ox.Store()
    for path in find_project().ontology_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    store.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return store, count


def chosen() -> list[int]:
    return list(range(len(PAYLOADS))) if os.environ.get("IKZ_RELIABILITY_FULL") == "1" else QUICK


def _hover(page, point) -> str:
    page.mouse.move(1, 1)
    page.mouse.move(*point)
    try:
        page.wait_for_function(
            "() => { const t = document.querySelector('div.vis-tooltip');"
            " return t && getComputedStyle(t).visibility === 'visible'; }", timeout=700)
    except Exception:  # noqa: BLE001 - a node under another one shows the other's tooltip
        return ""
    return page.evaluate("document.querySelector('div.vis-tooltip').textContent")


@pytest.mark.parametrize("number", chosen())
@pytest.mark.parametrize("kind", ["facilities", "partners"])
def test_hostile_payload_everywhere_is_shown_not_run(open_view, tmp_path, kind, number):
    payload = PAYLOADS[number].replace("%d", str(number + 1))
    store, points = hostile_store(payload)
    model = view_model(store, kind, title=payload)
    path = write_html(render_html(model), tmp_path / f"hostile-{kind}-{number}.html")
    page, record_ = open_view(path)
    hovered = 0
    shown = 0
    for node in model.nodes:
        page.evaluate("id => window.ikzView.network.unselectAll()", node.id)
        text = _hover(page, screen_position(page, node.id))
        hovered += 1
        shown += int(payload.strip() in text)
        page.mouse.click(*screen_position(page, node.id))
    for edge in model.edges:
        _hover(page, edge_midpoint(page, edge.id))
        hovered += 1
    page.fill("#ikz-search", payload[:20])
    page.press("#ikz-search", "Enter")
    page.wait_for_timeout(200)
    pwned = page.evaluate("typeof window.__pwned === 'undefined' ? null : String(window.__pwned)")
    created = page.evaluate(f"document.querySelectorAll({ELEMENTS!r}).length")
    csp = page.evaluate("window.__csp")
    requests = [url for url in record_.requests if url != record_.url]
    executions = len(record_.dialogs) + int(pwned is not None) + len(requests)
    record("views-hostile", title="Hostile labels × injection points in offline Chromium (hover every node/edge)",
           cases=points + 1, failures=executions, limit="0 script executions, 0 requests", kind=kind,
           payload=number + 1, hovered=hovered)
    record("views-injected-markup", title="… payload markup that reached the DOM (CSP violations, created elements)",
           cases=points + 1, failures=created + len(csp), limit="0: every payload stays text")
    assert executions == 0, (record_.dialogs, pwned, requests)
    assert created == 0 and csp == []
    assert record_.errors == []
    assert shown > 0 or not model.nodes, "the payload must be visible as text in the tooltips"
    assert payload in page.inner_text("h1") or payload.strip() in page.inner_text("h1")
