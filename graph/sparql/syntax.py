"""Shared by every engine: the syntax check of a query text (on an empty store, with a
located error) and the row cap."""

from __future__ import annotations

import itertools
import re

import pyoxigraph as ox

from graph.core.i18n import msg, t
from graph.sparql.errors import QuerySyntaxError
from graph.sparql.memo import TextMemo

#: Texts that parsed, with the prefixes they were checked with (:mod:`graph.sparql.memo`).
_CHECKED = TextMemo()


def capped(items, max_rows: int | None) -> tuple[list, bool]:
    """At most ``max_rows`` items of an iterator, and whether there were more."""
    if max_rows is None:
        return list(items), False
    taken = list(itertools.islice(items, max_rows + 1))
    return taken[:max_rows], len(taken) > max_rows


def syntax_error(message: str, text: str, where: str = "query") -> QuerySyntaxError:
    """A located syntax error (``where:line:col``) with the line and a caret."""
    match = re.search(r"error at (\d+):(\d+): (.*)", message, re.S)
    if not match:
        return QuerySyntaxError(msg("sparql.run.syntax", detail=message), where=where)
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3).strip()
    expected = re.fullmatch(r"expected (one of )?(.*)", detail, re.S)  # the parser's words, in ours
    if expected:
        detail = t("sparql.run.expected_one_of" if expected.group(1) else "sparql.run.expected",
                   what=expected.group(2))
    lines = text.splitlines()
    excerpt = ""
    if 0 < line <= len(lines):
        excerpt = f"\n  {line:>4} | {lines[line - 1]}\n       | {' ' * max(column - 1, 0)}^"
    return QuerySyntaxError(msg("sparql.run.syntax", detail=detail + excerpt), where=f"{where}:{line}:{column}",
                            fix=msg("sparql.run.syntax_fix"))


def check_syntax(text: str, prefixes: dict[str, str], where: str = "query") -> None:
    """Syntax-check ``text`` on an empty store (a located :class:`QuerySyntaxError`), once
    per text and prefixes in this process (a text that parsed is remembered: see
    :func:`checked`). pyoxigraph evaluates ASK eagerly: call it in the worker
    (``GraphQuery.run`` does)."""
    key = (text, tuple(prefixes.items()))
    if key in _CHECKED:
        return
    try:
        ox.Store().query(text, prefixes=prefixes)
    except SyntaxError as error:
        raise syntax_error(str(error), text, where) from None
    _CHECKED.put(key, True)


def checked(text: str, prefixes: dict[str, str], passed: bool = False) -> bool:
    """Whether ``text`` is known to parse with ``prefixes`` in this process; ``passed=True``
    records that it did (a check that ran in a worker for one call leaves nothing behind)."""
    key = (text, tuple(prefixes.items()))
    if passed:
        _CHECKED.put(key, True)
    return key in _CHECKED
