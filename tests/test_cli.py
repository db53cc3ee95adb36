"""The command line: help for every command, the README's commands kept true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(main.commands)


def test_top_level_help_lists_every_command():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name in COMMANDS:
        assert name in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_has_help(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith(f"Aufruf: ikz {name}")
    assert len(main.commands[name].help or "") > 40  # says what it does


@pytest.mark.parametrize("name", COMMANDS)
def test_each_command_is_in_the_readme(name):
    assert re.search(rf"\bikz {name}\b", README), f"README does not mention `ikz {name}`"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_second():
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    main_job, tests = blocks[0], blocks[1]
    assert "ikz build" in main_job and "ikz query" in main_job and "ikz view" in main_job
    assert tests.strip().endswith("pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests.strip() in ci.splitlines()


def test_version():
    from graph import __version__

    result = CliRunner().invoke(main, ["--version"])
    assert __version__ in result.output
