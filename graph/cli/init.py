"""``ikz init [DIR] --district KEY``: a new project for any German district.

Parse, one library call (:func:`graph.core.scaffold.create_project`), report. The folder is
``DIR`` (default: the current folder), never ``--project``/``$IKZ_PROJECT``: those name an
existing project, and a new one must not land in it by accident.
"""

from __future__ import annotations

import click

from graph.core.errors import IKZError
from graph.core.i18n import render, t, use
from graph.core.scaffold import create_project


def _rendered(error: IKZError) -> IKZError:
    """The same error with its texts rendered now, in the language of this command (the
    group's handler may print it outside ``use(lang)``)."""
    copy = type(error).__new__(type(error))
    copy.__dict__.update(error.__dict__)
    copy.message = render(error.message)
    copy.fix_message = render(error.fix_message) if error.fix_message is not None else None
    Exception.__init__(copy, copy.message)
    return copy


@click.command("init", help=t("init.help.command"))
@click.argument("directory", metavar="[DIR]", required=False, default=".", type=click.Path(file_okay=True))
@click.option("--district", "district", metavar="KEY", default=None, help=t("init.help.district"))
@click.pass_context
def init(ctx: click.Context, directory: str, district: str | None):
    lang = getattr(ctx.obj, "lang", None)
    with use(lang):
        try:
            created = create_project(directory, district, lang=lang)
        except IKZError as error:
            raise _rendered(error) from None
        click.echo(t("init.created", district=created.district.label, towns=len(created.district.towns),
                     path=created.project.root))
        click.echo(t("init.next", path=directory))
