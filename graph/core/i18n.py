"""One de/en catalogue for every text a user reads: messages, help, table headings, errors.

The catalogue is data, not code: ``graph/core/catalogue/*.toml``, one file per layer (``cli``,
``sparql``, ``build``, ...) so that keys live beside the code that uses them, but loaded, checked
and looked up in one place. Every entry has German and English::

    [query.timeout]
    de = "Die Abfrage lief länger als {seconds} s und wurde abgebrochen."
    en = "The query ran longer than {seconds} s and was stopped."

Keys are unique across all files (a duplicate is an error at load time). German is the
default; ``--lang en`` (or ``$IKZ_LANG``) switches the whole run to English through
:func:`use`. Library code never formats a user text itself: it calls :func:`t` or passes a
:class:`Message` (rendered when it is shown, in the language in force then).

>>> t("core.lang.name", "de"), t("core.lang.name", "en")
('Deutsch', 'English')
>>> with use("en"):
...     str(msg("core.lang.name"))
'English'
"""

from __future__ import annotations

import contextvars
import os
import tomllib
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources

LANGS = ("de", "en")
DEFAULT_LANG = "de"

_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("ikz_lang", default=None)


class CatalogueError(Exception):
    """The catalogue itself is broken (a bug of IKZ-Graph, found by the tests)."""


def current() -> str:
    """The language in force: set by :func:`use`, else ``$IKZ_LANG``, else German."""
    lang = _current.get() or os.environ.get("IKZ_LANG") or DEFAULT_LANG
    return lang if lang in LANGS else DEFAULT_LANG


def set_language(lang: str | None) -> None:
    """Set the language for the rest of this run (the CLI calls it once, from ``--lang``)."""
    _current.set(lang if lang in LANGS else None)


@contextmanager
def use(lang: str | None):
    """Use ``lang`` inside the ``with`` block."""
    token = _current.set(lang if lang in LANGS else None)
    try:
        yield
    finally:
        _current.reset(token)


@lru_cache(maxsize=None)
def catalogue() -> dict[str, dict[str, str]]:
    """Every entry of every ``catalogue/*.toml``: key -> {"de": ..., "en": ...}."""
    entries: dict[str, dict[str, str]] = {}
    origin: dict[str, str] = {}
    folder = resources.files("graph.core") / "catalogue"
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".toml"):
            continue
        data = tomllib.loads(item.read_text(encoding="utf-8"))
        for key, value in _flatten(data):
            if key in entries:
                raise CatalogueError(f"catalogue key {key!r} in {item.name} is already in {origin[key]}")
            missing = [lang for lang in LANGS if not isinstance(value.get(lang), str)]
            if missing:
                raise CatalogueError(f"catalogue key {key!r} in {item.name} has no text for {missing}")
            entries[key], origin[key] = value, item.name
    return entries


def _flatten(table: dict, prefix: str = ""):
    """TOML tables to dotted keys: an entry is a table whose values are the languages."""
    for name, value in table.items():
        key = f"{prefix}{name}"
        if not isinstance(value, dict):
            raise CatalogueError(f"catalogue entry {prefix.rstrip('.')!r} has a stray value {name!r}")
        if any(lang in value for lang in LANGS):
            nested = [k for k, v in value.items() if isinstance(v, dict)]
            if nested:
                raise CatalogueError(f"catalogue entry {key!r} has texts and sub-entries {nested}: "
                                     f"name the texts' entry apart (e.g. {key}.what)")
            yield key, value
        else:
            yield from _flatten(value, key + ".")


def t(key: str, lang: str | None = None, /, **values) -> str:
    """The text of ``key`` in ``lang`` (default: the language in force), with ``{name}``
    placeholders filled from ``values``. An unknown key is a bug: :class:`KeyError`."""
    entry = catalogue()[key]
    text = entry[lang if lang in LANGS else current()]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    return key in catalogue()


class Message:
    """A text from the catalogue, rendered when shown (``str()``), in the language in force then.

    Errors carry messages, not strings, so that one error reads German in ``ikz`` and English
    under ``--lang en`` without the library knowing which."""

    __slots__ = ("key", "values")

    def __init__(self, key: str, /, **values):
        if key not in catalogue():
            raise KeyError(f"unknown catalogue key {key!r}")
        self.key, self.values = key, values

    def render(self, lang: str | None = None) -> str:
        values = {k: (v.render(lang) if isinstance(v, Message) else v) for k, v in self.values.items()}
        return t(self.key, lang, **values)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.key!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Message) and (self.key, self.values) == (other.key, other.values)

    def __hash__(self) -> int:
        return hash(self.key)


def msg(key: str, /, **values) -> Message:
    """Shorthand for :class:`Message`."""
    return Message(key, **values)


def render(text, lang: str | None = None) -> str:
    """A :class:`Message` or a plain string (data: a label, a path) as text in ``lang``."""
    if text is None:
        return ""
    return text.render(lang) if isinstance(text, Message) else str(text)
