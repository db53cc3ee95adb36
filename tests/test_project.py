"""Projects: where files come from (project or package), and ``ikz init`` for any district."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import shutil
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph import build
from graph.cli.main import main
from graph.core import resources, scaffold
from graph.core.errors import FileAccessError, ProjectError
from graph.core.i18n import use
from graph.core.project import Project, find_project
from graph.core.scaffold import DistrictError, create_project, find_district
from graph.sparql.query import GraphQuery

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT / "data" / "national" / "de-municipalities-2024.csv"


def national_rows(key: str) -> list[dict]:
    with open(NATIONAL, encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["kreis_key"] == key]


def digest(folder: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        h.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            h.update(path.read_bytes())
    return h.hexdigest()


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def created(tmp_path_factory):
    """One project made by ``ikz init`` for the Märkischer Kreis (not the repository's district)."""
    return create_project(tmp_path_factory.mktemp("init") / "mk", "05962")


# -- where files come from -------------------------------------------------------------------


def test_the_checkout_is_its_own_resource_root():
    assert resources.root() == ROOT
    assert resources.national_register() == NATIONAL


def test_product_queries_come_from_the_package_project_queries_from_the_project(tmp_path):
    empty = Project(tmp_path)
    assert empty.query_file("facts/towns.rq") == ROOT / "queries" / "facts" / "towns.rq"
    assert empty.query_dir("lookup") == ROOT / "queries" / "lookup"
    assert empty.query_file("competent-office.rq") == ROOT / "queries" / "competent-office.rq"  # fallback
    own = tmp_path / "queries" / "competent-office.rq"
    own.parent.mkdir()
    own.write_text("SELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    assert empty.query_file("competent-office.rq") == own
    assert empty.query_dir("mine") == tmp_path / "queries" / "mine"


def test_a_project_without_a_national_layer_uses_the_packaged_register(tmp_path):
    (tmp_path / "data" / "reference").mkdir(parents=True)
    project = Project(tmp_path)
    assert project.national_register == NATIONAL
    assert project.register_files(("national",)) == [NATIONAL]
    assert project.data_files(("national",)) == [ROOT / "data" / "national" / "sources.ttl"]
    assert project.register_files() == [] and project.data_files() == []


def test_a_missing_packaged_file_is_a_german_error_naming_it():
    with pytest.raises(ProjectError) as error:
        resources.query_file("views/no-such-view.rq")
    assert "Die mitgelieferte Datei queries/views/no-such-view.rq fehlt" in str(error.value)
    with use("en"):
        assert "The shipped file queries/views/no-such-view.rq is missing" in str(error.value)


def test_ikz_project_and_project_option_are_honoured(created, monkeypatch, tmp_path):
    monkeypatch.setenv("IKZ_PROJECT", str(created.project.root))
    assert find_project() == created.project
    monkeypatch.setenv("IKZ_PROJECT", str(tmp_path))
    with pytest.raises(ProjectError) as error:
        find_project()
    assert "kein IKZ-Graph-Projekt" in str(error.value) and "ikz init" in str(error.value)


# -- districts -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["05962", "05962004", "Märkischer Kreis", "märkischer kreis", "Märkischer"])
def test_a_district_by_key_ags_name_or_prefix(value):
    district = find_district(value)
    assert (district.key, district.name) == ("05962", "Märkischer Kreis")
    assert [t["ags"] for t in district.towns] == sorted(r["ags"] for r in national_rows("05962"))


def test_an_ambiguous_name_lists_the_districts_with_their_keys():
    with pytest.raises(DistrictError) as error:
        find_district("Rosenheim")
    assert "Rosenheim, Kreisfreie Stadt (09163), Rosenheim, Landkreis (09187)" in str(error.value)


def test_a_typo_suggests_the_district_in_both_languages():
    with pytest.raises(DistrictError) as error:
        find_district("Märkischer Kries")
    assert "Einen Kreis namens „Märkischer Kries“ gibt es" in str(error.value)
    assert "Meinten Sie: Märkischer Kreis (05962)?" in str(error.value)
    with use("en"):
        assert "Did you mean: Märkischer Kreis (05962)?" in str(error.value)


@pytest.mark.parametrize("value, text", [("99999", "Schlüssel 99999"), ("", "--district"), (None, "--district")])
def test_an_unknown_or_missing_district_is_an_error(value, text):
    with pytest.raises(DistrictError, match=text):
        find_district(value)


# -- ikz init --------------------------------------------------------------------------------


def test_init_writes_the_district_register_ontology_questions_and_readme(created):
    root = created.project.root
    with open(root / "data" / "reference" / "05962-municipalities.csv", encoding="utf-8", newline="") as handle:
        assert list(csv.DictReader(handle)) == national_rows("05962")
    assert (root / "ontology" / "ikz.ttl").read_bytes() == (ROOT / "ontology" / "ikz.ttl").read_bytes()
    assert (root / "queries" / "competent-office.rq").is_file()
    assert {p.name for p in (root / "queries").glob("*-violation.rq")} == {p.name for p in (ROOT / "queries").glob("*-violation.rq")}
    assert "district: district = 05962" in (root / "queries" / "towns-without-cooperation.rq").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "Märkischer Kreis" in readme and "Kreisschlüssel 05962" in readme and "ikz build" in readme
    assert (root / "data" / "sources").is_dir() and not any((root / "data" / "sources").iterdir())
    assert not list(root.glob(".ikz-init*"))


def test_a_new_project_builds_with_its_towns_and_no_cooperations(created, tmp_path):
    result = build(created.project, tmp_path / "graph")
    assert result.summary["classes"]["ikz:Municipality"] == len(national_rows("05962"))
    assert result.summary["classes"]["ikz:District"] == 1
    gq = GraphQuery.open(created.project, graph_dir=result.output)
    towns = gq.ask("towns-without-cooperation")
    assert len(towns.rows) == len(national_rows("05962"))


def test_the_template_states_a_cooperation_with_its_quote(tmp_path):
    project = create_project(tmp_path / "p", "Ennepe-Ruhr-Kreis").project
    shutil.copy(project.root / "vorlagen" / "kooperation.ttl", project.data_dir)
    shutil.copy(project.root / "vorlagen" / "beispiel-beschluss.txt", project.data_dir / "sources")
    result = build(project, tmp_path / "graph")
    assert result.summary["classes"]["ikz:Cooperation"] == 1
    assert [s["quotes"] for s in result.summary["sources"] if "Beispiel" in s["title"]] == [1]
    answer = GraphQuery.open(project, graph_dir=result.output).ask("cooperations-of-town", {"town": "Breckerfeld"})
    assert [str(r["cooperationLabel"]) for r in answer.rows] == ["Gemeinsame Erziehungsberatung Breckerfeld und Ennepetal"]


def test_a_kreisfreie_stadt_gets_a_template_that_builds(tmp_path):
    project = create_project(tmp_path / "p", "Dortmund").project
    shutil.copy(project.root / "vorlagen" / "kooperation.ttl", project.data_dir)
    shutil.copy(project.root / "vorlagen" / "beispiel-beschluss.txt", project.data_dir / "sources")
    assert build(project, tmp_path / "graph").summary["classes"]["ikz:Municipality"] == 1


def test_init_refuses_a_project_and_a_file_in_the_way(created, tmp_path):
    before = digest(created.project.root)
    with pytest.raises(ProjectError, match="bereits ein IKZ-Graph-Projekt"):
        create_project(created.project.root, "05954")
    assert digest(created.project.root) == before
    (tmp_path / "README.md").write_text("meins\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="Im Ordner liegen schon README.md"):
        create_project(tmp_path, "05954")
    assert [p.name for p in tmp_path.iterdir()] == ["README.md"]


def test_a_full_disk_leaves_nothing_half_written(tmp_path, monkeypatch):
    calls, original = [], shutil.copyfile

    def copyfile(source, target):
        calls.append(source)
        if len(calls) == 5:
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return original(source, target)

    monkeypatch.setattr(scaffold.shutil, "copyfile", copyfile)
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FileAccessError) as error:
        create_project(tmp_path, "05954")
    assert error.value.exit_code == 2
    assert f"{tmp_path} kann nicht geschrieben werden: der Datenträger ist voll." in str(error.value)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]
    calls.clear()
    with pytest.raises(FileAccessError):
        create_project(tmp_path / "new", "05954")
    assert not (tmp_path / "new").exists()


def test_ctrl_c_leaves_nothing(tmp_path, monkeypatch):
    def interrupted(source, target):
        raise KeyboardInterrupt

    monkeypatch.setattr(scaffold.shutil, "copyfile", interrupted)
    with pytest.raises(KeyboardInterrupt):
        create_project(tmp_path / "new", "05954")
    assert not (tmp_path / "new").exists()


def test_cli_init_in_german_and_english(tmp_path):
    result = invoke("init", tmp_path / "de", "--district", "05962")
    assert result.exit_code == 0, result.output
    assert f"Neues Projekt für Märkischer Kreis (05962) mit {len(national_rows('05962'))} Kommunen angelegt" in result.output
    result = invoke("--lang", "en", "init", tmp_path / "en", "--district", "Märkischer Kreis")
    assert result.exit_code == 0 and "New project for Märkischer Kreis (05962)" in result.output
    assert "## Build, ask, look" in (tmp_path / "en" / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("args, text", [
    (["--district", "Märkischer Kries"], "Meinten Sie: Märkischer Kreis (05962)?"),
    ([], "Geben Sie ihn mit --district an"),
])
def test_cli_init_user_mistakes_exit_2_in_german(tmp_path, args, text):
    result = invoke("init", tmp_path / "p", *args)
    assert result.exit_code == 2 and text in result.output
    assert "Traceback" not in result.output and "Interner Fehler" not in result.output
    assert not (tmp_path / "p").exists()


def test_cli_init_into_an_unwritable_folder_is_a_user_error():
    target = Path("/sys/ikz-init-test")
    result = invoke("init", target, "--district", "05954")
    assert result.exit_code == 2, result.output
    assert "/sys/ikz-init-test kann nicht geschrieben werden: keine Berechtigung." in result.output
    assert ".tmp" not in result.output and ".ikz-init" not in result.output


def test_every_command_reads_the_project_given_with_project(created, tmp_path):
    root = created.project.root
    assert invoke("--project", root, "build").exit_code == 0
    assert (root / "build" / "graph" / "ikz.ttl").is_file()
    answer = invoke("--project", root, "query", "towns-without-cooperation")
    assert answer.exit_code == 0 and "Altena" in answer.output
    view = invoke("--project", root, "view", "partners", "-o", tmp_path / "partners.html")
    assert view.exit_code == 0, view.output
    assert "Lüdenscheid" in (tmp_path / "partners.html").read_text(encoding="utf-8")
    report = invoke("--project", root, "report", "-o", tmp_path / "report.html")
    assert report.exit_code == 0, report.output
    assert "Iserlohn" in (tmp_path / "report.html").read_text(encoding="utf-8")


# -- package data ----------------------------------------------------------------------------


def test_every_data_file_of_the_package_is_declared_as_package_data():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    for path in sorted((ROOT / "graph").rglob("*")):
        if path.is_dir() or path.suffix in (".py", ".pyc") or "_resources" in path.parts:
            continue
        relative = path.relative_to(ROOT)
        owners = [pkg for pkg in declared if relative.as_posix().startswith(pkg.replace(".", "/") + "/")]
        assert any(fnmatch(relative.relative_to(pkg.replace(".", "/")).as_posix(), pattern)
                   for pkg in owners for pattern in declared[pkg]), f"{relative} is not in the wheel's package data"


@pytest.mark.parametrize("typed, key", [("Kreis Unna", "05978"), ("Landkreis Rosenheim", "09187"),
                                        ("Stadt Rosenheim", "09163"), ("Kreis Segeberg", "01060"),
                                        ("Landkreis Leipzig", "14729"), ("Stadt Leipzig", "14713")])
def test_a_district_is_found_in_the_form_people_write_it(typed, key):
    assert find_district(typed).key == key
