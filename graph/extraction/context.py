"""The project as context of an extraction: registers, concepts and what the data already
describes (documents, facilities, people, offices).

:class:`ProjectContext` reads the project's *source* data as loaded for a build (not a built
graph, which the facts layer reads): every name a thing is known by (prefLabel, altLabel,
foaf:name) is a lexicon for recognising it in a text, not a display label. Files come from the
project or, where it has none, from the package (:mod:`graph.core.resources`)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import graph.core.namespaces as _ns
from graph.core import resources
from graph.core.text import fold, normalize
from graph.extraction.concepts import concept_labels, load_concepts
from graph.extraction.places import build_index, read_csv

IKZ = str(_ns.IKZ)
SKOS = str(_ns.SKOS)
RDF_TYPE = str(_ns.RDF.type)



class ProjectContext:
    """What extraction needs to know about a project (or, offline, about this checkout).

    Build it once per project and pass it to :func:`extract`; it reads the registers and
    concepts, and, with ``loaded``, the documents, facilities, people and offices the data
    already describes (so that drafts refer to them instead of inventing duplicates).
    """

    def __init__(self, data_dir: Path, ontology_dir: Path, loaded=None, base: str = _ns.DEFAULT_BASE_IRI,
                 national: Path | None = None):
        self.data_dir = Path(data_dir)
        self.ontology_dir = Path(ontology_dir)
        self.base = base
        self.loaded = loaded
        self.references = tuple(sorted((self.data_dir / "reference").glob("*.csv")))
        concepts_file = self.ontology_dir / "concepts.ttl"
        self.concepts = load_concepts(concepts_file, concepts_file.stat().st_mtime)
        self.kinds = concept_labels(self.concepts, "facility-kind")
        self.areas = concept_labels(self.concepts, "service-area")
        self.subjects: set[str] = set()
        self.labels: dict[str, list[str]] = defaultdict(list)
        self.types: dict[str, set[str]] = defaultdict(set)
        self.documents: dict[str, str] = {}  # textFile → doc IRI
        self.services: set[tuple[str, str]] = set()  # (office IRI, town IRI)
        self.quotes: dict[tuple[str, str], str] = {}
        self.person_names: dict[str, str] = {}
        self.titles: dict[str, list[str]] = defaultdict(list)
        self.languages: dict[str, str] = {}
        district_labels = []
        if loaded is not None:
            self._read_graph(loaded.triples)
            # "EN-Kreis" is a name of d:05954; a register label such as "Unna" (for the Kreis Unna) is not
            district_labels = [(label, iri.rsplit("/", 1)[1]) for iri, labels in self.labels.items()
                               if iri.startswith(base + "district/") for label in labels
                               if re.search(r"[Kk]reis|^Region |^Städteregion ", label)]
        if national is None:  # the project's copy of the national register, else the packaged one
            own = self.data_dir / resources.NATIONAL_REGISTER
            national = own if own.is_file() else resources.national_register()
        stamp = tuple(p.stat().st_mtime for p in (national, *self.references) if p.is_file())
        self.index = build_index(national, self.references, tuple(sorted(district_labels)), stamp)
        self.own_office: dict[str, bool] = {}
        self.registered: set[str] = set()
        for path in self.references:
            for row in read_csv(path):
                ags = (row.get("ags") or "").strip()
                self.registered.add(ags)
                if (row.get("own_jugendamt") or "").strip() in ("yes", "no"):
                    self.own_office[ags] = row["own_jugendamt"].strip() == "yes"
        self.home_districts = {a[:5] for a in self.registered if a}
        self.home_lands = {self.index.places[a].land for a in self.registered if a in self.index.places}

    @classmethod
    def for_project(cls, project, base: str | None = None) -> "ProjectContext":
        from graph.builder.build import load_project
        from graph.core.namespaces import base_iri

        base = base_iri(base)
        return cls(project.data_dir, project.ontology_dir, load_project(project, base), base,
                   national=project.national_register)

    @classmethod
    def offline(cls) -> "ProjectContext":
        """The packaged registers and concepts, without loading any project's data."""
        return cls(resources.data_dir(), resources.ontology_dir())

    def _read_graph(self, triples) -> None:
        competent, served = defaultdict(set), defaultdict(set)
        exact, quoted = {}, {}
        for t in triples:
            s, p, o = t.subject.value, t.predicate.value, t.object
            self.subjects.add(s)
            if p in (SKOS + "prefLabel", SKOS + "altLabel", str(_ns.FOAF.name)):
                self.labels[s].append(o.value)
            elif p == RDF_TYPE:
                self.types[s].add(o.value)
            elif p == IKZ + "textFile":
                self.documents[o.value] = s
            elif p == str(_ns.DCTERMS.title):
                self.titles[s].append(o.value)
            elif p == str(_ns.DCTERMS.language):
                self.languages[s] = o.value.rsplit("/", 1)[-1]
            elif p == str(_ns.CV.hasCompetentAuthority):
                competent[s].add(o.value)
            elif p == str(_ns.SDO.areaServed):
                served[s].add(o.value)
            elif p == str(_ns.OA.exact):
                exact[s] = o.value
            elif p == str(_ns.PROV.wasQuotedFrom):
                quoted[s] = o.value
        for service, offices in competent.items():
            for office in offices:
                for town in served.get(service, ()):
                    self.services.add((office, town))
        for quote, text in exact.items():
            if quote in quoted:
                self.quotes[(quoted[quote], normalize(text))] = quote
        for iri, types in self.types.items():
            if str(_ns.FOAF.Person) in types:
                for name in self.labels.get(iri, ()):
                    self.person_names[fold(name)] = iri

    def described(self, path: str) -> bool:
        return (self.base + path) in self.subjects

    def facility_named(self, label: str) -> str | None:
        """The IRI of a facility the data already describes under this label."""
        folded = fold(label)
        for iri, labels in self.labels.items():
            if IKZ + "Facility" in self.types.get(iri, ()) and any(fold(l) == folded for l in labels):
                return iri
        return None

    def document_for(self, text_file: str) -> str | None:
        return self.documents.get(text_file)
