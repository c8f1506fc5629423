"""The heritage facets that make practices comparable across cities, with their labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUSES = ("draft", "published", "archived")
STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "archived": _l("Archived")}

ASSET_TYPES = {
    "civic_building": _l("Civic or public building"),
    "religious_building": _l("Religious building (convent, church...)"),
    "industrial_site": _l("Industrial site"),
    "military_site": _l("Military site"),
    "historic_centre": _l("Historic centre"),
    "public_space": _l("Public space or park"),
    "archaeological_site": _l("Archaeological site"),
    "rural_landscape": _l("Rural or cultural landscape"),
    "intangible": _l("Intangible heritage"),
    "collection": _l("Museum or collection"),
    "other": _l("Other"),
}
PROTECTION_STATUSES = {
    "unesco": _l("UNESCO World Heritage"),
    "national": _l("Protected nationally"),
    "regional": _l("Protected regionally"),
    "local": _l("Protected locally"),
    "not_protected": _l("Not protected"),
    "unknown": _l("Unknown"),
}
REUSE_TYPES = {
    "cultural_centre": _l("Cultural centre"),
    "community_centre": _l("Community centre"),
    "creative_hub": _l("Creative hub or workshops"),
    "education": _l("Education or research"),
    "museum": _l("Museum or exhibition"),
    "housing": _l("Housing"),
    "public_service": _l("Public service"),
    "tourism": _l("Tourism or hospitality"),
    "sport_leisure": _l("Sport or leisure"),
    "mixed_use": _l("Mixed use"),
    "temporary_use": _l("Temporary use"),
    "other": _l("Other"),
}
BUSINESS_MODELS = {
    "public_operated": _l("Run by the municipality"),
    "social_enterprise": _l("Social enterprise"),
    "cooperative": _l("Cooperative"),
    "non_profit": _l("Association or non-profit"),
    "public_private": _l("Public-private partnership"),
    "concession": _l("Private concession"),
    "circular": _l("Circular business model"),
    "other": _l("Other"),
}
FINANCING_MODELS = {
    "municipal_budget": _l("Municipal budget"),
    "eu_funds": _l("EU funds"),
    "national_funds": _l("National or regional funds"),
    "private_investment": _l("Private investment"),
    "philanthropy": _l("Foundations and philanthropy"),
    "crowdfunding": _l("Crowdfunding"),
    "revenue": _l("Own revenue"),
    "mixed": _l("Mixed financing"),
    "other": _l("Other"),
}
GOVERNANCE_MODELS = {
    "municipal": _l("Municipal management"),
    "participatory": _l("Participatory governance"),
    "community_led": _l("Community-led"),
    "partnership": _l("Multi-actor partnership"),
    "foundation": _l("Foundation or trust"),
    "other": _l("Other"),
}

# column name -> (vocabulary, label of the facet)
FACETS = {
    "asset_type": (ASSET_TYPES, _l("Asset type")),
    "protection_status": (PROTECTION_STATUSES, _l("Protection status")),
    "reuse_type": (REUSE_TYPES, _l("Reuse type")),
    "business_model": (BUSINESS_MODELS, _l("Business model")),
    "financing_model": (FINANCING_MODELS, _l("Financing model")),
    "governance_model": (GOVERNANCE_MODELS, _l("Governance model")),
}

# The structured sections of a practice, in reading order: column -> heading.
SECTIONS = {
    "challenge": _l("The challenge"),
    "solution": _l("The solution"),
    "stakeholders": _l("Stakeholders involved"),
    "resources": _l("Resources and financing"),
    "results": _l("Results and evidence"),
    "transferability": _l("Transferability: what another city needs"),
    "lessons": _l("Lessons learned (failures count too)"),
}


def facet_label(column: str, value: str | None) -> str:
    """The label of a facet value, or an empty string."""
    if not value:
        return ""
    vocabulary = FACETS[column][0]
    return str(vocabulary.get(value, value))


def check_in(column: str, values: object) -> str:
    """A CHECK constraint: the column is NULL or one of the values."""
    allowed = ", ".join(repr(v) for v in values)  # type: ignore[attr-defined]
    return f"{column} IS NULL OR {column} IN ({allowed})"
