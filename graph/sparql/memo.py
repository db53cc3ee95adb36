"""Bounded memos for what the query path computes from a query's text alone.

A named question is asked again and again with the same text: its gate verdict, its query
form, where its parameters go and whether it parses do not change between calls, so they are
computed once per text and looked up afterwards. The key is always the text itself (never a
question id or a file name): a question whose file changes is a new text and is checked anew.
Texts longer than ``longest`` characters are not kept (an ad-hoc query of a megabyte is
checked every time), and at most ``entries`` texts are kept (the oldest go first), so a memo
never holds more than ``entries × longest`` characters.

>>> memo = TextMemo(entries=2)
>>> memo.put("SELECT 1", "a"); memo.put("SELECT 2", "b"); memo.put("SELECT 3", "c")
>>> memo.get("SELECT 1") is None, memo.get("SELECT 3")
(True, 'c')
"""

from __future__ import annotations

import threading

#: Texts kept per memo, and the longest text kept (characters).
ENTRIES = 512
LONGEST = 65_536


class TextMemo:
    """A bounded map from a key whose first part (or whole) is a query text to a value."""

    def __init__(self, entries: int = ENTRIES, longest: int = LONGEST):
        self.entries, self.longest = entries, longest
        self._values: dict = {}
        self._lock = threading.Lock()

    def get(self, key, default=None):
        return self._values.get(key, default)

    def __contains__(self, key) -> bool:
        return key in self._values

    def put(self, key, value) -> None:
        text = key[0] if isinstance(key, tuple) else key
        if len(text) > self.longest:
            return
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.entries:
                del self._values[next(iter(self._values))]

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        return len(self._values)
