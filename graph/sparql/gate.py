"""The query gate: a small SPARQL tokenizer, and the refusals that run before any parser.

The tokenizer knows what is code and what is data: IRIs ``<...>``, prefixed names (also
``address:`` style prefixes), strings in all four quote forms with escapes, comments,
variables, blank nodes, language tags, numbers, punctuation and bare words (keywords). The gate
looks for forbidden keywords only among bare words, never inside a prefix, a local name, a
string, an IRI or a comment.

>>> [t.kind for t in tokens('PREFIX address: <https://schema.org/> SELECT ?x { ?x address:add "ADD" }')]
['word', 'pname', 'iri', 'word', 'var', 'punct', 'var', 'pname', 'string', 'punct']
>>> gate("PREFIX address: <https://schema.org/> SELECT * WHERE { ?s address:name ?o }")
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.core.i18n import msg
from graph.core.limits import MAX_QUERY_CHARS, MAX_QUERY_DEPTH
from graph.sparql.errors import QueryRefused
from graph.sparql.memo import TextMemo

__all__ = ["QueryRefused", "Token", "tokens", "gate", "query_form", "where_brace", "bind_values",
           "decode_codepoints", "UPDATE_KEYWORDS", "MAX_DEPTH"]

_PN_CHARS_BASE = "A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D" \
                 "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
_PN_CHARS = _PN_CHARS_BASE + "_\\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_LOCAL = f"(?:[{_PN_CHARS_BASE}_:0-9]|%[0-9A-Fa-f]{{2}}|\\\\[_~.\\-!$&'()*+,;=/?#@%])" \
         f"(?:(?:[{_PN_CHARS}:.]|%[0-9A-Fa-f]{{2}}|\\\\[_~.\\-!$&'()*+,;=/?#@%])*" \
         f"(?:[{_PN_CHARS}:]|%[0-9A-Fa-f]{{2}}|\\\\[_~.\\-!$&'()*+,;=/?#@%]))?"

_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][{_PN_CHARS}]+)
  | (?P<bnode>_:[{_PN_CHARS}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
  | (?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)
  | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>\^\^|&&|\|\||!=|<=|>=|.)
    """,
    re.X | re.S,
)

#: The update keywords (SPARQL 1.1 Update): refused wherever a bare word holds them.
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH", "USING")
#: Deepest nesting of { } and ( ) accepted; deeper queries are refused before any parser sees
#: them (pyoxigraph crashes the process on a few thousand nested groups).
MAX_DEPTH = MAX_QUERY_DEPTH
_REFUSED = ("SERVICE", "FROM") + UPDATE_KEYWORDS
#: Keywords a lenient parser also reads inside the prefix of a prefixed name: pyoxigraph 0.5
#: parses ``serviceArea:x { }`` as ``SERVICE Area:x { }``, ``SELECT * fromage:x`` as
#: ``FROM age:x`` and ``?s ?p trueservice:x { }`` as ``true SERVICE :x { }`` (measured). The
#: update keywords are never read there (a query parser has no ADD), so ``address:`` passes.
_GLUED_PREFIX = ("SERVICE", "FROM")
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
#: Texts that passed the gate, with allow_service as it was (:mod:`graph.sparql.memo`): a
#: verdict depends on the text alone, so a question asked again is not tokenized again.
_PASSED = TextMemo()
_FORMS = TextMemo()


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def tokens(text: str) -> list[Token]:
    """Split SPARQL text into tokens, dropping whitespace (comments are kept as tokens)."""
    return [Token(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text) if m.lastgroup != "space"]


def code_tokens(text: str) -> list[Token]:
    """The tokens without comments: what a parser reads."""
    return list(iter_code_tokens(text))


def iter_code_tokens(text: str):
    """:func:`code_tokens`, one at a time (the gate stops at the first refusal)."""
    for m in _TOKEN.finditer(text):
        if m.lastgroup not in ("space", "comment"):
            yield Token(m.lastgroup, m.group(), m.start())


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


def refused_keyword(token: Token, previous: Token | None = None) -> tuple[str, str] | None:
    """``(keyword, how)`` when ``token`` is a keyword the gate refuses, else None.

    ``how`` is ``"word"`` for a bare word (SPARQL has no bare words but keywords; one that
    merely *contains* a refused keyword is refused too, because pyoxigraph reads
    ``trueSERVICE`` as ``true SERVICE``) and ``"prefix"`` for a prefixed name whose prefix
    *contains* SERVICE or FROM (read as that keyword by lenient parsers). A prefix declared
    after PREFIX is a declaration, not a use.

    >>> refused_keyword(Token("word", "service", 0))
    ('SERVICE', 'word')
    >>> refused_keyword(Token("pname", "address:street", 0)) is None
    True
    """
    if token.kind == "word":
        word = token.text.upper()
        if word in _REFUSED:
            return word, "word"
        found = next((k for k in _REFUSED if k in word), None)
        return (found, "word") if found else None
    if token.kind == "pname" and not (previous is not None and previous.kind == "word"
                                      and previous.text.upper() == "PREFIX"):
        prefix = token.text.split(":", 1)[0].upper()
        found = next((k for k in _GLUED_PREFIX if k in prefix), None)
        return (found, "prefix") if found else None
    return None


