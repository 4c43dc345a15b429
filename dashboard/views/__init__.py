"""One module per view: layout(data, state, topojson_url) and register(app, store)."""

from __future__ import annotations

from dashboard.views import bilaterals, budget, documents, meetings, overview, positions, topics

MODULES = {
    "overview": overview,
    "topics": topics,
    "positions": positions,
    "bilaterals": bilaterals,
    "budget": budget,
    "meetings": meetings,
    "documents": documents,
}
