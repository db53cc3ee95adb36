"""Fuzz harness for the loaders and the query gate, and the scorecard recorder.

Targets take bytes and must end in one of two ways: an answer, or a located
:class:`~graph.core.errors.IKZError`. Anything else escaping is an *uncaught loader exception* (a
traceback a user would see) and is a failure. Inputs that the loader wrapper had to catch
(an undocumented exception of an underlying parser, turned into "cannot read the file: ...")
are counted separately, as hints for whoever owns that parser.

Three ways to run it:

* in pytest (``tests/test_reliability_inputs.py``): hypothesis mutates the seed corpus
  (``tests/fuzz/corpus/TARGET/``) for ``$IKZ_FUZZ_SECONDS`` seconds in all (default 6; the scorecard: 30);
* longer on demand: ``IKZ_FUZZ_SECONDS=600 pytest tests/test_reliability_inputs.py -k fuzz``
  or ``python benchmarks/reliability.py --fuzz-seconds 600``;
* with atheris (coverage-guided, optional: ``pip install atheris``):
  ``python tests/fuzz/harness.py turtle -atheris_runs=100000`` (libFuzzer options after the
  target name; new interesting inputs are written to the corpus folder).

``record()`` appends one figure of the scorecard to ``$IKZ_RELIABILITY_RECORD`` (JSON lines),
which ``benchmarks/reliability.py`` sets; without it, it does nothing.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CORPUS = HERE / "corpus"
BASE = "https://w3id.org/ikz/id/"

#: file suffix of each target's inputs
SUFFIX = {"turtle": ".ttl", "ntriples": ".nt", "register": ".csv", "table": ".csv", "xlsx": ".xlsx", "query": ".rq"}

#: Tokens spliced into inputs by the mutator: the places where parsers disagree or recurse.
DICTIONARY = [
    b"[", b"]", b"(", b")", b"[[[[[[[[", b"((((((((", b"{", b"}", b"<", b">", b"<urn<:a>", b"<>", b'"', b"'",
    b'"""', b"'''", b"\\", b"\\u0053", b"\\U0001F600", b"\\u00", b"#", b"\r", b"\n", b"\r\n", b"\x00",
    b"\xff", b"\xc3", b"\xed\xa0\x80", b"@prefix ", b"@base ", b"PREFIX ", b"BASE ", b"_:b", b"^^", b"@en",
    b"@de-DE", b"true", b"false", b"1e999999", b"-0.0", b".", b";", b",", b"a", b":", b"ikz:", b"<<", b">>",
    b"<< <urn:a> <urn:b> <urn:c> >>", b"~", "\ufeff".encode(),
    b"SERVICE", b"service", b"FROM", b"LOAD", b"INSERT", b"SELECT", b"ASK", b"WHERE", b"VALUES", b"trueSERVICE",
    b"ags", b",", b";", b'""', b"05954004", b"0595400", b"Q1", b"lat", b"lon", b"99.9", b"population_2019_12_31",
    b"kreis_key", b"kreis_name", b"PK\x03\x04",
]


def record(check: str, *, cases: int, failures: int, limit: str = "", title: str = "", gate: bool = True,
           **extra) -> None:
    """Add a figure to the scorecard: ``cases`` tried, ``failures`` among them (must stay 0 when
    ``gate``), and the ``limit`` it was measured against."""
    path = os.environ.get("IKZ_RELIABILITY_RECORD")
    if not path:
        return
    entry = {"check": check, "title": title or check, "cases": int(cases), "failures": int(failures),
             "limit": limit, "gate": gate, **extra}
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")


def fuzz_seconds(default: float = 6.0) -> float:
    """The fuzzing budget in seconds: ``$IKZ_FUZZ_SECONDS`` (all targets together)."""
    try:
        return max(float(os.environ.get("IKZ_FUZZ_SECONDS", default)), 0.5)
    except ValueError:
        return default


def seeds(target: str) -> list[bytes]:
    folder = CORPUS / target
    return [p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()] if folder.is_dir() else []


# ---------------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------------


class Outcome:
    ANSWER, REFUSED, WRAPPED, UNCAUGHT = "answer", "refused", "wrapped", "uncaught"


def _write(data: bytes, suffix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="ikz-fuzz-"))
    path = folder / f"input{suffix}"
    path.write_bytes(data)
    return path


def _remove(path: Path) -> None:
    try:
        path.unlink()
        path.parent.rmdir()
    except OSError:
        pass


def run_target(target: str, data: bytes) -> tuple[str, str]:
    """Feed ``data`` to ``target``; return ``(outcome, detail)``."""
    from graph.core.errors import IKZError

    if target == "query":
        return _run_query(data)
    from graph.rdf.parse import load_file

    path = _write(data, SUFFIX[target])
    try:
        load_file(path, BASE, f"fuzz{SUFFIX[target]}")
        return Outcome.ANSWER, ""
    except IKZError as error:
        if str(error.what).startswith(("cannot read the file: ", "syntax error: ")) and "fuzz" in (error.where or ""):
            return Outcome.WRAPPED, error.what[:200]
        return Outcome.REFUSED, ""
    except Exception as error:  # noqa: BLE001 - this is what the fuzzer looks for
        return Outcome.UNCAUGHT, f"{type(error).__name__}: {error}"[:300]
    finally:
        _remove(path)


