"""Unit tests of the network views (graph/views): the view model from a small fixture graph
(tests/fixtures/views/small.ttl), the rendered HTML, the written file, the CLI command, and a
few checks against the real built graph (the session build of conftest)."""

from __future__ import annotations

import html as _html
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pyoxigraph as ox
import pytest

import helpers
from click.testing import CliRunner

from graph.cli.view import view as view_command
from graph.core.errors import IKZError
from graph.core.i18n import use
from graph.core.namespaces import IKZ
from graph.core.project import find_project
from graph.outputs.views import (KINDS, View, ViewError, graph_version, open_graph, render_html, show,
                         store_version, view_model, write_view)
from graph.outputs.views import layout as L
from graph.outputs.views import style as S
from graph.outputs.views.render import csp_source, page_data, script_json

FIXTURES = Path(__file__).parent / "fixtures" / "views"
T = "https://example.org/ikz-test/"
ABERG, BEDORF, GROSSDORF, UEBACH = (f"{T}municipality/0999900{i}" for i in (1, 2, 3, 4))
OFFICE_ABERG = f"{T}office/jugendamt/09999001"
JSS, EBS, OST = (f"{T}facility/{name}" for name in ("jss", "ebs", "ost"))
VEREIN = f"{T}verein"
FK = "https://w3id.org/ikz/concept/facility-kind/"


def fixture_store(*names: str) -> ox.Store:
    """The ontology plus the named fixture files, in a fresh store."""
    return helpers.fixture_store(FIXTURES, *names)


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return fixture_store("small.ttl")


@pytest.fixture(scope="module")
def facilities(store):
    return view_model(store, "facilities")


@pytest.fixture(scope="module")
def partners(store):
    return view_model(store, "partners")


def types(model) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in model.nodes + model.edges:
        counts[item.type] = counts.get(item.type, 0) + 1
    return counts


# -- the facilities view ---------------------------------------------------------------------------


def test_facilities_nodes_and_edges(facilities):
    assert types(facilities) == {
        "town": 4, "facility-jugendschutzstelle": 1, "facility-beratungsstelle": 2, "office": 1, "provider": 1,
        "uses": 8, "acting-through": 1, "office-of": 1, "operated-by": 1,
    }
    ids = {n.id for n in facilities.nodes}
    assert {ABERG, BEDORF, GROSSDORF, UEBACH, JSS, EBS, OST, OFFICE_ABERG, VEREIN} == ids
    assert all(isinstance(n.id, str) for n in facilities.nodes)
    assert all(e.source in ids and e.target in ids for e in facilities.edges)
    assert len({e.id for e in facilities.edges}) == len(facilities.edges)


def test_styles_come_from_the_one_table(facilities):
    for node in facilities.nodes:
        style = S.NODE_STYLES[node.type]
        assert (node.shape, node.color, node.border, node.size) == (style.shape, style.color, style.border, style.size)
    assert facilities.node(JSS).shape == "square" and facilities.node(JSS).color == S.OKABE_ITO["vermillion"]
    # Erziehungsberatungsstelle is narrower than Beratungsstelle: drawn as a Beratungsstelle
    assert facilities.node(EBS).type == "facility-beratungsstelle"
    # colour differs between every two node types, shape between every two that share a view
    # (vis-network has seven shapes with the label below: the partners view's hub reuses one)
    styles = list(S.NODE_STYLES.values())
    assert len({s.color for s in styles}) == len(styles)
    facilities_view = [st for key, st in S.NODE_STYLES.items() if key != "cooperation"]
    assert len({s.shape for s in facilities_view}) == len(facilities_view)
    assert S.NODE_STYLES["cooperation"].shape != S.NODE_STYLES["town"].shape
    assert all(c in S.OKABE_ITO.values() for c in (s.color for s in facilities_view))


def test_acting_through_office_is_visible(facilities):
    [acting] = facilities.edges_of("acting-through")
    assert (acting.source, acting.target) == (BEDORF, OFFICE_ABERG)
    assert acting.label == "vertreten durch"
    assert [item.title for item in acting.info.items] == [
        "Kooperation mit der Erziehungsberatungsstelle Süd", "Gemeinsame Jugendschutzstelle Nord"]
    assert "Das Jugendamt Aberg ist auch für Bedorf zuständig." in [q.text for q in acting.info.all_quotes()]
    [office_of] = facilities.edges_of("office-of")
    assert (office_of.source, office_of.target) == (OFFICE_ABERG, ABERG)
    assert facilities.node(OFFICE_ABERG).requires == [acting.id]
    assert ("Jugendamt", "kein eigenes – vertreten durch Jugendamt Aberg") in facilities.node(BEDORF).info.facts


