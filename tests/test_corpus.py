"""The development corpus for `ikz extract` (tests/corpus) is consistent: its checker finds no
problem, and it does find the problems it is meant to catch."""

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(scope="module")
def check():
    spec = importlib.util.spec_from_file_location("corpus_check", CORPUS / "check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_corpus_has_no_problem(check):
    problems, summary = check.check()
    assert problems == []
    assert summary["documents"] >= 24
    assert len(summary["lands"]) >= 5
    assert set(summary["statuses"]) == check.STATUSES


def _copy_one(tmp_path, name):
    for suffix in (".txt", ".expected.json"):
        shutil.copy(CORPUS / f"{name}{suffix}", tmp_path / f"{name}{suffix}")
    return tmp_path / f"{name}.expected.json"


def test_checker_finds_a_town_read_out_of_a_district_name(check, tmp_path):
    name = "sh-02-niederschrift-jha-herzogtum-lauenburg"
    path = _copy_one(tmp_path, name)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["towns"]["01053083"] = "Lauenburg/ Elbe"  # the town inside "Kreis Herzogtum Lauenburg"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    problems, _ = check.check(tmp_path)
    assert any("01053083 is listed as a town mention" in p for p in problems)


def test_checker_finds_a_quote_that_is_not_verbatim(check, tmp_path):
    name = "rp-02-sitzungsvorlage-trier-saarburg-erziehungsberatung"
    path = _copy_one(tmp_path, name)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["cooperations"][0]["quote"] = data["cooperations"][0]["quote"].replace("vorbehaltlich", "vorbehaltslos")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    problems, _ = check.check(tmp_path)
    assert any("cooperation 1 quote not in the text" in p for p in problems)


def test_checker_finds_a_wrong_register_name(check, tmp_path):
    name = "nw-01-bekanntmachung-hsk-amtsvormundschaften"
    path = _copy_one(tmp_path, name)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["towns"]["05958004"] = "Arnsberg-Neheim"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    problems, _ = check.check(tmp_path)
    assert any("town 05958004 is 'Arnsberg, Stadt' in the register" in p for p in problems)
