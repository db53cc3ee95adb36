"""Views at scale (graph/views): aggregation to districts above ``MAX_NODES``, ``full=True``,
towns without coordinates, determinism, and a ~1,000-node view drawn in Chromium.

The graph is synthetic and made here (seeded, into a temporary folder): 40 districts of 60
towns (coordinates only for the towns of the first two districts, as with the national
register), shared-facility cooperations mostly within one district, some across two, some
proposed, some ended, a few towns acting through another town's youth welfare office.
Counts of the aggregated views are checked against SPARQL on the same store. No timing is
asserted here: the first-draw time is logged; targets belong to benchmarks/run.py.
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph.cli.view import view as view_command
from graph.core.project import find_project
from graph.outputs.views import MAX_NODES, render_html, view_model, write_html
from graph.outputs.views import layout as L
from graph.outputs.views.facts import Facts
from graph.outputs.views.model import EXAMPLE_QUOTES, NO_DISTRICT, _select, full_size

S = "https://example.org/ikz-scale/"
IKZ = "https://w3id.org/ikz/ontology#"
C = "https://w3id.org/ikz/concept/"
DISTRICTS, TOWNS_PER_DISTRICT = 40, 60
KINDS = [("Jugendschutzstelle", "Inobhutnahme"), ("Beratungsstelle", "Beratung"),
         ("Erziehungsberatungsstelle", "Erziehungsberatung")]
PREFIXES = """PREFIX ikz: <https://w3id.org/ikz/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX status: <https://w3id.org/ikz/concept/status/>
"""


def _lit(text: str, lang: str = "de") -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + f'"@{lang}'


def synthetic_graph(folder: Path, cooperations: int, seed: int = 4711) -> Path:
    """Write ``folder/ikz.nt`` (the synthetic graph without the ontology) and return it."""
    rng = random.Random(seed)
    lines: list[str] = []
    add = lines.append
    a = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    label = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
    doc = f"{S}doc/protokoll"
    add(f"<{doc}> {a} <{IKZ}SourceDocument> .")
    add(f'<{doc}> <http://purl.org/dc/terms/title> {_lit("Synthetisches Protokoll")} .')
    add(f'<{doc}> <{IKZ}notBefore> "2021-03-01"^^<http://www.w3.org/2001/XMLSchema#date> .')
    towns: dict[int, list[str]] = {}
    for d in range(DISTRICTS):
        district = f"{S}district/{d:02d}"
        add(f"<{district}> {a} <{IKZ}District> .")
        add(f"<{district}> {label} {_lit(f'Kreis {d:02d}')} .")
        towns[d] = []
        for k in range(TOWNS_PER_DISTRICT):
            ags = f"99{d:02d}{k:04d}"
            town = f"{S}municipality/{ags}"
            towns[d].append(town)
            add(f"<{town}> {a} <{IKZ}Municipality> .")
            add(f"<{town}> {label} {_lit(f'Ort {d:02d}-{k:02d}')} .")
            add(f'<{town}> <{IKZ}ags> "{ags}" .')
            add(f"<{town}> <{IKZ}district> <{district}> .")
            if d < 2:  # only the first two districts have coordinates
                add(f"<{town}> <http://www.opengis.net/ont/geosparql#hasGeometry> <{town}-geo> .")
                wkt = f"POINT({7 + d * 0.6 + (k % 8) * 0.05:.3f} {51 + (k // 8) * 0.04:.3f})"
                add(f'<{town}-geo> <http://www.opengis.net/ont/geosparql#asWKT> "{wkt}"'
                    '^^<http://www.opengis.net/ont/geosparql#wktLiteral> .')
            if k % 3 == 0:
                office = f"{S}office/{ags}"
                add(f"<{office}> {a} <{IKZ}YouthWelfareOffice> .")
                add(f"<{office}> {label} {_lit(f'Jugendamt {d:02d}-{k:02d}')} .")
                add(f"<{office}> <http://www.w3.org/ns/org#unitOf> <{town}> .")
    for i in range(cooperations):
        d = rng.randrange(DISTRICTS)
        members = rng.sample(towns[d], rng.randint(2, 6))
        if rng.random() < 0.15:
            other = (d + rng.randint(1, DISTRICTS - 1)) % DISTRICTS
            members += rng.sample(towns[other], rng.randint(1, 2))
        kind, area = rng.choice(KINDS)
        status = rng.choices(["bestehend", "vorgeschlagen", "beendet"], [0.75, 0.15, 0.1])[0]
        cooperation, facility, quote = f"{S}cooperation/{i:05d}", f"{S}facility/{i:05d}", f"{S}quote/{i:05d}"
        add(f"<{cooperation}> {a} <{IKZ}SharedFacilityUse> .")
        add(f"<{cooperation}> {label} {_lit(f'Kooperation {i}')} .")
        add(f"<{cooperation}> <{IKZ}facility> <{facility}> .")
        add(f"<{cooperation}> <{IKZ}serviceArea> <{C}service-area/{area}> .")
        add(f"<{cooperation}> <{IKZ}status> <{C}status/{status}> .")
        add(f"<{cooperation}> <{IKZ}quote> <{quote}> .")
        add(f"<{cooperation}> <http://www.w3.org/ns/prov#wasDerivedFrom> <{doc}> .")
        add(f"<{quote}> {a} <{IKZ}Quote> .")
        add(f"<{quote}> <http://www.w3.org/ns/oa#exact> {_lit(f'Satz {i}: gemeinsame {kind}.')} .")
        add(f"<{quote}> <http://www.w3.org/ns/prov#wasQuotedFrom> <{doc}> .")
        add(f"<{facility}> {a} <{IKZ}Facility> .")
        add(f"<{facility}> {label} {_lit(f'{kind} {i}')} .")
        add(f"<{facility}> <{IKZ}facilityKind> <{C}facility-kind/{kind}> .")
        if i % 7 == 0:
            provider = f"{S}provider/{i % 5}"
            add(f"<{provider}> {a} <{IKZ}Provider> .")
            add(f"<{provider}> {label} {_lit(f'Träger {i % 5}')} .")
            add(f"<{facility}> <{IKZ}operatedBy> <{provider}> .")
        else:
            add(f"<{facility}> <{IKZ}unknown> <{IKZ}operatedBy> .")
        for n, town in enumerate(members):
            membership = f"{S}membership/{i:05d}-{n}"
            add(f"<{membership}> {a} <http://www.w3.org/ns/org#Membership> .")
            add(f"<{membership}> <http://www.w3.org/ns/org#organization> <{cooperation}> .")
            add(f"<{membership}> <http://www.w3.org/ns/org#member> <{town}> .")
            add(f"<{membership}> <http://www.w3.org/ns/org#role> <{C}role/Nutzer> .")
            if i % 11 == 0 and n == 0:  # the first town acts through the office of another
                office_town = next((t for t in members[1:] if int(t[-2:]) % 3 == 0), None)
                if office_town:
                    add(f"<{membership}> <{IKZ}actingThrough> <{S}office/{office_town.rsplit('/', 1)[1]}> .")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ikz.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load(path: Path) -> ox.Store:
    store = ox.Store()
    for ontology in find_project().ontology_files():
        store.bulk_load(path=str(ontology), format=ox.RdfFormat.TURTLE)
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    """~2,400 towns and facilities taking part: above MAX_NODES."""
    path = synthetic_graph(tmp_path_factory.mktemp("scale-large"), 700)
    return path, load(path)


@pytest.fixture(scope="module")
def medium(tmp_path_factory):
    """About 1,000 nodes in the full facilities view: below MAX_NODES."""
    path = synthetic_graph(tmp_path_factory.mktemp("scale-medium"), 200, seed=11)
    return path, load(path)


@pytest.fixture(scope="module")
def facilities_aggregated(large):
    return view_model(large[1], "facilities", version="test")


@pytest.fixture(scope="module")
def facilities_full(large):
    return view_model(large[1], "facilities", version="test", full=True)


@pytest.fixture(scope="module")
def partners_aggregated(large):
    """The partners view has only towns (~1,800 here): aggregated with a lower limit."""
    return view_model(large[1], "partners", version="test", max_nodes=1000)


def rows(store, query: str) -> list[dict]:
    result = store.query(PREFIXES + query)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def status_group(status_iri: str) -> str:
    return "existing" if status_iri.endswith("/bestehend") else "proposed"


# -- aggregation -----------------------------------------------------------------------------------


def test_the_full_view_would_be_above_the_limit(large, facilities_full):
    facts = Facts(large[1])
    size = full_size(facts, "facilities", _select(facts, "facilities", None, None, True))
    assert size > MAX_NODES
    # ... and full_size is exactly what the full view has
    assert size == len(facilities_full.nodes)


def test_facilities_view_aggregates_to_districts_above_the_limit(large, facilities_aggregated):
    store = large[1]
    model = facilities_aggregated
    assert model.aggregated and model.settings["aggregated"] and model.settings["max_nodes"] == MAX_NODES
    assert len(model.nodes) < MAX_NODES
    assert not model.nodes_of("town")
    # one district node per district with a town taking part in a shown (not ended) cooperation
    found = rows(store, """SELECT DISTINCT ?district WHERE {
        ?c ikz:facility ?f ; ikz:status ?s . FILTER(?s != status:beendet)
        ?m org:organization ?c ; org:member ?town . ?town a ikz:Municipality ; ikz:district ?district }""")
    assert {n.id for n in model.nodes_of("district")} == {r["district"] for r in found}
    # towns taking part per district, in the label and the tooltip
    towns = rows(store, """SELECT ?district (COUNT(DISTINCT ?town) AS ?n) WHERE {
        ?c ikz:facility ?f ; ikz:status ?s . FILTER(?s != status:beendet)
        ?m org:organization ?c ; org:member ?town . ?town ikz:district ?district } GROUP BY ?district""")
    for r in towns:
        node = model.node(r["district"])
        assert node.label.endswith(f"({r['n']} Kommunen)") or node.label.endswith("(1 Kommune)")
        assert (f"{r['n']} beteiligt (von {TOWNS_PER_DISTRICT} im Register)") in dict(node.info.facts).values()


def test_facility_groups_and_use_lines_match_a_python_count(large, facilities_aggregated):
    store = large[1]
    model = facilities_aggregated
    uses = rows(store, """SELECT DISTINCT ?f ?kind ?s ?town ?district WHERE {
        ?c ikz:facility ?f ; ikz:status ?s . FILTER(?s != status:beendet) ?f ikz:facilityKind ?kind .
        ?m org:organization ?c ; org:member ?town . ?town ikz:district ?district }""")
    node_type = {"Jugendschutzstelle": "facility-jugendschutzstelle"}
    users_of: dict[str, Counter] = {}
    for r in uses:
        users_of.setdefault(r["f"], Counter())[r["district"]] += 1
    home = {f: min(c, key=lambda d: (-c[d], d)) for f, c in users_of.items()}
    type_of = {r["f"]: node_type.get(r["kind"].rsplit("/", 1)[1], "facility-beratungsstelle") for r in uses}
    groups = Counter((home[f], type_of[f]) for f in home)
    shown_groups = {n.id: n for n in model.nodes if n.type.startswith("facility")}
    assert set(shown_groups) == {f"group|{d}|{t}" for d, t in groups}
    for (d, t), count in groups.items():
        assert shown_groups[f"group|{d}|{t}"].label.startswith(f"{count} × ")
    assert sum(int(n.label.split(" × ")[0]) for n in shown_groups.values()) == len(home)
    # one line per (district of the users, group, status): its weight is the number of facilities
    lines: dict[tuple, set] = {}
    for r in uses:
        key = (r["district"], f"group|{home[r['f']]}|{type_of[r['f']]}", status_group(r["s"]))
        lines.setdefault(key, set()).add(r["f"])
    assert {(e.source, e.target, e.status): e.weight for e in model.edges} == {k: len(v) for k, v in lines.items()}
    assert {e.type for e in model.edges} == {"uses"}


def test_partners_view_aggregates_to_district_pairs(large, partners_aggregated):
    store = large[1]
    model = partners_aggregated
    assert model.aggregated
    members = rows(store, """SELECT DISTINCT ?c ?s ?town ?district WHERE {
        ?c a ikz:SharedFacilityUse ; ikz:status ?s . FILTER(?s != status:beendet)
        ?m org:organization ?c ; org:member ?town . ?town ikz:district ?district }""")
    districts_of: dict[str, set] = {}
    status_of = {}
    for r in members:
        districts_of.setdefault(r["c"], set()).add(r["district"])
        status_of[r["c"]] = status_group(r["s"])
    pairs: Counter = Counter()
    inside: Counter = Counter()
    for c, districts in districts_of.items():
        ds = sorted(districts)
        if len(ds) == 1:
            inside[ds[0]] += 1
        for i, a in enumerate(ds):
            for b in ds[i + 1:]:
                pairs[(a, b, status_of[c])] += 1
    assert pairs, "the synthetic graph has cooperation across districts"
    assert {(e.source, e.target, e.status): e.weight for e in model.edges} == dict(pairs)
    assert {n.id for n in model.nodes} == {d for ds in districts_of.values() for d in ds}
    # cooperation within one district is counted in that district's tooltip
    for district, n in inside.items():
        facts = dict(model.node(district).info.facts)
        assert facts["Kooperationen im Kreis"].split()[0] == str(n) or sum(
            int(part.split()[0]) for part in facts["Kooperationen im Kreis"].split(", ")) == n


def test_aggregated_tooltips_give_counts_and_a_few_example_quotes(facilities_aggregated, partners_aggregated):
    for model in (facilities_aggregated, partners_aggregated):
        for item in model.nodes + model.edges:
            assert len(item.info.quotes) <= EXAMPLE_QUOTES
            assert not item.info.items
        assert any(item.info.quotes for item in model.nodes + model.edges)
    heavy = max(partners_aggregated.edges, key=lambda e: e.weight)
    assert heavy.info.title.endswith(f": {heavy.weight} gemeinsame Kooperationen") or heavy.weight == 1
    facts = dict(max(facilities_aggregated.nodes_of("district"), key=lambda n: len(n.info.facts)).info.facts)
    assert "Einrichtungen" in facts and "Kooperationen" in facts


def test_the_page_says_it_is_aggregated_and_how_to_get_the_full_view(facilities_aggregated, facilities_full, large):
    model = facilities_aggregated
    assert "zusammengefasst nach Kreisen" in model.subtitle and "--full" in model.subtitle
    html = render_html(model)
    notice = re.search(r'<p class="notice" id="ikz-notice" role="note">(.*?)</p>', html, re.S).group(1)
    assert "Zusammengefasst nach Kreisen" in notice and "ikz view facilities --full" in notice
    assert f"{len(facilities_full.nodes):,}".replace(",", ".") in notice
    assert "Aggregated by district" in notice and notice.index("Zusammengefasst") < notice.index("Aggregated")
    english = render_html(view_model(large[1], "facilities", version="test", lang="en"))
    assert "Aggregated by district" in english and "Zusammengefasst" not in english
    # the full view says nothing of the kind
    assert 'id="ikz-notice"' not in render_html(facilities_full) and not facilities_full.notice


def test_below_the_limit_nothing_is_aggregated(medium):
    model = view_model(medium[1], "facilities", version="test")
    assert not model.aggregated and model.notice == "" and "aggregated" not in model.settings
    assert model.nodes_of("town")


def test_max_nodes_can_be_lowered(medium):
    model = view_model(medium[1], "partners", version="test", max_nodes=50)
    assert model.aggregated and {n.type for n in model.nodes} == {"district"}


# -- the full view ---------------------------------------------------------------------------------


def test_full_gives_every_node(large, facilities_full):
    store = large[1]
    model = facilities_full
    assert not model.aggregated and len(model.nodes) > MAX_NODES
    towns = rows(store, """SELECT DISTINCT ?town WHERE {
        ?c ikz:facility ?f ; ikz:status ?s . FILTER(?s != status:beendet)
        ?m org:organization ?c ; org:member ?town . ?town a ikz:Municipality }""")
    facilities = rows(store, """SELECT DISTINCT ?f WHERE {
        ?c ikz:facility ?f ; ikz:status ?s . FILTER(?s != status:beendet) }""")
    assert {n.id for n in model.nodes_of("town")} == {r["town"] for r in towns}
    assert {n.id for n in model.nodes if n.type.startswith("facility")} == {r["f"] for r in facilities}
    # only towns taking part: the register's other towns are not drawn
    assert len(model.nodes_of("town")) < DISTRICTS * TOWNS_PER_DISTRICT
    ids = {n.id for n in model.nodes}
    assert all(e.source in ids and e.target in ids for e in model.edges)
    assert model.edges_of("acting-through") and model.nodes_of("provider")


def test_towns_without_coordinates_are_placed_without_overlaps(facilities_full, large):
    model = facilities_full
    facts = Facts(large[1])
    with_point = [n for n in model.nodes_of("town") if facts.towns[n.id].point]
    without = [n for n in model.nodes_of("town") if not facts.towns[n.id].point]
    assert with_point and without
    # towns with coordinates keep their geography: district 01 lies east of district 00
    east = [n.x for n in with_point if "/9901" in n.id]
    west = [n.x for n in with_point if "/9900" in n.id]
    assert min(east) > max(west)
    # the others: in a grid below the map, by district
    assert min(n.y for n in without) > max(n.y for n in with_point)
    assert "Kommunen ohne Koordinaten im Raster" in model.subtitle
    boxes = {n.id: L.box_rect((n.x, n.y), L.box(n.label, n.size, n.font_size, n.label_width)) for n in model.nodes}
    cells: dict[tuple, list[str]] = {}
    for node_id, rect in boxes.items():
        for cell in L.rect_cells(rect):
            cells.setdefault(cell, []).append(node_id)
    overlapping = {(a, b) for ids in cells.values() for i, a in enumerate(ids) for b in ids[i + 1:]
                   if L.overlap(boxes[a], boxes[b])}
    assert overlapping == set()


def test_aggregated_districts_at_their_mean_or_in_the_grid(facilities_aggregated):
    model = facilities_aggregated
    d0, d1 = (model.node(f"{S}district/{d:02d}") for d in (0, 1))
    assert d1.x > d0.x
    others = [n for n in model.nodes_of("district") if n.id not in (d0.id, d1.id, NO_DISTRICT)]
    assert others and min(n.y for n in others) > max(d0.y, d1.y)
    assert len({(n.x, n.y) for n in model.nodes}) == len(model.nodes)


# -- determinism -----------------------------------------------------------------------------------


def test_html_is_byte_identical_twice(large, medium, facilities_aggregated, partners_aggregated):
    store = large[1]
    assert render_html(view_model(store, "facilities", version="test")) == render_html(facilities_aggregated)
    again = view_model(store, "partners", version="test", max_nodes=1000)
    assert render_html(again) == render_html(partners_aggregated)
    first = render_html(view_model(medium[1], "facilities", version="test", full=True))
    assert first == render_html(view_model(medium[1], "facilities", version="test", full=True))


def test_force_layout_at_scale_is_deterministic(medium):
    store = medium[1]

    def positions(seed):
        return [(n.id, n.x, n.y) for n in view_model(store, "facilities", version="t", layout="force", seed=seed).nodes]

    first = positions(3)
    assert len(first) > L.FORCE_EXACT
    assert first == positions(3) and first != positions(4)


# -- the command -----------------------------------------------------------------------------------


def test_cli_full_option(large, tmp_path):
    folder = tmp_path / "graph"
    folder.mkdir()
    (folder / "ikz.nt").write_bytes(large[1].dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
    out = tmp_path / "agg.html"
    result = CliRunner().invoke(view_command, ["facilities", "--graph", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "zusammengefasst nach Kreisen" in result.output and 'id="ikz-notice"' in out.read_text(encoding="utf-8")
    out = tmp_path / "full.html"
    result = CliRunner().invoke(view_command, ["facilities", "--graph", str(folder), "-o", str(out), "--full"])
    assert result.exit_code == 0, result.output
    assert "zusammengefasst" not in result.output and 'id="ikz-notice"' not in out.read_text(encoding="utf-8")


# -- in the browser ----------------------------------------------------------------------------------


CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing; no browser is downloaded")
def test_a_thousand_node_view_draws_in_chromium(medium, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    model = view_model(medium[1], "facilities", version="test")
    assert 800 <= len(model.nodes) <= MAX_NODES and not model.aggregated
    path = write_html(render_html(model), tmp_path / "view-1000.html")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            errors: list[str] = []
            requests: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", lambda request: requests.append(request.url))
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())
            start = time.perf_counter()
            page.goto(path.resolve().as_uri())
            page.wait_for_function("window.ikzView && window.ikzView.ready", timeout=60_000)
            page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            elapsed = time.perf_counter() - start
            print(f"\nfirst draw of {len(model.nodes)} nodes, {len(model.edges)} edges: {elapsed:.2f} s")
            assert page.evaluate("window.ikzView.drawn()") == {"nodes": len(model.nodes), "edges": len(model.edges)}
            positions = page.evaluate("window.ikzView.network.getPositions()")
            assert {k: (round(v["x"]), round(v["y"])) for k, v in positions.items()} == \
                {n.id: (n.x, n.y) for n in model.nodes}
            # a tooltip is built when it is shown
            town = model.nodes_of("town")[0]
            point = page.evaluate(
                """id => { const v = window.ikzView; v.network.focus(id, {scale: 1.5, animation: false});
                           const p = v.network.canvasToDOM(v.network.getPositions([id])[id]);
                           const r = document.getElementById('ikz-network').getBoundingClientRect();
                           return [p.x + r.left, p.y + r.top]; }""", town.id)
            page.mouse.move(*point)
            page.wait_for_function("() => { const t = document.querySelector('div.vis-tooltip');"
                                   " return t && getComputedStyle(t).visibility === 'visible'; }", timeout=5000)
            assert town.label in page.evaluate("document.querySelector('div.vis-tooltip').textContent")
            assert errors == [] and requests == [path.resolve().as_uri()]
        finally:
            browser.close()
