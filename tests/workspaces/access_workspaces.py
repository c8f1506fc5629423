"""Deny by default for the workspace pages themselves (list, new, overview, edit, status,
members and their actions, cities, join requests, linked practices, thread, search).

The matrix's users are never members: the workspaces here are led by someone else. A members-only
workspace answers 404 to all of them but the coordinator (who may open it to moderate, logged, and
still may change nothing: 403); in a public one they read, and every change is refused (403, or
the sign-in page for a visitor). Asking to join a public workspace is the one thing they may do.
"""

from __future__ import annotations

from typing import Any

from lab.workspaces import services
from tests.factories import make_city, make_practice, make_user
from tests.test_access_matrix import ALL_200, LOGIN, row
from tests.workspaces.conftest import add_member, make_workspace

PRIVATE_PAGE = row(404, 404, 404, 200, 404)  # only the (logged) coordinator opens it
PRIVATE_ACTION = row(404, 404, 404, 403, 404)  # the coordinator sees it, but changes nothing
LEADS_ONLY = row(LOGIN, 403, 403, 403, 403)

ROWS: dict[str, tuple[str, str, dict[str, int]]] = {
    "workspaces.index": ("GET", "/workspaces/", ALL_200),
    "workspaces.new": ("GET", "/workspaces/new", row(LOGIN, 403, 200, 200, 403)),
    "workspaces.show": ("GET", "/workspaces/{ws_private}", PRIVATE_PAGE),
    "workspaces.edit": ("GET", "/workspaces/{ws_public}/edit", LEADS_ONLY),
    "workspaces.change_status": ("POST", "/workspaces/{ws_private}/status", PRIVATE_ACTION),
    "workspaces.members": ("GET", "/workspaces/{ws_public}/members", ALL_200),
    "workspaces.add_member": ("POST", "/workspaces/{ws_public}/members", LEADS_ONLY),
    "workspaces.remove_member": (
        "POST",
        "/workspaces/{ws_public}/members/{ws_public_member}/remove",
        LEADS_ONLY,
    ),
    "workspaces.change_role": (
        "POST",
        "/workspaces/{ws_private}/members/{ws_private_lead}/role",
        PRIVATE_ACTION,
    ),
    "workspaces.leave": ("POST", "/workspaces/{ws_public}/leave", LEADS_ONLY),
    "workspaces.add_city": ("POST", "/workspaces/{ws_private}/cities", PRIVATE_ACTION),
    "workspaces.remove_city": (
        "POST",
        "/workspaces/{ws_public}/cities/{ws_public_city}/remove",
        LEADS_ONLY,
    ),
    "workspaces.request_to_join": (
        "POST",
        "/workspaces/{ws_public}/join",
        row(LOGIN, 303, 303, 303, 303),
    ),
    "workspaces.decide_request": (
        "POST",
        "/workspaces/{ws_public}/requests/{ws_public_request}",
        LEADS_ONLY,
    ),
    "workspaces.link_practice": ("POST", "/workspaces/{ws_private}/practices", PRIVATE_ACTION),
    "workspaces.unlink_practice": (
        "POST",
        "/workspaces/{ws_public}/practices/{ws_public_practice}/unlink",
        LEADS_ONLY,
    ),
    "workspaces.discussion": ("GET", "/workspaces/{ws_private}/discussion", PRIVATE_PAGE),
    "workspaces.search": ("GET", "/workspaces/{ws_private}/search?q=plan", PRIVATE_PAGE),
}


def setup(context: dict[str, Any]) -> dict[str, object]:
    """A public and a members-only workspace led by people outside the matrix."""
    partner = context["partner"]
    lead = make_user("delegate", city=partner)
    other_city = make_city(name="Access: Qingdao")
    public = make_workspace(lead, [partner, other_city], title="Access: the public workspace")
    member = make_user("delegate", city=other_city)
    add_member(public, member)
    asker = make_user("young_stakeholder")
    request = services.request_to_join(asker, public, "May I help?")
    practice = make_practice(lead, title="Access: a linked practice")
    services.link_practice(lead, public, practice.id)
    private = make_workspace(
        lead, [partner], visibility="members", title="Access: the members-only workspace"
    )
    return {
        "ws_public": public.id,
        "ws_public_member": member.id,
        "ws_public_city": other_city.id,
        "ws_public_request": request.id,
        "ws_public_practice": practice.id,
        "ws_private": private.id,
        "ws_private_lead": lead.id,
    }
