"""Click's own texts ("Usage:", "Options", "Missing argument", "No such option", ...) in the
language in force.

Click wraps every text it prints in :func:`gettext.gettext`, bound in each click module as
``_`` (and ``ngettext``) when click is imported. :func:`install` replaces those two names in
click's modules by lookups in our catalogue, keyed by click's English message id (the ``en``
text of every ``cli.click.*`` entry is that id). A text click adds in a later version and we
have no entry for stays English; ``tests/test_language.py`` lists click's message ids and fails
on one we lack. No ``.mo`` files, no global gettext domain, no environment variables: the
language is the one of :func:`graph.core.i18n.current`, like every other text of the CLI.
"""

from __future__ import annotations

import importlib
from functools import lru_cache

from graph.core.i18n import catalogue, current, t

#: The click modules that print texts (each imports ``_``/``ngettext`` from gettext).
CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting",
                 "click.parser", "click.types", "click.termui")


@lru_cache(maxsize=1)
def _keys() -> dict[str, str]:
    """click's message id -> our catalogue key."""
    return {entry["en"]: key for key, entry in catalogue().items() if key.startswith("cli.click.")}


def gettext(message: str) -> str:
    """click's ``message`` in the language in force (unchanged when we have no entry).

    >>> from graph.core.i18n import use
    >>> with use("de"):
    ...     gettext("Usage:"), gettext("Missing argument")
    ('Aufruf:', 'Es fehlt das Argument')
    >>> with use("en"):
    ...     gettext("Usage:")
    'Usage:'
    """
    key = _keys().get(message)
    return t(key, current()) if key else message


def ngettext(singular: str, plural: str, count: int) -> str:
    """Singular or plural of a click message, translated like :func:`gettext`."""
    return gettext(singular if count == 1 else plural)


def install() -> None:
    """Make click print its texts through the catalogue (idempotent)."""
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext


def click_message_ids() -> set[str]:
    """Every message id click's modules pass to ``_``/``ngettext`` (read from their source),
    for the test that our catalogue covers them."""
    import ast
    import inspect

    found: set[str] = set()
    for name in CLICK_MODULES:
        tree = ast.parse(inspect.getsource(importlib.import_module(name)))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                found.update(a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return found
