"""Bind query parameters: every occurrence of the variable becomes the term, by tokens.

A parameter is one variable throughout the query: in the WHERE group, in sub-SELECTs, in
MINUS and FILTER (NOT) EXISTS, in the projection and in GROUP BY / ORDER BY. The binder
replaces each occurrence of ``?name`` / ``$name`` with the term in N-Triples syntax (escaped
by rdflib's ``Term.n3()``, so a user's value stays one term and never becomes code):

* in a projection or a GROUP BY list: ``(term AS ?name)``, so the answer keeps its column;
* in ORDER BY: ``(term)``;
* elsewhere (triple patterns, expressions, CONSTRUCT templates, DESCRIBE): ``term``.

A query that assigns the parameter itself (``AS ?name``, ``VALUES ?name``) is refused.

Why not the stores' own mechanisms: pyoxigraph 0.5's ``substitutions=`` (SEP-0007) refuses a
variable that is not in the top-level projection ("does not contains variable ?x in its
SELECT projection") and leaves a sub-SELECT's unprojected variable alone; rdflib's
``initBindings`` binds it everywhere; a SPARQL Protocol endpoint has no bindings at all, and a
VALUES block at the top does not reach into a sub-SELECT. Substituting by tokens gives the same
answer on every engine, the endpoint included.

>>> from rdflib import URIRef
>>> substitute("SELECT ?t ?n WHERE { { SELECT ?n WHERE { ?t ikz:n ?n } LIMIT 1 } }",
...            {"t": URIRef("urn:x")})
'SELECT (<urn:x> AS ?t) ?n WHERE { { SELECT ?n WHERE { <urn:x> ikz:n ?n } LIMIT 1 } }'
"""

from __future__ import annotations

import re

from rdflib import BNode

from graph.core.i18n import msg
from graph.sparql.errors import QueryRefused
from graph.sparql.gate import code_tokens
from graph.sparql.memo import TextMemo

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Words that end a GROUP BY / ORDER BY list.
_MODIFIER_END = {"HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES", "GROUP"}


def substitute(text: str, bindings: dict) -> str:
    """``text`` with every variable named in ``bindings`` (name -> rdflib term) replaced by
    its term; see the module's description for where and how. Where the variables go is
    worked out once per text and set of names (:func:`plan`); each call only joins the pieces."""
    if not bindings:
        return text
    for name, term in bindings.items():
        if not _NAME.fullmatch(name):
            raise QueryRefused(msg("sparql.gate.bad_param_name", name=repr(name)),
                               fix=msg("sparql.gate.bad_param_name_fix"))
        if isinstance(term, BNode):
            raise QueryRefused(msg("sparql.bind.blank", name=name), fix=msg("sparql.bind.blank_fix"))
    pieces, slots = plan(text, frozenset(bindings))
    terms = {name: term.n3() for name, term in bindings.items()}
    out = [pieces[0]]
    for (name, form), piece in zip(slots, pieces[1:]):
        out += [form.format(term=terms[name], name=name), piece]
    return "".join(out)


_PLANS = TextMemo()


def plan(text: str, names: frozenset) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """Where the variables ``names`` occur in ``text`` and how each is replaced: the text cut
    into ``pieces`` around the occurrences, and per occurrence ``(name, form)``, ``form`` being
    ``"{term}"``, ``"({term} AS ?{name})"`` or ``"({term})"``. A query that assigns one of
    them is refused. Memoised per text and names (:mod:`graph.sparql.memo`).

    >>> plan("SELECT ?t WHERE { ?t ?p ?o }", frozenset({"t"}))
    (('SELECT ', ' WHERE { ', ' ?p ?o }'), (('t', '({term} AS ?{name})'), ('t', '{term}')))
    """
    key = (text, names)
    found = _PLANS.get(key)
    if found is None:
        found = _plan(text, names)
        _PLANS.put(key, found)
    return found


def _plan(text: str, names: frozenset) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    toks = code_tokens(text)
    edits: list[tuple[int, int, str, str]] = []
    clause = None       # "select" (projection), "group", "order", "values" or None
    clause_depth = 0    # ( ) depth where the clause started
    depth = 0           # ( ) depth
    values_open = False  # VALUES ( ?a ?b ) variable list open
    for i, token in enumerate(toks):
        word = token.text.upper() if token.kind == "word" else None
        if token.kind == "punct" and token.text == "(":
            depth += 1
        elif token.kind == "punct" and token.text == ")":
            depth -= 1
            if clause == "values" and values_open and depth < clause_depth + 1:
                clause, values_open = None, False
        if word == "SELECT":
            clause, clause_depth = "select", depth
            continue
        if word == "BY" and i and toks[i - 1].kind == "word" and toks[i - 1].text.upper() in ("GROUP", "ORDER"):
            clause, clause_depth = toks[i - 1].text.lower(), depth
            continue
        if word == "VALUES":
            clause, clause_depth, values_open = "values", depth, False
            continue
        if clause == "select" and depth == clause_depth and (word in ("WHERE", "FROM") or token.text == "{"):
            clause = None
        elif clause in ("group", "order") and depth == clause_depth and (word in _MODIFIER_END or token.text in "{}"):
            clause = None
        elif clause == "values":
            if token.text == "(" and not values_open and toks[i - 1].kind == "word":
                values_open = True
            elif token.kind != "var" and not values_open and token.text != "(":
                clause = None
        if token.kind != "var" or token.text[1:] not in names:
            continue
        name = token.text[1:]
        previous = toks[i - 1] if i else None
        if previous is not None and previous.kind == "word" and previous.text.upper() == "AS":
            raise QueryRefused(msg("sparql.bind.assigned", name=name, how=f"AS ?{name}"),
                               fix=msg("sparql.bind.assigned_fix"))
        if clause == "values":
            raise QueryRefused(msg("sparql.bind.assigned", name=name, how=f"VALUES ?{name}"),
                               fix=msg("sparql.bind.assigned_fix"))
        if clause in ("select", "group") and depth == clause_depth:
            form = "({term} AS ?{name})"
        elif clause == "order" and depth == clause_depth:
            form = "({term})"
        else:
            form = "{term}"
        edits.append((token.start, token.start + len(token.text), name, form))
    pieces, slots, at = [], [], 0
    for start, end, name, form in edits:
        pieces.append(text[at:start])
        slots.append((name, form))
        at = end
    pieces.append(text[at:])
    return tuple(pieces), tuple(slots)
