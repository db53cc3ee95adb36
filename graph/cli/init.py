"""``ikz init [DIR] --district KEY``: a new project for any German district.

Parse, one library call (:func:`graph.core.scaffold.create_project`), report. The folder is
``DIR`` (default: the current folder), never ``--project``/``$IKZ_PROJECT``: those name an
existing project, and a new one must not land in it by accident.
"""

from __future__ import annotations

import click

from graph.cli.base import argument, command, option, path
from graph.cli.options import lang_option
from graph.core.i18n import current, t
from graph.core.scaffold import create_project


@command("init")
@argument("directory", metavar="cli.init.metavar", required=False, default=".", type=path(file_okay=True))
@option("--district", "district", metavar="cli.init.metavar_district", default=None, help="cli.init.opt.district")
@lang_option
def init(directory: str, district: str | None):
    created = create_project(directory, district, lang=current())
    click.echo(t("init.created", district=created.district.label, towns=len(created.district.towns),
                 path=created.project.root))
    click.echo(t("init.next", path=directory))


COMMANDS = [init]
