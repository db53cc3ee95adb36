"""Render a view model as one self-contained, offline HTML file.

Everything is inlined: vis-network (read from the installed pyvis wheel; pyvis's ``Network``
class is not used), the page's script and style. A Content-Security-Policy allows exactly these
inline scripts and the one style block (by SHA-256 hash), images only from ``data:``/``blob:``
(the PNG export) and nothing else: no request of any kind when the file opens.
Node and edge data enter the page only as JSON in a ``<script type="application/json">`` block
with ``<``, ``>`` and ``&`` escaped, so ``</script>`` in a label cannot break out; the script
turns it into DOM text. The same model gives byte-identical HTML (sorted keys, no timestamps).

pyvis traps avoided on purpose: no mutation of the caller's graph (the model is built fresh),
node ids stay strings (IRIs), files are written as UTF-8 whatever the platform encoding, and
edges are collected in dicts (no quadratic ``add_edge``).
"""

from __future__ import annotations

import base64
import hashlib
import html as _html
import json
import os
from dataclasses import asdict
from functools import lru_cache
from importlib import resources
from pathlib import Path

import jinja2

from graph.core.files import write_text
from graph.outputs.views import style as _style
from graph.outputs.views.items import ViewModel
from graph.outputs.views.text import page_texts, script_texts

VIS_NETWORK = "templates/lib/vis-9.1.2/vis-network.min.js"


