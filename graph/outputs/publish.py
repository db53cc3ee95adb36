"""Publish a build to a SPARQL 1.1 Graph Store Protocol server in one step.

One HTTP ``PUT`` of the built N-Triples replaces the target graph (the default graph, or a
named graph) on the server: Oxigraph (``/store``), Apache Jena Fuseki (``/DATASET/data``),
GraphDB (``/repositories/REPO/rdf-graphs/service``) and others implement the protocol, and the
server swaps the graph in one request, so readers see the old or the new graph.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from graph.core.errors import IKZError
from graph.core.i18n import msg


class PublishError(IKZError):
    exit_code = 3


def publish(graph_file: str | Path, store_url: str, *, named_graph: str | None = None,
            timeout: float = 600, user: str | None = None, password: str | None = None) -> int:
    """PUT ``graph_file`` (N-Triples) to ``store_url``; return the HTTP status.

    ``store_url`` is the server's Graph Store Protocol endpoint, e.g.
    ``http://127.0.0.1:7878/store``; the graph goes to ``?default`` or ``?graph=named_graph``.
    """
    path = Path(graph_file)
    target = store_url + ("&" if "?" in store_url else "?") + (
        urllib.parse.urlencode({"graph": named_graph}) if named_graph else "default")
    request = urllib.request.Request(target, data=path.read_bytes(), method="PUT",
                                     headers={"Content-Type": "application/n-triples"})
    if user:
        import base64

        token = base64.b64encode(f"{user}:{password or ''}".encode()).decode()
        request.add_header("Authorization", "Basic " + token)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace")[:300]
        raise PublishError(msg("publish.refused", code=error.code, detail=detail), where=target,
                           fix=msg("publish.refused_fix")) from None
    except (urllib.error.URLError, OSError) as error:
        raise PublishError(msg("publish.unreachable", reason=str(getattr(error, "reason", error))), where=target,
                           fix=msg("publish.unreachable_fix")) from None
