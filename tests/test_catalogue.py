"""The de/en catalogue (graph/core/catalogue/*.toml): complete, consistent and all in use.

* every key the code uses (``t("...")``, ``msg("...")``, ``Message("...")``, a catalogue key as
  ``help=``/``metavar=`` of an option, a key in a table of keys) exists;
* every entry has German and English with the same placeholders;
* no entry is unused;
* every German text reads German (the detector of tests/test_language.py).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from graph.cli.main import main
from graph.core.i18n import catalogue, t, use
from test_language import english_in

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "graph").rglob("*.py"))
#: Page templates look keys up too: {{ t("workbench.nav.library") }}.
TEMPLATES = sorted(p for p in (ROOT / "graph").rglob("*") if p.suffix in (".j2", ".html", ".js"))
#: Strings shaped like keys that are file names.
FILE_NAME = re.compile(r"\.(?:j2|css|js|html|rq|ttl|toml|json|csv|md|txt|py)$")
CATALOGUE = catalogue()
AREAS = {key.split(".", 1)[0] for key in CATALOGUE}
KEY = re.compile(rf"^(?:{'|'.join(sorted(AREAS))})\.[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$")
LOOKUPS = {"t", "msg", "Message", "has", "text"}
PREFIXES: set[str] = set()


def _strings_used() -> tuple[set[str], set[str]]:
    """(keys looked up by name in the code, every string literal shaped like a key)."""
    looked_up, literals = set(), set()
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        # quoted keys in docstrings count too (doctests use them)
        literals.update(k for k in re.findall(r"[\"']([a-z]+\.[a-z0-9_.-]+)[\"']", source) if KEY.match(k))
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.match(node.value):
                literals.add(node.value)
            if (isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant)
                    and KEY.match(str(node.values[0].value).rstrip("."))):
                PREFIXES.add(node.values[0].value)  # f"sparql.kind.{kind}": every key under it counts
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
                if name in LOOKUPS and isinstance(node.args[0].value, str) and "." in node.args[0].value:
                    looked_up.add(node.args[0].value)
    for path in TEMPLATES:
        looked_up.update(re.findall(r"\bt\(\s*[\"']([a-z]+\.[a-z0-9_.-]+)[\"']", path.read_text(encoding="utf-8")))
    # a fragment of an f-string (f"views.title_{kind}") is a prefix, not a key
    for path in SOURCES + TEMPLATES:  # "workbench.topic." + topic, "report.basis_" + basis
        PREFIXES.update(m for m in re.findall(r"[\"']([a-z]+\.[a-z0-9_.-]*[._-])[\"']\s*\+", path.read_text(encoding="utf-8"))
                        if m.split(".")[0] in AREAS)
    return looked_up, {k for k in literals if (k in CATALOGUE or not FILE_NAME.search(k)) and not k.endswith(("_", ".", "-"))}


LOOKED_UP, LITERALS = _strings_used()


def _command_help_keys() -> set[str]:
    """``graph.cli.base.command`` gives every command the help key ``cli.NAME.help``."""
    return {f"cli.{name.replace('-', '_')}.help" for name in main.commands}


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)(?:![rsa])?(?::[^{}]*)?\}", text)) | set(re.findall(r"%\((\w+)\)s", text))


def test_every_key_the_code_looks_up_exists():
    missing = sorted(key for key in LOOKED_UP if key not in CATALOGUE and KEY.match(key))
    assert not missing, f"keys used in graph/ without a catalogue entry: {missing}"


def test_every_key_shaped_string_in_the_code_exists():
    """A key given as ``help=``, ``metavar=`` or in a table of keys (a typo would show the key)."""
    missing = sorted(LITERALS - set(CATALOGUE))
    assert not missing, f"catalogue-shaped strings in graph/ without an entry: {missing}"


#: Areas whose code looks texts up by the rest of the key (``text("as_of")`` for
#: ``report.as_of``, a table's column name for ``analysis.town_a``): an entry counts as used
#: when that rest stands as a string in the code or the templates.
AREA_RELATIVE = ("analysis.", "diff.", "report.", "views.", "workbench.")


def _quoted_words() -> set[str]:
    words = set()
    for path in SOURCES + TEMPLATES:
        source = path.read_text(encoding="utf-8")
        words.update(re.findall(r"[\"']([a-z][a-z0-9_-]*)[\"']", source))
        words.update(re.findall(r"\btext\.([a-z][a-z0-9_]*)", source))  # {{ text.png_title }} in a template
    for path in (ROOT / "queries").rglob("*"):  # topics of the workbench, columns of the facts queries
        if path.suffix in (".toml", ".rq"):
            words.update(re.findall(r"[?\"']?([a-z][a-z0-9_-]*)", path.read_text(encoding="utf-8")))
    return words


def test_no_entry_is_unused():
    used = LITERALS | LOOKED_UP | _command_help_keys()
    words = _quoted_words()
    relative = {key for key in CATALOGUE if key.startswith(AREA_RELATIVE) and key.split(".", 1)[1] in words}
    unused = sorted(key for key in CATALOGUE if key not in used | relative
                    and not key.startswith(("cli.click.", *PREFIXES)))
    assert not unused, f"catalogue entries nothing uses: {unused}"


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_entry_has_german_and_english_with_the_same_placeholders(key):
    entry = CATALOGUE[key]
    assert set(entry) == {"de", "en"}, f"{key}: languages {sorted(entry)}"
    assert entry["de"].strip() and entry["en"].strip()
    assert _placeholders(entry["de"]) == _placeholders(entry["en"]), key


def test_german_texts_read_german():
    english = {key: english_in(entry["de"]) for key, entry in CATALOGUE.items()}
    english = {key: words for key, words in english.items() if words}
    assert not english, f"German entries with English words: {english}"


def test_cli_help_keys_exist_for_every_command():
    assert _command_help_keys() <= set(CATALOGUE)
    for key in _command_help_keys():
        with use("de"):
            german = t(key)
        with use("en"):
            assert t(key) != german, key
