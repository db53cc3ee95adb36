"""The workbench in a real browser: Debian's Chromium driven by Playwright walks library →
question → a changed parameter → answer → resource page → quote → own SPARQL → Run, in German
and in English, with every request leaving 127.0.0.1 blocked and counted (none may), and no
script error, console error or dialog. JavaScript is off for the basic path (the pages have no
script), and the walk is repeated with it on.

Never downloads a browser: skipped when /usr/bin/chromium (or playwright) is missing.
Screenshots of the library and a question page (1600×1000) go to docs/img/workbench*.png
when those are missing or IKZ_UPDATE_SCREENSHOTS=1, else to tests/artifacts/.
"""

from __future__ import annotations

import os
import shutil
import sys
import urllib.parse
from pathlib import Path
from types import SimpleNamespace

import pytest
from fuzz.harness import record
from helpers import watch

CHROMIUM = "/usr/bin/chromium"
VIEWPORT = {"width": 1600, "height": 1000}
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = Path(__file__).parent / "artifacts"
DOCS_IMG = ROOT / "docs" / "img"

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing (Debian's chromium package); no browser is downloaded",
                allow_module_level=True)
if not ((Path(sys.executable).parent / "oxigraph").is_file() or shutil.which("oxigraph")):
    pytest.skip("the Oxigraph server (pip install oxigraph) is not installed", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api")

#: What the walk reads, by language.
TEXTS = {
    "de": {"library": "Fragenkatalog", "question": "Alle Kooperationen einer Kommune", "run": "Antwort zeigen",
           "quote": "Zitat ansehen", "sentence": "wörtlicher Satz", "sparql": "Eigene SPARQL-Abfrage",
           "execute": "Ausführen", "rows": "Zeilen"},
    "en": {"library": "Question library", "question": "All cooperations of a town", "run": "Show the answer",
           "quote": "view the quote", "sentence": "verbatim sentence", "sparql": "Own SPARQL query",
           "execute": "Run", "rows": "rows"},
}




@pytest.fixture()
def open_site(browser, site):
    """A browser context that lets only requests to the workbench through; returns
    (page, record of requests, outbound requests, errors, dialogs)."""
    contexts = []
    origin = urllib.parse.urlsplit(site).netloc

    def _open(javascript: bool):
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, service_workers="block",
                                      java_script_enabled=javascript)
        contexts.append(context)
        seen = SimpleNamespace(requests=[], outbound=[], errors=[], dialogs=[])

        def route(route):
            parts = urllib.parse.urlsplit(route.request.url)
            if parts.scheme in ("http", "https") and parts.netloc == origin:
                route.continue_()
            elif parts.scheme == "data":
                route.continue_()
            else:
                seen.outbound.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        watch(page, seen)
        return page, seen

    yield _open
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    target = DOCS_IMG / name
    if os.environ.get("IKZ_UPDATE_SCREENSHOTS") == "1" or not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
    else:
        ARTIFACTS.mkdir(exist_ok=True)
        target = ARTIFACTS / name
    page.screenshot(path=str(target))
    return target


@pytest.mark.parametrize("javascript", [False, True], ids=["js-off", "js-on"])
@pytest.mark.parametrize("lang", ["de", "en"])
def test_walk_library_question_resource_quote_sparql(open_site, site, lang, javascript):
    words = TEXTS[lang]
    page, seen = open_site(javascript)
    page.goto(site + ("/?lang=en" if lang == "en" else "/"))
    assert page.locator("h1").inner_text() == words["library"]
    assert page.locator("html").get_attribute("lang") == lang
    if lang == "de" and not javascript:
        screenshot(page, "workbench.png")

    # library → question
    page.get_by_role("link", name=words["question"], exact=True).click()
    assert page.locator("h1").inner_text() == words["question"]
    first = page.locator("table.answer tbody tr").count()
    assert first > 0
    # change a parameter → answer
    page.fill("#p-town", "Schwelm")
    page.get_by_role("button", name=words["run"]).click()
    page.wait_for_load_state()
    assert "town=Schwelm" in page.url
    rows = page.locator("table.answer tbody tr")
    assert rows.count() > 0 and words["rows"] in page.locator("p.count").inner_text()
    if lang == "de" and not javascript:
        screenshot(page, "workbench-question.png")

    # answer → resource page (a cooperation) → quote
    page.locator("table.answer tbody tr").first.locator("a[href*='cooperation']").first.click()
    assert page.locator("figure.quote blockquote").count() >= 1
    sentence = page.locator("figure.quote blockquote").first.inner_text()
    page.get_by_role("link", name=words["quote"]).first.click()
    assert words["sentence"] in page.locator("table.facts").first.inner_text()
    assert sentence in page.locator("figure.quote blockquote").first.inner_text()

    # own SPARQL → Run
    page.get_by_role("link", name=words["sparql"], exact=True).click()
    page.fill("#query", "SELECT ?name WHERE { ?t a ikz:Municipality ; ikz:ags \"05954004\" ; skos:prefLabel ?name }")
    page.get_by_role("button", name=words["execute"], exact=True).click()
    page.wait_for_load_state()
    assert page.locator("table.answer tbody td").first.inner_text() == "Breckerfeld"

    outbound = len(seen.outbound)
    record("outbound", title="Outbound requests: vectors × engines × surfaces (loopback canary)", cases=1,
           failures=outbound, limit="0 requests", surface="workbench (browser walk)",
           engine="chromium, JavaScript " + ("on" if javascript else "off"), vector=f"page walk ({lang})")
    assert seen.outbound == [], "requests leaving 127.0.0.1"
    assert seen.errors == [] and seen.dialogs == []
    assert all(urllib.parse.urlsplit(url).netloc == urllib.parse.urlsplit(site).netloc for url in seen.requests)


def test_views_from_the_library_load_offline(open_site, site):
    page, seen = open_site(True)
    page.goto(site + "/")
    page.get_by_role("link", name="Partnernetz der Kommunen").click()
    page.wait_for_function("window.ikzView && window.ikzView.ready", timeout=20000)
    assert seen.outbound == [] and seen.errors == [] and seen.dialogs == []
    record("outbound", title="Outbound requests: vectors × engines × surfaces (loopback canary)", cases=1,
           failures=len(seen.outbound), limit="0 requests", surface="workbench (browser walk)",
           engine="chromium, JavaScript on", vector="network view page")
