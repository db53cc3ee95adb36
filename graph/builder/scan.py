"""The build's checks of large N-Triples files without asking the store to scan every triple.

A national build bulk-loads millions of triples; the store answers the vocabulary and the
reference checks only by decoding every term of every triple (SPARQL ``STR()`` over all three
positions), which costs several times the load itself. N-Triples spell every IRI in full, one
triple per line, so one pass over the file's bytes finds the same candidates: the terms of our
own vocabularies it uses, the IRIs under the base it mentions and those it describes, and
whether ``_:`` occurs at all; and the distinct predicates and classes (objects of
``rdf:type``) for the build's dataset description (:mod:`graph.builder.void`). What a scan
flags is confirmed by the store's query (and located at file:line for the message); a scan
that flags nothing means the check passes.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

#: The namespaces whose terms must be declared in ontology/ (as in checks/vocabulary-terms.rq).
VOCABULARY = ("https://w3id.org/ikz/ontology#", "https://w3id.org/ikz/concept/")
_VOCABULARY = re.compile(rb"<(https://w3id\.org/ikz/(?:ontology#|concept/)[^>\s]*)>")
BLOCK = 1 << 26
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# The predicate of every line (a line starts with its subject: an IRI or a blank node); the
# first line of a block has no newline before it and is matched on its own. The class pattern
# may also match text that is no rdf:type triple (inside a literal): the build keeps only the
# candidates the store has (graph/builder/void.py).
_PREDICATE = re.compile(rb"\n[ \t]*(?:<[^>]*>|_:[^ \t]+)[ \t]+<([^>]*)>")
_FIRST_PREDICATE = re.compile(rb"[ \t]*(?:<[^>]*>|_:[^ \t]+)[ \t]+<([^>]*)>")
_CLASS = re.compile(rb"<" + re.escape(RDF_TYPE.encode()) + rb">[ \t]+<([^>]*)>")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class Scan:
    """What the build's checks need to know about the loaded triples (see the module)."""

    def __init__(self, base: str):
        self.base = base
        self.used: set[str] = set()          # terms of VOCABULARY in any position
        self.mentioned: set[str] = set()     # IRIs under the base, in any position
        self.described: set[str] = set()     # IRIs under the base that are a subject
        self.blank = False                   # "_:" somewhere (perhaps a blank node)
        self.complete = True                 # False when a file could not be scanned
        self.predicates: set[str] = set()    # every predicate
        self.classes: set[str] = set()       # every IRI object of rdf:type
        self._mention = re.compile(rb"<(" + re.escape(base.encode()) + rb"[^>\s]*)>")
        self._subject = re.compile(rb"^<(" + re.escape(base.encode()) + rb"[^>\s]*)>", re.M)

    def triples(self, triples) -> None:
        """Triples parsed in Python (ontology, registers, small data files)."""
        used, mentioned, described, base = self.used, self.mentioned, self.described, self.base
        predicates, classes = self.predicates, self.classes
        for triple in triples:
            predicates.add(triple.predicate.value)
            if triple.predicate.value == RDF_TYPE and type(triple.object) is ox.NamedNode:
                classes.add(triple.object.value)
            for position, term in enumerate((triple.subject, triple.predicate, triple.object)):
                if type(term) is ox.NamedNode:
                    value = term.value
                    if value.startswith(VOCABULARY):
                        used.add(value)
                    elif value.startswith(base):
                        mentioned.add(value)
                        if position == 0:
                            described.add(value)

    def file(self, path: Path) -> None:
        """A bulk-loaded file: N-Triples are scanned; anything else makes the scan incomplete."""
        if path.suffix != ".nt":
            self.complete = False
            return
        with open(path, "rb") as handle:
            rest = b""
            for block in iter(lambda: handle.read(BLOCK), b""):
                block = rest + block
                cut = block.rfind(b"\n") + 1
                if cut == 0:
                    rest = block
                    continue
                block, rest = block[:cut], block[cut:]
                self._block(block)
            if rest:
                self._block(rest)

    def _block(self, block: bytes) -> None:
        self.blank = self.blank or b"_:" in block
        self.used.update(term.decode() for term in set(_VOCABULARY.findall(block)))
        mentioned = set(self._mention.findall(block))
        described = set(self._subject.findall(block))
        self.described.update(iri.decode() for iri in described)
        self.mentioned.update(iri.decode() for iri in mentioned - described)
        predicates = set(_PREDICATE.findall(block))
        first = _FIRST_PREDICATE.match(block)
        if first:
            predicates.add(first.group(1))
        self.predicates.update(_iri(term) for term in predicates)
        self.classes.update(_iri(term) for term in set(_CLASS.findall(block)))

    def partitions(self) -> tuple[set[str], set[str]] | None:
        """The distinct predicates and classes of everything scanned, or None when a file
        could not be scanned (then only the store knows them)."""
        return (set(self.predicates), set(self.classes)) if self.complete else None

    def undeclared(self, declared: set[str]) -> list[str]:
        """Vocabulary terms used but not declared (candidates for the store's check)."""
        return sorted(term for term in self.used if term not in declared)

    def undescribed(self, store: ox.Store) -> list[str]:
        """IRIs under the base that are mentioned but no triple describes (candidates)."""
        return sorted(iri for iri in self.mentioned - self.described
                      if next(iter(store.quads_for_pattern(ox.NamedNode(iri), None, None)), None) is None)


def _iri(term: bytes) -> str:
    """An IRI as N-Triples spells it, with its \\u / \\U escapes resolved."""
    text = term.decode()
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text) if "\\" in text else text
