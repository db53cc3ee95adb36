"""Answers as files for Excel and for people (graph/sparql/formats.py through `ikz query` and
`ikz analyze`): every file is read back — the xlsx with openpyxl, the CSV with the csv module in
its dialect, the SPARQL result formats with json, ElementTree and csv — and compared with the
answer the query facade gives for the same question."""

from __future__ import annotations

import csv
import datetime
import io
import json
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph.cli import main
from graph.core.i18n import use
from graph.outputs.analysis import analyze, fetch
from graph.outputs.workbench.downloads import table_download
from graph.sparql import formats
from graph.sparql.result import Result

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parent.parent
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def ikz(built):
    """``ikz ARGS`` on the session build; returns click's result."""
    def run(*args):
        return CliRunner().invoke(main, ["--project", str(ROOT), *args, "--graph", str(built.output)])
    return run


def expected_cells(result, prefixes):
    """What the people's formats must hold: the answer's values (numbers as numbers, IRIs compact)."""
    return [[formats.value(row.get(v), prefixes) for v in result.vars] for row in result.rows]


def sheet_rows(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def as_excel(value):
    """A value as openpyxl reads it back (dates come back as datetimes, Decimals as floats)."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return datetime.datetime(value.year, value.month, value.day)
    if isinstance(value, Decimal):
        return float(value)
    return value


# -- xlsx ---------------------------------------------------------------------------------------


def test_query_xlsx_reads_back_into_the_same_rows(ikz, gq, tmp_path):
    out = tmp_path / "profil.xlsx"
    result = ikz("query", "town-profile", "-p", "town", "Witten", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "→" in result.output and str(out) in result.output
    answer = gq.ask("town-profile", {"town": "Witten", "lang": "de"})
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["town-profile"]
    sheet = book["town-profile"]
    rows = sheet_rows(sheet)
    assert rows[0] == answer.vars
    assert rows[1:] == [[as_excel(v) for v in row] for row in expected_cells(answer, gq.prefixes)]
    record = dict(zip(rows[0], rows[1]))
    assert isinstance(record["population"], int) and record["population"] == int(answer.rows[0]["population"])
    assert record["ags"] == str(answer.rows[0]["ags"]) and record["ags"].startswith("0")  # text keeps its zero
    assert isinstance(record["populationDate"], datetime.datetime)
    assert record["wikidata"].startswith("wd:")                                           # compact IRI
    assert all(cell.font.bold for cell in sheet[1]) and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= len("05954036")


def test_query_xlsx_booleans_and_iris(ikz, gq, tmp_path):
    out = tmp_path / "aemter.xlsx"
    assert ikz("query", "competent-office", "-o", str(out)).exit_code == 0   # the suffix chooses xlsx
    answer = gq.ask("competent-office", {"lang": "de"})
    rows = sheet_rows(openpyxl.load_workbook(out).active)
    assert rows[0] == answer.vars and rows[1:] == expected_cells(answer, gq.prefixes)
    own = rows[0].index("ownOffice")
    assert {row[own] for row in rows[1:]} == {True, False}
    town = rows[0].index("town")
    assert all(row[town].startswith("m:") for row in rows[1:])


def test_analyze_xlsx_has_one_sheet_per_table_with_german_headings(ikz, project, built, tmp_path):
    out = tmp_path / "analyse.xlsx"
    result = ikz("analyze", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "8 Tabellen" in result.output
    tables = analyze(fetch(built.output / "ikz.nt", lang="de", project=project))
    book = openpyxl.load_workbook(out)
    assert len(book.sheetnames) == len(tables)
    for sheet, table in zip(book.worksheets, tables.values()):
        assert sheet.title == "".join("_" if ch in "[]:*?/\\" else ch for ch in table.title)[:31].strip()
        rows = sheet_rows(sheet)
        shown = [c for c in table.columns if c not in {"iri", "a", "b", "area_iri", "key"}]
        assert rows[0] == [table.headers[table.columns.index(c)] for c in shown]
        assert rows[1:] == [[None if r.get(c) == "" else r.get(c) for c in shown] for r in table.rows]  # "" is an empty cell
    summary = dict((row[0], row[1]) for row in sheet_rows(book.worksheets[0])[1:])
    assert summary["Kommunen"] == 9 and isinstance(summary["Kommunen"], int)
    assert isinstance(summary["Dichte (Anteil kooperierender Paare)"], float)


def test_analyze_xlsx_in_english(ikz, tmp_path):
    out = tmp_path / "analysis.xlsx"
    assert ikz("--lang", "en", "analyze", "summary", "towns", "--format", "xlsx", "-o", str(out)).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Headline figures" and len(book.sheetnames) == 2
    assert sheet_rows(book.worksheets[0])[0][0] != "Kennzahl"


def test_xlsx_is_refused_on_a_terminal_and_allowed_in_a_pipe(ikz, monkeypatch):
    piped = ikz("query", "competent-office", "--format", "xlsx")
    assert piped.exit_code == 0 and piped.stdout_bytes.startswith(b"PK")
    assert openpyxl.load_workbook(io.BytesIO(piped.stdout_bytes)).active["A1"].value == "townLabel"
    monkeypatch.setattr("graph.cli.options.is_terminal", lambda: True)
    refused = ikz("query", "competent-office", "--format", "xlsx")
    assert refused.exit_code == 2
    assert "Eine xlsx-Datei lässt sich nicht im Terminal anzeigen." in refused.output
    assert "-o antwort.xlsx" in refused.output
    english = ikz("--lang", "en", "analyze", "--format", "xlsx")
    assert english.exit_code == 2 and "cannot be shown in the terminal" in english.output


def test_xlsx_without_openpyxl_names_the_pip_command(ikz, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "openpyxl", None)   # import openpyxl now fails
    result = ikz("query", "competent-office", "--format", "xlsx", "-o", str(tmp_path / "a.xlsx"))
    assert result.exit_code == 2
    assert "fehlt das Python-Paket openpyxl" in result.output and "pip install openpyxl" in result.output
    assert not (tmp_path / "a.xlsx").exists()


def test_xlsx_text_is_never_a_formula():
    answer = Result("SELECT", ["x", "n"], [{"x": Literal("=HYPERLINK(\"http://evil\")"), "n": Literal("3", datatype=XSD.integer)}])
    sheet = openpyxl.load_workbook(io.BytesIO(formats.to_xlsx(answer, {}))).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith("=HYPERLINK")
    assert sheet["B2"].value == 3


# -- CSV ------------------------------------------------------------------------------------------


def test_csv_in_german_has_semicolons_decimal_commas_and_a_bom(ikz, gq):
    result = ikz("query", "competent-office", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig")), delimiter=";"))
    answer = gq.ask("competent-office", {"lang": "de"})
    assert rows[0] == answer.vars
    expected = [[formats.cell_text(v, "excel-de") for v in row] for row in expected_cells(answer, gq.prefixes)]
    assert rows[1:] == expected
    assert {row[rows[0].index("ownOffice")] for row in rows[1:]} == {"WAHR", "FALSCH"}


def test_analyze_csv_decimals_follow_the_language(ikz, project, built):
    german = ikz("analyze", "summary", "--format", "csv").stdout_bytes.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(german), delimiter=";"))
    assert rows[0] == ["# summary: Kennzahlen"] and rows[1] == ["Kennzahl", "Wert"]
    density = dict(r for r in rows[2:] if len(r) == 2)["Dichte (Anteil kooperierender Paare)"]
    table = analyze(fetch(built.output / "ikz.nt", lang="de", project=project), only=["summary"])["summary"]
    value = next(r["value"] for r in table.rows if r["figure"].startswith("Dichte"))
    assert "," in density and "." not in density and float(density.replace(",", ".")) == pytest.approx(value)
    english = ikz("--lang", "en", "analyze", "summary", "--format", "csv").stdout_bytes.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(english)))
    density = next(r[1] for r in rows[2:] if len(r) == 2 and r[0].lower().startswith("density"))
    assert float(density) == pytest.approx(value)


def test_csv_dialect_option(ikz, gq):
    english_in_german = ikz("query", "competent-office", "--format", "csv", "--csv-dialect", "excel-en").stdout_bytes
    assert english_in_german.startswith("\ufeff".encode("utf-8"))
    assert list(csv.reader(io.StringIO(english_in_german.decode("utf-8-sig"))))[0] == gq.ask("competent-office").vars
    plain = ikz("query", "competent-office", "--format", "csv", "--csv-dialect", "rfc4180").stdout_bytes
    assert not plain.startswith(b"\xef\xbb\xbf") and b"\r\n" in plain
    assert b"true" in plain and b"WAHR" not in plain
    bad = ikz("query", "competent-office", "--format", "csv", "--csv-dialect", "excel-fr")
    assert bad.exit_code == 2


def test_csv_decimals_and_formula_text_unit():
    answer = Result("SELECT", ["share", "name"], [{"share": Literal("0.556", datatype=XSD.decimal), "name": Literal("=1+1")},
                                                  {"share": Literal("1.5E0", datatype=XSD.double), "name": Literal("a;b")}])
    rows = list(csv.reader(io.StringIO(formats.to_csv(answer, {}, "excel-de").lstrip("\ufeff")), delimiter=";"))
    assert rows == [["share", "name"], ["0,556", "'=1+1"], ["1,5", "a;b"]]
    rows = list(csv.reader(io.StringIO(formats.to_csv(answer, {}, "excel-en").lstrip("\ufeff"))))
    assert rows[1:] == [["0.556", "'=1+1"], ["1.5", "a;b"]]


def test_workbench_download_is_the_cli_csv(ikz, gq, tmp_path):
    out = tmp_path / "a.csv"
    assert ikz("query", "town-profile", "-p", "town", "Witten", "-o", str(out)).exit_code == 0
    answer = gq.ask("town-profile", {"town": "Witten", "lang": "de"})
    with use("de"):
        assert table_download(answer, "csv", gq.prefixes) == out.read_bytes()
        assert table_download(answer, "csv") == out.read_bytes()   # the project's prefixes by default


# -- piped output and the SPARQL result formats ----------------------------------------------------


def test_piped_output_is_plain_values_and_compact_iris(ikz, gq):
    result = ikz("query", "town-profile", "-p", "town", "Witten")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    answer = gq.ask("town-profile", {"town": "Witten", "lang": "de"})
    assert lines[0].split("\t") == answer.vars
    assert lines[1].split("\t") == [formats.cell_text(v) for v in expected_cells(answer, gq.prefixes)[0]]
    assert "^^" not in result.output and '"@' not in result.output and "@de" not in result.output
    assert "<http" not in result.output and "wd:Q" in result.output
    english = ikz("--lang", "en", "query", "existing-vs-proposed")
    assert "proposed" in english.output and "@en" not in english.output


@pytest.mark.parametrize("fmt", ["sparql-json", "json"])
def test_sparql_json_parses(ikz, gq, fmt):
    data = json.loads(ikz("query", "competent-office", "--format", fmt).output)
    answer = gq.ask("competent-office", {"lang": "de"})
    assert data["head"]["vars"] == answer.vars
    assert [{k: b["value"] for k, b in row.items()} for row in data["results"]["bindings"]] == \
           [{v: str(r[v]) for v in answer.vars if r.get(v) is not None} for r in answer.rows]


def test_sparql_xml_parses(ikz, gq):
    root = ET.fromstring(ikz("query", "town-profile", "-p", "town", "Witten", "--format", "sparql-xml").stdout_bytes)
    answer = gq.ask("town-profile", {"town": "Witten", "lang": "de"})
    assert [v.get("name") for v in root.iter(SPARQL_RESULTS + "variable")] == answer.vars
    results = list(root.iter(SPARQL_RESULTS + "result"))
    assert len(results) == len(answer.rows)
    population = next(b for b in results[0] if b.get("name") == "population")[0]
    assert population.tag == SPARQL_RESULTS + "literal" and population.get("datatype") == str(XSD.integer)


@pytest.mark.parametrize("fmt", ["sparql-tsv", "tsv"])
def test_sparql_tsv_keeps_term_syntax(ikz, gq, fmt):
    lines = ikz("query", "town-profile", "-p", "town", "Witten", "--format", fmt).output.splitlines()
    answer = gq.ask("town-profile", {"town": "Witten", "lang": "de"})
    assert lines[0].split("\t") == ["?" + v for v in answer.vars]
    assert lines[1].split("\t") == [answer.rows[0][v].n3() if answer.rows[0].get(v) is not None else ""
                                    for v in answer.vars]


def test_sparql_csv_is_the_standard(ikz, gq):
    body = ikz("query", "competent-office", "--format", "sparql-csv").stdout_bytes
    assert not body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
    answer = gq.ask("competent-office", {"lang": "de"})
    assert rows[0] == answer.vars
    assert rows[1:] == [["" if r.get(v) is None else str(r[v]) for v in answer.vars] for r in answer.rows]
    assert any(cell.startswith("https://") for cell in rows[1])   # full IRIs, as the standard says


def test_output_suffix_chooses_the_format(ikz, tmp_path):
    assert ikz("query", "competent-office", "-o", str(tmp_path / "a.srx")).exit_code == 0
    assert ET.parse(tmp_path / "a.srx").getroot().tag == SPARQL_RESULTS + "sparql"
    assert ikz("query", "competent-office", "-o", str(tmp_path / "a.json")).exit_code == 0
    assert "head" in json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))


def test_ask_answers():
    yes = Result("ASK", boolean=True)
    with use("de"):
        assert openpyxl.load_workbook(io.BytesIO(formats.to_xlsx(yes, {}))).active["A1"].value == "Antwort"
        assert formats.to_csv(yes, {}).lstrip("\ufeff").splitlines() == ["Antwort", "WAHR"]
        assert formats.to_plain(yes, {}).splitlines() == ["Antwort", "true"]
    assert json.loads(formats.to_json(yes))["boolean"] is True
    assert ET.fromstring(formats.to_xml(yes)).find(SPARQL_RESULTS + "boolean").text == "true"
    assert formats.value(URIRef("https://example.org/x"), {}) == "<https://example.org/x>"
