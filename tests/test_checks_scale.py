"""Data checks rewritten for national scale (issue #14) still catch what they check: each is
run on a small graph that breaks it, made by the build's own loading step (so the derived
facts exist as in a real build), and must name the offending row; the build itself refuses it."""

from __future__ import annotations

import pytest

from graph.builder.build import DataCheckError, build, check_violations, load_project

BASE = "https://w3id.org/ikz/id/"
SERVICES = "data/en-kreis/organisations.ttl"


def _replace(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _findings(project, check: str) -> list[dict]:
    failures = {question.id: result for question, result in check_violations(load_project(project))}
    assert check in failures, sorted(failures)
    return [{k: str(v) for k, v in row.items() if v is not None} for row in failures[check].rows]


# town-without-office-violation: from the offices' districts to their towns (1 s -> 1 ms at L)

def test_town_with_two_competent_offices_is_found(project_copy):
    # Gevelsberg's office said to be competent for Breckerfeld too (Ennepetal's already is)
    _replace(project_copy.root / SERVICES, "schema:areaServed m:05954012 ;", "schema:areaServed m:05954012 , m:05954004 ;")
    assert _findings(project_copy, "town-without-office-violation") == [
        {"town": BASE + "municipality/05954004", "offices": "2"}]


def test_town_without_competent_office_is_found(project_copy):
    # Breckerfeld dropped from the area Ennepetal's office serves: no office is competent for it
    _replace(project_copy.root / SERVICES, "schema:areaServed m:05954008 , m:05954004 ;", "schema:areaServed m:05954008 ;")
    assert _findings(project_copy, "town-without-office-violation") == [
        {"town": BASE + "municipality/05954004", "offices": "0"}]


def test_the_build_refuses_a_town_without_office(project_copy, tmp_path):
    _replace(project_copy.root / SERVICES, "schema:areaServed m:05954008 , m:05954004 ;", "schema:areaServed m:05954008 ;")
    with pytest.raises(DataCheckError) as raised:
        build(project_copy, tmp_path / "out" / "graph")
    assert "town-without-office-violation.rq" in str(raised.value)
    assert not (tmp_path / "out" / "graph").exists()


def test_the_real_data_passes_every_check(project):
    assert check_violations(load_project(project)) == []
