"""Small helpers shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph import find_project

#: Debian's Chromium (no browser is downloaded) and the flags every browser test starts it with.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def fixture_store(folder: Path, *names: str) -> ox.Store:
    """The ontology plus the named Turtle fixtures of ``folder`` (default ``small.ttl``), in a
    fresh store."""
    store = ox.Store()
    for path in find_project().ontology_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    for name in names or ("small.ttl",):
        store.bulk_load(path=str(Path(folder) / name), format=ox.RdfFormat.TURTLE)
    return store


def watch(page, record) -> None:
    """Record on ``record`` what a Playwright page requests (``requests``), reports as error or
    warning (``errors``) and tries to show as a dialog (``dialogs``, dismissed)."""
    page.on("request", lambda request: record.requests.append(request.url))
    page.on("console", lambda m: record.errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: record.errors.append(str(error)))

    def dialog(d):
        record.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
