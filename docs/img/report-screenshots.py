"""Regenerate docs/img/report-de.png and report-en.png: the top of the meeting report (`ikz report`)
in headless Chromium, as a reader sees it on screen.

    python -m graph build                       # once: the graph in build/graph
    python docs/img/report-screenshots.py       # needs Playwright and /usr/bin/chromium
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from graph.core.project import find_project  # noqa: E402
from graph.outputs.report import write_report  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 1100, 1750


def main(graph_dir: str | None = None) -> None:
    project = find_project(ROOT)
    source = Path(graph_dir) if graph_dir else project.root / "build" / "graph"
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        for lang in ("de", "en"):
            page_file = write_report(source, Path(folder) / f"report-{lang}.html", lang=lang, project=project, live=False)
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.goto(page_file.as_uri())
            page.wait_for_timeout(300)
            target = ROOT / "docs" / "img" / f"report-{lang}.png"
            page.screenshot(path=str(target))
            print(target.relative_to(ROOT))
            page.close()
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:2])
