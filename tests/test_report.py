"""Tests of the meeting report (graph/report.py, `ikz report`): content and footnotes on the
hand-built fixture district, safety (hostile labels show as text, a strict CSP, no URL
loaded), byte-identical output, the real graph, and in Chromium: offline with zero requests,
no CSP violation, and a sane number of A4 pages when printed."""

from __future__ import annotations

import html as html_module
import os
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest

import helpers
from click.testing import CliRunner

from graph.outputs.analysis import CANDIDATE_RULE, fetch
from graph.cli.analysis import report_command
from graph.outputs.report import csp_source, ranges, render_report, write_report

FIXTURES = Path(__file__).parent / "fixtures" / "analysis"


def fixture_store(*names: str) -> ox.Store:
    """The ontology plus the named fixture files, in a fresh store."""
    return helpers.fixture_store(FIXTURES, *names)


@pytest.fixture(scope="module")
def small_html():
    return render_report(fetch(fixture_store(), district="09999"))


@pytest.fixture(scope="module")
def full_html():
    """All seven towns: the partners view shows the whole graph, so it is drawn (and live)."""
    return render_report(fetch(fixture_store()))


@pytest.fixture(scope="module")
def hostile_html():
    return render_report(fetch(fixture_store("small.ttl", "hostile.ttl")))


@pytest.fixture(scope="module")
def real_html(gq):
    return render_report(fetch(gq))


def text_of(page: str) -> str:
    """The visible text, roughly: tags removed, entities decoded, spaces collapsed."""
    page = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r'srcdoc="[^"]*"', "", page)
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def csp_of(page: str) -> dict[str, list[str]]:
    content = html_module.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1))
    return {d.split()[0]: d.split()[1:] for d in (x.strip() for x in content.split(";")) if d}


# -- content --------------------------------------------------------------------------------------


def test_headline_figures_and_sections(small_html):
    text = text_of(small_html)
    assert "Interkommunale Zusammenarbeit – Testkreis" in text
    for heading in ("Kennzahlen", "Partnernetz", "Kommunen, die das Netz zusammenhalten", "Gruppen, die schon zusammenarbeiten",
                    "Abdeckung: Kommune × Aufgabengebiet", "Lücken und mögliche Partner",
                    "Vorgeschlagene und geplante Kooperationen", "Genannte Hemmnisse", "Quellen und Zitate"):
        assert f">{heading}</h2>" in small_html, heading
    figures = re.findall(r'<span class="number">(\d+)', small_html)
    # towns, existing, proposed, cooperating pairs, cut towns, groups, isolated, gaps (by hand, see test_analysis)
    assert figures == ["6", "6", "1", "5", "2", "2", "1", "9"]
    assert "von 15 Kommunenpaaren arbeiten zusammen · Dichte 33 %" in text


def test_findings_are_stated(small_html):
    text = text_of(small_html)
    assert "Ohne Cdorf zerfällt das Netz in 2 Teile: Aberg, Bedorf Dstadt, Edorf" in text
    assert "Ohne Dstadt zerfällt das Netz in 2 Teile: Aberg, Bedorf, Cdorf Edorf" in text
    assert "Gruppe 1: Cdorf, Dstadt, Edorf" in text and "Gruppe 2: Aberg, Bedorf" in text
    assert "Ohne bestehende Kooperation mit anderen Kommunen: Fheim" in text
    assert CANDIDATE_RULE["de"] in text
    assert "Inobhutnahme: 2 von 6 Kommunen ohne bestehende Kooperation" in text
    assert re.search(r"Dstadt kooperiert bereits im Gebiet Cdorf[\d,– ]* \(2\), Edorf[\d,– ]* \(1\)", text)
    assert "Fheim keine bestehende Verbindung – kein Vorschlag" in text
    assert "Noch keine Kommune kooperiert in diesem Gebiet." in text          # Eingliederungshilfe
    assert "durch JA Cdorf" in text                                           # Dstadt acts through Cdorf's office
    assert "»Für die Eingliederungshilfe schlagen wir eine gemeinsame Struktur aller Kommunen vor.«" in text
    assert "»Die unterschiedliche EDV der Jugendämter erschwert die Zusammenarbeit.«" in text


