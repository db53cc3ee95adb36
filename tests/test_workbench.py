"""The workbench of ``ikz serve`` over HTTP: every page answers in German (and English), a
question's table and downloads equal ``ikz query`` for every named question, resource IRIs
negotiate RDF for RDF clients, errors are pages (not tracebacks), and a hostile label from the
data is shown as text everywhere."""

from __future__ import annotations

import csv
import io
import shutil
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS
from test_queries import QUESTIONS
from update_expected import EXAMPLE_PARAMS

from graph.cli.main import main
from graph.core.i18n import use
from graph.outputs.serve import free_port, running_server
from graph.outputs.workbench.app import negotiated_rdf, parse_accept
from graph.sparql import formats

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "views"
HOSTILE = "<img src=x onerror=alert(1)>"
HOSTILE_TOWN = "https://example.org/ikz-test/municipality/09999005"
IKZ = "https://w3id.org/ikz/ontology#"
BRECKERFELD = "https://w3id.org/ikz/id/municipality/05954004"

pytestmark = pytest.mark.skipif(
    not ((Path(sys.executable).parent / "oxigraph").is_file() or shutil.which("oxigraph")),
    reason="the Oxigraph server (pip install oxigraph) is not installed",
)


def get(url: str, headers: dict | None = None, data: bytes | None = None):
    """(status, headers, body) of a request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


class Page(HTMLParser):
    """What the tests read from a page: text, links, table cells (data-value), the h1."""

    def __init__(self, html: str):
        super().__init__()
        self.text, self.links, self.rows, self.h1 = [], [], [], ""
        self._row = None
        self._in = []
        self.tags = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        self._in.append(tag)
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        if tag == "tr":
            self._row = []
        if tag == "td" and self._row is not None and "data-value" in attrs:
            self._row.append(attrs["data-value"])

    def handle_endtag(self, tag):
        if self._in and self._in[-1] == tag:
            self._in.pop()
        if tag == "tr" and self._row is not None:
            if self._row:
                self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        self.text.append(data)
        if "h1" in self._in:
            self.h1 += data

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())


@pytest.fixture(scope="module")
def hostile_site(project, tmp_path_factory):
    """A graph with hostile labels (tests/fixtures/views/hostile.ttl) behind the workbench."""
    folder = tmp_path_factory.mktemp("hostile")
    graph = Graph()
    for path in project.ontology_files():
        graph.parse(path, format="turtle")
    for name in ("small.ttl", "hostile.ttl"):
        graph.parse(FIXTURES / name, format="turtle")
    (folder / "graph").mkdir()
    graph.serialize(folder / "graph" / "ikz.nt", format="nt", encoding="utf-8")
    with running_server(folder / "graph" / "ikz.nt", folder / "store", port=free_port(), project=project) as url:
        yield url.rsplit("/", 1)[0]


def cli_csv(built, tmp_path, qid: str, params: dict) -> bytes:
    output = tmp_path / f"{qid}.csv"
    args = ["--project", str(ROOT), "query", qid, "--graph", str(built.output), "--format", "csv", "-o", str(output)]
    for name, value in params.items():
        args += ["-p", name, value]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return output.read_bytes()


# -- the library -----------------------------------------------------------------------------


def test_library_lists_every_question_grouped_with_parameters(site, gq):
    status, headers, body = get(site + "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "default-src 'none'" in headers["Content-Security-Policy"] and "script-src" not in headers["Content-Security-Policy"]
    page = Page(body.decode("utf-8"))
    for qid, question in gq.library.items():
        assert f"/frage/{qid}" in page.links
        assert question.title_in("de") in page.all_text
        assert question.is_violation_check or question.question_in("de") in page.all_text
    assert "Kommunen" in page.all_text and "Quellen und Belege" in page.all_text
    assert "town (Kommune" in page.all_text and "town (town" not in page.all_text  # parameters with German kinds
    assert "/ansicht/facilities" in page.links and "/ansicht/partners" in page.links
    assert b"http://" not in body and b"https://" not in body  # nothing from the web


def test_library_search_filters_on_the_server_and_in_english(site, gq):
    _, _, body = get(site + "/?q=Zitaten")
    page = Page(body.decode("utf-8"))
    assert "/frage/document-statements" in page.links and "/frage/coverage-matrix" not in page.links
    assert "1 von" in page.all_text
    _, _, body = get(site + "/?q=quotes&lang=en")
    page = Page(body.decode("utf-8"))
    assert "/frage/document-statements?lang=en" in page.links
    assert gq.library["document-statements"].title_in("en") in page.all_text
    assert "Question library" in page.all_text and "/?q=quotes" in page.links  # switch back to German keeps the search


# -- questions: the page, its CSV and `ikz query` agree ---------------------------------------


@pytest.mark.parametrize("qid", QUESTIONS)
def test_question_page_and_downloads_equal_ikz_query(site, built, gq, tmp_path, qid):
    params = EXAMPLE_PARAMS.get(qid, {})
    query = urllib.parse.urlencode(params)
    status, _, body = get(f"{site}/frage/{qid}?{query}")
    assert status == 200, body[-2000:]
    page = Page(body.decode("utf-8"))
    expected = cli_csv(built, tmp_path, qid, params)
    rows = list(csv.reader(io.StringIO(expected.decode("utf-8-sig")), delimiter=";"))  # German Excel's CSV
    answer = gq.ask(qid, dict(params))
    assert page.rows == [["" if v is None else v for v in row] for row in answer.tuples()]
    assert rows[1:] == [[formats.cell_text(formats.value(r.get(v), gq.prefixes), "excel-de") for v in answer.vars]
                        for r in answer.rows]
    assert all(f'<th scope="col">{var}</th>' in body.decode("utf-8") for var in rows[0])
    status, headers, download = get(f"{site}/frage/{qid}?{query}&format=csv" if query else f"{site}/frage/{qid}?format=csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert download == expected
    result = gq.ask(qid, dict(params))
    assert download == formats.to_csv(result).encode("utf-8")


def test_question_with_a_changed_parameter_and_permalink(site, gq, built, tmp_path):
    status, _, body = get(site + "/frage/partners-of-town?town=Breckerfeld&kind=*")
    page = Page(body.decode("utf-8"))
    assert status == 200
    expected = [["" if v is None else v for v in row] for row in gq.ask("partners-of-town", {"town": "Breckerfeld"}).tuples()]
    assert page.rows == expected and expected
    assert any(link.startswith("/r?iri=") for link in page.links)  # IRIs link to resource pages
    permalink = next(attrs["href"] for tag, attrs in page.tags if tag == "a" and attrs.get("rel") == "bookmark")
    assert permalink == "/frage/partners-of-town?town=Breckerfeld&kind=%2A"
    again = Page(get(site + permalink)[2].decode("utf-8"))
    assert again.rows == page.rows
    assert "Breckerfeld" in [attrs.get("value") for tag, attrs in page.tags if tag == "option"]  # known values


def test_typo_shows_did_you_mean_as_a_german_page(site):
    status, _, body = get(site + "/frage/partners-of-town?town=Breckerfelt")
    page = Page(body.decode("utf-8"))
    assert status == 400
    assert "Meinten Sie" in page.all_text and "Breckerfeld" in page.all_text
    assert "/frage/partners-of-town?town=Breckerfeld&kind=%2A" in page.links
    assert "Traceback" not in page.all_text
    status, _, body = get(site + "/frage/partners-of-town?town=Breckerfelt&lang=en")
    assert status == 400 and "Did you mean" in body.decode("utf-8")


def test_required_parameter_asks_for_a_value(site):
    status, _, body = get(site + "/frage/evidence")
    assert status == 200
    assert "Bitte geben Sie statement an" in Page(body.decode("utf-8")).all_text


@pytest.mark.parametrize("fmt, check", [
    ("json", lambda b: b.startswith(b"{") and b'"vars"' in b),
    ("xml", lambda b: b'<sparql xmlns="http://www.w3.org/2005/sparql-results#">' in b and b"<literal" in b),
    ("tsv", lambda b: b.startswith(b"?")),
    ("xlsx", lambda b: b.startswith(b"PK")),
])
def test_download_formats(site, gq, fmt, check):
    status, headers, body = get(site + f"/frage/town-profile?town=Witten&format={fmt}")
    assert status == 200 and check(body), body[:200]
    assert 'filename="town-profile.' in headers["Content-Disposition"]
    if fmt == "json":
        assert body == formats.to_json(gq.ask("town-profile", {"town": "Witten"})).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(body)).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        assert values[0][0] == "label" and values[1][0] == "Witten"


def test_xml_results_parse_as_sparql_results(site):
    import xml.etree.ElementTree as ET

    _, _, body = get(site + "/frage/town-profile?town=Witten&format=xml")
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(body)
    labels = [b.find("s:literal", ns).text for b in root.iterfind(".//s:binding[@name='label']", ns)]
    assert labels == ["Witten"]


# -- resources ---------------------------------------------------------------------------------


def test_resource_page_shows_facts_in_words_and_quotes(site):
    status, _, body = get(site + "/r?" + urllib.parse.urlencode({"iri": BRECKERFELD}))
    page = Page(body.decode("utf-8"))
    assert status == 200 and page.h1 == "Breckerfeld"
    assert "Kreis" in page.all_text and "Ennepe-Ruhr-Kreis" in page.all_text and "amtlicher Name" in page.all_text
    assert "/frage/town-profile?town=05954004" in page.links and "/ansicht/partners" in page.links
    # a cooperation rests on a verbatim sentence of a document
    membership = next(link for link in page.links if "membership/jugendschutzstelle" in urllib.parse.unquote(link))
    coop_page = Page(get(site + membership)[2].decode("utf-8"))
    coop = next(link for link in coop_page.links if "cooperation/" in urllib.parse.unquote(link))
    status, _, body = get(site + coop)
    text = Page(body.decode("utf-8")).all_text
    assert status == 200 and "Belege" in text and "Zeile 28" in text and "doc:votum-2016" in text
    quote = next(link for link in Page(body.decode("utf-8")).links if "/quote/" in urllib.parse.unquote(link))
    status, _, body = get(site + quote)
    assert status == 200 and "wörtlicher Satz" in Page(body.decode("utf-8")).all_text


def test_content_negotiation_with_rdflib(site):
    url = site + "/r?" + urllib.parse.urlencode({"iri": BRECKERFELD})
    for accept, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")):
        status, headers, body = get(url, {"Accept": accept})
        assert status == 200 and headers["Content-Type"].startswith(accept)
        graph = Graph().parse(data=body.decode("utf-8"), format=fmt)
        assert (URIRef(BRECKERFELD), SKOS.prefLabel, Literal("Breckerfeld", lang="de")) in graph
        assert (URIRef(BRECKERFELD), RDF.type, URIRef(IKZ + "Municipality")) in graph
    graph = Graph().parse(url, format="turtle")  # rdflib as an RDF client, its own Accept header
    assert (URIRef(BRECKERFELD), URIRef(IKZ + "ags"), Literal("05954004")) in graph
    status, headers, _ = get(url, {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert headers["Content-Type"].startswith("text/html")


def test_accept_parsing():
    assert parse_accept("text/html;q=0.5, text/turtle") == ["text/turtle", "text/html"]
    assert negotiated_rdf("text/html,*/*;q=0.8") is None
    assert negotiated_rdf("application/n-triples;q=0.9, text/html;q=0.1") == "nt"


def test_unknown_iri_and_unknown_page_are_german_pages(site):
    status, _, body = get(site + "/r?iri=m:00000000")
    assert status == 404 and "kommt im Graphen nicht vor" in body.decode("utf-8")
    status, _, body = get(site + "/frage/partner-of-town")
    text = body.decode("utf-8")
    assert status == 404 and "gibt es nicht" in text and "partners-of-town" in text and "Traceback" not in text
    status, _, body = get(site + "/frage/partner-of-town?lang=en")
    assert status == 404 and "There is no question" in body.decode("utf-8")


# -- own SPARQL ----------------------------------------------------------------------------------


def test_own_sparql_runs_with_prefixes_and_shows_syntax_errors(site):
    _, _, body = get(site + "/sparql")
    page = Page(body.decode("utf-8"))
    assert "PREFIX ikz: <https://w3id.org/ikz/ontology#>" in page.all_text
    query = "SELECT ?name WHERE { ?t a ikz:Municipality ; ikz:ags \"05954004\" ; skos:prefLabel ?name }"
    status, _, body = get(site + "/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and Page(body.decode("utf-8")).rows == [["Breckerfeld"]]
    status, _, body = get(site + "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?x WHERE {\n  ?x ?y ?z .\n  FILTER(?x = ) }"}))
    assert status == 400 and "Fehler in Zeile 3, Spalte" in Page(body.decode("utf-8")).all_text
    status, _, body = get(site + "/sparql?" + urllib.parse.urlencode({"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}))
    assert status == 400 and "SERVICE" in body.decode("utf-8") and "abgelehnt" in body.decode("utf-8")
    status, _, body = get(site + "/sparql?" + urllib.parse.urlencode({"query": f"DESCRIBE <{BRECKERFELD}>", "format": "ttl"}))
    assert status == 200 and "Breckerfeld" in body.decode("utf-8")


def test_protocol_endpoint_stays_for_programs(site):
    status, headers, body = get(site + "/query?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}),
                                {"Accept": "application/sparql-results+json"})
    assert status == 200 and b"true" in body
    assert get(site + "/yasgui.min.js")[0] == 404  # the Oxigraph UI (which calls prefix.cc) is gone
    assert get(site + "/frage/town-profile", data=b"x=1",
               headers={"Content-Type": "application/x-www-form-urlencoded"})[0] in (404, 405)


def test_views_are_served(site):
    status, headers, body = get(site + "/ansicht/partners?lang=en")
    assert status == 200 and b"Content-Security-Policy" in body and b'lang="en"' in body
    assert get(site + "/ansicht/nothing")[0] == 404


def test_english_pages(site):
    with use("en"):
        _, _, body = get(site + "/frage/town-profile?town=Witten&lang=en")
        text = Page(body.decode("utf-8")).all_text
        assert "Download" in text and "Permanent link" in text and "Query text" in text


# -- hostile data ----------------------------------------------------------------------------------


def test_hostile_label_is_text_on_every_page(hostile_site):
    pages = [
        "/r?" + urllib.parse.urlencode({"iri": HOSTILE_TOWN}),
        "/r?" + urllib.parse.urlencode({"iri": "https://example.org/ikz-test/cooperation/evil"}),
        "/frage/town-profile?town=09999005",
        "/frage/cooperations-of-town?town=09999005",
        "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?l WHERE { ?s skos:prefLabel ?l }"}),
        "/?" + urllib.parse.urlencode({"q": HOSTILE}),
        "/frage/partners-of-town?" + urllib.parse.urlencode({"town": HOSTILE}),
    ]
    for path in pages:
        status, _, body = get(hostile_site + path)
        html = body.decode("utf-8")
        assert status in (200, 400), (path, html[-1500:])
        assert HOSTILE not in html and "<script>window.__pwned" not in html and "<svg onload" not in html, path
        assert "Traceback" not in html
    body = get(hostile_site + pages[0])[2].decode("utf-8")
    assert HOSTILE in Page(body).all_text  # shown, as text