def test_operators(facilities):
    [operated] = facilities.edges_of("operated-by")
    assert (operated.source, operated.target, operated.arrows) == (EBS, VEREIN, "to")
    assert facilities.node(VEREIN).type == "provider"
    assert ("Träger", "unbekannt (keine Quelle nennt ihn)") in facilities.node(JSS).info.facts
    assert ("Träger", "Verein für Beratung e. V.") in facilities.node(EBS).info.facts


def test_provenance_on_nodes_and_edges(facilities):
    jss = facilities.node(JSS).info
    quote = next(q for q in jss.quotes if q.line == 3)
    assert quote.text == "Aberg, Bedorf und Großdorf nehmen gemeinsam die Jugendschutzstelle Nord in Anspruch."
    assert quote.source == "Brief der Jugendämter des Testkreises"
    assert jss.sources == ["Brief der Jugendämter des Testkreises"]
    for edge in facilities.edges:
        assert edge.info.all_quotes(), f"{edge.id} has no quote behind it"
    # the uses edge of Bedorf carries the membership's own quote first
    bedorf_jss = next(e for e in facilities.edges_of("uses") if e.source == BEDORF and e.target == JSS)
    assert bedorf_jss.info.quotes[0].text == "Das Jugendamt Aberg ist auch für Bedorf zuständig."


def test_proposed_cooperation_is_dashed_and_can_be_left_out(store, facilities):
    ost = facilities.node(OST)
    assert ost.dashed and ost.facets["status"] == ["proposed"]
    assert all(e.dashes and e.color == S.PROPOSED_COLOR for e in facilities.edges if e.target == OST)
    assert any(entry.type == "proposed" and entry.dashes for entry in facilities.legend)
    without = view_model(store, "facilities", include_proposed=False)
    assert OST not in {n.id for n in without.nodes}
    assert not any(e.dashes for e in without.edges)
    assert "ohne vorgeschlagene Kooperationen" in without.subtitle


@pytest.mark.parametrize("value", ["Beratungsstelle", "beratungsstelle", "Counselling centre", FK + "Beratungsstelle"])
def test_facility_kind_filter_includes_narrower_kinds(store, value):
    model = view_model(store, "facilities", facility_kind=value)
    assert {n.id for n in model.nodes if n.type.startswith("facility")} == {EBS, OST}
    assert model.settings["facility_kind"] == FK + "Beratungsstelle"
    assert "Einrichtungsart: Beratungsstelle" in model.subtitle
    # Bedorf still acts through Aberg's office for the Erziehungsberatungsstelle
    assert model.edges_of("acting-through")


def test_facility_kind_filter_jugendschutzstelle(store):
    model = view_model(store, "facilities", facility_kind="Jugendschutzstelle")
    assert {n.id for n in model.nodes if n.type.startswith("facility")} == {JSS}
    assert not model.nodes_of("provider")  # the shelter's operator is unknown
    assert len(model.nodes_of("town")) == 4  # towns stay on the map


def test_service_area_filter(store):
    model = view_model(store, "partners", service_area="Beratung")
    shared = {(e.source, e.target, e.status) for e in model.edges}
    assert shared == {(ABERG, BEDORF, "existing"), (ABERG, UEBACH, "existing"), (BEDORF, UEBACH, "existing"),
                      (GROSSDORF, UEBACH, "proposed")}


def test_unknown_filter_value_lists_the_valid_ones(store):
    # values users type go through the one resolver (GraphQuery.term), as in `ikz query`
    with pytest.raises(IKZError) as error:
        view_model(store, "facilities", facility_kind="Hallenbad")
    assert "Hallenbad" in str(error.value) and error.value.exit_code == 2
    with pytest.raises(IKZError) as error:
        view_model(store, "facilities", service_area="Müllabfuhr")
    assert "Müllabfuhr" in str(error.value)
    assert view_model(store, "facilities", facility_kind="Jugendschutzstelle").nodes
    with pytest.raises(ViewError):
        view_model(store, "everything")
    with pytest.raises(ViewError):
        view_model(store, "partners", layout="circle")


