"""One error path: a matrix of user mistakes over every command of `ikz`.

Each mistake must end with the right exit code (2 for anything the user can fix), a message
in German by default and in English with ``--lang en``, and never a traceback or an
"internal error". OS errors name the user's path, never a temporary file. Ctrl-C exits 130 and
leaves the previous build whole.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli.main import main
from graph.core.errors import FileAccessError
from graph.core.files import write_text
from graph.core.i18n import use
from test_language import assert_german

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(main.commands)
DOCUMENT = ROOT / "tests" / "documents" / "2019-protokoll-ag-jugendhilfe-kreis-unna.txt"
UNWRITABLE = Path("/sys/ikz-test")  # not writable even for root


@pytest.fixture(scope="module")
def place(built, tmp_path_factory):
    """Paths for the mistakes: the session build, an empty folder, a plain file."""
    tmp = tmp_path_factory.mktemp("mistakes")
    (tmp / "empty").mkdir()
    (tmp / "plain.txt").write_text("kein Ordner\n", encoding="utf-8")
    return {"B": str(built.output), "T": str(tmp), "EMPTY": str(tmp / "empty"), "FILE": str(tmp / "plain.txt"),
            "NOGRAPH": str(tmp / "nothing"), "DOC": str(DOCUMENT), "SYS": str(UNWRITABLE), "ROOT": str(ROOT)}


# (id, arguments, exit code, German fragment, English fragment); {B} etc. are filled from `place`.
MISTAKES = [
    ("typo in command", ["quer"], 2, "Den Befehl 'quer' gibt es nicht", "No such command 'quer'"),
    ("unknown language", ["--lang", "fr", "queries"], 2, "Ungültiger Wert für '--lang'", "Invalid value for '--lang'"),
    # missing arguments and options
    ("view without kind", ["view"], 2, "Es fehlt das Argument", "Missing argument"),
    ("add-source without file", ["add-source"], 2, "Es fehlt das Argument 'DATEI'", "Missing argument 'FILE'"),
    ("extract without file", ["extract"], 2, "Es fehlt das Argument", "Missing argument"),
    ("accept without draft", ["accept"], 2, "Es fehlt das Argument 'ENTWURF'", "Missing argument 'DRAFT'"),
    ("import without file", ["import", "--kind", "facilities"], 2, "Es fehlt das Argument", "Missing argument"),
    ("import without kind", ["import", "{FILE}"], 2, "Es fehlt die Option '--kind'", "Missing option '--kind'"),
    ("diff without old", ["diff"], 2, "Es fehlt das Argument 'ALT'", "Missing argument 'OLD'"),
    ("publish without endpoint", ["publish"], 2, "Es fehlt die Option '--endpoint'", "Missing option '--endpoint'"),
    ("query without question", ["query", "--graph", "{B}"], 2, "Geben Sie genau eines an", "Give exactly one of"),
    ("option without value", ["query", "facilities", "--format"], 2, "braucht einen Wert", "requires an argument"),
    ("param with one value", ["query", "partners-of-town", "-p", "town"], 2, "braucht 2 Werte", "requires 2 arguments"),
    # bad values
    ("bad view kind", ["view", "network"], 2, "'network' ist keiner der möglichen Werte", "'network' is not one of"),
    ("bad analysis", ["analyze", "nosuch", "--graph", "{B}"], 2, "'nosuch' ist keiner", "'nosuch' is not one of"),
    ("seed not a number", ["analyze", "--seed", "x", "--graph", "{B}"], 2, "'x' ist keine gültige Zahl.",
     "'x' is not a valid integer."),
    ("port not a number", ["serve", "--port", "x"], 2, "'x' ist keine gültige Zahl.", "'x' is not a valid integer."),
    ("timeout not a number", ["query", "facilities", "--timeout", "bald"], 2, "'bald' ist keine gültige Zahl.",
     "'bald' is not a valid float."),
    ("query format", ["query", "facilities", "--format", "xls", "--graph", "{B}"], 2, "Ungültiger Wert für '--format'",
     "Invalid value for '--format'"),
    ("queries format", ["queries", "--format", "pdf"], 2, "Ungültiger Wert für '--format'", "Invalid value for '--format'"),
    ("analyze format", ["analyze", "--format", "xls", "--graph", "{B}"], 2, "Ungültiger Wert", "Invalid value"),
    ("diff format", ["diff", "{B}", "--format", "xml"], 2, "Ungültiger Wert", "Invalid value"),
    ("validator", ["build", "--validator", "foo"], 2, "Ungültiger Wert für '--validator'", "Invalid value for '--validator'"),
    ("data layer", ["validate", "--with", "mars"], 2, "Ungültiger Wert für '--with'", "Invalid value for '--with'"),
    ("import kind", ["import", "{FILE}", "--kind", "people"], 2, "Ungültiger Wert für '--kind'", "Invalid value for '--kind'"),
    ("view layout", ["view", "partners", "--layout", "circle"], 2, "Ungültiger Wert für '--layout'", "Invalid value for '--layout'"),
    # the project
    ("missing project folder: build", ["--project", "/nonexistent/ikz", "build"], 2, "/nonexistent/ikz", "/nonexistent/ikz"),
    ("missing project folder: validate", ["--project", "/nonexistent/ikz", "validate"], 2, "/nonexistent/ikz", "/nonexistent/ikz"),
    ("missing project folder: queries", ["--project", "/nonexistent/ikz", "queries"], 2, "/nonexistent/ikz", "/nonexistent/ikz"),
    ("missing project folder: query", ["--project", "/nonexistent/ikz", "query", "facilities"], 2, "/nonexistent/ikz",
     "/nonexistent/ikz"),
    ("missing project folder: view", ["--project", "/nonexistent/ikz", "view", "facilities"], 2, "/nonexistent/ikz",
     "/nonexistent/ikz"),
    ("missing project folder: analyze", ["--project", "/nonexistent/ikz", "analyze"], 2, "/nonexistent/ikz",
     "/nonexistent/ikz"),
    ("missing project folder: report", ["--project", "/nonexistent/ikz", "report"], 2, "/nonexistent/ikz", "/nonexistent/ikz"),
    ("missing project folder: serve", ["--project", "/nonexistent/ikz", "serve"], 2, "/nonexistent/ikz", "/nonexistent/ikz"),
    ("missing project folder: publish", ["--project", "/nonexistent/ikz", "publish", "--endpoint", "http://127.0.0.1:9/store"],
     2, "/nonexistent/ikz", "/nonexistent/ikz"),
    ("missing project folder: add-source", ["--project", "/nonexistent/ikz", "add-source", "{DOC}", "--title", "T"], 2,
     "/nonexistent/ikz", "/nonexistent/ikz"),
    ("project is no project", ["--project", "{EMPTY}", "queries"], 2, "{EMPTY}", "{EMPTY}"),
    # outputs the user cannot write
    ("unwritable view", ["view", "facilities", "--graph", "{B}", "-o", "/sys/x.html"], 2,
     "Die Datei /sys/x.html kann nicht geschrieben werden: keine Berechtigung.",
     "The file /sys/x.html cannot be written: permission denied."),
    ("unwritable analysis", ["analyze", "--graph", "{B}", "-o", "{SYS}/a.txt"], 2, "{SYS}/a.txt kann nicht", "{SYS}/a.txt cannot"),
    ("unwritable report", ["report", "--graph", "{B}", "-o", "/sys/r.html"], 2, "/sys/r.html kann nicht", "/sys/r.html cannot"),
    ("unwritable answer", ["query", "facilities", "--graph", "{B}", "-o", "/sys/q.csv"], 2, "/sys/q.csv kann nicht",
     "/sys/q.csv cannot"),
    ("unwritable build", ["build", "-o", "/sys/ikz-graph"], 2, "/sys/ikz-graph", "/sys/ikz-graph"),
    ("output is a folder: view", ["view", "facilities", "--graph", "{B}", "-o", "{T}"], 2, "ist ein Ordner", "is a directory"),
    ("output is a folder: query", ["query", "facilities", "--graph", "{B}", "-o", "{T}"], 2, "ist ein Ordner", "is a directory"),
    ("output is a folder: report", ["report", "--graph", "{B}", "-o", "{T}"], 2, "ist ein Ordner", "is a directory"),
    ("output is a folder: analyze", ["analyze", "--graph", "{B}", "-o", "{T}"], 2, "ist ein Ordner", "is a directory"),
    ("a file in the way", ["view", "facilities", "--graph", "{B}", "-o", "{FILE}/x.html"], 2,
     "ein Teil des Pfads ist eine Datei", "part of the path is a file"),
    ("build output is a file", ["build", "-o", "{FILE}"], 2, "{FILE}", "{FILE}"),
    # inputs that are not there
    ("missing text: add-source", ["add-source", "/nonexistent/brief.txt"], 2, "'/nonexistent/brief.txt' gibt es nicht",
     "'/nonexistent/brief.txt' does not exist"),
    ("missing text: extract", ["extract", "/nonexistent/brief.txt"], 2, "gibt es nicht", "does not exist"),
    ("missing draft", ["accept", "/nonexistent/entwurf.ttl"], 2, "gibt es nicht", "does not exist"),
    ("missing table", ["import", "/nonexistent/t.csv", "--kind", "facilities"], 2, "gibt es nicht", "does not exist"),
    ("missing query file", ["query", "--file", "/nonexistent/q.rq"], 2, "gibt es nicht", "does not exist"),
    ("missing build: query", ["query", "facilities", "--graph", "{NOGRAPH}"], 2, "ikz build", "ikz build"),
    ("missing build: view", ["view", "facilities", "--graph", "{NOGRAPH}"], 2, "ikz build", "ikz build"),
    ("missing build: analyze", ["analyze", "--graph", "{NOGRAPH}"], 2, "ikz build", "ikz build"),
    ("missing build: report", ["report", "--graph", "{NOGRAPH}"], 2, "ikz build", "ikz build"),
    ("missing build: serve", ["serve", "--graph", "{NOGRAPH}"], 2, "ikz build", "ikz build"),
    ("missing build: publish", ["publish", "--endpoint", "http://127.0.0.1:9/store", "--graph", "{NOGRAPH}"], 2,
     "ikz build", "ikz build"),
    ("no such version: diff", ["diff", "keine-revision-xyz"], 2, "keine-revision-xyz", "keine-revision-xyz"),
    # what the user typed matches nothing
    ("unknown question", ["query", "nope-question", "--graph", "{B}"], 2, "nope-question", "nope-question"),
    ("bad parameter value", ["query", "partners-of-town", "-p", "town", "Atlantis", "--graph", "{B}"], 2, "Atlantis", "Atlantis"),
    ("unknown district", ["analyze", "--district", "Atlantis", "--graph", "{B}"], 2, "Atlantis", "Atlantis"),
    ("unknown facility kind", ["view", "facilities", "--facility-kind", "Hallenbad", "--graph", "{B}", "-o", "{T}/v.html"], 2,
     "Hallenbad", "Hallenbad"),
    ("bad SPARQL", ["query", "--text", "SELEC ?x WHERE {}", "--graph", "{B}"], 2, "SELEC", "SELEC"),
    ("SPARQL update", ["query", "--text", "DELETE WHERE { ?s ?p ?o }", "--graph", "{B}"], 2, "Fehler", "rror"),
    ("add-source without title", ["add-source", "{DOC}"], 2, "Ein Dokument braucht einen Titel.", "A document needs a title."),
    ("init without district", ["init", "{T}/neu"], 2, "--district", "--district"),
    ("init with a typo in the district", ["init", "{T}/neu", "--district", "Märkischer Kries"], 2,
     "Meinten Sie: Märkischer Kreis (05962)?", "Did you mean: Märkischer Kreis (05962)?"),
    ("init into a project", ["init", "{ROOT}", "--district", "05954"], 2, "bereits ein IKZ-Graph-Projekt",
     "already an IKZ-Graph project"),
    ("init into an unwritable folder", ["init", "/sys/ikz-init", "--district", "05954"], 2, "/sys/ikz-init", "/sys/ikz-init"),
] + [(f"unknown option: {name}", [name, "--nope"], 2, "Die Option '--nope' gibt es nicht", "No such option '--nope'")
     for name in COMMANDS]


def _fill(value: str, place: dict) -> str:
    return value.format(**place) if "{" in value and not value.startswith(("SELEC", "DELETE")) else value


def run(args: list[str], lang: str | None = None):
    head = ["--project", str(ROOT)] + (["--lang", lang] if lang else [])
    if args and args[0] == "--project":
        head = [] if lang is None else ["--lang", lang]
    return CliRunner().invoke(main, head + args)


def assert_clean(result, code: int, where: str) -> None:
    """The right exit code, no traceback, no internal error."""
    text = result.output
    assert result.exit_code == code, f"{where}: exit {result.exit_code}, expected {code}\n{text}"
    assert "Traceback" not in text, f"{where}: a traceback\n{text}"
    assert result.exception is None or isinstance(result.exception, SystemExit), f"{where}: {result.exception!r}"
    assert "Interner Fehler" not in text and "nternal error" not in text, f"{where}: an internal error\n{text}"


@pytest.mark.parametrize("name, args, code, german, english", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_mistake_is_reported_in_german(place, name, args, code, german, english):
    result = run([_fill(a, place) for a in args])
    assert_clean(result, code, name)
    assert "Fehler" in result.output and _fill(german, place) in result.output, result.output
    assert_german(result.output, name)


@pytest.mark.parametrize("name, args, code, german, english", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_a_mistake_is_reported_in_english_with_lang_en(place, name, args, code, german, english):
    result = run([_fill(a, place) for a in args], lang="en")
    assert_clean(result, code, name)
    assert "rror" in result.output and "Fehler" not in result.output, result.output
    assert _fill(english, place) in result.output, result.output


def test_every_command_is_in_the_matrix_with_more_than_an_unknown_option():
    covered = {next(a for a in args if a in main.commands) for name, args, *_ in MISTAKES
               if not name.startswith("unknown option") and any(a in main.commands for a in args)}
    assert covered == set(COMMANDS), set(COMMANDS) - covered


# -- bugs, Ctrl-C -----------------------------------------------------------------------------------


def test_a_bug_is_an_internal_error_without_traceback(monkeypatch):
    def broken(*args, **kwargs):
        return 1 / 0

    monkeypatch.setattr("graph.cli.query.load_library", broken)
    result = run(["queries"])
    assert result.exit_code == 3
    assert result.output.startswith("Interner Fehler von IKZ-Graph: ZeroDivisionError: division by zero")
    assert "Bitte melden Sie diesen Fehler" in result.output and "Traceback" not in result.output


def test_ctrl_c_in_process_exits_130(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("graph.cli.query.load_library", interrupted)
    result = run(["queries"])
    assert result.exit_code == 130 and "Abgebrochen (Strg+C)." in result.output
    english = run(["queries"], lang="en")
    assert english.exit_code == 130 and "Interrupted (Ctrl-C)." in english.output


def _graph_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("step", ["Prüfungen", "Schreiben"])
def test_ctrl_c_during_build_exits_130_and_leaves_the_build_whole(project_copy, step):
    """SIGINT to `python -m graph build` (the national layer: a build of some seconds) while it
    is at ``step``: exit 130, one German line, and build/graph holds the old build or the new
    one, complete - never a part, never a staging folder."""
    from graph import build

    output = project_copy.root / "build" / "graph"
    build(project_copy, output)
    old = _graph_files(output)
    process = subprocess.Popen(
        [sys.executable, "-m", "graph", "--project", str(project_copy.root), "build", "--with", "national", "--progress"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "IKZ_LANG": "de"})
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.rstrip().endswith(step):
            process.send_signal(signal.SIGINT)
            break
    stderr = "".join(seen) + process.stderr.read()
    process.wait(timeout=120)
    assert process.returncode == 130, stderr
    assert "Abgebrochen (Strg+C)." in stderr and "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    now = _graph_files(output)
    if now != old:  # the new build, complete
        assert set(now) == set(old)
        summary = json.loads(now["summary.json"])
        assert summary["triples"] == now["ikz.nt"].count(b"\n") > old["ikz.nt"].count(b"\n")
    assert sorted(p.name for p in output.parent.iterdir()) == ["graph"]


# -- the atomic writer names the user's path -------------------------------------------------------


def test_write_text_reports_the_target_and_leaves_nothing_behind(tmp_path, monkeypatch):
    target = tmp_path / "ansicht.html"
    target.write_text("alt", encoding="utf-8")

    def disk_full(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", str(src))

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(FileAccessError) as caught:
        write_text("neu", target)
    assert caught.value.path == str(target) and caught.value.exit_code == 2
    with use("de"):
        assert str(caught.value).startswith(f"{target} kann nicht geschrieben werden: der Datenträger ist voll.")
        assert "Behebung: Geben Sie Speicherplatz frei" in str(caught.value)
    with use("en"):
        assert str(caught.value).startswith(f"{target} cannot be written: the disk is full.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ansicht.html"] and target.read_text(encoding="utf-8") == "alt"


def test_write_text_into_a_folder_or_below_a_file(tmp_path):
    with pytest.raises(FileAccessError) as folder:
        write_text("x", tmp_path)
    assert folder.value.path == str(tmp_path)
    (tmp_path / "datei").write_text("x", encoding="utf-8")
    with pytest.raises(FileAccessError) as below:
        write_text("x", tmp_path / "datei" / "a.html")
    with use("de"):
        assert "ein Teil des Pfads ist eine Datei" in str(below.value)
    assert shutil.disk_usage(tmp_path) and sorted(p.name for p in tmp_path.iterdir()) == ["datei"]
