"""German first: under the default language no user-visible text of `ikz` is English.

Every command's help and a set of representative successful runs are read by a detector of
English: common English words and phrases that never occur in German text. Data is not text
of ours and is taken out first: option names, file names and paths, IRIs and prefixed names,
identifiers (question ids, analysis names), quoted values and SPARQL. Under ``--lang en`` the
same texts are English (the catalogue is used both ways).
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from graph.cli import clicktext
from graph.cli.main import main
from graph.core.i18n import catalogue, use

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = sorted(main.commands)

#: English words and phrases that never occur in German text (no German homographs such as
#: "die", "was", "will", "an", "in", "so", "also", "hat", "man", "art").
ENGLISH = re.compile(
    r"\b(the|is|are|not|found|use|uses|with|without|of|to|for|this|that|which|from|into|cannot|can't|"
    r"must|should|please|give|unknown|missing|invalid|expected|error|usage|show|written|folder|"
    r"exit|such|did you mean|try|known|does|there|their|has|have|been|be|by|or|and|it|its|"
    r"default|required|options|commands|arguments|message|only|each|every|one of|first|run|"
    r"choose|value|values|file|files|rows?|yes|no)\b|Show this|Usage:|Options:|Error|error:",
    re.IGNORECASE,
)

#: Data inside a text: taken out before the detector reads it.
DATA = [
    re.compile(r"`[^`]*`"),                                 # code: `ikz queries`
    re.compile(r"'[^']*'|\"[^\"]*\"|«[^»]*»|„[^“]*“"),      # quoted values: 'Hallenbad', „it“
    re.compile(r"\b(?:SELECT|CONSTRUCT|DESCRIBE|ASK|FROM|NAMED|SERVICE|WHERE|LOAD|INSERT|DELETE|VALUES|PREFIX|"
               r"LIMIT|OPTIONAL|FILTER|MINUS|EXISTS|GRAPH|UNION)\b"),  # SPARQL keywords (upper case)
    re.compile(r"\{[^{}]*\}"),                              # SPARQL groups, choice lists
    re.compile(r"\[[a-z_|]+\]"),                            # choice metavars: [table|md]
    re.compile(r"\S+://\S+"),                               # IRIs and URLs
    re.compile(r"(?<!\w)-{1,2}[A-Za-z][\w-]*"),             # option names: --with, -o
    re.compile(r"\S*[/\\]\S*"),                             # paths: data/en-kreis/x.ttl
    re.compile(r"\b\w+\.(?:ttl|nt|jsonld|json|rq|csv|tsv|xlsx|html|md|txt|toml|py)\b"),  # file names
    re.compile(r"\b[\w]+(?:[-_:][\w]+)+\b"),                # identifiers: partners-of-town, cut_towns, ikz:Survey
    re.compile(r"\b[a-z]+[A-Z]\w*\b"),                      # variables: partnerLabel
    re.compile(r"\?\w+"),                                   # SPARQL variables
]


def english_in(text: str) -> list[str]:
    """English words of ours in ``text`` (after taking the data out).

    >>> english_in("Fehler: Die Option '--nope' gibt es nicht.")
    []
    >>> english_in("Error: No such option '--nope'.")
    ['Error', 'No', 'such']
    """
    for pattern in DATA:
        text = pattern.sub(" ", text)
    return [m.group(0) for m in ENGLISH.finditer(text)]


def assert_german(text: str, where: str) -> None:
    english = english_in(text)
    assert not english, f"{where}: English under --lang de: {english}\n{text}"


# -- help ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--help"]] + [[name, "--help"] for name in COMMANDS], ids=" ".join)
def test_help_is_german_by_default(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Aufruf: ikz")
    assert "Optionen:" in result.output and "Diese Hilfe zeigen und beenden." in result.output
    assert_german(result.output, "ikz " + " ".join(args))


@pytest.mark.parametrize("args", [["--lang", "en", "query", "--help"], ["query", "--help", "--lang", "en"],
                                  ["query", "--lang=en", "--help"], ["--help", "--lang", "en"]], ids=" ".join)
def test_help_is_english_with_lang_en_anywhere_on_the_line(args):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ikz") and "Options:" in result.output
    assert "Show this message and exit." in result.output and "Aufruf" not in result.output


def test_help_follows_ikz_lang(monkeypatch):
    monkeypatch.setenv("IKZ_LANG", "en")
    assert CliRunner().invoke(main, ["view", "--help"]).output.startswith("Usage: ikz view [OPTIONS]")
    monkeypatch.setenv("IKZ_LANG", "de")
    assert CliRunner().invoke(main, ["view", "--help"]).output.startswith("Aufruf: ikz view [OPTIONEN]")


def test_every_command_accepts_lang_before_and_after_its_name():
    for name in COMMANDS:
        command = main.commands[name]
        assert "--lang" in {opt for p in command.params for opt in getattr(p, "opts", [])}, name
        result = CliRunner().invoke(main, [name, "--lang", "en", "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output, name


def test_the_language_does_not_leak_into_the_next_run():
    CliRunner().invoke(main, ["--lang", "en", "queries", "--help"])
    assert CliRunner().invoke(main, ["queries", "--help"]).output.startswith("Aufruf:")


def test_clicks_own_texts_are_all_in_the_catalogue():
    """A click upgrade that adds a user-visible text fails here until it has a German entry.
    (Texts for programmers - declaration errors, shell completion - are not shown to users.)"""
    ours = {entry["en"] for key, entry in catalogue().items() if key.startswith("cli.click.")}
    for_programmers = {"d", "deprecated", "Choice({choices})", "Windows error: {error}",
                       "{editor}: Editing failed", "{editor}: Editing failed: {e}",
                       "Could not determine name for option with declarations {decls!r}",
                       "Boolean option {decl!r} cannot use the same flag for true/false.",
                       "Name '{name}' defined twice", "Unknown color {colour!r}", "Unknown standard stream '{name}'",
                       "Arguments take exactly one parameter declaration, got {length}: {decls}.",
                       "DeprecationWarning: The command {name!r} is deprecated.{extra_message}",
                       "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}",
                       "No options defined but a name was passed ({name}). Did you mean to declare an argument "
                       "instead? Did you mean to pass '--{name}'?",
                       "Invalid start character for option ({option})", "{value!r} is not a valid UUID.",
                       "{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}.",
                       "Couldn't detect Bash version, shell completion is not supported.",
                       "Shell completion is not supported for Bash versions older than 4.4.",
                       "file", "directory", "path"}  # the type names: graph.cli.base.PathType renders them
    missing = clicktext.click_message_ids() - ours - for_programmers
    assert not missing, f"click texts without a catalogue entry: {sorted(missing)}"


def test_click_texts_render_in_both_languages():
    with use("de"):
        assert click.exceptions.NoSuchOption("--nope").format_message() == "Die Option '--nope' gibt es nicht."
    with use("en"):
        assert click.exceptions.NoSuchOption("--nope").format_message() == "No such option '--nope'."


# -- representative runs ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs(built, tmp_path_factory):
    """Representative successful runs, each in German (default) and English."""
    out = tmp_path_factory.mktemp("language")
    graph = str(built.output)
    cases = {
        "queries": ["queries"],
        "query": ["query", "partners-of-town", "-p", "town", "Breckerfeld", "--format", "table", "--graph", graph],
        "query -o": ["query", "competent-office", "--graph", graph, "--format", "csv", "-o", str(out / "a.csv")],
        "analyze": ["analyze", "summary", "--graph", graph],
        "analyze -o": ["analyze", "summary", "--graph", graph, "-o", str(out / "a.txt")],
        "view": ["view", "partners", "--graph", graph, "-o", str(out / "v.html")],
        "report": ["report", "--graph", graph, "--no-live", "-o", str(out / "r.html")],
        "diff": ["diff", graph, graph],
        "build": ["build", "-o", str(out / "graph")],
    }
    return {name: {lang: CliRunner().invoke(main, ["--project", str(ROOT), "--lang", lang, *args]) for lang in ("de", "en")}
            for name, args in cases.items()}


@pytest.mark.parametrize("name", ["queries", "query", "query -o", "analyze", "analyze -o", "view", "report", "diff", "build"])
def test_successful_runs_speak_german_by_default(runs, name):
    german, english = runs[name]["de"], runs[name]["en"]
    assert german.exit_code == 0 and english.exit_code == 0, german.output + english.output
    assert_german(german.output, name)
    assert german.output != english.output


def test_what_the_runs_say(runs):
    assert runs["view"]["de"].output.startswith("Ansicht geschrieben nach ")
    assert runs["view"]["en"].output.startswith("View written to ")
    assert runs["query -o"]["de"].output.strip().endswith("a.csv") and " Zeilen → " in runs["query -o"]["de"].output
    assert runs["report"]["de"].output.startswith("Bericht geschrieben: ")
    assert runs["build"]["de"].output.startswith("Graph gebaut: ") and "SHACL-Validierung: keine Verstöße." in runs["build"]["de"].output
    assert runs["build"]["en"].output.startswith("Graph built: ")
    assert runs["queries"]["de"].output.startswith("Benannte Fragen\n")
    assert "town: municipality = Witten" in runs["queries"]["de"].output
