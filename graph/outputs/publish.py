"""Publish a build to a SPARQL 1.1 Graph Store Protocol server in one step.

One HTTP ``PUT`` of the built N-Triples replaces the target graph (the default graph, or a
named graph) on the server: Oxigraph (``/store``), Apache Jena Fuseki (``/DATASET/data``),
GraphDB (``/repositories/REPO/rdf-graphs/service``), Virtuoso (``/sparql-graph-crud-auth``,
a named graph, HTTP digest authentication) and others implement the protocol, and the server
swaps the graph in one request, so readers see the old or the new graph.

``HEAD`` requests go first: they find an unreachable server, Virtuoso asked for its default
graph (which it does not have: Virtuoso's default graph is the union of all graphs), the
authentication the server wants and whether the login works, so the graph itself is sent
once and a refused login is reported as such (a server refusing it may hang up before reading
a large body). With ``user`` and ``password`` the requests answer the server's challenge
(``Digest``, as Virtuoso asks, or ``Basic``; a server that asks for nothing gets ``Basic``).
The file is streamed, not read into memory.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from graph.core.errors import IKZError
from graph.core.i18n import msg


class PublishError(IKZError):
    exit_code = 3


def target_url(store_url: str, named_graph: str | None) -> str:
    """The Graph Store Protocol URL of the graph: ``?default`` or ``?graph=IRI``."""
    return store_url + ("&" if "?" in store_url else "?") + (
        urllib.parse.urlencode({"graph": named_graph}) if named_graph else "default")


def publish(graph_file: str | Path, store_url: str, *, named_graph: str | None = None,
            timeout: float = 600, user: str | None = None, password: str | None = None) -> int:
    """PUT ``graph_file`` (N-Triples) to ``store_url``; return the HTTP status.

    ``store_url`` is the server's Graph Store Protocol endpoint, e.g.
    ``http://127.0.0.1:7878/store``; the graph goes to ``?default`` or ``?graph=named_graph``.
    """
    path = Path(graph_file)
    target = target_url(store_url, named_graph)
    server, challenge, _ = _probe(target, timeout)
    if not named_graph and "virtuoso" in server.lower():  # refused before sending the file
        raise PublishError(msg("publish.no_default_graph"), where=target, fix=msg("publish.named_graph_fix"))
    if challenge and not user:  # it wants a login: say so before sending the file
        raise PublishError(msg("publish.denied", code=401, detail=challenge.split(" ")[0]), where=target,
                           fix=msg("publish.login_fix"))
    authorization = None
    if user:
        # the login checked on a HEAD first: a server refusing it may hang up before reading a
        # large body, and the user would see a broken connection instead of the refusal
        _, _, status = _probe(target, timeout, credentials(challenge, "HEAD", target, user, password or ""))
        if status in (401, 403):
            raise PublishError(msg("publish.denied", code=status, detail=""), where=target,
                               fix=msg("publish.denied_fix"))
        if challenge.lower().startswith("digest"):  # a fresh nonce for the PUT
            challenge = _probe(target, timeout)[1] or challenge
        authorization = credentials(challenge, "PUT", target, user, password or "")
    with path.open("rb") as body:
        request = urllib.request.Request(target, data=body, method="PUT", headers={
            "Content-Type": "application/n-triples", "Content-Length": str(path.stat().st_size)})
        if authorization:
            request.add_header("Authorization", authorization)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            raise _refused(error, target, bool(user)) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, (ConnectionResetError, BrokenPipeError)):  # reached (HEAD), hung up mid-file
                raise PublishError(msg("publish.dropped", reason=str(reason)), where=target,
                                   fix=msg("publish.dropped_fix")) from None
            raise _unreachable(error, target) from None


def _probe(target: str, timeout: float, authorization: str | None = None) -> tuple[str, str, int]:
    """A ``HEAD`` request (no file): the server's name (``Server``), its ``WWW-Authenticate``
    challenge ("" when it asks for none) and the status."""
    request = urllib.request.Request(target, method="HEAD")
    if authorization:
        request.add_header("Authorization", authorization)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.headers.get("Server", ""), "", response.status
    except urllib.error.HTTPError as error:
        challenge = error.headers.get("WWW-Authenticate", "") if error.code == 401 else ""
        return error.headers.get("Server", ""), challenge, error.code
    except (urllib.error.URLError, OSError) as error:
        raise _unreachable(error, target) from None


def credentials(challenge: str, method: str, url: str, user: str, password: str, cnonce: str | None = None) -> str:
    """The ``Authorization`` header answering ``challenge``: RFC 7616 digest (MD5, qop=auth)
    when the server asks for digest, else RFC 7617 basic."""
    scheme, _, rest = challenge.strip().partition(" ")
    if scheme.lower() != "digest":
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    fields = {k.lower(): a or b for k, a, b in re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]*))', rest)}
    realm, nonce = fields.get("realm", ""), fields.get("nonce", "")
    algorithm = fields.get("algorithm", "MD5")
    digest = hashlib.sha256 if algorithm.upper().startswith("SHA-256") else hashlib.md5

    def h(text: str) -> str:
        return digest(text.encode()).hexdigest()

    parts = urllib.parse.urlsplit(url)
    uri = parts.path + ("?" + parts.query if parts.query else "")
    ha1, ha2 = h(f"{user}:{realm}:{password}"), h(f"{method}:{uri}")
    answer = {"username": user, "realm": realm, "nonce": nonce, "uri": uri, "algorithm": algorithm}
    if "auth" in [q.strip() for q in fields.get("qop", "").split(",")]:
        cnonce, count = cnonce or secrets.token_hex(8), "00000001"
        answer.update(qop="auth", nc=count, cnonce=cnonce,
                      response=h(f"{ha1}:{nonce}:{count}:{cnonce}:auth:{ha2}"))
    else:
        answer["response"] = h(f"{ha1}:{nonce}:{ha2}")
    if "opaque" in fields:
        answer["opaque"] = fields["opaque"]
    unquoted = {"qop", "nc", "algorithm"}
    return "Digest " + ", ".join(f"{k}={v}" if k in unquoted else f'{k}="{v}"' for k, v in answer.items())


def _refused(error: urllib.error.HTTPError, target: str, with_user: bool) -> PublishError:
    detail = re.sub(r"<[^>]+>", " ", error.read(2000).decode("utf-8", "replace"))
    detail = re.sub(r"\s+", " ", detail).strip()[:300]
    if error.code in (401, 403):
        return PublishError(msg("publish.denied", code=error.code, detail=detail), where=target,
                            fix=msg("publish.denied_fix" if with_user else "publish.login_fix"))
    return PublishError(msg("publish.refused", code=error.code, detail=detail), where=target,
                        fix=msg("publish.refused_fix"))


def _unreachable(error: Exception, target: str) -> PublishError:
    return PublishError(msg("publish.unreachable", reason=str(getattr(error, "reason", error))), where=target,
                        fix=msg("publish.unreachable_fix"))
