"""The controlled vocabularies (service areas, facility kinds, statuses, legal forms): each
concept's scheme and broader concepts (``queries/facts/concepts.rq``).

>>> tree = Concepts({"a": ("s", ("top",)), "top": ("s", ()), "b": ("s", ("a",))})
>>> tree.ancestors("b"), tree.root("b"), tree.below_root("b")
(['b', 'a', 'top'], 'top', 'a')
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from graph.facts.source import rows


@dataclass
class Concepts:
    """concept -> (scheme, broader concepts)."""

    tree: dict[str, tuple[str | None, tuple[str, ...]]]

    def scheme_members(self, scheme: str) -> list[str]:
        return sorted(c for c, (s, _) in self.tree.items() if s == scheme)

    def broader(self, concept: str) -> tuple[str, ...]:
        return self.tree.get(concept, (None, ()))[1]

    def ancestors(self, concept: str) -> list[str]:
        """``concept`` and all its broader concepts, nearest first."""
        seen, todo = [], [concept]
        while todo:
            current = todo.pop(0)
            if current in seen:
                continue
            seen.append(current)
            todo.extend(sorted(self.broader(current)))
        return seen

    def is_under(self, concept: str, top: str) -> bool:
        return top in self.ancestors(concept)

    def _chain(self, concept: str) -> list[str]:
        chain = [concept]
        while True:
            broader = sorted(self.broader(chain[-1]))
            if not broader or broader[0] in chain:
                return chain
            chain.append(broader[0])

    def root(self, concept: str) -> str:
        """The top concept above ``concept`` (itself when it has no broader)."""
        return self._chain(concept)[-1]

    def below_root(self, concept: str) -> str:
        """The concept just below the top on ``concept``'s path (itself when it is a top)."""
        chain = self._chain(concept)
        return chain[-2] if len(chain) >= 2 else chain[-1]


def read_concepts(gq) -> Concepts:
    found: dict[str, list] = {}
    broader: dict[str, set[str]] = defaultdict(set)
    for concept, scheme, parent in rows(gq, "concepts"):
        entry = found.setdefault(concept, [scheme])
        entry[0] = min(filter(None, (entry[0], scheme)), default=None)
        if parent:
            broader[concept].add(parent)
    return Concepts({c: (s[0], tuple(sorted(broader.get(c, ())))) for c, s in sorted(found.items())})
