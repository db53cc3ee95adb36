"""Screenshots of the two network views for the README: docs/img/view-{kind}-{lang}.png at
1920x1080 (a projector's resolution), in Debian's Chromium, the page opened offline.

    python docs/img/screenshots.py                 # from the built graph in build/graph
    python docs/img/screenshots.py --graph DIR     # from another built graph

The tests reuse :func:`write_screenshots` (tests/test_views_layout_browser.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SIZE = {"width": 1920, "height": 1080}
KINDS = ("partners", "facilities")
LANGS = ("de", "en")
HERE = Path(__file__).resolve().parent


def view_files(graph_dir: Path, folder: Path) -> dict[tuple[str, str], Path]:
    """The views of the built graph in ``graph_dir`` as HTML files in ``folder``, by (kind, lang)."""
    from graph.outputs.views import open_graph, render_html, view_model, write_html

    store, version = open_graph(graph_dir)
    files = {}
    for kind in KINDS:
        for lang in LANGS:
            model = view_model(store, kind, lang=lang, version=version)
            files[kind, lang] = write_html(render_html(model), folder / f"view-{kind}-{lang}.html")
    return files


def open_offline(browser, path: Path):
    """A page at 1920x1080 with ``path`` open; every request but the file itself is blocked."""
    context = browser.new_context(viewport=SIZE, service_workers="block")
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort())
    page = context.new_page()
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.ikzView && window.ikzView.ready", timeout=15000)
    page.wait_for_timeout(200)
    return page


def write_screenshots(graph_dir: Path, target: Path = HERE, browser=None) -> list[Path]:
    """Write view-{kind}-{lang}.png of the built graph in ``graph_dir`` into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as folder:
        files = view_files(Path(graph_dir), Path(folder))
        if browser is None:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                try:
                    written = _shoot(chromium, files, target)
                finally:
                    chromium.close()
        else:
            written = _shoot(browser, files, target)
    return written


def _shoot(browser, files, target: Path) -> list[Path]:
    written = []
    for (kind, lang), path in files.items():
        page = open_offline(browser, path)
        out = target / f"view-{kind}-{lang}.png"
        page.screenshot(path=str(out))
        page.context.close()
        written.append(out)
    return written


def main() -> None:
    # the views of this checkout, not of whichever checkout the interpreter has installed
    sys.path.insert(0, str(HERE.parents[1]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=HERE.parents[1] / "build" / "graph",
                        help="folder of the built graph (ikz build)")
    args = parser.parse_args()
    for path in write_screenshots(args.graph):
        print(path)


if __name__ == "__main__":
    main()
