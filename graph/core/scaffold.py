"""Create a new project for any German district: ``ikz init [DIR] --district KEY``.

A new project gets what the build needs and nothing to maintain twice:

* ``data/reference/<key>-municipalities.csv``: the district's towns from the national register
  shipped with the package (its columns: ``ags, name, kreis_key, kreis_name, nuts3, land``, the
  layout ``ikz import`` also writes, so the build describes the district and its Land too);
* ``data/sources.ttl``: the register as a source document, with attribution;
* ``data/sources/``: empty, for the texts the statements quote;
* ``ontology/`` and the named questions and data checks ``queries/*.rq``, copied from the package
  (the project owns them, see :mod:`graph.core.project`);
* ``vorlagen/``: a cooperation with its quote and a sample text, not loaded until copied to data/;
* ``README.md`` in the language of the run (German by default).

Everything is written into a staging folder first and moved into place at the end, so a failure
(or Ctrl-C) leaves no half project. A folder that is a project already, or holds a file a new
project would need, is refused: nothing is overwritten.

>>> find_district("05954").name, find_district("Ennepe").key
('Ennepe-Ruhr-Kreis', '05954')
"""

from __future__ import annotations

import csv
import difflib
import io
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources as importlib_resources
from pathlib import Path
from string import Template

from graph.core import resources
from graph.core.errors import IKZError, ProjectError
from graph.core.files import file_error
from graph.core.i18n import current, msg
from graph.core.project import Project, is_project

#: The columns of the national register, and of the register a new project gets.
REGISTER_COLUMNS = ("ags", "name", "kreis_key", "kreis_name", "nuts3", "land")
#: What ``ikz init`` puts into the project folder (top-level names).
CREATED = ("README.md", "data", "ontology", "queries", "vorlagen")
#: The default of a ``district`` parameter in a question's ``# params:`` header.
_DISTRICT_DEFAULT = re.compile(r"^(#\s*params:.*?\bdistrict\s*:\s*district\s*=\s*)[^;\n]+", re.M)


class DistrictError(IKZError):
    """The district given to ``ikz init`` is missing, unknown or ambiguous."""


@dataclass(frozen=True)
class District:
    """A district (Kreis or kreisfreie Stadt) of the national register with its towns."""

    key: str
    name: str
    land: str
    towns: tuple[dict, ...]

    @property
    def label(self) -> str:
        return f"{self.name} ({self.key})"


@dataclass(frozen=True)
class Created:
    """What :func:`create_project` made."""

    project: Project
    district: District
    files: tuple[Path, ...]


# ---------------------------------------------------------------------------------------------
# Districts of the national register
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def districts(register: Path | None = None) -> dict[str, District]:
    """Every district of the national register (default: the packaged one), by key."""
    path = Path(register) if register else resources.national_register()
    rows: dict[str, list[dict]] = {}
    for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
        rows.setdefault(row["kreis_key"], []).append({c: row[c] for c in REGISTER_COLUMNS})
    return {key: District(key, towns[0]["kreis_name"], towns[0]["land"], tuple(sorted(towns, key=lambda r: r["ags"])))
            for key, towns in sorted(rows.items())}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("ß", "ss")
    return " ".join(text.replace("-", " ").replace(",", " ").split())


#: The official form of a district's name said in front of it (folded), as people write it.
_FORM = re.compile(r"^(?:(?:land)?kreis|lkr\.?|(?:kreisfreie )?stadt|stadtkreis)\s+")