def gate(text: str, *, allow_service: bool = False, where: str = "query") -> None:
    """Refuse what a read-only, offline query service must not run.

    Checked on the text as written and on the text with codepoint escapes decoded, by tokens:
    SERVICE (unless allowed), FROM / FROM NAMED, every update keyword (LOAD, INSERT, ...),
    nesting deeper than ``MAX_DEPTH`` and text longer than ``MAX_QUERY_CHARS``. It runs before
    any parser sees the text. Errors are located (``query:line:col``).

    >>> gate("SELECT * WHERE { ?s ?p ?o }")
    >>> gate("SELECT * WHERE { SERVICE <http://x> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    graph.sparql.errors.QueryRefused: query:1:18: SERVICE (eine föderierte Abfrage an einen anderen Server) wird abgelehnt.
      Behebung: Stellen Sie die Abfrage ohne SERVICE, oder geben Sie --allow-service an, wenn der Aufruf dieses Servers gewollt ist.
    """
    if not isinstance(text, str):
        raise QueryRefused(msg("sparql.gate.not_text", kind=type(text).__name__), where=where)
    if (text, allow_service) in _PASSED:
        return
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(msg("sparql.gate.too_long", limit=f"{MAX_QUERY_CHARS:,}"), where=where,
                           fix=msg("sparql.gate.too_long_fix"))
    if "\x00" in text:
        line, col = _line_col(text, text.index("\x00"))
        raise QueryRefused(msg("sparql.gate.nul"), where=f"{where}:{line}:{col}", fix=msg("sparql.gate.nul_fix"))
    _gate_text(text, allow_service, where)
    decoded = decode_codepoints(text)
    if decoded != text:
        _gate_text(decoded, allow_service, where)
    _PASSED.put((text, allow_service), True)


def _gate_text(text: str, allow_service: bool, where: str) -> None:
    depth = deepest = 0
    previous = None
    for token in iter_code_tokens(text):
        if token.kind == "punct" and token.text in "{(":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                line, col = _line_col(text, token.start)
                raise QueryRefused(msg("sparql.gate.too_deep", depth=MAX_DEPTH), where=f"{where}:{line}:{col}",
                                   fix=msg("sparql.gate.too_deep_fix"))
        elif token.kind == "punct" and token.text in "})":
            depth -= 1
        else:
            found = refused_keyword(token, previous)
            if found is not None and not (found[0] == "SERVICE" and allow_service):
                _refuse(text, token, *found, where=where)
        previous = token


def _refuse(text: str, token: Token, keyword: str, how: str, *, where: str) -> None:
    line, col = _line_col(text, token.start)
    at = f"{where}:{line}:{col}"
    if how == "prefix":
        suggestion = "svc:" if keyword == "SERVICE" else "src:"
        raise QueryRefused(msg(f"sparql.gate.{keyword.lower()}_prefix", name=token.text), where=at,
                           fix=msg("sparql.gate.prefix_fix", suggestion=suggestion))
    if keyword == "SERVICE":
        raise QueryRefused(msg("sparql.gate.service"), where=at, fix=msg("sparql.gate.service_fix"))
    if keyword in UPDATE_KEYWORDS:
        raise QueryRefused(msg("sparql.gate.update", keyword=keyword), where=at, fix=msg("sparql.gate.update_fix"))
    raise QueryRefused(msg("sparql.gate.from"), where=at, fix=msg("sparql.gate.from_fix"))


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first query keyword.

    >>> query_form("PREFIX a: <x:> # SELECT\\nCONSTRUCT WHERE { ?s ?p ?o }")
    'CONSTRUCT'
    """
    form = _FORMS.get(text)
    if form is None:
        form = next((token.text.upper() for token in iter_code_tokens(text)
                     if token.kind == "word" and token.text.upper() in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}),
                    "SELECT")
        _FORMS.put(text, form)
    return form


def where_brace(text: str) -> int:
    """Offset just after the ``{`` that opens the query's WHERE group."""
    toks = code_tokens(text)
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
    raise QueryRefused(msg("sparql.gate.no_where"), fix=msg("sparql.gate.no_where_fix"))


def bind_values(text: str, bindings: dict[str, str]) -> str:
    """Bind variables by a VALUES block at the start of the WHERE group (kept for callers that
    run SPARQL on a store directly; :mod:`graph.sparql.binding` is the query layer's way, which
    also reaches sub-SELECTs, MINUS and EXISTS).

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
            raise QueryRefused(msg("sparql.gate.bad_param_name", name=repr(name)), fix=msg("sparql.gate.bad_param_name_fix"))
    at = where_brace(text)
    block = " VALUES (" + " ".join("?" + n for n in names) + ") { (" + " ".join(bindings[n] for n in names) + ") }\n"
    return text[:at] + block + text[at:]
