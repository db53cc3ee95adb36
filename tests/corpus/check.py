"""Check the development corpus for `ikz extract` (stdlib only).

    python tests/corpus/check.py            # prints problems and a coverage summary; exit 1 on a problem

Every NAME.txt in this folder needs NAME.expected.json (schema in README.md). The checker
validates the schema, the keys against the national register (data/national/
de-municipalities-2024.csv: AGS exists, name and district name match), that every quoted
phrase occurs verbatim in the text (a cooperation's quote exactly once), that the answers are
consistent with each other (partners are named towns or districts, a lead is a partner, a town
read out of a name is not a town mention, a reference date is no start date), and that the
corpus covers what it must (documents, Länder, forms, traps).
"""

from __future__ import annotations

import csv
import datetime
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
REGISTER = ROOT / "data" / "national" / "de-municipalities-2024.csv"
HEADER = "Fiktives Beispiel für IKZ-Graph"

FORMS = {"sitzungsvorlage", "niederschrift", "bekanntmachung", "satzung", "pressemitteilung", "portalprofil"}
STATUSES = {"considered", "recommended", "decided-subject-to", "planned", "existing", "ended", "rejected"}
SUBJECTS = {"inobhutnahme", "erziehungsberatung", "adoptionsvermittlung", "vormundschaft", "uma",
            "frauenhaus", "schuldnerberatung", "jugendarbeit"}
DATE_ROLES = {"document", "meeting", "decision", "signature", "approval", "publication", "start", "end",
              "reference", "event", "deadline"}
NON_PARTNER_KINDS = {"provider", "facility", "address", "place", "municipality", "district", "land", "authority"}
NOT_TOWN_REASONS = {"district-name", "land-name", "provider-name", "facility-name", "address", "authority-name",
                    "person-name"}
# Legal forms: concept id -> (Land code or None for any Land, statute or None when not verified).
LEGAL_FORMS = {
    "nw-oeffentlich-rechtliche-vereinbarung": ("05", "§§ 1, 23 GkG NRW"),
    "rp-zweckvereinbarung": ("07", "§ 12 KomZG"),
    "he-oeffentlich-rechtliche-vereinbarung": ("06", "§ 24 KGG"),
    "sn-zweckvereinbarung": ("14", "§ 71 SächsKomZG"),
    "sh-oeffentlich-rechtliche-vereinbarung": ("01", "§ 18 GkZ"),
    "sh-zweckverband": ("01", "§§ 2, 5 GkZ"),
    "ni-zweckvereinbarung": ("03", "§ 5 NKomZG"),
    "by-zweckvereinbarung": ("09", "Art. 7 KommZG"),
    "by-zweckverband": ("09", "Art. 17 KommZG"),
    "bb-oeffentlich-rechtliche-vereinbarung": ("12", "§§ 5 bis 9 GKGBbg"),
    "oeffentlich-rechtliche-vereinbarung": (None, None),
    "gemeinsamer-vertrag": (None, None),
}
LANDS = {"01": "Schleswig-Holstein", "03": "Niedersachsen", "05": "Nordrhein-Westfalen", "06": "Hessen",
         "07": "Rheinland-Pfalz", "09": "Bayern", "10": "Saarland", "12": "Brandenburg", "14": "Sachsen"}
TRAPS = {"district-forms", "town-in-name", "district-vs-town", "anaphoric-partner", "lead", "legal-form",
         "status-considered", "status-recommended", "status-decided-subject-to", "status-planned",
         "status-existing", "status-ended", "status-rejected", "persons", "person-inverted-name",
         "reference-date", "non-partner"}
MINIMUM = {"documents": 24, "lands": 5, "per_trap": 2, "per_form": 1}
WORDS = (250, 700)


def load_register(path: Path = REGISTER):
    towns, districts = {}, {}
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            towns[row["ags"]] = row
            districts[row["kreis_key"]] = (row["kreis_name"], row["land"])
    return towns, districts