def _run_query(data: bytes) -> tuple[str, str]:
    """The query front door without a store: decode, gate, then pyoxigraph's parser on an empty
    store (short inputs only, so evaluation of an ASK stays trivial)."""
    import pyoxigraph as ox

    from graph.core.errors import IKZError
    from graph.sparql.gate import gate, query_form

    text = data.decode("utf-8", "replace")[:2000]
    try:
        gate(text)
        query_form(text)
    except IKZError:
        return Outcome.REFUSED, ""
    except Exception as error:  # noqa: BLE001
        return Outcome.UNCAUGHT, f"gate: {type(error).__name__}: {error}"[:300]
    try:
        ox.Store().query(text, prefixes=_prefixes())
    except SyntaxError:
        return Outcome.REFUSED, ""
    except Exception as error:  # noqa: BLE001 - pyoxigraph's own errors on an empty store
        return Outcome.ANSWER, f"{type(error).__name__}"
    return Outcome.ANSWER, ""


_PREFIXES: dict = {}


def _prefixes() -> dict:
    if not _PREFIXES:
        from graph.core.project import find_project
        from graph.sparql.query import project_prefixes

        _PREFIXES.update(project_prefixes(find_project(ROOT)))
    return _PREFIXES


def mutate(seed: bytes, operations: list[tuple[int, int, int]]) -> bytes:
    """Apply (kind, position, token) operations: insert a token, delete a span, replace a
    byte, duplicate a span, truncate."""
    data = bytearray(seed)
    for kind, position, token in operations:
        at = position % (len(data) + 1)
        choice = DICTIONARY[token % len(DICTIONARY)]
        if kind == 0:
            data[at:at] = choice
        elif kind == 1:
            del data[at:at + 1 + token % 16]
        elif kind == 2 and data:
            data[at % len(data)] = token % 256
        elif kind == 3:
            data[at:at] = bytes(data[at:at + 1 + token % 64])
        elif kind == 4:
            del data[at:]
        elif kind == 5:
            data[at:at] = choice * (1 + token % 50)
    return bytes(data)


def hypothesis_inputs(target: str):
    """A hypothesis strategy: a seed of ``target``'s corpus mutated, or raw bytes."""
    from hypothesis import strategies as st

    corpus = seeds(target) or [b""]
    operation = st.tuples(st.integers(0, 5), st.integers(0, 1 << 16), st.integers(0, 1 << 16))
    mutated = st.builds(mutate, st.sampled_from(corpus), st.lists(operation, min_size=0, max_size=8))
    return st.one_of(mutated, mutated, mutated, st.binary(max_size=512))


def fuzz_with_hypothesis(target: str, seconds: float, chunk: int = 100) -> dict:
    """Run hypothesis on ``target`` for about ``seconds``; return counts and the uncaught ones."""
    from hypothesis import HealthCheck, Phase, given, settings

    counts = {Outcome.ANSWER: 0, Outcome.REFUSED: 0, Outcome.WRAPPED: 0, Outcome.UNCAUGHT: 0}
    uncaught: list[tuple[bytes, str]] = []
    wrapped: dict[str, int] = {}

    @settings(max_examples=chunk, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(hypothesis_inputs(target))
    def one(data: bytes) -> None:
        outcome, detail = run_target(target, data)
        counts[outcome] += 1
        if outcome == Outcome.UNCAUGHT and len(uncaught) < 20:
            uncaught.append((data, detail))
        if outcome == Outcome.WRAPPED:
            key = detail.split(":", 2)[1].strip() if detail.count(":") >= 2 else detail
            wrapped[key] = wrapped.get(key, 0) + 1

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        one()
    return {"cases": sum(counts.values()), "counts": counts, "uncaught": uncaught, "wrapped": wrapped}


# ---------------------------------------------------------------------------------------------
# atheris (optional, on demand)
# ---------------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] not in SUFFIX:
        print(f"usage: {argv[0]} TARGET [libFuzzer options]   (TARGET: {', '.join(SUFFIX)})", file=sys.stderr)
        return 2
    target = argv[1]
    sys.path.insert(0, str(ROOT))
    import atheris  # noqa: PLC0415 - optional

    with atheris.instrument_imports():
        import graph.rdf.parse  # noqa: F401
        import graph.rdf.registers  # noqa: F401
        import graph.sparql.gate  # noqa: F401

    def test_one_input(data: bytes) -> None:
        outcome, detail = run_target(target, data)
        if outcome == Outcome.UNCAUGHT:
            raise RuntimeError(f"uncaught loader exception: {detail}")

    corpus = CORPUS / target
    atheris.Setup([argv[0], *argv[2:], str(corpus)], test_one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
