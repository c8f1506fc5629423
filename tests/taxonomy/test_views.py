"""The admin theme pages: admins only, counts in one query, bad input refused, nothing lost."""

from __future__ import annotations

from sqlalchemy import select

from lab.audit.models import AuditEvent
from lab.extensions import db
from lab.practices import services as practices
from lab.practices.models import Practice
from lab.taxonomy import services
from lab.taxonomy.models import Theme
from tests.admin.pages import parse, text_of
from tests.factories import make_practice, make_user, sign_in


def _theme(name: str) -> Theme:
    return services.create_theme(services.ThemeDetails(name))


def _all_themes() -> list[Theme]:
    db.session.expire_all()
    query = select(Theme).order_by(Theme.id).execution_options(include_deleted=True)
    return list(db.session.scalars(query))


def _row_text(response, theme: Theme) -> str:
    """The visible text of the theme's row in the list."""
    html = response.get_data(as_text=True)
    start = html.index(f'id="theme-{theme.id}"')
    return " ".join(parse(html[start : html.index("</tr>", start)]).text.split())


def test_the_list_shows_themes_in_order_with_their_practice_counts(client):
    circular = _theme("Circular business models")
    financing = _theme("Financing models")
    unused = _theme("Youth and education")
    make_practice(theme_ids=[circular.id, financing.id])
    make_practice(theme_ids=[circular.id], status="draft")
    deleted = make_practice(theme_ids=[circular.id])
    practices.delete_practice(make_user("admin"), deleted)
    sign_in(client, make_user("admin"))
    response = client.get("/admin/themes")
    assert response.status_code == 200
    text = text_of(response)
    assert text.index("Circular business models") < text.index("Financing models")
    assert text.index("Financing models") < text.index("Youth and education")
    assert "2 practices (1 published)" in _row_text(response, circular)
    assert "1 practice (1 published)" in _row_text(response, financing)
    assert "0 practices" in _row_text(response, unused)


def test_the_list_costs_the_same_queries_for_5_or_40_themes(client, count_queries):
    sign_in(client, make_user("admin"))
    author = make_user("delegate")

    def add(n: int) -> None:
        for i in range(n):
            theme = _theme(f"Theme {len(_all_themes())} {i}")
            make_practice(author, theme_ids=[theme.id])

    add(5)
    with count_queries() as few:
        assert client.get("/admin/themes").status_code == 200
    add(35)
    with count_queries() as many:
        assert client.get("/admin/themes").status_code == 200
    assert many.n == few.n, many.statements


def test_an_admin_adds_a_theme_and_it_is_audited(client):
    admin = make_user("admin")
    sign_in(client, admin)
    assert client.get("/admin/themes/new").status_code == 200
    response = client.post(
        "/admin/themes/new",
        data={"name": "Social inclusion", "slug": "", "description": "Everyone takes part."},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/admin/themes")
    theme = services.theme_by_slug("social-inclusion")
    assert theme is not None and theme.description == "Everyone takes part."
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "theme.created"))
    assert event is not None and event.actor_id == admin.id
    assert "Social inclusion" in text_of(client.get("/admin/themes"))


def test_bad_input_gets_its_message_with_status_400_and_changes_nothing(client):
    _theme("Financing models")
    sign_in(client, make_user("admin"))
    before = len(_all_themes())
    cases = [
        ({"name": ""}, "This field is required."),
        ({"name": "x" * 121}, "Field cannot be longer than 120 characters."),
        ({"name": "Fine", "slug": "Not A Slug"}, "lower-case letters, digits and single hyphens"),
        ({"name": "financing MODELS"}, "There is already a theme called financing MODELS."),
        ({"name": "Fine", "slug": "financing-models"}, "already uses the address"),
        ({"name": "Fine", "description": "d" * 501}, "cannot be longer than 500 characters"),
    ]
    for data, message in cases:
        response = client.post("/admin/themes/new", data={"slug": "", "description": "", **data})
        assert response.status_code == 400, data
        assert message in text_of(response), data
        typed = [attrs.get("value") for tag, attrs in parse(response).elements if tag == "input"]
        assert data["name"] in typed or not data["name"], "the form keeps what was typed"
    assert len(_all_themes()) == before


def test_a_post_without_csrf_token_is_refused(client):
    sign_in(client, make_user("admin"))
    response = client.post("/admin/themes/new", data={"name": "Sneaky"}, with_csrf=False)
    assert response.status_code == 400
    assert services.theme_by_slug("sneaky") is None


def test_posting_position_or_deleted_at_changes_nothing(client):
    sign_in(client, make_user("admin"))
    last = _theme("Last so far")
    client.post(
        "/admin/themes/new",
        data={"name": "Newcomer", "position": "-99", "deleted_at": "2020-01-01", "id": "1"},
    )
    newcomer = services.theme_by_slug("newcomer")
    assert newcomer is not None and not newcomer.is_deleted
    assert newcomer.position > last.position


