"""Building an aggregated view: towns grouped to districts (above ``MAX_NODES`` nodes)."""

from __future__ import annotations

from collections import Counter
from functools import cached_property

from graph.core.namespaces import IKZ
from graph.outputs.views import style as _style
from graph.outputs.views.text import shared
from graph.outputs.views.items import EXAMPLE_NAMES, EXAMPLE_QUOTES, EXISTING, NO_DISTRICT, PROPOSED, Info, Node, QuoteRef
from graph.outputs.views.builders import Builder


# -- aggregated views (districts) -----------------------------------------------------------------


class DistrictBuilder(Builder):
    """Shared machinery of the aggregated views: towns grouped to their districts."""

    def district_of(self, town: str) -> str:
        return self.f.towns[town].district or NO_DISTRICT

    def district_label(self, district: str) -> str:
        return self.t("views.no_district") if district == NO_DISTRICT else self.label(district)

    def names(self, labels) -> str:
        """'A, B, C … und 12 weitere': at most ``EXAMPLE_NAMES`` names, sorted."""
        labels = sorted(set(labels))
        text = ", ".join(labels[:EXAMPLE_NAMES])
        if len(labels) > EXAMPLE_NAMES:
            text += " " + self.t("views.and_more", n=number_text(len(labels) - EXAMPLE_NAMES, self.lang))
        return text

    def count(self, n: int, one: str, many: str) -> str:
        return self.t(one) if n == 1 else self.t(many, n=number_text(n, self.lang))

    def by_status(self, cooperations) -> str:
        """'12 bestehend, 3 vorgeschlagen' (the cooperations' status labels)."""
        counts = Counter(self.f.cooperations[c].status or "" for c in cooperations)
        return ", ".join(f"{number_text(n, self.lang)} {self.label(status, '?')}"
                         for status, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def example_quotes(self, cooperations, *subjects) -> list[QuoteRef]:
        """At most ``EXAMPLE_QUOTES`` quotes behind ``subjects`` and ``cooperations`` (in order)."""
        result: list[QuoteRef] = []
        for subject in list(subjects) + sorted(cooperations):
            for q in self.quotes(subject):
                if q not in result:
                    result.append(q)
                if len(result) >= EXAMPLE_QUOTES:
                    return result
        return result

    def example_sources(self, cooperations) -> list[str]:
        docs: list[str] = []
        for c in sorted(cooperations):
            for doc in self.f.derived.get(c, []):
                if doc not in docs:
                    docs.append(doc)
            if len(docs) >= EXAMPLE_QUOTES:
                break
        return sorted({self.label(d) for d in docs})

    def note_documents(self, cooperations) -> None:
        """Every document behind ``cooperations`` counts for the footer (date and sources)."""
        for c in cooperations:
            subjects = [c] + self.f.cooperations[c].facilities + [m.iri for m in self.memberships(c)]
            for subject in subjects:
                self.documents.update(self.f.derived.get(subject, []))
                self.documents.update(q.document for q in self.f.quotes.get(subject, []) if q.document)

    def add_district(self, district: str, towns: set[str], facts: list[tuple[str, str]], quotes, sources) -> Node:
        in_register = self.register_size.get(district, 0)
        label = self.t("views.district_label_one" if len(towns) == 1 else "views.district_label",
                       name=self.district_label(district), n=number_text(len(towns), self.lang))
        head = [(self.t("views.towns"), self.t("views.taking_part", n=number_text(len(towns), self.lang),
                                           total=number_text(in_register, self.lang))),
                (self.t("views.towns_taking_part"), self.names(self.label(t) for t in towns))]
        info = Info(kind=self.label(str(IKZ.District)), title=self.district_label(district),
                    facts=head + facts, quotes=quotes, sources=sources)
        return self.add_node(district, "district", label, info)

    @cached_property
    def register_size(self) -> dict[str, int]:
        """District -> number of its towns in the graph."""
        return Counter(self.district_of(t) for t in self.f.towns)


class DistrictFacilitiesBuilder(DistrictBuilder):
    def build(self) -> None:
        users: dict[str, list[tuple[str, str]]] = {}       # facility -> (town, cooperation)
        coops_of_facility: dict[str, list[str]] = {}
        acting: dict[str, set[str]] = {}                   # district -> 'town → office'
        for cooperation in self.selected:
            c = self.f.cooperations[cooperation]
            for facility in c.facilities:
                coops_of_facility.setdefault(facility, []).append(cooperation)
                for m in self.memberships(cooperation):
                    if self.is_town(m.member):
                        users.setdefault(facility, []).append((m.member, cooperation))
                        if self.acting_note(m):
                            acting.setdefault(self.district_of(m.member), set()).add(self.acting_note(m))
        self.note_documents(self.selected)

        # each facility belongs to the district of most of its users, in a group by type
        groups: dict[tuple[str, str], list[str]] = {}
        for facility in sorted(coops_of_facility):
            districts = Counter(self.district_of(town) for town, _ in users.get(facility, []))
            home = min(districts, key=lambda d: (-districts[d], d)) if districts else NO_DISTRICT
            groups.setdefault((home, self.facility_type(facility)), []).append(facility)
        group_of = {f: key for key, facilities in groups.items() for f in facilities}

        # district -> towns taking part, cooperations, facilities used
        towns_in: dict[str, set[str]] = {}
        coops_in: dict[str, set[str]] = {}
        used_in: dict[str, set[str]] = {}
        uses: dict[tuple[str, tuple[str, str], str], dict] = {}   # (district, group, status) -> facts
        for facility, entries in sorted(users.items()):
            for town, cooperation in entries:
                district = self.district_of(town)
                towns_in.setdefault(district, set()).add(town)
                coops_in.setdefault(district, set()).add(cooperation)
                used_in.setdefault(district, set()).add(facility)
                use = uses.setdefault((district, group_of[facility], self.status_group(cooperation)),
                                      {"facilities": set(), "towns": set(), "cooperations": set()})
                use["facilities"].add(facility)
                use["towns"].add(town)
                use["cooperations"].add(cooperation)
        for home, _ in groups:
            towns_in.setdefault(home, set())

        for district in sorted(towns_in, key=lambda d: (self.district_label(d), d)):
            coops = coops_in.get(district, set())
            facts = [(self.t("views.facilities_count"), self.kind_counts(used_in.get(district, set())) or "0"),
                     (self.t("views.cooperations_heading"), self.by_status(coops) or "0")]
            if acting.get(district):
                facts.append((self.t("views.acting_through"), self.names(acting[district])))
            self.add_district(district, towns_in[district], facts, self.example_quotes(coops),
                              self.example_sources(coops))

        for (home, node_type), facilities in sorted(groups.items()):
            self.add_group(home, node_type, facilities, coops_of_facility, users)

        for (district, group, status), use in sorted(uses.items()):
            node_id = self.group_id(*group)
            n = len(use["facilities"])
            group_label = self.nodes[node_id].info.kind
            info = Info(
                kind=self.label(str(IKZ.SharedFacilityUse)),
                title=f"{self.district_label(district)} – {group_label} ({self.district_label(group[0])})",
                facts=[(self.t("views.facilities_count"), number_text(n, self.lang)),
                       (self.t("views.used_by"), self.names(self.label(t) for t in use["towns"])),
                       (self.t("views.cooperations_heading"), self.by_status(use["cooperations"])),
                       (self.t("views.examples"), self.names(self.label(f) for f in use["facilities"]))],
                quotes=self.example_quotes(use["cooperations"]),
                sources=self.example_sources(use["cooperations"]),
            )
            facets = {"status": [status],
                      "kind": sorted({self.f.root(k) for f in use["facilities"] for k in self._facility(f).kinds})}
            if not facets["kind"]:
                del facets["kind"]
            self.add_edge(f"uses|{district}|{node_id}|{status}", district, node_id, "uses", status, info,
                          width=_style.partner_width(min(n, AGGREGATE_WIDTH_CAP), status == PROPOSED),
                          weight=n, label=str(n) if n >= 2 and status == EXISTING else None,
                          curved=status == PROPOSED, facets=facets)

    def facility_type(self, facility: str) -> str:
        roots = sorted({self.f.root(k) for k in self._facility(facility).kinds})
        return next((_style.FACILITY_TYPES[r] for r in roots if r in _style.FACILITY_TYPES), "facility")

    def kind_counts(self, facilities) -> str:
        """'Jugendschutzstelle: 2, Erziehungsberatungsstelle: 3' (exact kinds, most first)."""
        counts = Counter(self.label(k) for f in facilities for k in (self._facility(f).kinds or [str(IKZ.Facility)]))
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return ", ".join(f"{kind}: {number_text(n, self.lang)}" for kind, n in ordered)

    @staticmethod
    def group_id(district: str, node_type: str) -> str:
        return f"group|{district}|{node_type}"

    def add_group(self, home, node_type, facilities, coops_of_facility, users) -> None:
        st = _style.NODE_STYLES[node_type]
        kind_label = self.label(st.legend)
        cooperations = sorted({c for f in facilities for c in coops_of_facility[f]})
        towns = {t for f in facilities for t, _ in users.get(f, [])}
        districts = {self.district_of(t) for t in towns}
        operators = {o for f in facilities for o, _ in self._facility(f).operators}
        unknown = sum(1 for f in facilities if not self._facility(f).operators)
        facts = [(self.t("views.facilities_count"), number_text(len(facilities), self.lang)),
                 (self.t("views.facility_kind"), self.kind_counts(facilities)),
                 (self.t("views.cooperations_heading"), self.by_status(cooperations)),
                 (self.t("views.used_by"), self.count(len(towns), "views.towns_one", "views.towns_many")
                  + " · " + self.count(len(districts), "views.districts_one", "views.districts_many")),
                 (self.t("views.examples"), self.names(self.label(f) for f in facilities))]
        if operators or unknown:
            text = self.names(self.label(o) for o in operators) if operators else ""
            if unknown:
                text = (text + "; " if text else "") + self.t("views.operator_unknown_count", n=number_text(unknown, self.lang))
            facts.append((self.t("views.operator"), text))
        areas = {self.f.below_root(a) for f in facilities for a in self._facility(f).areas}
        areas |= {a for c in cooperations for a in self.facets(c)["area"]}
        roots = sorted({self.f.root(k) for f in facilities for k in self._facility(f).kinds})
        facets = {"status": sorted({self.status_group(c) for c in cooperations}), "area": sorted(areas)}
        if roots:
            facets["kind"] = roots
        info = Info(kind=kind_label, title=f"{kind_label} – {self.district_label(home)}", facts=facts,
                    quotes=self.example_quotes(cooperations, *facilities[:EXAMPLE_QUOTES]),
                    sources=self.example_sources(cooperations))
        dashed = all(self.status_group(c) == PROPOSED for c in cooperations)
        label = f"{number_text(len(facilities), self.lang)} × {kind_label}"
        self.add_node(self.group_id(home, node_type), node_type, label, info, dashed=dashed, facets=facets)


class DistrictPartnersBuilder(DistrictBuilder):
    def build(self) -> None:
        selected = set(self.selected)
        towns_of: dict[str, set[str]] = {}
        for a, b, cooperation in self.f.pairs:
            if cooperation in selected:
                towns_of.setdefault(cooperation, set()).update((a, b))
        self.note_documents(sorted(towns_of))
        towns_in: dict[str, set[str]] = {}
        inside: dict[str, list[str]] = {}                       # district -> cooperations within it
        across: dict[str, set[str]] = {}                        # district -> cooperations with others
        partners: dict[str, set[str]] = {}
        pairs: dict[tuple[str, str, str], list[str]] = {}
        for cooperation, towns in sorted(towns_of.items()):
            districts = sorted({self.district_of(t) for t in towns})
            for t in towns:
                towns_in.setdefault(self.district_of(t), set()).add(t)
            if len(districts) == 1:
                inside.setdefault(districts[0], []).append(cooperation)
                continue
            status = self.status_group(cooperation)
            for i, a in enumerate(districts):
                across.setdefault(a, set()).add(cooperation)
                for b in districts[i + 1:]:
                    pairs.setdefault((a, b, status), []).append(cooperation)
                    partners.setdefault(a, set()).add(b)
                    partners.setdefault(b, set()).add(a)

        for district in sorted(towns_in, key=lambda d: (self.district_label(d), d)):
            within = inside.get(district, [])
            facts = [(self.t("views.within_district"), self.by_status(within) or "0"),
                     (self.t("views.with_other_districts"), number_text(len(across.get(district, ())), self.lang))]
            if partners.get(district):
                names = self.names(self.district_label(d) for d in partners[district])
                facts.append((self.t("views.partner_districts"), names))
            examples = within or sorted(across.get(district, ()))
            self.add_district(district, towns_in[district], facts, self.example_quotes(examples),
                              self.example_sources(examples))

        for (a, b, status), cooperations in sorted(pairs.items()):
            count = len(cooperations)
            towns = set().union(*(towns_of[c] for c in cooperations))
            info = Info(
                kind=f"{self.label(str(IKZ.Cooperation))} ({self.by_status(cooperations)})",
                title=f"{self.district_label(a)} – {self.district_label(b)}: {shared(count, self.lang)}",
                facts=[(self.district_label(d), self.names(self.label(t) for t in towns if self.district_of(t) == d))
                       for d in (a, b)]
                + [(self.t("views.examples"), self.names(self.label(c) for c in cooperations))],
                quotes=self.example_quotes(cooperations),
                sources=self.example_sources(cooperations),
            )
            facets = {"status": [status], "area": sorted({x for c in cooperations for x in self.facets(c)["area"]})}
            self.add_edge(
                f"pair|{a}|{b}|{status}", a, b, "partners", status, info,
                width=_style.partner_width(min(count, AGGREGATE_WIDTH_CAP), status == PROPOSED),
                weight=count, label=str(count) if status == EXISTING and count >= 2 else None,
                curved=status == PROPOSED, facets=facets,
            )


#: Lines of aggregated views grow with the count up to this many (then the label tells).
AGGREGATE_WIDTH_CAP = 8



def number_text(n: int, lang: str) -> str:
    """'10.978' (German) / '10,978' (English)."""
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "de" else text
