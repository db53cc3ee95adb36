"""What the views know from the graph: read by the facts layer (:mod:`graph.facts.detail`,
the one reader of the graph with the one label rule); this module keeps the views' error and
the names the views used before the facts layer existed."""

from __future__ import annotations

from graph.core.errors import IKZError
from graph.core.namespaces import IKZ
from graph.facts.detail import Cooperation, Facility, Facts, Membership, Quote  # noqa: F401 - re-exported
from graph.facts.labels import local_name  # noqa: F401 - re-exported
from graph.facts.towns import Town, parse_point  # noqa: F401 - re-exported

#: Scheme of the facility kinds / service areas (for filters).
FACILITY_KIND_SCHEME = str(IKZ.FacilityKindScheme)
SERVICE_AREA_SCHEME = str(IKZ.ServiceAreaScheme)


class ViewError(IKZError):
    """A view cannot be made as asked (unknown kind, layout or language, no data)."""