def test_every_footnote_mark_has_its_note_and_every_note_a_quote_and_source(small_html):
    marks = {int(n) for n in re.findall(r'href="#fn-(\d+)"', small_html)}
    notes = [int(n) for n in re.findall(r'<li id="fn-(\d+)"', small_html)]
    assert notes == list(range(1, len(notes) + 1))             # numbered in order, each once
    assert marks <= set(notes) and len(notes) >= 8
    items = re.findall(r'<li id="fn-\d+">(.*?)</li>', small_html, re.S)
    assert all(re.search(r"— (Brief der Jugendämter des Testkreises|Protokoll der Kreiskonferenz), Zeile \d+", i) for i in items)
    # each quote of an existing or proposed cooperation and of the barrier is cited
    for sentence in ("Aberg, Bedorf und Cdorf nutzen gemeinsam die Jugendschutzstelle Nord.",
                     "Das Jugendamt Cdorf ist auch für Dstadt zuständig.",
                     "Edorf und Gtal teilen sich die Jugendschutzstelle Ost.",
                     "Die unterschiedliche EDV der Jugendämter erschwert die Zusammenarbeit."):
        assert any(sentence in html_module.unescape(i) for i in items), sentence
    # the ended cooperation is not a finding and is not cited
    assert "Beratungsstelle von Aberg und Fheim ist geschlossen" not in text_of(small_html)


def test_every_statement_row_has_a_footnote(small_html):
    holders = re.search(r'<section id="holders">.*?</section>', small_html, re.S).group(0)
    rows = re.findall(r"<tr><td>(\w+)</td>.*?</tr>", holders, re.S)
    cited = re.findall(r"<tr><td>(\w+)</td>(?:(?!</tr>).)*#fn-", holders, re.S)
    assert set(rows) - set(cited) == {"Fheim"}                 # the town without any cooperation
    matrix = re.search(r'<table class="matrix">.*?</table>', small_html, re.S).group(0)
    covered = re.findall(r'<td class="covered">(.*?)</td>', matrix, re.S)
    assert covered and all("#fn-" in cell for cell in covered)


def test_stand_is_the_latest_date_of_the_cited_sources_and_the_version_is_printed(small_html, store_version_text):
    # the minutes of 10.03.2021 back the shelter East (Edorf); the letter is bounded by 15.02.2020
    assert "<b>Stand:</b> 10.03.2021" in small_html
    assert store_version_text in small_html


@pytest.fixture(scope="module")
def store_version_text():
    from graph.outputs.views import store_version

    return store_version(fixture_store())


def test_english(tmp_path):
    page = render_report(fetch(fixture_store(), district="09999", lang="en"))
    text = text_of(page)
    assert '<html lang="en">' in page and "As of: 2021-03-10" in text
    assert "Intermunicipal cooperation – Test district" in text
    assert "Without Cdorf the network falls into 2 parts" in text and CANDIDATE_RULE["en"] in text
    assert "Shared youth shelter North" in text


def test_ranges():
    assert ranges([4, 1, 2, 2, 9]) == [(1, 2), (4, 4), (9, 9)]


# -- safety ----------------------------------------------------------------------------------------


def test_hostile_labels_show_as_text(hostile_html):
    assert "&lt;img src=x onerror=alert(1)&gt; Kooperation" in hostile_html
    assert "Hbach&lt;img src=x onerror=alert(1)&gt;" in hostile_html
    assert "&lt;/blockquote&gt;&lt;script&gt;alert(&#39;quote&#39;)&lt;/script&gt; &amp; ging." in hostile_html
    outside_frame = re.sub(r'srcdoc="[^"]*"', "", hostile_html)
    assert "<img" not in outside_frame and "onerror=" not in outside_frame.replace("onerror=alert(1)&gt;", "")
    assert "<script" not in outside_frame                      # the report itself has no script
    assert "</title><script>" not in hostile_html


def test_the_embedded_live_view_is_escaped_in_its_frame(hostile_html):
    frame = re.search(r'<iframe sandbox="allow-scripts allow-downloads" [^>]*srcdoc="([^"]*)"', hostile_html)
    assert frame, "the live partners view is embedded"
    inner = html_module.unescape(frame.group(1))
    assert inner.startswith("<!DOCTYPE html>") and "Content-Security-Policy" in inner
    assert "<img src=x" not in inner.replace("\\u003cimg src=x", "")


