"""A canary in every field of a workspace a person types renders as text on the workspace pages."""

from __future__ import annotations

from lab.workspaces import services
from tests.factories import make_city, make_user, sign_in
from tests.test_output_encoding import CANARY, _assert_inert


def test_workspace_titles_purposes_names_and_messages_render_as_text(app):
    city = make_city(name=f"Town {CANARY}"[:120])
    lead = make_user("delegate", city=city, display_name=CANARY[:80])
    workspace = services.create_workspace(
        lead,
        services.WorkspaceInput(title=CANARY, purpose=f"Purpose {CANARY}", city_ids=[city.id]),
    )
    asker = make_user("young_stakeholder", display_name=f"Asker {CANARY}"[:80])
    services.request_to_join(asker, workspace, CANARY)
    client = app.test_client()
    sign_in(client, lead)
    base = f"/workspaces/{workspace.id}"
    for url in (
        "/workspaces/",
        base,
        f"{base}/edit",
        f"{base}/members",
        f"{base}/discussion",
        f"{base}/search?q=purpose",
        f"/cities/{city.slug}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_inert(response.get_data(as_text=True), url)
