"""Changes to ``data/``: checked in a temporary copy of the project with every check of the
build, then written file by file atomically. Also the errors of the ingest workflow."""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from graph.builder.build import (ChecksMessage, DataCheckError, ShapesReportMessage, check_violations, load_project,
                                 validate_project)
from graph.core.i18n import LANGS, Message, current, msg, render
from graph.core.files import write_text
from graph.core.errors import IKZError, SourceDataError, ValidationError
from graph.rdf.tables import TableError
from graph.core.project import Project



class ReviewError(SourceDataError):
    """A draft still has unreviewed candidates (or candidates without a source)."""


class ImportTableError(TableError):
    """A spreadsheet has errors; ``problems`` lists each with its row and column."""

    def __init__(self, message, problems=None, **kwargs):
        self.problem_messages = list(problems or [])
        super().__init__(message, **kwargs)

    @property
    def problems(self) -> list[str]:
        """Each problem ("Zeile 3, Spalte 'Status': ...") in the language in force."""
        return [render(p) for p in self.problem_messages]


@dataclass
class Changes:
    """Files to write below ``data/`` (relative path → new text), in writing order."""

    files: dict[str, str] = field(default_factory=dict)

    def add(self, relative: str | Path, text: str) -> None:
        self.files[str(relative)] = text


# ---------------------------------------------------------------------------------------------
# Check in a temporary copy, then write atomically
# ---------------------------------------------------------------------------------------------


def _copy_project(project: Project, target: Path) -> Project:
    for name in ("ontology", "data", "queries"):
        source = project.root / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(".*.tmp-*", ".*.tmp"))
    return Project(target)


def check_changes(project: Project, changes: Changes, *, base: str | None = None, remap=None) -> None:
    """Apply ``changes`` to a temporary copy of the project and run every check of the build.

    Raises the build's errors (located, with a fix); ``remap(where)`` rewrites locations in
    the temporary copy into what the user knows (a draft's own path, a spreadsheet row).
    """
    remap = remap or (lambda where: where)
    with tempfile.TemporaryDirectory(prefix="ikz-check-") as tmp:
        copy = _copy_project(project, Path(tmp))
        for relative, text in changes.files.items():
            path = copy.data_dir / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        try:
            loaded = load_project(copy, base)
        except IKZError as error:
            raise relocated(error, remap) from None
        report = validate_project(loaded)
        if not report.conforms:
            report.results[:] = [dataclasses.replace(r, where=remap(r.where or "")) for r in report.results]
            raise ValidationError(ShapesReportMessage(report, "ingest.check.shapes"), report=report,
                                  fix=msg("ingest.check.shapes-fix"))
        failures = check_violations(loaded)
        if failures:
            raise DataCheckError(ChecksMessage(loaded, failures, "ingest.check.checks", lambda text: remap_text(text, remap)),
                                 fix=msg("ingest.check.checks-fix"))


def remap_text(text: str, remap) -> str:
    """``text`` with every ``data/...[:line]`` place rewritten by ``remap``."""
    return re.sub(r"(data/[^\s:]+(?::\d+)?)", lambda m: remap(m.group(1)), text)


class ListMessage(Message):
    """Several messages, one per line (indented), rendered together in the language in force."""

    def __init__(self, items):  # noqa: D107
        self.key, self.values, self.items = "core.error.fix", {}, list(items)

    def render(self, lang: str | None = None) -> str:
        return "\n  ".join(render(item, lang) for item in self.items)


class _Remapped(Message):
    """A message whose places in the temporary copy are rewritten, in both languages."""

    def __init__(self, message, remap):  # noqa: D107
        self.key, self.values = getattr(message, "key", "core.error.fix"), {}
        self.texts = {lang: remap_text(render(message, lang), remap) for lang in LANGS}

    def render(self, lang: str | None = None) -> str:
        return self.texts[lang if lang in self.texts else current()]


def relocated(error: IKZError, remap) -> IKZError:
    """A copy of ``error`` whose places (``where`` and paths in its text) are remapped."""
    moved = type(error).__new__(type(error))
    moved.__dict__.update(error.__dict__)
    IKZError.__init__(moved, _Remapped(error.message, remap), where=remap(error.where) if error.where else None,
                      fix=error.fix_message)
    return moved


def write_changes(project: Project, changes: Changes) -> list[Path]:
    """Write the checked changes into ``data/`` (register additions first, each file atomic)."""
    written = []
    for relative, text in changes.files.items():
        path = project.data_dir / relative
        write_text(text, path)
        written.append(path)
    return written
