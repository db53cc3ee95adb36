"""Hostile input files and interrupted builds: a Turtle nesting ladder to 100,000, the seed
corpus and a time-bounded fuzzer over every loader (0 uncaught exceptions), refused formats,
and fault injection into builds (file k of M corrupted; the build killed at random moments):
the output folder always holds the complete old or the complete new graph.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fuzz.harness import SUFFIX, Outcome, fuzz_seconds, record, run_target, seeds
from graph import build
from graph.core.errors import IKZError, SourceDataError
from graph.core.limits import MAX_TURTLE_DEPTH
from graph.rdf.parse import load_file, parse_turtle
from graph.core.project import Project

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/ikz/id/"


# --- Turtle nesting ladder ------------------------------------------------------------------

LADDER = [1, 10, 64, 65, 100, 1_000, 2_500, 10_000, 100_000]
SHAPES = {
    "brackets": lambda n: "<urn:s> <urn:p> " + "[ <urn:p> " * n + "<urn:o> " + "] " * n + ".\n",
    "lists": lambda n: "<urn:s> <urn:p> " + "( " * n + "1 " + ") " * n + ".\n",
    "unclosed": lambda n: "<urn:s> <urn:p> " + "( [ <urn:p> " * (n // 2) + "( " * (n % 2),
    "in-strings": lambda n: '<urn:s> <urn:p> "' + "[(" * n + '" .\n',  # not nesting: data
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_turtle_nesting_ladder(tmp_path, shape):
    failures = 0
    for depth in LADDER:
        path = tmp_path / f"{shape}-{depth}.ttl"
        path.write_text(SHAPES[shape](depth), encoding="utf-8")
        start = time.monotonic()
        try:
            parse_turtle(path, BASE, allow_blank_nodes=True)
            outcome = "parsed"
        except SourceDataError as error:
            outcome = "nesting" if getattr(error.message, "key", None) == "rdf.turtle.too-deep" else "refused"
            if outcome == "nesting":  # German by default, English on request
                assert "Verschachtelung tiefer als" in error.what and "Nesting deeper than" in error.format("en")
            assert error.where and error.where.startswith(str(path))
        elapsed = time.monotonic() - start
        if shape == "in-strings":
            expected = {"parsed"}
        elif depth > MAX_TURTLE_DEPTH:
            expected = {"nesting"}
        else:
            expected = {"refused"} if shape == "unclosed" else {"parsed"}
        failures += int(outcome not in expected or elapsed > 5)
    record("turtle-depth-ladder", title="Turtle nesting ladder, depth 1 … 100,000 (4 shapes)", cases=len(LADDER),
           failures=failures, limit=f"depth ≤ {MAX_TURTLE_DEPTH}; deeper refused before parsing, with file:line:col")
    assert failures == 0


# --- the seed corpus and the fuzzer -------------------------------------------------------------

TARGETS = sorted(SUFFIX)


@pytest.mark.parametrize("target", TARGETS)
def test_seed_corpus_loads_or_is_refused_cleanly(target):
    if target == "xlsx":
        pytest.importorskip("openpyxl", reason="reading .xlsx needs openpyxl")
    corpus = seeds(target)
    assert corpus, f"tests/fuzz/corpus/{target}/ is empty"
    outcomes = [run_target(target, data) for data in corpus]
    uncaught = [detail for outcome, detail in outcomes if outcome == Outcome.UNCAUGHT]
    record("loader-seeds", title="Loader seed corpus (tests/fuzz/corpus)", cases=len(corpus), failures=len(uncaught),
           limit="0 uncaught exceptions")
    assert uncaught == []
    assert any(outcome == Outcome.ANSWER for outcome, _ in outcomes), "the corpus needs valid inputs too"


hypothesis = pytest.importorskip("hypothesis")


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz_loaders(target):
    """Hypothesis mutates the corpus for ``$IKZ_FUZZ_SECONDS`` (all targets together; default
    6 s): every input ends in an answer or a located error, never a traceback."""
    budget = fuzz_seconds() / len(TARGETS)
    from fuzz.harness import fuzz_with_hypothesis

    result = fuzz_with_hypothesis(target, budget)
    uncaught = result["uncaught"]
    record("loader-fuzz", title="Loader fuzzing (hypothesis): Turtle, N-Triples, CSV register, CSV/XLSX table, "
           "query text", cases=result["cases"], failures=result["counts"][Outcome.UNCAUGHT],
           limit="0 uncaught exceptions", target=target, wrapped=result["wrapped"])
    if uncaught:
        folder = ROOT / "tests" / "artifacts" / "fuzz" / target
        folder.mkdir(parents=True, exist_ok=True)
        for data, detail in uncaught:
            (folder / (hashlib.sha256(data).hexdigest()[:16] + SUFFIX[target])).write_bytes(data)
    assert [detail for _, detail in uncaught] == []


def test_rdflib_indexerror_input_is_a_located_error(tmp_path):
    """The input that makes rdflib's Turtle parser raise IndexError is a plain syntax error here."""
    path = tmp_path / "bad.ttl"
    path.write_text("<urn<:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    with pytest.raises(SourceDataError) as error:
        load_file(path, BASE)
    assert error.value.where.startswith(f"{path}:1:")


@pytest.mark.parametrize("name", ["x.rdf", "x.owl", "x.xml", "x.jsonld", "x.json", "x.trig", "x.nq", "x.n3", "x.docx"])
def test_only_the_formats_analysts_need(tmp_path, name):
    path = tmp_path / name
    path.write_text("<rdf:RDF/>", encoding="utf-8")
    with pytest.raises(SourceDataError) as refused:
        load_file(path, BASE)
    assert refused.value.where == str(path) and refused.value.fix


def test_a_byte_order_mark_is_not_a_syntax_error(tmp_path):
    path = tmp_path / "notepad.ttl"
    path.write_bytes("\ufeff<urn:a> <urn:b> \"Ä\" .\n".encode("utf-8"))
    triples, _ = parse_turtle(path, BASE)
    assert len(triples) == 1


def test_a_failed_parse_leaves_nothing_behind(tmp_path):
    """rdflib keeps the triples before a syntax error in its graph; here a file is all or nothing."""
    path = tmp_path / "half.ttl"
    path.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .\n", encoding="utf-8")
    result = None
    with pytest.raises(SourceDataError):
        result = parse_turtle(path, BASE)
    assert result is None


# --- fault injection into builds ----------------------------------------------------------------


def digests(folder: Path) -> dict[str, str] | None:
    """File name → SHA-256 of a build folder; None when it is missing."""
    if not folder.is_dir():
        return None
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def complete(folder: Path) -> bool:
    """Every file the summary lists is there with the digest it records."""
    state = digests(folder)
    if not state or "summary.json" not in state:
        return False
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return all(state.get(name) == digest for name, digest in summary.get("files", {}).items()) and \
        set(state) == set(summary.get("files", {})) | {"summary.json"}


def input_files(project: Project) -> list[Path]:
    return project.ontology_files() + project.register_files() + project.data_files()


CORRUPTIONS = {
    "truncated": lambda b, r: b[: r.randrange(1, max(len(b), 2))],
    "garbage": lambda b, r: b[: len(b) // 2] + bytes(r.randrange(256) for _ in range(64)) + b[len(b) // 2:],
    "not-utf8": lambda b, r: b[:10] + b"\xff\xfe" + b[10:],
    "nested": lambda b, r: b + b"\n<urn:x> <urn:y> " + b"(" * 100_000 + b"\n",
    "empty-line-broken": lambda b, r: b.replace(b" .\n", b" \n", 1),
}


def test_corrupt_file_k_of_m_leaves_the_old_build(project_copy: Project, tmp_path):
    output = tmp_path / "graph"
    build(project_copy, output)
    old = digests(output)
    files = input_files(project_copy)
    rng = random.Random(8)
    full = os.environ.get("IKZ_RELIABILITY_FULL") == "1"
    cases = partial = 0
    for k, path in enumerate(files):
        original = path.read_bytes()
        kinds = sorted(CORRUPTIONS) if full else [sorted(CORRUPTIONS)[k % len(CORRUPTIONS)]]
        for kind in kinds:
            path.write_bytes(CORRUPTIONS[kind](original, rng))
            cases += 1
            try:
                build(project_copy, output)
                ok = complete(output)  # a harmless corruption: then a complete new build
            except IKZError as error:
                ok = digests(output) == old and bool(error.where or error.what)
            except Exception as error:  # noqa: BLE001 - a traceback is a failure here
                ok = False
                print(f"uncaught {type(error).__name__} for {kind} {path}: {error}")
            partial += int(not ok)
            path.write_bytes(original)
            build(project_copy, output)  # back to the old graph for the next case
            assert digests(output) == old
    record("build-corrupt-input", title=f"Build with input file k of M={len(files)} corrupted ({len(CORRUPTIONS)} kinds)",
           cases=cases, failures=partial, limit="0 partial builds: the old graph stays")
    assert partial == 0


BUILD_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from graph import build
from graph.core.project import Project
build(Project(Path({project!r})), {output!r})
"""


def test_killed_builds_leave_old_or_new(project_copy: Project, tmp_path):
    """SIGKILL at random moments of a build that changes the graph: the folder then holds the
    complete old or the complete new graph (or, if the kill fell between the two renames of the
    swap, no folder until the next build restores the old one - counted apart)."""
    output = tmp_path / "graph"
    build(project_copy, output)
    old = digests(output)
    quotes = project_copy.data_dir / "en-kreis" / "organisations.ttl"
    text = quotes.read_text(encoding="utf-8")
    changed = text.replace('"Ennepe-Ruhr district"@en', '"Ennepe-Ruhr District"@en', 1)
    assert changed != text
    quotes.write_text(changed, encoding="utf-8")
    script = BUILD_SCRIPT.format(root=str(ROOT), project=str(project_copy.root), output=str(output))
    # the duration of one build, to spread the kills over it
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True)
    duration = time.monotonic() - start
    new = digests(output)
    assert new != old
    trials = int(os.environ.get("IKZ_KILL_TRIALS", "40" if os.environ.get("IKZ_RELIABILITY_FULL") == "1" else "8"))
    rng = random.Random(13)
    outcomes = {"old": 0, "new": 0, "missing": 0, "partial": 0}
    for trial in range(trials):
        # alternate the starting state so that both directions of the swap are exercised
        if trial % 2 == 0:
            quotes.write_text(text, encoding="utf-8")
            build(project_copy, output)
            quotes.write_text(changed, encoding="utf-8")
        process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        state = digests(output)
        if state is None:
            outcomes["missing"] += 1
        elif state == old:
            outcomes["old"] += 1
        elif state == new:
            outcomes["new"] += 1
        else:
            outcomes["partial"] += 1
        build(project_copy, output)  # the next build always recovers
        assert complete(output)
    record("build-kill", title="Build killed (SIGKILL) at random moments", cases=trials,
           failures=outcomes["partial"], limit="0 partial builds served (old or new only)", outcomes=outcomes)
    assert outcomes["partial"] == 0


def test_kill_between_the_two_renames_is_recovered(project_copy: Project, tmp_path):
    """The one instant a reader finds no folder: killed after the old folder was moved aside and
    before the new one moved in. The next build puts the old one back first."""
    output = tmp_path / "graph"
    build(project_copy, output)
    old = digests(output)
    script = ("import os, signal, sys\nsys.path.insert(0, {root!r})\nfrom pathlib import Path\n"
              "calls = []\nrename = Path.rename\n"
              "def dying(self, target):\n    calls.append(target)\n    result = rename(self, target)\n"
              "    if str(target).endswith('.old'):\n        os.kill(os.getpid(), signal.SIGKILL)\n    return result\n"
              "Path.rename = dying\n" + BUILD_SCRIPT.split("\n", 3)[3]).format(
        root=str(ROOT), project=str(project_copy.root), output=str(output))
    subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert digests(output) is None and (tmp_path / ".graph.old").is_dir()
    assert digests(tmp_path / ".graph.old") == old  # the old graph is intact beside it
    build(project_copy, output)
    assert complete(output)
    record("build-kill", title="Build killed (SIGKILL) at random moments", cases=1, failures=0,
           limit="0 partial builds served (old or new only)", outcomes={"missing-then-recovered": 1})


# --- registers and tables the fuzzer broke (KeyError, csv.Error): located errors now --------------


@pytest.mark.parametrize("name, text, where", [
    ("no-district-name.csv", "ags,name,kreis_key\n05954004,Breckerfeld,05954\n", ":2"),
    ("short-row.csv", "ags,name,kreis_key,kreis_name\n05954004,Breckerfeld,05954\n", ":2"),
    ("huge-field.csv", "ags,label\n05954004,\"" + "x" * 200_000 + "\"\n", ""),
    ("table-huge-field.csv", "Bezeichnung,Kommunen\n\"" + "x" * 200_000 + "\",Witten\n", ""),
])
def test_broken_csv_is_a_located_error(tmp_path, name, text, where):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceDataError) as raised:
        load_file(path, BASE)
    assert raised.value.where.startswith(str(path) + where)
    assert "Traceback" not in str(raised.value) and raised.value.format("de") != raised.value.format("en")
