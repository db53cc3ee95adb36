"""The building blocks of every ``ikz`` command: commands, options and arguments whose help
is a catalogue key rendered when shown (German by default, English with ``--lang en``), and the
entry point that sets the language once and sends every error down the one error path.

Help texts are keys (``help="cli.query.opt.format"``) because help is read long after the
decorators ran, in the language of this run; a plain text is shown as it is.
"""

from __future__ import annotations

import sys

import click

from graph.cli import clicktext
from graph.cli.errors import handle
from graph.core.i18n import LANGS, has, t, use

clicktext.install()


def text(value):
    """A catalogue key rendered in the language in force; anything else unchanged."""
    return t(value) if isinstance(value, str) and has(value) else value


#: Metavars click derives from a type's name, in the catalogue.
_METAVARS = {"TEXT": "cli.type.text", "INTEGER": "cli.type.integer", "FLOAT": "cli.type.number",
             "FILE": "cli.type.file", "DIRECTORY": "cli.type.folder", "PATH": "cli.type.path"}


def _metavar(value: str) -> str:
    core = value.strip("[]").rstrip(".")
    if core in _METAVARS:
        return value.replace(core, t(_METAVARS[core]).upper())
    return text(value)


class PathType(click.Path):
    """``click.Path`` whose name ("Datei", "Ordner", "Pfad") is rendered when shown."""

    @property
    def name(self) -> str:
        key = "cli.type.file" if self.file_okay and not self.dir_okay else (
            "cli.type.folder" if self.dir_okay and not self.file_okay else "cli.type.path")
        return t(key)

    @name.setter
    def name(self, value) -> None:  # click.Path.__init__ sets it; ours is computed
        pass


def path(**kwargs) -> PathType:
    return PathType(**kwargs)


class Option(click.Option):
    """An option whose help and metavar come from the catalogue."""

    @property
    def help(self):
        return text(self._help)

    @help.setter
    def help(self, value) -> None:
        self._help = value

    def make_metavar(self, ctx: click.Context) -> str:
        return _metavar(super().make_metavar(ctx))


class Argument(click.Argument):
    """An argument whose metavar (``metavar="cli.query.metavar"``) comes from the catalogue."""

    def make_metavar(self, ctx: click.Context) -> str:
        if self.metavar is not None and has(self.metavar):
            var = t(self.metavar)
            if not self.required and not var.startswith("["):
                var = f"[{var}]"
            return var + ("..." if self.nargs != 1 else "")
        return _metavar(super().make_metavar(ctx))

    @property
    def human_readable_name(self) -> str:  # "Es fehlt das Argument 'FRAGE'."
        return _metavar(super().human_readable_name)


def _requested_language(args: list[str], obj) -> str | None:
    """``--lang X`` or ``--lang=X`` anywhere on the line (the last valid one wins), else the
    caller's ``obj.lang``: help is printed before any callback runs, so the language is read
    first.

    >>> _requested_language(["query", "--help", "--lang", "en"], None), _requested_language(["--lang=fr"], None)
    ('en', None)
    """
    chosen = None
    for i, arg in enumerate(args):
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else (
            arg.split("=", 1)[1] if arg.startswith("--lang=") else None)
        if value in LANGS:
            chosen = value
    return chosen or getattr(obj, "lang", None)


class _Entry:
    """What commands and the group share: catalogue help, and :meth:`main`, the one entry point
    (language once, every error down :func:`graph.cli.errors.handle`)."""

    def _lazy_help(self, name: str):
        return text(self.__dict__.get("_" + name))

    @property
    def help(self):
        return self._lazy_help("help")

    @help.setter
    def help(self, value) -> None:
        self._help = value

    @property
    def short_help(self):
        return self._lazy_help("short_help")

    @short_help.setter
    def short_help(self, value) -> None:
        self._short_help = value

    @property
    def epilog(self):
        return self._lazy_help("epilog")

    @epilog.setter
    def epilog(self, value) -> None:
        self._epilog = value

    @property
    def options_metavar(self):
        return t("cli.type.options") if self.__dict__.get("_options_metavar") else None

    @options_metavar.setter
    def options_metavar(self, value) -> None:
        self._options_metavar = value

    def get_help_option(self, ctx: click.Context):
        option = super().get_help_option(ctx)
        if option is not None:  # click builds it once, in the language of that moment
            option.help = t("cli.click.help")
        return option

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        args = list(sys.argv[1:] if args is None else args)
        with use(_requested_language(args, extra.get("obj"))):
            if not standalone_mode:
                return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            try:
                result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except BaseException as error:  # noqa: BLE001 - the one error path decides
                sys.exit(handle(error))
            sys.exit(result if isinstance(result, int) else 0)


class Command(_Entry, click.Command):
    """A command of ``ikz``: catalogue help, one error path."""


class Group(_Entry, click.Group):
    """The ``ikz`` group: catalogue help, one error path, German usage metavars."""

    @property
    def subcommand_metavar(self):
        return t("cli.type.command")

    @subcommand_metavar.setter
    def subcommand_metavar(self, value) -> None:
        pass


def command(name: str, **attrs):
    """``@command("query")``: a :class:`Command` whose help is ``cli.query.help``."""
    attrs.setdefault("help", f"cli.{name.replace('-', '_')}.help")
    attrs.setdefault("context_settings", {"help_option_names": ["-h", "--help"]})
    return click.command(name, cls=Command, **attrs)


def option(*decls, **attrs):
    """``click.option`` with catalogue help (:class:`Option`)."""
    attrs.setdefault("cls", Option)
    return click.option(*decls, **attrs)


def argument(*decls, **attrs):
    """``click.argument`` with a catalogue metavar (:class:`Argument`)."""
    attrs.setdefault("cls", Argument)
    return click.argument(*decls, **attrs)