def test_legend_from_the_ontology(store, facilities):
    labels = {entry.type: entry.label for entry in facilities.legend}
    assert labels["town"] == "Kommune"
    assert labels["facility-jugendschutzstelle"] == "Jugendschutzstelle"
    assert labels["facility-beratungsstelle"] == "Beratungsstelle"
    assert labels["office"] == "Jugendamt"
    assert labels["provider"] == "Träger"
    assert labels["uses"] == "Gemeinsame Inanspruchnahme einer Einrichtung"
    assert labels["proposed"] == "vorgeschlagen"
    english = {e.type: e.label for e in view_model(store, "facilities", lang="en").legend}
    assert english["town"] == "Municipality"
    assert english["facility-jugendschutzstelle"] == "Youth protection shelter"
    assert english["acting-through"] == "acting through (Municipality → Youth welfare office)"


def test_english_labels_fall_back_to_german(store):
    model = view_model(store, "facilities", lang="en")
    assert model.node(GROSSDORF).label == "Großdorf"          # no English label in the data
    assert model.node(JSS).label == "Youth shelter North"
    assert model.title == "Shared facilities – Test district"


def test_filters_offered_in_the_page(facilities, partners):
    assert [g.facet for g in facilities.filters] == ["kind", "status"]
    assert [o.label for o in facilities.filters[0].options] == ["Beratungsstelle", "Jugendschutzstelle"]
    assert [g.facet for g in partners.filters] == ["area", "status"]
    assert [o.label for o in partners.filters[0].options] == ["Beratung", "Eingliederungshilfe", "Inobhutnahme"]


def test_footer_as_of_sources_version(store, facilities):
    assert facilities.footer.as_of == "2020-02-15"
    assert facilities.footer.as_of_display == "15.02.2020"
    assert facilities.footer.sources == ["Brief der Jugendämter des Testkreises", "Kommunen des Testkreises (Referenzdaten)"]
    assert re.fullmatch(r"IKZ-Graph \S+ · Graph [0-9a-f]{12}", facilities.footer.version)
    assert facilities.footer.version == store_version(store)
    assert view_model(store, "facilities", lang="en").footer.as_of_display == "2020-02-15"
    assert view_model(store, "facilities", version="v9").footer.version == "v9"


# -- the partners view ------------------------------------------------------------------------------


def test_partners_edges_weighted_and_proposed_dashed(partners, store):
    # four towns, the proposed district-wide plan as one hub with a spoke per town
    assert types(partners) == {"town": 4, "cooperation": 1, "partners": 6, "hub": 4}
    by_pair = {(e.source, e.target): e for e in partners.edges_of("partners")}
    ab = by_pair[(ABERG, BEDORF)]
    assert (ab.weight, ab.width, ab.label, ab.dashes, ab.status) == (2, S.partner_width(2), "2", False, "existing")
    assert [item.title for item in ab.info.items] == [
        "Gemeinsame Jugendschutzstelle Nord", "Kooperation mit der Erziehungsberatungsstelle Süd"]
    assert ab.info.title == "Aberg – Bedorf: 2 gemeinsame Kooperationen"
    assert by_pair[(ABERG, GROSSDORF)].label is None  # a single cooperation: no number
    gu = by_pair[(GROSSDORF, UEBACH)]   # only the proposed Beratungsstelle Ost: dashed
    assert gu.dashes and gu.weight == 1 and gu.color == S.PROPOSED_COLOR and gu.status == "proposed"
    # the edge tells that Bedorf acts through Aberg's office
    facts = [fact for item in ab.info.items for fact in item.facts]
    assert ("vertreten durch", "Bedorf → Jugendamt Aberg") in facts
    without = view_model(store, "partners", include_proposed=False)
    assert len(without.edges) == 5 and not any(e.dashes for e in without.edges)
    assert not without.nodes_of("cooperation")


