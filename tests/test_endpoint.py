"""The same named questions against a real Oxigraph server (SPARQL 1.1 Protocol) as embedded."""

from __future__ import annotations

import shutil
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from graph.core.i18n import use

from graph.sparql.query import GraphQuery, QueryFailure
from graph.outputs.serve import free_port, running_server
from test_queries import CHECKS, QUESTIONS, normalized
from update_expected import EXAMPLE_PARAMS

pytestmark = pytest.mark.skipif(
    not ((Path(sys.executable).parent / "oxigraph").is_file() or shutil.which("oxigraph")),
    reason="the Oxigraph server (pip install oxigraph) is not installed",
)


@pytest.fixture(scope="module")
def endpoint(built, tmp_path_factory):
    location = tmp_path_factory.mktemp("server") / "store"
    with running_server(built.output / "ikz.nt", location, port=free_port()) as url:
        yield url


@pytest.fixture(scope="module")
def remote(project, endpoint):
    return GraphQuery.open(project, endpoint=endpoint)


@pytest.mark.parametrize("qid", QUESTIONS + CHECKS)
def test_same_answer_remote_as_embedded(gq, remote, qid):
    params = EXAMPLE_PARAMS.get(qid, {})
    assert normalized(remote.ask(qid, params)) == normalized(gq.ask(qid, params))


def test_parameters_resolve_remotely(remote):
    assert remote.ask("town-profile", {"town": "05954036"}).values("label") == ["Witten"]


def test_server_is_read_only(endpoint):
    update = endpoint.rsplit("/", 1)[0] + "/update"
    request = urllib.request.Request(update, data=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                     headers={"Content-Type": "application/sparql-update"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code in (403, 404, 405)


def test_unreachable_endpoint_is_a_clear_failure(project):
    gq = GraphQuery.open(project, endpoint=f"http://127.0.0.1:{free_port()}/query", timeout=2)
    with pytest.raises(QueryFailure) as failure:
        gq.ask("competent-office")
    assert "Der Endpunkt ist nicht erreichbar" in str(failure.value)
    with use("en"):
        assert "Cannot reach the endpoint" in str(failure.value)