def test_content_security_policy(full_html):
    policy = csp_of(full_html)
    assert policy["default-src"] == ["'none'"]
    assert policy["img-src"][0] == "data:" and policy["connect-src"] == ["'none'"] and policy["frame-src"] == ["'none'"]
    style = re.search(r"<style>(.*?)</style>", full_html, re.S).group(1)
    assert csp_source(html_module.unescape(style)) in policy["style-src"] or csp_source(style) in policy["style-src"]
    # scripts only by hash: exactly those of the embedded view
    assert len(policy["script-src"]) == 2 and all(s.startswith("'sha256-") for s in policy["script-src"])
    assert "'unsafe-inline'" not in sum(policy.values(), [])


def test_no_script_and_no_scripts_allowed_without_the_live_view():
    page = render_report(fetch(fixture_store(), district="09999"), live=False)
    assert "<script" not in page and "<iframe" not in page
    assert csp_of(page)["script-src"] == ["'none'"]


def test_no_external_url_is_referenced(full_html):
    outside_frame = re.sub(r'srcdoc="[^"]*"', "", full_html)
    for attribute, value in re.findall(r'\b(src|href|action|data)="([^"]*)"', outside_frame):
        assert value.startswith(("#", "data:")), (attribute, value)
    # the only absolute URL is the SVG namespace name, which is never fetched
    assert set(re.findall(r"https?://[^\s\"'<>)]+", outside_frame)) == {"http://www.w3.org/2000/svg"}


# -- determinism and writing ---------------------------------------------------------------------


def test_byte_identical_for_the_same_input(tmp_path, small_html):
    assert render_report(fetch(fixture_store(), district="09999")) == small_html
    a = write_report(fetch(fixture_store(), district="09999"), tmp_path / "a.html")
    b = write_report(fetch(fixture_store(), district="09999"), tmp_path / "b.html")
    assert a.read_bytes() == b.read_bytes() == small_html.encode("utf-8")


