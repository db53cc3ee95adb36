"""A seeded generator of synthetic cooperations over the real national register, for
benchmarks only.

Everything it makes lives in its own namespace (``https://w3id.org/ikz/synthetic/``) and its
own folder (default ``build/synthetic/SIZE/``), never in ``data/``. Municipalities are the real
ones (``{base}municipality/{AGS}`` from ``data/national/``), so the synthetic cooperations join
the real register exactly as real data would.

    python benchmarks/synthetic.py M            # writes build/synthetic/M/
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC = "https://w3id.org/ikz/synthetic/"
IKZ = "https://w3id.org/ikz/ontology#"
CONCEPT = "https://w3id.org/ikz/concept/"
#: Cooperations per size; ~36 triples each (with memberships, facility, quote).
SIZES = {"S": 250, "M": 7_500, "L": 80_000}
QUOTES_PER_DOCUMENT = 100
KINDS = [("Jugendschutzstelle", "Inobhutnahme", "eine Jugendschutzstelle"),
         ("Beratungsstelle", "Beratung", "eine Beratungsstelle"),
         ("Erziehungsberatungsstelle", "Erziehungsberatung", "eine Erziehungsberatungsstelle"),
         ("Kinderschutzambulanz", "Beratung", "eine Kinderschutzambulanz")]
STATUS = [("bestehend", 0.8), ("vorgeschlagen", 0.15), ("beendet", 0.05)]
LEGAL_FORMS = ["Unbekannt", "OeffentlichRechtlicheVereinbarung", "Zweckverband", "Arbeitsgemeinschaft", "Privatrechtlich"]


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def generate(size: str, out: Path, base: str = "https://w3id.org/ikz/id/", seed: int = 20160321) -> dict:
    """Write ``out/cooperations.nt`` and ``out/sources/*.txt``; return counts."""
    rng = random.Random(seed)
    towns_by_district: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with open(ROOT / "data/national/de-municipalities-2024.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            towns_by_district[row["kreis_key"]].append((row["ags"], row["name"].split(",")[0]))
    districts = sorted(k for k, v in towns_by_district.items() if len(v) >= 2)
    out.mkdir(parents=True, exist_ok=True)
    (out / "sources").mkdir(exist_ok=True)
    n = SIZES[size]
    lines: list[str] = []
    add = lines.append
    type_ = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    label = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
    derived = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
    document_text: list[str] = []
    document = None
    for i in range(n):
        if i % QUOTES_PER_DOCUMENT == 0:
            _flush(out, document, document_text)
            number = i // QUOTES_PER_DOCUMENT
            document = f"{SYNTHETIC}doc/{number:05d}"
            document_text = [f"Synthetisches Protokoll Nr. {number} (Benchmark-Daten, keine echten Aussagen)", ""]
            add(f"<{document}> {type_} <{IKZ}SourceDocument> .")
            add(f"<{document}> <http://purl.org/dc/terms/title> {_lit(f'Synthetisches Protokoll {number}')}@de .")
            add(f"<{document}> <{IKZ}textFile> {_lit(f'sources/doc-{number:05d}.txt')} .")
        district = rng.choice(districts)
        towns = towns_by_district[district]
        partners = rng.sample(towns, min(len(towns), rng.randint(2, 8)))
        kind, area, phrase = rng.choice(KINDS)
        status = rng.choices([s for s, _ in STATUS], [w for _, w in STATUS])[0]
        cooperation = f"{SYNTHETIC}cooperation/{i:06d}"
        facility = f"{SYNTHETIC}facility/{i:06d}"
        quote = f"{SYNTHETIC}quote/{i:06d}"
        names = ", ".join(name for _, name in partners[:-1]) + " und " + partners[-1][1]
        sentence = f"Nr. {i}: Gemeinsame Inanspruchnahme {phrase.replace('eine', 'einer')} durch die Kommunen {names}."
        document_text.append(sentence)
        add(f"<{cooperation}> {type_} <{IKZ}SharedFacilityUse> .")
        add(f"<{cooperation}> {label} {_lit(f'Kooperation {i} ({kind})')}@de .")
        add(f"<{cooperation}> <{IKZ}facility> <{facility}> .")
        add(f"<{cooperation}> <{IKZ}serviceArea> <{CONCEPT}service-area/{area}> .")
        add(f"<{cooperation}> <{IKZ}status> <{CONCEPT}status/{status}> .")
        add(f"<{cooperation}> <{IKZ}legalForm> <{CONCEPT}legal-form/{rng.choice(LEGAL_FORMS)}> .")
        add(f"<{cooperation}> <https://schema.org/startDate> \"{rng.randint(1995, 2024)}-{rng.randint(1, 12):02d}-01\"^^<http://www.w3.org/2001/XMLSchema#date> .")
        add(f"<{cooperation}> {derived} <{document}> .")
        add(f"<{cooperation}> <{IKZ}quote> <{quote}> .")
        add(f"<{facility}> {type_} <{IKZ}Facility> .")
        add(f"<{facility}> {label} {_lit(f'{kind} {i}')}@de .")
        add(f"<{facility}> <{IKZ}facilityKind> <{CONCEPT}facility-kind/{kind}> .")
        add(f"<{facility}> <{IKZ}unknown> <{IKZ}operatedBy> .")
        add(f"<{quote}> {type_} <{IKZ}Quote> .")
        add(f"<{quote}> <http://www.w3.org/ns/oa#exact> {_lit(sentence)}@de .")
        add(f"<{quote}> <http://www.w3.org/ns/prov#wasQuotedFrom> <{document}> .")
        for ags, _ in partners:
            membership = f"{SYNTHETIC}membership/{i:06d}-{ags}"
            add(f"<{membership}> {type_} <http://www.w3.org/ns/org#Membership> .")
            add(f"<{membership}> <http://www.w3.org/ns/org#organization> <{cooperation}> .")
            add(f"<{membership}> <http://www.w3.org/ns/org#member> <{base}municipality/{ags}> .")
            add(f"<{membership}> <http://www.w3.org/ns/org#role> <{CONCEPT}role/Nutzer> .")
    _flush(out, document, document_text)
    (out / "cooperations.nt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"cooperations": n, "triples": len(lines), "documents": (n + QUOTES_PER_DOCUMENT - 1) // QUOTES_PER_DOCUMENT}


def _flush(out: Path, document: str | None, text: list[str]) -> None:
    if document:
        number = document.rsplit("/", 1)[1]
        (out / "sources" / f"doc-{number}.txt").write_text("\n".join(text) + "\n", encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("-o", "--output", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=20160321)
    args = parser.parse_args(argv)
    out = args.output or ROOT / "build" / "synthetic" / args.size
    counts = generate(args.size, out, seed=args.seed)
    print(f"{out}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
