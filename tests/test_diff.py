"""`ikz diff OLD NEW`: cooperations, partners, facilities and sources added, removed or changed
between two builds (or two git revisions)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from graph import build
from graph.cli.ingest import diff
from graph.outputs.diff import diff_versions, format_diff, load_version
from graph.core.errors import IKZError
from graph.ingest.workflow import add_source

ROOT = Path(__file__).resolve().parent.parent
UNNA = ROOT / "tests" / "documents" / "2019-protokoll-ag-jugendhilfe-kreis-unna.txt"

NEW_COOPERATION = """
@prefix ikz:    <https://w3id.org/ikz/ontology#> .
@prefix sa:     <https://w3id.org/ikz/concept/service-area/> .
@prefix status: <https://w3id.org/ikz/concept/status/> .
@prefix lf:     <https://w3id.org/ikz/concept/legal-form/> .
@prefix role:   <https://w3id.org/ikz/concept/role/> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix org:    <http://www.w3.org/ns/org#> .
@prefix prov:   <http://www.w3.org/ns/prov#> .
@prefix c:      <cooperation/> .
@prefix mem:    <membership/> .
@prefix m:      <municipality/> .
@prefix doc:    <doc/> .
@prefix q:      <doc/votum-2016/quote/> .

c:arbeitskreis-hattingen-witten a ikz:Cooperation ;
    skos:prefLabel "Arbeitskreis Hattingen–Witten"@de , "Working group Hattingen–Witten"@en ;
    ikz:serviceArea sa:Jugendhilfe ; ikz:status status:bestehend ; ikz:legalForm lf:Informell ;
    prov:wasDerivedFrom doc:votum-2016 ; ikz:quote q:arbeitskreise .
mem:arbeitskreis-hattingen-witten-05954016 a org:Membership ; org:organization c:arbeitskreis-hattingen-witten ; org:member m:05954016 ; org:role role:Partner .
mem:arbeitskreis-hattingen-witten-05954036 a org:Membership ; org:organization c:arbeitskreis-hattingen-witten ; org:member m:05954036 ; org:role role:Partner .
"""


@pytest.fixture
def two_builds(project_copy, tmp_path):
    """A build of the data, then one after a meeting's worth of changes."""
    old = build(project_copy, tmp_path / "old" / "graph").output
    cooperations = project_copy.data_dir / "en-kreis" / "cooperations.ttl"
    text = cooperations.read_text(encoding="utf-8")
    # removed: the cooperation with the Protestant counselling centre (and its memberships)
    text = re.sub(r"c:beratung-ev-beratungszentrum a ikz:SharedFacilityUse ;.*?\n\n", "\n", text, flags=re.S)
    text, removed = re.subn(r"mem:beratung-ev-beratungszentrum-\d{8} a org:Membership ;.*?\s\.\n", "", text, flags=re.S)
    assert removed == 5
    # changed: Sprockhövel leaves the northern shelter, which has ended; the facility is renamed
    text = text.replace("mem:jugendschutzstelle-nordkreis-05954028 a org:Membership ; org:organization c:jugendschutzstelle-nordkreis ; "
                        "org:member m:05954028 ; org:role role:Nutzer .\n", "")
    text = text.replace("""    ikz:facility f:jugendschutzstelle-nordkreis ;
    ikz:serviceArea sa:Inobhutnahme ;
    ikz:status status:bestehend ;""", """    ikz:facility f:jugendschutzstelle-nordkreis ;
    ikz:serviceArea sa:Inobhutnahme ;
    ikz:status status:beendet ;""")
    text = text.replace('"Jugendschutzstelle für Hattingen, Wetter, Herdecke, Witten und Sprockhövel"@de',
                        '"Jugendschutzstelle Nordkreis"@de')
    cooperations.write_text(text, encoding="utf-8")
    # added: a cooperation, and a new source document
    (project_copy.data_dir / "en-kreis" / "neu.ttl").write_text(NEW_COOPERATION, encoding="utf-8")
    add_source(project_copy, UNNA, title="Protokoll AG Jugendhilfeplanung Kreis Unna", date="12.03.2019")
    new = build(project_copy, tmp_path / "new" / "graph").output
    return project_copy, old, new