def find_district(value: str | None, register: Path | None = None) -> District:
    """The district named by ``value``: a 5-digit key (``05954``), an 8-digit AGS of one of
    its towns, or its name or the start of it (``Ennepe``). Unknown or ambiguous values are a
    :class:`DistrictError` with suggestions ("Rosenheim, Landkreis (09187)")."""
    known = districts(register)
    if not value or not value.strip():
        raise DistrictError(msg("init.district.missing"), fix=msg("init.district.missing_fix"))
    value = value.strip()
    if value.isdigit():
        key = value[:5] if len(value) == 8 else value
        if len(key) == 5 and key in known:
            return known[key]
        raise DistrictError(msg("init.district.unknown_key", value=value), fix=msg("init.district.key_fix"))
    wanted = _fold(value)
    by_name = {_fold(d.name): d for d in known.values()}
    if wanted in by_name:
        return by_name[wanted]
    form = _FORM.match(wanted)  # "Kreis Unna", "Landkreis Rosenheim", "Stadt Dortmund"
    if form:
        bare = wanted[form.end():]
        city = form.group(0).strip().endswith("stadt")
        same = [d for d in known.values() if _fold(_short(d.name)) == bare]
        fitting = [d for d in same if ("kreisfreie stadt" in _fold(d.name)) == city] or same
        if len(fitting) == 1:
            return fitting[0]
        wanted = bare
    starting = [d for name, d in by_name.items() if name.startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    if starting:
        raise DistrictError(msg("init.district.ambiguous", value=value,
                                candidates=", ".join(d.label for d in starting[:8])),
                            fix=msg("init.district.key_fix"))
    names: dict[str, list[District]] = {}  # full names and short ones ("Dortmund", two "Rosenheim")
    for d in known.values():
        for name in dict.fromkeys((_fold(d.name), _fold(_short(d.name)))):
            names.setdefault(name, []).append(d)
    matches = difflib.get_close_matches(wanted, list(names), n=3, cutoff=0.8)
    close = list(dict.fromkeys(d.label for c in matches for d in names[c]))
    if close:
        raise DistrictError(msg("init.district.unknown_name", value=value),
                            fix=msg("init.district.did_you_mean", candidates=", ".join(close)))
    raise DistrictError(msg("init.district.unknown_name", value=value), fix=msg("init.district.key_fix"))


# ---------------------------------------------------------------------------------------------
# The project
# ---------------------------------------------------------------------------------------------


def _template(name: str) -> Template:
    return Template((importlib_resources.files("graph.core") / "project_templates" / name).read_text(encoding="utf-8"))


def _version() -> str:
    try:
        return metadata.version("ikz-graph")
    except metadata.PackageNotFoundError:
        return "dev"


def _register_csv(district: District) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, REGISTER_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(district.towns)
    return out.getvalue()


def _short(name: str) -> str:
    return name.split(",")[0].strip()


def _values(district: District) -> dict[str, str]:
    first = district.towns[0]
    second = district.towns[1] if len(district.towns) > 1 else None
    return {
        "district_name": district.name, "district_key": district.key, "town_count": str(len(district.towns)),
        "register_stem": f"{district.key}-municipalities", "version": _version(),
        "town_a": _short(first["name"]), "ags_a": first["ags"],
        # a kreisfreie Stadt has one town: the example pairs it with its own district then
        "town_b": _short(second["name"]) if second else district.name,
        "member_b": f"m:{second['ags']}" if second else f"d:{district.key}",
        "member_b_slug": second["ags"] if second else district.key,
    }


def _files(district: District, lang: str) -> dict[str, str | Path]:
    """Relative path in the new project -> text to write, or a packaged file to copy."""
    values = _values(district)
    files: dict[str, str | Path] = {
        "README.md": _template(f"README.{lang}.md").substitute(values),
        f"data/reference/{values['register_stem']}.csv": _register_csv(district),
        "data/sources.ttl": _template("sources.ttl").substitute(values),
        "vorlagen/kooperation.ttl": _template("kooperation.ttl").substitute(values),
        "vorlagen/beispiel-beschluss.txt": _template("beispiel-beschluss.txt").substitute(values),
    }
    ontology = resources.ontology_dir()
    for path in sorted(ontology.iterdir()):
        if path.is_file() and path.suffix in (".ttl", ".md"):
            files[f"ontology/{path.name}"] = path
    queries = resources.query_dir()
    for path in sorted(queries.iterdir()):
        if path.suffix == ".rq":  # the questions ask about the project's district by default
            files[f"queries/{path.name}"] = _DISTRICT_DEFAULT.sub(rf"\g<1>{district.key}", path.read_text(encoding="utf-8"))
        elif path.suffix == ".md":
            files[f"queries/{path.name}"] = path
    return files


def check_target(target: str | os.PathLike) -> Path:
    """The folder a new project may be created in; refuses a project or a file in the way."""
    target = Path(target).expanduser().absolute()
    if target.exists() and not target.is_dir():
        raise ProjectError(msg("init.not_a_folder"), where=str(target), fix=msg("init.not_a_folder_fix"))
    if is_project(target):
        raise ProjectError(msg("init.already_project"), where=str(target), fix=msg("init.already_project_fix"))
    in_the_way = [name for name in CREATED if (target / name).exists() or (target / name).is_symlink()]
    if in_the_way:
        raise ProjectError(msg("init.in_the_way", names=", ".join(in_the_way)), where=str(target),
                           fix=msg("init.in_the_way_fix"))
    return target


def create_project(target: str | os.PathLike, district: str | District, *, lang: str | None = None) -> Created:
    """Create a new project for ``district`` (key, AGS or name) in the folder ``target``
    (created if missing). Writes all or nothing; returns the project and the files."""
    target = check_target(target)
    district = district if isinstance(district, District) else find_district(district)
    files = _files(district, lang if lang in ("de", "en") else current())
    made_target = not target.exists()
    moved: list[Path] = []
    staging = None
    try:
        target.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".ikz-init.", dir=target))
        for relative, content in files.items():
            path = staging / relative
            if isinstance(content, Path):
                path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(content, path)
            else:  # the staging folder is swapped in whole: a plain write suffices here
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(content, encoding="utf-8")
        (staging / "data" / "sources").mkdir()
        for name in CREATED:  # each rename is atomic; a failure undoes the ones done
            os.rename(staging / name, target / name)
            moved.append(target / name)
    except BaseException as error:
        for path in moved:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if made_target:
            shutil.rmtree(target, ignore_errors=True)
        if isinstance(error, OSError):
            raise file_error(error, target, writing=True) from None
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return Created(Project(target), district, tuple(sorted(target / relative for relative in files)))
