"""A small SPARQL lexer: enough to gate queries and to bind parameters with VALUES.

It knows what is code and what is a string, IRI or comment, so that keywords (SERVICE, LOAD,
INSERT, ...) and braces are only seen where SPARQL sees them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.core.errors import IKZError
from graph.core.limits import MAX_QUERY_CHARS, MAX_QUERY_DEPTH

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<pname>[A-Za-z_\u00C0-\uFFFF][\w.\-\u00B7-\uFFFF]*:[\w.\-:%\\\u00B7-\uFFFF]*|:[\w.\-:%\\\u00B7-\uFFFF]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<space>\s+)
  | (?P<punct>.)
    """,
    re.X | re.S,
)

UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
#: Deepest nesting of { } and ( ) accepted; deeper queries are refused before any parser sees
#: them (pyoxigraph crashes the process on a few thousand nested groups).
MAX_DEPTH = MAX_QUERY_DEPTH
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class QueryRefused(IKZError):
    """The query uses something IKZ-Graph does not run (SERVICE, FROM, updates, deep nesting)."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def tokens(text: str) -> list[Token]:
    """Split SPARQL text into tokens, dropping whitespace."""
    return [Token(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text) if m.lastgroup != "space"]


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def decode_codepoints(text: str) -> str:
    r"""The text with SPARQL codepoint escapes (``\u0053``, ``\U00000053``) replaced.

    SPARQL 1.1 (section 19.2) processes these *before* parsing, anywhere in the query, so a
    keyword can be spelled with them; the gate checks the decoded text as well.

    >>> decode_codepoints(r"\u0053ERVICE")
    'SERVICE'
    """
    def one(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)

    return _CODEPOINT.sub(one, text)


#: Keywords refused wherever they occur in a bare word (also glued to another word, which some
#: parsers accept: ``?s ?p trueSERVICE <x> { }`` parses in pyoxigraph as ``true SERVICE``).
_REFUSED = ("SERVICE", "FROM") + UPDATE_KEYWORDS


def _refused_word(token: Token) -> str | None:
    """The refused keyword in a bare word (or in the prefix of a prefixed name), if any."""
    if token.kind == "word":
        word = token.text.upper()
    elif token.kind == "pname":
        word = token.text.split(":", 1)[0].upper()
    else:
        return None
    if word in _REFUSED:
        return word
    return next((k for k in _REFUSED if k in word), None)


def gate(text: str, *, allow_service: bool = False, where: str = "query") -> None:
    """Refuse what a read-only, offline query service must not run.

    Checked on the text as written and on the text with codepoint escapes decoded, with a
    lexer that knows strings, IRIs and comments (a comment ends at CR or LF, as in SPARQL):
    SERVICE (unless allowed), FROM / FROM NAMED, every update keyword (LOAD, INSERT, ...),
    nesting deeper than ``MAX_DEPTH`` and text longer than ``MAX_QUERY_CHARS``. It runs before
    any parser sees the text.

    >>> gate("SELECT * WHERE { ?s ?p ?o }")
    >>> gate("SELECT * WHERE { SERVICE <http://x> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    graph.sparql.gate.QueryRefused: query:1:18: SERVICE (a federated query to another server) is refused
      fix: run the query without SERVICE, or pass --allow-service if calling that server is intended
    """
    if not isinstance(text, str):
        raise QueryRefused(f"the query must be text, not {type(text).__name__}", where=where)
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the query is longer than {MAX_QUERY_CHARS:,} characters", where=where,
                           fix="shorten the query (put long value lists into the data instead)")
    if "\x00" in text:
        line, col = _line_col(text, text.index("\x00"))
        raise QueryRefused("the query contains a NUL character", where=f"{where}:{line}:{col}",
                           fix="remove the control character")
    _gate_text(text, allow_service, where)
    decoded = decode_codepoints(text)
    if decoded != text:
        _gate_text(decoded, allow_service, where)


def _gate_text(text: str, allow_service: bool, where: str) -> None:
    depth = deepest = 0
    for token in tokens(text):
        if token.kind == "punct" and token.text in "{(":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                line, col = _line_col(text, token.start)
                raise QueryRefused(
                    f"the query nests deeper than {MAX_DEPTH} levels of {{ }} / ( )",
                    where=f"{where}:{line}:{col}", fix="flatten the query",
                )
        elif token.kind == "punct" and token.text in "})":
            depth -= 1
        else:
            word = _refused_word(token)
            if word is None or (word == "SERVICE" and allow_service):
                continue
            line, col = _line_col(text, token.start)
            if word == "SERVICE":
                raise QueryRefused(
                    "SERVICE (a federated query to another server) is refused",
                    where=f"{where}:{line}:{col}",
                    fix="run the query without SERVICE, or pass --allow-service if calling that server is intended",
                )
            if word in UPDATE_KEYWORDS:
                raise QueryRefused(
                    f"SPARQL Update ({word}) is refused: the graph is built from files, not edited by queries",
                    where=f"{where}:{line}:{col}",
                    fix="change the data files under data/ and run `ikz build`",
                )
            raise QueryRefused(
                "FROM / FROM NAMED is refused: the graph is one dataset and nothing is fetched",
                where=f"{where}:{line}:{col}",
                fix="remove the FROM clause; the query runs over the whole built graph",
            )


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query keyword.

    >>> query_form("PREFIX a: <x:> # SELECT\\nCONSTRUCT WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    for token in tokens(text):
        if token.kind == "word" and token.text.upper() in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}:
            return token.text.upper()
    return "SELECT"


def where_brace(text: str) -> int:
    """Offset just after the ``{`` that opens the query's WHERE group."""
    toks = tokens(text)
    form = query_form(text)
    i = 0
    if form == "CONSTRUCT":
        # CONSTRUCT { template } WHERE { ... }, or the short form CONSTRUCT WHERE { ... }
        k = next(k for k, t in enumerate(toks) if t.kind == "word" and t.text.upper() == "CONSTRUCT")
        if toks[k + 1].text == "{":
            depth, i = 0, k + 1
            while True:
                depth += {"{": 1, "}": -1}.get(toks[i].text, 0) if toks[i].kind == "punct" else 0
                i += 1
                if depth == 0:
                    break
    for token in toks[i:]:
        if token.kind == "punct" and token.text == "{":
            return token.start + 1
    raise QueryRefused("the query has no WHERE { ... } group to bind parameters in", fix="add a WHERE clause")


def bind_values(text: str, bindings: dict[str, str]) -> str:
    """Bind variables by a VALUES block at the start of the WHERE group.

    ``bindings`` maps variable names to terms already in N-Triples syntax (escaped by rdflib's
    ``Term.n3()``), so nothing the user typed is spliced into the query as code.

    >>> bind_values("SELECT ?l WHERE { ?t rdfs:label ?l }", {"t": "<urn:x>"})
    'SELECT ?l WHERE { VALUES (?t) { (<urn:x>) }\\n ?t rdfs:label ?l }'
    """
    if not bindings:
        return text
    names = sorted(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryRefused(f"{name!r} is not a valid parameter name", fix="use letters, digits and _")
    at = where_brace(text)
    block = " VALUES (" + " ".join("?" + n for n in names) + ") { (" + " ".join(bindings[n] for n in names) + ") }\n"
    return text[:at] + block + text[at:]