def test_diff_of_two_builds(two_builds):
    project, old, new = two_builds
    result = diff_versions(str(old), str(new), project, "de")
    cooperations = result.sections["cooperations"]
    assert [c["iri"] for c in cooperations["added"]] == ["c:arbeitskreis-hattingen-witten"]
    assert cooperations["added"][0]["partners"] == ["Hattingen (Kooperationspartner)", "Witten (Kooperationspartner)"]
    assert [c["iri"] for c in cooperations["removed"]] == ["c:beratung-ev-beratungszentrum"]
    assert "Breckerfeld (Kooperationspartner; durch Jugendamt Ennepetal)" in cooperations["removed"][0]["partners"]
    (north,) = cooperations["changed"]
    assert north["iri"] == "c:jugendschutzstelle-nordkreis"
    assert north["changes"] == {"status": {"old": "bestehend", "new": "beendet"},
                                "partners": {"added": [], "removed": ["Sprockhövel (nutzende Kommune)"]}}
    facilities = result.sections["facilities"]
    assert facilities["added"] == [] and facilities["removed"] == []
    assert facilities["changed"] == [{"iri": "f:jugendschutzstelle-nordkreis", "label": "Jugendschutzstelle Nordkreis", "changes": {
        "label": {"old": "Jugendschutzstelle für Hattingen, Wetter, Herdecke, Witten und Sprockhövel", "new": "Jugendschutzstelle Nordkreis"}}}]
    sources = result.sections["sources"]
    assert [s["iri"] for s in sources["added"]] == ["doc:2019-protokoll-ag-jugendhilfe-kreis-unna"]
    assert sources["added"][0]["date"] == "2019-03-12"
    assert sources["removed"] == [] and sources["changed"] == []

    text = format_diff(result, "de")
    assert "Kooperationen: 1 neu, 1 entfernt, 1 geändert" in text
    assert "  ~ c:jugendschutzstelle-nordkreis" in text and "      Status: bestehend → beendet" in text
    assert "      Partner: - Sprockhövel (nutzende Kommune)" in text
    english = format_diff(diff_versions(str(old), str(new), project, "en"), "en")
    assert "Cooperations: 1 added, 1 removed, 1 changed" in english and "status: existing → ended" in english


def test_diff_command_json_and_table(two_builds):
    project, old, new = two_builds
    obj = SimpleNamespace(project=project, lang="de")
    result = CliRunner().invoke(diff, [str(old), str(new), "--format", "json"], obj=obj)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"old", "new", "cooperations", "facilities", "sources"}
    assert data["cooperations"]["removed"][0]["iri"] == "c:beratung-ev-beratungszentrum"
    reverse = CliRunner().invoke(diff, [str(new), str(old), "--lang", "en"], obj=obj)
    assert "Cooperations: 1 added, 1 removed, 1 changed" in reverse.output
    assert "  + c:beratung-ev-beratungszentrum" in reverse.output


def test_diff_of_a_project_folder_against_its_build(two_builds):
    """NEW may be a project folder: it is built afresh (here: no changes since the last build)."""
    project, _, new = two_builds
    result = diff_versions(str(new), str(project.root), None, "de")
    assert result.empty and format_diff(result, "de").endswith("Keine Änderungen an Kooperationen, Einrichtungen oder Quellen.")


def test_diff_refuses_what_is_no_version(project, tmp_path):
    with pytest.raises(IKZError, match="weder ein Build-Ordner noch eine Graph-Datei noch eine git-Revision"):
        load_version("keine-revision-xyz", project)
    (tmp_path / "empty").mkdir()
    with pytest.raises(IKZError, match="weder ein Build-Ordner"):
        load_version(str(tmp_path / "empty"), project)
    result = CliRunner().invoke(diff, ["keine-revision-xyz"], obj=SimpleNamespace(project=project, lang="de"))
    assert result.exit_code == 2 and "git-Revision" in result.output


def _git_head(root: Path) -> str | None:
    if shutil.which("git") is None:
        return None
    out = subprocess.run(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "HEAD"], capture_output=True, text=True)
    return out.stdout.strip() or None


def test_diff_of_a_git_revision_builds_it_aside(project, tmp_path):
    """HEAD is exported with git archive and built in a temporary folder; the working tree,
    the index and build/ stay as they are."""
    if _git_head(project.root) is None:
        pytest.skip("not a git checkout")
    status = subprocess.run(["git", "-C", str(project.root), "status", "--porcelain"], capture_output=True, text=True).stdout
    head = load_version("HEAD", project)
    assert head.description.startswith("HEAD (") and len(head.triples) > 1000
    rebuilt = build(project, tmp_path / "graph")
    committed = (project.root / "data").exists() and not subprocess.run(
        ["git", "-C", str(project.root), "status", "--porcelain", "--", "data", "ontology"], capture_output=True, text=True).stdout
    result = diff_versions("HEAD", str(rebuilt.output), project, "de")
    if committed:  # the working tree's data is the committed data: no changes
        assert result.empty
    assert subprocess.run(["git", "-C", str(project.root), "status", "--porcelain"], capture_output=True, text=True).stdout == status


def test_diff_compares_with_the_projects_working_tree_by_default(two_builds):
    project, old, new = two_builds
    same = CliRunner().invoke(diff, [str(new)], obj=SimpleNamespace(project=project, lang="de"))
    assert same.exit_code == 0 and f"Nachher: {project.root} (built now)" in same.output
    assert same.output.rstrip().endswith("Keine Änderungen an Kooperationen, Einrichtungen oder Quellen.")
    changed = CliRunner().invoke(diff, [str(old)], obj=SimpleNamespace(project=project, lang="de"))
    assert "Kooperationen: 1 neu, 1 entfernt, 1 geändert" in changed.output