def test_written_atomically_as_utf8(tmp_path):
    target = tmp_path / "out" / "bericht.html"
    write_report(FIXTURES / "small.ttl", target, district="09999")
    assert target.read_bytes().decode("utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in target.parent.iterdir()] == ["bericht.html"]   # no temporary file left


def test_partners_view_drawn_from_the_view_model(full_html):
    svg = re.search(r"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=.*?</svg>", full_html, re.S).group(0)
    labels = re.findall(r'<text fill="#1a1a1a"><tspan [^>]*>([^<]*)</tspan></text>', svg)
    assert sorted(labels) == ["Aberg", "Bedorf", "Cdorf", "Dstadt", "Edorf", "Fheim", "Gtal"]
    assert len(re.findall(r"<line ", svg)) == 6                          # the six pairs that cooperate
    assert re.findall(r'<text [^>]*font-weight="bold"[^>]*>(\d+)</text>', svg) == ["2", "2"]   # A-B and C-D share two


def test_partners_view_left_out_with_a_reason_when_the_scope_is_narrower_than_the_graph(small_html):
    # the fixture holds a town of another district; the view has no district filter (yet)
    assert "Das Netzbild ist hier nicht verfügbar" in small_html and "Kreisfilter" in small_html
    assert "<svg xmlns" not in small_html and "<iframe" not in small_html


# -- the real graph --------------------------------------------------------------------------------


def test_real_report(real_html, built):
    text = text_of(real_html)
    assert "Interkommunale Zusammenarbeit – Ennepe-Ruhr-Kreis" in text
    assert "Ohne Sprockhövel zerfällt das Netz in 2 Teile: Breckerfeld, Ennepetal, Gevelsberg, Schwelm Hattingen, Herdecke, Wetter (Ruhr), Witten" in text
    assert "<b>Stand:</b> 30.04.2016" in real_html                            # notAfter of the undated letter
    from graph.outputs.views import graph_version

    assert graph_version(built.output / "ikz.nt").split(" · ")[0] in real_html
    assert "Kreiseinheitliche gemeinsame Organisationsstruktur für die Eingliederungshilfe" in text
    assert "Vielfältigkeit der Jugendhilfe in den Städten des Ennepe-Ruhr-Kreises" in text
    assert "durch JA Ennepetal" in text
    # the picture is the partners view: nine towns
    svg = re.search(r"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=.*?</svg>", real_html, re.S).group(0)
    assert len(re.findall(r"<circle class=\"node\" cx=\"-?\d+\" cy=\"-?\d+\" r=\"21\"", svg)) == 9


def test_ikz_report_command(project, built, tmp_path):
    out = tmp_path / "bericht.html"
    runner = CliRunner()
    result = runner.invoke(report_command, ["-o", str(out), "--graph", str(built.output)],
                           obj=SimpleNamespace(project=project, lang="de"))
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Bericht geschrieben:") and out.is_file()
    english = tmp_path / "report.html"
    result = runner.invoke(report_command, ["-o", str(english), "--graph", str(built.output), "--no-live"],
                           obj=SimpleNamespace(project=project, lang="en"))
    assert result.exit_code == 0 and result.output.startswith("Report written:")
    page = english.read_text(encoding="utf-8")
    assert '<html lang="en">' in page and "<script" not in page
    again = tmp_path / "again.html"
    runner.invoke(report_command, ["-o", str(again), "--graph", str(built.output)], obj=SimpleNamespace(project=project, lang="de"))
    assert again.read_bytes() == out.read_bytes()


# -- in the browser ----------------------------------------------------------------------------------




def _open(browser, path: Path):
    """Open ``path`` with every request recorded and every non-file request blocked."""
    context = browser.new_context(viewport={"width": 1000, "height": 1400})
    requests, problems = [], []

    def route(r):
        requests.append(r.request.url)
        return r.continue_() if r.request.url.startswith("file:") else r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_timeout(1500)
    return context, page, requests, problems


def test_report_opens_offline_without_requests_and_prints_on_a4(browser, real_html, tmp_path):
    path = tmp_path / "bericht.html"
    path.write_text(real_html, encoding="utf-8")
    context, page, requests, problems = _open(browser, path)
    try:
        assert requests == [path.as_uri()]                 # the file itself, nothing else
        assert problems == []                              # no CSP violation, no error
        assert page.frames[1].evaluate("document.querySelectorAll('canvas').length") == 1   # the live view runs
        pdf = page.pdf(format="A4", print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
        assert 3 <= pages <= 8, pages
        # printing hides the live view and keeps the picture
        page.emulate_media(media="print")
        assert page.locator("details.live").is_hidden() and page.locator("figure > svg").is_visible()
    finally:
        context.close()


def test_hostile_report_runs_nothing(browser, hostile_html, tmp_path):
    path = tmp_path / "hostile.html"
    path.write_text(hostile_html, encoding="utf-8")
    context, page, requests, problems = _open(browser, path)
    try:
        assert requests == [path.as_uri()]
        assert not [p for p in problems if p.startswith("dialog")]
        assert page.locator("img").count() == 0
        assert "<img src=x onerror=alert(1)> Kooperation" in page.inner_text("body")
    finally:
        context.close()


# -- footnote marks on words, figures that count what they say -----------------------------------


def test_footnote_marks_sit_on_words_never_on_numbers(small_html, real_html):
    for page in (small_html, real_html):
        body = re.sub(r"<svg.*?</svg>", "", re.sub(r'srcdoc="[^"]*"', "", page), flags=re.S)
        marks = list(re.finditer(r'<sup class="fn">', body))
        assert len(marks) >= 10
        for mark in marks:
            before = html_module.unescape(re.sub(r"<[^>]+>", "", body[max(0, mark.start() - 300):mark.start()]))
            assert re.search(r"[^\W\d_][).»«]*\s*$", before), before[-60:]     # a word, not a figure
    # the headline figures carry no mark; their words do
    figures = re.search(r'<ul class="figures">.*?</ul>', real_html, re.S).group(0)
    assert not re.search(r'<span class="number">[^<]*<sup', figures)
    assert re.search(r'bestehende Kooperationen<sup class="fn">', figures)


def _plain(result) -> list[dict]:
    return [{k: str(v) for k, v in row.items()} for row in result.rows]


def _report_figures(page: str) -> dict:
    """The numbers the report prints: headline figures, per-town rows, coverage cells."""
    headline = [int(n) for n in re.findall(r'<span class="number">(\d+)</span>', page)]
    holders = re.search(r'<section id="holders">.*?</section>', page, re.S).group(0)
    towns = {}
    for name, *numbers in re.findall(r'<tr><td>([^<]+)(?:<sup class="fn">.*?</sup>)?</td>' + r'<td class="num">(\d+)</td>' * 4,
                                     holders, re.S):
        towns[html_module.unescape(name)] = dict(zip(("partners", "existing", "future", "facilities"), map(int, numbers)))
    matrix = re.search(r'<table class="matrix">.*?</table>', page, re.S).group(0)
    areas = [html_module.unescape(a) for a in re.findall(r"<th>([^<]+)</th>", matrix)[1:]]
    cells = {}
    for name, row in re.findall(r"<tr><td>([^<]+)</td>(.*?)</tr>", matrix, re.S):
        for area, cell in zip(areas, re.findall(r'<td class="(?:covered|gap)">(.*?)</td>', row, re.S)):
            count = re.match(r'<span class="count">(\d+)</span>', cell)
            cells[(html_module.unescape(name), area)] = int(count.group(1)) if count else 0
    return {"headline": dict(zip(("towns", "existing", "future", "ties", "cut", "groups", "isolated", "gaps"), headline)),
            "towns": towns, "areas": areas, "cells": cells}


def _answers(gq, district: str, towns: list[str], areas: list[str]) -> dict:
    """The same figures from the named questions (queries/*.rq), counting distinct IRIs."""
    future = {"vorgeschlagen", "geplant"}
    cooperations = _plain(gq.ask("existing-vs-proposed", {"district": district}))
    pairs = _plain(gq.ask("partner-pairs", {"district": district, "status": "bestehend"}))
    by_label = {}
    for row in pairs:
        by_label.setdefault(row["aLabel"], set()).add(row["b"])
        by_label.setdefault(row["bLabel"], set()).add(row["a"])
    per_town, cells = {}, {}
    for town in towns:
        rows = _plain(gq.ask("cooperations-of-town", {"town": town}))
        facilities = _plain(gq.ask("partners-of-town", {"town": town}))
        per_town[town] = {
            "partners": len(by_label.get(town, ())),
            "existing": len({r["cooperation"] for r in rows if r["statusLabel"] == "bestehend"}),
            "future": len({r["cooperation"] for r in rows if r["statusLabel"] in future}),
            "facilities": len({r["facility"] for r in facilities if r["statusLabel"] == "bestehend"}),
        }
        for area in areas:
            answer = _plain(gq.ask("cooperations-of-town", {"town": town, "area": area, "status": "bestehend"}))
            cells[(town, area)] = len({r["cooperation"] for r in answer})
    return {
        "existing": len({r["cooperation"] for r in cooperations if r["statusLabel"] == "bestehend"}),
        "future": len({r["cooperation"] for r in cooperations if r["statusLabel"] in future}),
        "ties": len({(r["a"], r["b"]) for r in pairs}),
        "isolated": sum(1 for town in towns if not by_label.get(town)),
        "gaps": sum(1 for count in cells.values() if count == 0),
        "towns": per_town, "cells": cells,
    }


@pytest.fixture(scope="module")
def fixture_gq(project, tmp_path_factory):
    """A second, different graph: the hand-built test district, as a built graph folder."""
    from graph.sparql.query import GraphQuery

    from graph.builder.derive import derive

    folder = tmp_path_factory.mktemp("fixture-graph")
    store = fixture_store()
    derive(store)  # as `ikz build` does: the named questions read the derived facts
    store.dump(output=str(folder / "ikz.nt"), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    gq = GraphQuery.open(project, graph_dir=folder)
    yield gq
    gq.close()


@pytest.mark.parametrize("graph", ["project", "fixture"])
def test_every_figure_counts_distinct_things_as_the_named_questions_do(graph, gq, fixture_gq):
    query, district, scope = (gq, "Ennepe-Ruhr-Kreis", None) if graph == "project" else (fixture_gq, "Testkreis", "09999")
    shown = _report_figures(render_report(fetch(query, district=scope), view=False))
    towns = sorted(shown["towns"])
    assert len(towns) == shown["headline"]["towns"] >= 6 and len(shown["areas"]) >= 3
    asked = _answers(query, district, towns, shown["areas"])
    for key in ("existing", "future", "ties", "isolated", "gaps"):
        assert shown["headline"][key] == asked[key], key
    assert shown["towns"] == asked["towns"]
    assert shown["cells"] == asked["cells"]
    # no per-town figure exceeds the district's total (the old sum over partner pairs did: 16 of 6)
    assert all(t["existing"] <= shown["headline"]["existing"] and t["future"] <= shown["headline"]["future"]
               for t in shown["towns"].values())
    assert any(t["partners"] != t["existing"] for t in shown["towns"].values())   # the columns differ


def test_breckerfeld_takes_part_in_five_of_the_six_existing_cooperations(real_html):
    shown = _report_figures(real_html)
    assert shown["headline"]["existing"] == 6
    assert shown["towns"]["Breckerfeld"] == {"partners": 4, "existing": 5, "future": 1, "facilities": 4}