@lru_cache(maxsize=None)
def _template_file(name: str) -> str:
    return (resources.files("graph.outputs") / "templates" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def vis_network_js() -> str:
    """vis-network's standalone bundle, from the pyvis package (read, never downloaded)."""
    return (resources.files("pyvis") / VIS_NETWORK).read_text(encoding="utf-8")


def script_json(value) -> str:
    """JSON for a ``<script type="application/json">`` block: deterministic (sorted keys) and
    with ``<``, ``>`` and ``&`` escaped, so no data can end the block.

    >>> script_json({"label": "</script><b>&"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def csp_source(text: str) -> str:
    """The CSP source expression allowing exactly this inline script or style.

    >>> csp_source("alert(1)")
    "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"
    """
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(scripts: list[str], styles: list[str]) -> str:
    return "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(csp_source(s) for s in scripts),
        # vis-network styles its elements through the CSSOM (element.style), which CSP allows;
        # the only style sheet is our own <style> block, allowed by its hash
        "style-src " + " ".join(csp_source(s) for s in styles),
        "img-src data: blob:",
        "base-uri 'none'",
        "form-action 'none'",
    ])


#: Above this many nodes edges are hidden while the picture is dragged or zoomed (smoother).
HIDE_EDGES_ABOVE = 1000


class _Tables:
    """Values many nodes and edges share, sent once: vis-network styles, quotes, facet sets.
    Items refer to them by index (in order of first use, so the page stays deterministic)."""

    def __init__(self):
        self.styles: dict[str, int] = {}
        self.quotes: dict[tuple, int] = {}
        self.facets: dict[str, int] = {}
        self.style_list: list[dict] = []
        self.quote_list: list[dict] = []
        self.facet_list: list[dict] = []

    def style(self, vis: dict) -> int:
        key = json.dumps(vis, sort_keys=True)
        if key not in self.styles:
            self.styles[key] = len(self.style_list)
            self.style_list.append(vis)
        return self.styles[key]

    def quote(self, q) -> int:
        key = (q.text, q.source, q.line)
        if key not in self.quotes:
            self.quotes[key] = len(self.quote_list)
            self.quote_list.append({"text": q.text, "source": q.source, "line": q.line})
        return self.quotes[key]

    def facet(self, facets: dict) -> int:
        key = json.dumps(facets, sort_keys=True)
        if key not in self.facets:
            self.facets[key] = len(self.facet_list)
            self.facet_list.append(facets)
        return self.facets[key]

    def info(self, info, item: bool = False) -> dict:
        result = {
            "kind": info.kind, "title": info.title, "facts": [list(f) for f in info.facts],
            "quotes": [self.quote(q) for q in info.quotes], "sources": list(info.sources),
        }
        if info.items:
            result["items"] = [self.info(i, item=True) for i in info.items]
        if item:
            result["f"] = self.facet(info.facets)
        return result


def page_data(model: ViewModel) -> dict:
    """What the page's script gets: nodes and edges with their vis-network options, tooltips
    (as data, turned into DOM text in the page), legend, footer and UI texts. Styles, quotes
    and facet sets that items share are sent once (``styles``, ``quotes``, ``facets``) and
    referred to by index (``s``, info ``quotes``, ``f``)."""
    tables = _Tables()
    nodes = []
    for n in model.nodes:
        node = {"id": n.id, "label": n.label, "type": n.type, "x": n.x, "y": n.y,
                "s": tables.style(_style.vis_node(n)), "info": tables.info(n.info), "f": tables.facet(n.facets)}
        if n.requires:
            node["requires"] = list(n.requires)
        nodes.append(node)
    edges = []
    for e in model.edges:
        edge = {"id": e.id, "from": e.source, "to": e.target, "type": e.type, "status": e.status,
                "s": tables.style(_style.vis_edge(e)), "info": tables.info(e.info), "f": tables.facet(e.facets),
                "weight": e.weight}
        if e.weighted:
            edge["weighted"] = True
            edge["heading"] = e.info.title.rsplit(": ", 1)[0]
        if e.count_label:
            edge["count_label"] = True
        if e.label:   # drawn by the page at label_at along the line (where the layout found room)
            edge["label"] = e.label
            edge["label_at"] = e.label_at
            edge["label_offset"] = e.label_offset
            edge["label_size"] = e.font_size
        if e.dashes:
            edge["width_scale"] = _style.PROPOSED_WIDTH_SCALE
        edges.append(edge)
    options = _style.VIS_OPTIONS
    if len(model.nodes) > HIDE_EDGES_ABOVE:
        interaction = {**options["interaction"], "hideEdgesOnDrag": True, "hideEdgesOnZoom": True}
        options = {**options, "interaction": interaction}
    return {
        "kind": model.kind,
        "lang": model.lang,
        "title": model.title,
        "description": model.description,
        "subtitle": model.subtitle,
        "file_stem": f"ikz-{model.kind}",
        "font": _style.FONT,
        "nodes": nodes,
        "edges": edges,
        "styles": tables.style_list,
        "quotes": tables.quote_list,
        "facets": tables.facet_list,
        "legend": [asdict(entry) for entry in model.legend],
        "footer": asdict(model.footer),
        "settings": model.settings,
        "texts": script_texts(model.lang),
        "options": options,
    }


def render_html(model: ViewModel, title: str | None = None) -> str:
    """The complete HTML page of ``model`` (``title`` overrides the model's title)."""
    if title:
        model = ViewModel(**{**model.__dict__, "title": title})
    css = _template_file("view.css")
    app_js = _template_file("view.js")
    vis_js = vis_network_js()
    env = jinja2.Environment(autoescape=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    template = env.from_string(_template_file("view.html.j2"))
    texts = page_texts(model.lang)
    legend = [{"entry": entry, "svg": _style.legend_symbol(entry.shape or "dot", 22) if entry.kind == "node" else None}
              for entry in model.legend]
    return template.render(
        lang=model.lang,
        title=model.title,
        description=model.description,
        subtitle=model.subtitle,
        notice=model.notice,
        notice_en=model.notice_en,
        text=texts,
        filters=model.filters,
        legend=legend,
        footer=model.footer,
        csp=content_security_policy([vis_js, app_js], [css]),
        css=jinja2.utils.markupsafe.Markup(css),
        data_json=jinja2.utils.markupsafe.Markup(script_json(page_data(model))),
        vis_js=jinja2.utils.markupsafe.Markup(vis_js),
        app_js=jinja2.utils.markupsafe.Markup(app_js),
    )


def write_html(text: str, output: str | os.PathLike) -> Path:
    """Write an HTML page as UTF-8 atomically (see :func:`graph.core.files.write_text`)."""
    return write_text(text, output)


class View:
    """A rendered view: ``.model``, ``.html``; ``.save(path)``; shown inline in notebooks
    (an iframe with the page as ``srcdoc``, sandboxed: scripts and downloads only)."""

    def __init__(self, model: ViewModel, html: str):
        self.model = model
        self.html = html

    def save(self, output: str | os.PathLike) -> Path:
        return write_html(self.html, output)

    def _repr_html_(self) -> str:
        return (
            '<iframe sandbox="allow-scripts allow-downloads" style="width:100%;height:720px;border:1px solid #ccc" '
            f'title="{_html.escape(self.model.title, quote=True)}" srcdoc="{_html.escape(self.html, quote=True)}"></iframe>'
        )

    def __repr__(self) -> str:
        return f"<View {self.model.kind}: {len(self.model.nodes)} nodes, {len(self.model.edges)} edges>"
