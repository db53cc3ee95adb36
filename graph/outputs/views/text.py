"""The texts of the views as the page needs them, from the one catalogue
(``graph/core/catalogue/views.toml``, keys ``views.*``), German first.

>>> shared(3, "en")
'3 shared cooperations'
>>> page_texts("de")["search"]
'Suche'
"""

from __future__ import annotations

from graph.core import i18n

#: Texts the page's script needs (tooltips, messages), passed to it as JSON.
SCRIPT_KEYS = (
    "quote_line", "evidence", "derived_from", "not_found", "hidden_by_filter", "details_hint",
    "shared_one", "shared_many", "as_of", "sources", "version", "legend", "did_you_mean",
)

#: Facts of the cooperations listed in a hover tooltip; the details panel shows all of them.
COMPACT_KEYS = ("status", "service_area", "acting_through", "facility")

PREFIX = "views."


def shared(count: int, lang: str) -> str:
    """'1 gemeinsame Kooperation' / '3 gemeinsame Kooperationen'."""
    return i18n.t("views.shared_one", lang) if count == 1 else i18n.t("views.shared_many", lang, n=count)


def page_texts(lang: str) -> dict[str, str]:
    """Every ``views.*`` text in ``lang``, keyed without the prefix (the page template's ``text``)."""
    return {key[len(PREFIX):]: i18n.t(key, lang) for key in i18n.catalogue() if key.startswith(PREFIX)}


def script_texts(lang: str) -> dict:
    """The texts the page's script needs, in ``lang``."""
    texts: dict = {key: i18n.t(PREFIX + key, lang) for key in SCRIPT_KEYS}
    texts["compact_keys"] = [i18n.t(PREFIX + key, lang) for key in COMPACT_KEYS]
    return texts


def t(key: str, lang: str | None = None, /, **values) -> str:  # pragma: no cover - graph/cli/view.py only
    """Deprecated: ``graph.core.i18n.t("views." + key, ...)``. Kept only until graph/cli/view.py
    looks its texts up in the catalogue itself; nothing in graph/outputs uses it."""
    return i18n.t(PREFIX + key, lang, **values)