def town_names(official: str) -> set[str]:
    """The forms of a register name a document may use: 'Lauenburg/ Elbe, Stadt' -> itself,
    'Lauenburg/ Elbe'; 'Bautzen / Budyšin, Stadt' -> also 'Bautzen'."""
    base = official.split(",")[0].strip()
    return {official, base, base.split(" / ")[0].strip()}


def district_matches(given: str, official: str) -> bool:
    core = re.sub(r",\s*(Kreisfreie Stadt|Landkreis)$", "", official).strip().lower()
    return core in given.lower()


def count(text: str, phrase: str) -> int:
    return text.count(phrase)


def is_date(value) -> bool:
    try:
        datetime.date.fromisoformat(value)
        return True
    except (TypeError, ValueError):
        return False


def check_document(txt: Path, data: dict, towns_reg: dict, districts_reg: dict) -> list[str]:
    text = txt.read_text(encoding="utf-8")
    problems: list[str] = []

    def bad(message: str) -> None:
        problems.append(f"{txt.name}: {message}")

    def occurs(phrase, what: str, exactly_once: bool = False) -> None:
        if not isinstance(phrase, str) or not phrase:
            bad(f"{what}: not a non-empty string")
            return
        n = count(text, phrase)
        if n == 0:
            bad(f"{what} not in the text: {phrase!r}")
        elif exactly_once and n != 1:
            bad(f"{what} occurs {n} times, must occur once: {phrase!r}")

    first = text.splitlines()[0] if text else ""
    if HEADER not in first:
        bad(f"the first line must say {HEADER!r}")
    words = len(text.split())
    if not WORDS[0] <= words <= WORDS[1]:
        bad(f"{words} words, expected {WORDS[0]}-{WORDS[1]}")

    for key, kind in (("id", str), ("document", str), ("form", str), ("land", dict), ("towns", dict),
                      ("districts", dict), ("ambiguous", list), ("people", list), ("persons", list),
                      ("dates", list), ("cooperations", list), ("non_partners", list), ("not_towns", list),
                      ("traps", list)):
        if not isinstance(data.get(key), kind):
            bad(f"key {key!r} missing or not a {kind.__name__}")
    if problems:
        return problems
    if data["id"] != txt.stem:
        bad(f"id {data['id']!r} is not the file name {txt.stem!r}")
    if data.get("fictional") is not True:
        bad("'fictional' must be true")
    if data["form"] not in FORMS:
        bad(f"form {data['form']!r} not one of {sorted(FORMS)}")
    land = data["land"]
    if LANDS.get(land.get("code")) != land.get("name"):
        bad(f"land {land!r} is not a known code and name")

    for ags, name in data["towns"].items():
        row = towns_reg.get(ags)
        if row is None:
            bad(f"town {ags} not in the register")
        elif name not in town_names(row["name"]):
            bad(f"town {ags} is {row['name']!r} in the register, not {name!r}")
    for key, name in data["districts"].items():
        if key not in districts_reg:
            bad(f"district {key} not in the register")
        elif not district_matches(name, districts_reg[key][0]):
            bad(f"district {key} is {districts_reg[key][0]!r} in the register, not {name!r}")

    persons = data["persons"]
    if data["people"] != [p.get("name") for p in persons]:
        bad("'people' must list the names of 'persons' in order")
    for p in persons:
        for key in ("name", "title", "office", "body", "body_key", "mentions"):
            if key not in p:
                bad(f"person {p.get('name')!r}: key {key!r} missing")
        for mention in p.get("mentions", []):
            occurs(mention, f"person {p.get('name')!r} mention")
        if not p.get("mentions"):
            bad(f"person {p.get('name')!r}: no mentions")
        if p.get("title"):
            occurs(p["title"], f"person {p.get('name')!r} title")
        bk = p.get("body_key")
        if bk is not None and bk not in data["towns"] and bk not in data["districts"]:
            bad(f"person {p.get('name')!r}: body_key {bk} is neither a named town nor a named district")

    start_dates, reference_dates = set(), set()
    for d in data["dates"]:
        if not is_date(d.get("date")):
            bad(f"date {d!r}: not an ISO date")
        if d.get("role") not in DATE_ROLES:
            bad(f"date {d!r}: role not one of {sorted(DATE_ROLES)}")
        occurs(d.get("text"), f"date {d.get('date')} text")
        if d.get("role") == "start":
            start_dates.add(d.get("date"))
        if d.get("role") == "reference":
            reference_dates.add(d.get("date"))

    all_partners: set[str] = set()
    for i, c in enumerate(data["cooperations"]):
        where = f"cooperation {i + 1}"
        partners, pdistricts = c.get("partners", []), c.get("partner_districts", [])
        if not isinstance(partners, list) or not isinstance(pdistricts, list):
            bad(f"{where}: partners and partner_districts must be lists")
            continue
        for ags in partners:
            if ags not in data["towns"]:
                bad(f"{where}: partner {ags} is not among the named towns")
        for key in pdistricts:
            if key not in data["districts"]:
                bad(f"{where}: partner district {key} is not among the named districts")
        if len(set(partners) | set(pdistricts)) < 2:
            bad(f"{where}: fewer than two partners")
        all_partners |= set(partners) | set(pdistricts)
        if c.get("lead") is not None and c["lead"] not in set(partners) | set(pdistricts):
            bad(f"{where}: lead {c['lead']} is not a partner")
        if c.get("status") not in STATUSES:
            bad(f"{where}: status {c.get('status')!r} not one of {sorted(STATUSES)}")
        if c.get("subject") not in SUBJECTS:
            bad(f"{where}: subject {c.get('subject')!r} not one of {sorted(SUBJECTS)}")
        form = c.get("legal_form")
        if form is not None:
            concept = form.get("concept")
            if concept not in LEGAL_FORMS:
                bad(f"{where}: legal form {concept!r} not one of {sorted(LEGAL_FORMS)}")
            else:
                land_code, statute = LEGAL_FORMS[concept]
                if land_code is not None and land_code != land.get("code"):
                    bad(f"{where}: legal form {concept} belongs to Land {land_code}, not {land.get('code')}")
                if form.get("statute") != statute:
                    bad(f"{where}: legal form {concept} has statute {statute!r}, not {form.get('statute')!r}")
            occurs(form.get("text"), f"{where} legal form text")
        if c.get("facility") is not None:
            occurs(c["facility"], f"{where} facility")
        for key in ("start_date", "end_date"):
            if c.get(key) is not None and not is_date(c[key]):
                bad(f"{where}: {key} {c[key]!r} is not an ISO date")
        if c.get("start_date") is not None:
            if c["start_date"] not in start_dates:
                bad(f"{where}: start_date {c['start_date']} is not among the dates with role 'start'")
            if c["start_date"] in reference_dates:
                bad(f"{where}: start_date {c['start_date']} is a reference date")
        occurs(c.get("quote"), f"{where} quote", exactly_once=True)

    for np in data["non_partners"]:
        if np.get("kind") not in NON_PARTNER_KINDS:
            bad(f"non-partner {np!r}: kind not one of {sorted(NON_PARTNER_KINDS)}")
        occurs(np.get("name"), "non-partner name")
        for key in ("ags", "key"):
            if np.get(key) is not None and np[key] in all_partners:
                bad(f"non-partner {np.get('name')!r} ({np[key]}) is a partner of a cooperation")
    for nt in data["not_towns"]:
        occurs(nt.get("text"), "not-a-town text")
        if nt.get("reason") not in NOT_TOWN_REASONS:
            bad(f"not-a-town {nt!r}: reason not one of {sorted(NOT_TOWN_REASONS)}")
        ags = nt.get("town")
        if ags not in towns_reg:
            bad(f"not-a-town {nt.get('text')!r}: town {ags} not in the register")
        if ags in data["towns"] or ags in all_partners:
            bad(f"not-a-town {nt.get('text')!r}: {ags} is listed as a town mention or a partner")
    for trap in data["traps"]:
        if trap not in TRAPS:
            bad(f"trap {trap!r} not one of {sorted(TRAPS)}")
    statuses = {f"status-{c.get('status')}" for c in data["cooperations"]}
    for trap in data["traps"]:
        if trap.startswith("status-") and trap not in statuses:
            bad(f"trap {trap} claimed but no cooperation has that status")
    if "town-in-name" in data["traps"] and not data["not_towns"]:
        bad("trap town-in-name claimed but 'not_towns' is empty")
    if "reference-date" in data["traps"] and not reference_dates:
        bad("trap reference-date claimed but no date has role 'reference'")
    if "person-inverted-name" in data["traps"] and not any(
            re.search(r"\b[^\W\d]+, [^\W\d]+", m) for p in persons for m in p.get("mentions", [])):
        bad("trap person-inverted-name claimed but no 'Name, Vorname' mention")
    return problems