def test_partners_one_line_per_pair_and_a_hub_for_the_district_wide_plan(partners):
    pairs = [frozenset((e.source, e.target)) for e in partners.edges_of("partners")]
    assert len(pairs) == len(set(pairs))
    [hub] = partners.nodes_of("cooperation")
    assert hub.label == "Kreisweite Struktur für die Eingliederungshilfe (4\u00a0Kommunen)" and hub.dashed
    spokes = partners.edges_of("hub")
    assert sorted(e.target for e in spokes) == [ABERG, BEDORF, GROSSDORF, UEBACH]
    assert all(e.source == hub.id and e.dashes for e in spokes) and sorted(hub.requires) == sorted(e.id for e in spokes)
    # the plan is not counted on the lines between its towns: Aberg and Großdorf share one cooperation
    assert {i.title for e in partners.edges_of("partners") for i in e.info.items} == {
        "Gemeinsame Jugendschutzstelle Nord", "Kooperation mit der Erziehungsberatungsstelle Süd",
        "Geplante gemeinsame Beratungsstelle Ost"}
    # proposed cooperation starts hidden (one click in the status filter); the legend says how
    [status] = [g for g in partners.filters if g.facet == "status"]
    assert [(o.value, o.checked) for o in status.options] == [("existing", True), ("proposed", False)]
    proposed = next(e for e in partners.legend if e.type == "proposed")
    assert "ausgeblendet" in proposed.note and "Kooperationsstatus" in proposed.note
    numbers = next(e for e in partners.legend if e.type == "partners")
    assert numbers.note.startswith("Zahl auf der Linie und Linienbreite = Zahl der Kooperationen")
    assert any(e.type == "cooperation" and e.shape == "diamond" for e in partners.legend)


@pytest.mark.parametrize(("towns", "proposed", "hub"), [(2, True, False), (3, True, True), (5, False, False), (6, False, True)])
def test_hub_rule(towns, proposed, hub):
    from graph.outputs.views.builders import is_hub

    assert is_hub(towns, proposed) is hub


def test_partner_items_carry_facets_for_the_page_filters(partners):
    item = partners.edges[0].info.items[0]
    assert set(item.facets) >= {"status", "area"}
    areas = {a for e in partners.edges_of("partners") for i in e.info.items for a in i.facets["area"]}
    areas |= {a for n in partners.nodes_of("cooperation") for a in n.facets["area"]}
    # Erziehungsberatung is grouped under Beratung (the level below Jugendhilfe)
    assert areas == {"https://w3id.org/ikz/concept/service-area/" + a for a in ("Beratung", "Eingliederungshilfe", "Inobhutnahme")}


# -- layout --------------------------------------------------------------------------------------------


def test_geo_layout_keeps_geography_and_no_labels_overlap(facilities):
    pos = {n.id: (n.x, n.y) for n in facilities.nodes}
    # Übach (7.35E 51.45N) is north-east of Großdorf (7.05E 51.20N): larger x, smaller y
    assert pos[UEBACH][0] > pos[GROSSDORF][0] and pos[UEBACH][1] < pos[GROSSDORF][1]
    assert all(isinstance(v, int) for p in pos.values() for v in p)
    boxes = {n.id: L.box_rect((n.x, n.y), L.box(n.label, n.size, n.font_size, n.label_width)) for n in facilities.nodes}
    ids = sorted(boxes)
    overlapping = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:] if L.overlap(boxes[a], boxes[b])]
    assert overlapping == []


def test_layout_is_deterministic(store):
    def positions(**options):
        return [(n.id, n.x, n.y) for n in view_model(store, "facilities", **options).nodes]

    assert positions() == positions()
    assert positions(layout="force", seed=3) == positions(layout="force", seed=3)
    assert positions(layout="force", seed=3) != positions(layout="force", seed=4)


# -- rendering -----------------------------------------------------------------------------------------


def test_html_is_byte_identical_for_two_renders(store):
    first = render_html(view_model(store, "facilities"))
    second = render_html(view_model(store, "facilities"))
    assert first == second
    assert render_html(view_model(store, "partners", layout="force")) == render_html(view_model(store, "partners", layout="force"))


def test_html_is_self_contained(facilities):
    html = render_html(facilities)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert not re.search(r"<(script|img|iframe|link|embed|object)\b[^>]*\s(src|href)=", html, re.I) or \
        re.findall(r'<link\b[^>]*href="([^"]*)"', html) == ["data:,"]
    assert "@import" not in html and "url(http" not in html
    assert "cdn" not in html.lower().replace("cdnjs", "")  # no CDN reference
    assert "bootstrap" not in html.lower()
    assert "vis-network" in html  # inlined, with its licence header