def test_an_admin_renames_a_theme_and_the_form_starts_from_it(client):
    theme = _theme("Financing")
    sign_in(client, make_user("admin"))
    page = parse(client.get(f"/admin/themes/{theme.id}/edit"))
    assert ("name", "Financing") in [
        (attrs.get("name"), attrs.get("value")) for tag, attrs in page.elements if tag == "input"
    ]
    response = client.post(
        f"/admin/themes/{theme.id}/edit",
        data={"name": "Financing models", "slug": "", "description": "How heritage pays."},
    )
    assert response.status_code == 303
    renamed = _all_themes()[-1]
    assert (renamed.name, renamed.slug) == ("Financing models", "financing")
    response = client.post(f"/admin/themes/{theme.id}/edit", data={"name": "", "slug": ""})
    assert response.status_code == 400
    assert _all_themes()[-1].name == "Financing models"


def test_delete_then_restore_through_the_pages(client):
    theme = _theme("Adaptive reuse of buildings")
    practice = make_practice(theme_ids=[theme.id])
    sign_in(client, make_user("admin"))
    response = client.post(f"/admin/themes/{theme.id}/delete", data={})
    assert response.status_code == 303
    assert "Practices filed under it keep the link" in text_of(client.get("/admin/themes"))
    listing = client.get("/admin/themes")
    assert f'id="theme-{theme.id}"' not in listing.get_data(as_text=True)
    deleted = client.get("/admin/themes?show=deleted")
    assert "1 practice (1 published)" in _row_text(deleted, theme)
    assert client.get(f"/admin/themes/{theme.id}/edit").status_code == 404
    assert (
        client.post(f"/admin/themes/{theme.id}/move", data={"direction": "up"}).status_code == 404
    )

    response = client.post(f"/admin/themes/{theme.id}/restore", data={})
    assert response.status_code == 303
    assert f'id="theme-{theme.id}"' in client.get("/admin/themes").get_data(as_text=True)
    db.session.expire_all()
    assert [t.id for t in db.session.get(Practice, practice.id).themes] == [theme.id]


def test_restoring_over_a_taken_address_is_refused_with_a_message(client):
    old = _theme("Youth and education")
    services.delete_theme(old)
    _theme("Youth and education")
    sign_in(client, make_user("admin"))
    response = client.post(f"/admin/themes/{old.id}/restore", data={}, follow_redirects=True)
    assert "Another theme now uses the address youth-and-education" in text_of(response)
    assert _all_themes()[0].is_deleted


def test_moving_through_the_page_and_a_bad_direction(client):
    first, second = _theme("A first"), _theme("B second")
    sign_in(client, make_user("admin"))
    response = client.post(f"/admin/themes/{second.id}/move", data={"direction": "up"})
    assert response.status_code == 303
    assert [t.name for t in services.live_themes()][:2] == ["B second", "A first"]
    page = client.get("/admin/themes").get_data(as_text=True)
    assert page.index("B second") < page.index("A first")
    assert (
        client.post(f"/admin/themes/{first.id}/move", data={"direction": "sideways"}).status_code
        == 400
    )
    assert [t.name for t in services.live_themes()][:2] == ["B second", "A first"]


def test_unknown_themes_give_404(client):
    sign_in(client, make_user("admin"))
    assert client.get("/admin/themes/999999/edit").status_code == 404
    assert client.post("/admin/themes/999999/delete", data={}).status_code == 404
    assert client.post("/admin/themes/999999/restore", data={}).status_code == 404


def test_a_coordinator_is_refused_everywhere_and_nothing_changes(client):
    theme = _theme("Governance and participation")
    sign_in(client, make_user("coordinator"))
    assert client.get("/admin/themes").status_code == 403
    assert client.get("/admin/themes/new").status_code == 403
    assert client.post("/admin/themes/new", data={"name": "Coordinated"}).status_code == 403
    assert client.get(f"/admin/themes/{theme.id}/edit").status_code == 403
    edit = client.post(f"/admin/themes/{theme.id}/edit", data={"name": "Taken", "slug": ""})
    assert edit.status_code == 403
    assert (
        client.post(f"/admin/themes/{theme.id}/move", data={"direction": "up"}).status_code == 403
    )
    assert client.post(f"/admin/themes/{theme.id}/delete", data={}).status_code == 403
    themes = _all_themes()
    assert [(t.name, t.is_deleted) for t in themes] == [("Governance and participation", False)]
    assert "/admin/themes" not in client.get("/admin/").get_data(as_text=True)


def test_the_admin_overview_links_to_themes(client):
    sign_in(client, make_user("admin"))
    assert "/admin/themes" in client.get("/admin/").get_data(as_text=True)


def test_a_theme_name_renders_as_text(client):
    canary = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    theme = services.create_theme(services.ThemeDetails(canary[:120], description=canary))
    sign_in(client, make_user("admin"))
    for url in ("/admin/themes", f"/admin/themes/{theme.id}/edit"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "&lt;script&gt;" in html, url