def check(folder: Path = HERE) -> tuple[list[str], dict]:
    towns_reg, districts_reg = load_register()
    problems: list[str] = []
    summary = {"documents": 0, "lands": {}, "forms": {}, "traps": {}, "statuses": {}, "cooperations": 0,
               "persons": 0, "words": 0}
    texts = sorted(folder.glob("*.txt"))
    jsons = sorted(folder.glob("*.expected.json"))
    for j in jsons:
        if not j.with_name(j.name.replace(".expected.json", ".txt")).exists():
            problems.append(f"{j.name}: no text next to it")
    for txt in texts:
        expected = txt.with_name(txt.stem + ".expected.json")
        if not expected.exists():
            problems.append(f"{txt.name}: no {expected.name}")
            continue
        try:
            data = json.loads(expected.read_text(encoding="utf-8"))
        except json.JSONDecodeError as e:
            problems.append(f"{expected.name}: not valid JSON: {e}")
            continue
        problems += check_document(txt, data, towns_reg, districts_reg)
        summary["documents"] += 1
        summary["words"] += len(txt.read_text(encoding="utf-8").split())
        for key, value in (("lands", data.get("land", {}).get("name")), ("forms", data.get("form"))):
            summary[key][value] = summary[key].get(value, 0) + 1
        for trap in set(data.get("traps", [])):
            summary["traps"][trap] = summary["traps"].get(trap, 0) + 1
        for c in data.get("cooperations", []):
            summary["statuses"][c.get("status")] = summary["statuses"].get(c.get("status"), 0) + 1
        summary["cooperations"] += len(data.get("cooperations", []))
        summary["persons"] += len(data.get("persons", []))
    if summary["documents"] < MINIMUM["documents"]:
        problems.append(f"corpus: {summary['documents']} documents, needs {MINIMUM['documents']}")
    if len(summary["lands"]) < MINIMUM["lands"]:
        problems.append(f"corpus: {len(summary['lands'])} Länder, needs {MINIMUM['lands']}")
    for form in sorted(FORMS):
        if summary["forms"].get(form, 0) < MINIMUM["per_form"]:
            problems.append(f"corpus: no document of form {form}")
    for trap in sorted(TRAPS):
        if summary["traps"].get(trap, 0) < MINIMUM["per_trap"]:
            problems.append(f"corpus: trap {trap} in {summary['traps'].get(trap, 0)} documents, "
                            f"needs {MINIMUM['per_trap']}")
    return problems, summary


def main() -> int:
    problems, summary = check()
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print(f"{summary['documents']} documents ({summary['words']} words), {summary['cooperations']} cooperations, "
          f"{summary['persons']} persons")
    for key in ("lands", "forms", "statuses", "traps"):
        print(f"{key}: " + ", ".join(f"{k} {v}" for k, v in sorted(summary[key].items(), key=str)))
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