def test_content_security_policy_allows_exactly_our_inline_scripts(facilities):
    html = render_html(facilities)
    csp = _html.unescape(re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1))
    assert "default-src 'none'" in csp and "img-src data: blob:" in csp
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert len(scripts) == 2
    for script in scripts:
        assert csp_source(script) in csp
    [css] = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert csp_source(css) in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_data_block_holds_every_node_and_edge(facilities):
    html = render_html(facilities)
    block = re.search(r'<script type="application/json" id="ikz-data">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert [n["id"] for n in data["nodes"]] == [n.id for n in facilities.nodes]
    assert [(e["from"], e["to"]) for e in data["edges"]] == [(e.source, e.target) for e in facilities.edges]
    assert data == json.loads(script_json(page_data(facilities)))
    assert data["options"]["physics"] == {"enabled": False}


def test_hostile_labels_cannot_break_out():
    store = fixture_store("small.ttl", "hostile.ttl")
    model = view_model(store, "facilities", title="<b>Titel</b> & </title>")
    html = render_html(model)
    assert html.count("</script>") == 3  # the JSON block and the two scripts: nothing else closes one
    assert "<img src=x" not in html and "<svg onload" not in html and "window.__pwned=1</script>" not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    assert "<title>&lt;b&gt;Titel&lt;/b&gt; &amp; &lt;/title&gt;</title>" in html
    assert "<h1>&lt;b&gt;Titel&lt;/b&gt; &amp; &lt;/title&gt;</h1>" in html
    assert "<img src=x onerror=alert(1)>" in {n.label for n in model.nodes}


def test_notebook_display_is_a_sandboxed_iframe(store):
    shown = show(store, "partners")
    assert isinstance(shown, View)
    html = shown._repr_html_()
    assert html.startswith('<iframe sandbox="allow-scripts allow-downloads"')
    assert 'srcdoc="&lt;!DOCTYPE html&gt;' in html
    assert "<script>" not in html  # everything inside srcdoc is escaped
    assert repr(shown) == "<View partners: 5 nodes, 10 edges>"


# -- writing -------------------------------------------------------------------------------------------


def test_written_file_is_utf8_with_umlauts(store, tmp_path):
    path = write_view(store, "facilities", tmp_path / "out" / "view.html")
    assert path == tmp_path / "out" / "view.html"
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    assert "Großdorf" in text and "Übach" in text and "Erziehungsberatungsstelle Süd" in text
    assert '<meta charset="utf-8">' in text
    assert sorted(p.name for p in path.parent.iterdir()) == ["view.html"]  # no temporary file left
    assert raw == write_view(store, "facilities", tmp_path / "again.html").read_bytes()


def test_open_graph_from_files(store, tmp_path):
    build = tmp_path / "graph"
    build.mkdir()
    (build / "ikz.nt").write_bytes(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
    opened, version = open_graph(build)
    assert len(opened) == len(store)
    assert version == graph_version(build / "ikz.nt")
    (build / "summary.json").write_text(json.dumps({"files": {"ikz.nt": "ab" * 32}}), encoding="utf-8")
    assert graph_version(build / "ikz.nt").endswith("Graph abababababab")
    opened, _ = open_graph(FIXTURES / "small.ttl")
    assert len(opened) > 0
    with pytest.raises(IKZError, match="kein gebauter Graph"):
        open_graph(tmp_path / "missing")
    with use("en"), pytest.raises(IKZError, match="No built graph"):
        open_graph(tmp_path / "missing")


# -- the command ---------------------------------------------------------------------------------------


@pytest.fixture()
def small_graph(store, tmp_path) -> Path:
    folder = tmp_path / "graph"
    folder.mkdir()
    (folder / "ikz.nt").write_bytes(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
    return folder


def test_cli_writes_the_file(small_graph, tmp_path):
    out = tmp_path / "f.html"
    result = CliRunner().invoke(view_command, ["facilities", "--graph", str(small_graph), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert str(out) in result.output and "geschrieben nach" in result.output
    assert "Großdorf" in out.read_text(encoding="utf-8")


def test_cli_options(small_graph, tmp_path):
    out = tmp_path / "p.html"
    args = ["partners", "--graph", str(small_graph), "-o", str(out), "--lang", "en", "--no-proposed",
            "--service-area", "Counselling", "--layout", "force", "--seed", "11", "--title", "Beratung im Testkreis"]
    result = CliRunner().invoke(view_command, args)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "<h1>Beratung im Testkreis</h1>" in html
    assert "without proposed cooperation" in html and "force layout (seed 11)" in html


def test_cli_inherits_the_global_language(small_graph, tmp_path):
    out = tmp_path / "p.html"
    obj = SimpleNamespace(lang="en", project=find_project())
    result = CliRunner().invoke(view_command, ["partners", "--graph", str(small_graph), "-o", str(out)], obj=obj)
    assert result.exit_code == 0, result.output
    assert "written to" in result.output and '<html lang="en">' in out.read_text(encoding="utf-8")


def test_cli_errors_say_what_where_and_how_to_fix(small_graph, tmp_path):
    result = CliRunner().invoke(view_command, ["facilities", "--graph", str(small_graph), "-o", str(tmp_path / "x.html"),
                                               "--facility-kind", "Hallenbad"])
    assert result.exit_code == 2
    assert "Hallenbad" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(view_command, ["facilities", "--graph", str(tmp_path / "nothing")])
    assert result.exit_code == 2 and "ikz build" in result.output
    result = CliRunner().invoke(view_command, ["network"])
    assert result.exit_code == 2


# -- the real graph ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(built):
    return open_graph(built.output)


def label_of(model, label):
    return next(n for n in model.nodes if n.label == label)


def test_real_facilities_view(real):
    store, version = real
    model = view_model(store, "facilities", version=version)
    assert len(model.nodes_of("town")) == 9
    facilities = [n for n in model.nodes if n.type.startswith("facility")]
    assert len(facilities) == 5
    assert {n.type for n in facilities} == {"facility-jugendschutzstelle", "facility-beratungsstelle"}
    assert version.startswith("IKZ-Graph ") and model.footer.version == version
    # Breckerfeld acts through the Jugendamt Ennepetal, which belongs to Ennepetal
    breckerfeld, ennepetal = label_of(model, "Breckerfeld"), label_of(model, "Ennepetal")
    office = label_of(model, "Jugendamt Ennepetal")
    assert office.type == "office"
    [acting] = model.edges_of("acting-through")
    assert (acting.source, acting.target) == (breckerfeld.id, office.id)
    assert any(e.source == office.id and e.target == ennepetal.id for e in model.edges_of("office-of"))
    # every edge has a verbatim quote behind it
    assert all(e.info.all_quotes() for e in model.edges)


def test_real_partners_view(real):
    store, version = real
    model = view_model(store, "partners", version=version)
    assert len(model.nodes_of("town")) == 9
    breckerfeld, ennepetal = label_of(model, "Breckerfeld").id, label_of(model, "Ennepetal").id
    edge = next(e for e in model.edges if {e.source, e.target} == {breckerfeld, ennepetal} and e.status == "existing")
    assert edge.weight >= 2 and edge.width == S.partner_width(edge.weight)
    facts = [value for item in edge.info.items for _, value in item.facts]
    assert "Breckerfeld → Jugendamt Ennepetal" in facts
    # the Eingliederungshilfe proposal links all nine towns: one hub, nine dashed spokes, not 36 lines
    [hub] = model.nodes_of("cooperation")
    assert hub.label.startswith("Kreiseinheitliche gemeinsame Organisationsstruktur") and hub.label.endswith("(9\u00a0Kommunen)")
    spokes = model.edges_of("hub")
    assert len(spokes) == 9 and all(e.dashes and e.source == hub.id for e in spokes)
    # at most one line per pair of towns
    pairs = [frozenset((e.source, e.target)) for e in model.edges_of("partners")]
    assert len(pairs) == len(set(pairs)) <= 36
    assert not any(e.dashes for e in view_model(store, "partners", include_proposed=False, version=version).edges)


def test_real_views_render_for_both_kinds_and_languages(real):
    store, version = real
    for kind in KINDS:
        for lang in ("de", "en"):
            html = render_html(view_model(store, kind, lang=lang, version=version))
            assert f'<html lang="{lang}">' in html
            assert str(IKZ.Municipality) not in re.sub(r'<script type="application/json".*?</script>', "", html, flags=re.S)
