"""A canary in every user-controlled field renders as text, never as markup."""

from __future__ import annotations

from html.parser import HTMLParser

from tests.factories import make_city, make_user, sign_in

CANARY = '<script>alert("canary")</script><img src=x onerror=alert(1)>'


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts_with_body: list[str] = []
        self.handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        self.handlers += [name for name, _ in attrs if name.startswith("on")]

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.scripts_with_body.append(data)

    def handle_endtag(self, tag):
        self._in_script = False


def _assert_inert(html: str, where: str) -> None:
    parsed = _Collector()
    parsed.feed(html)
    assert not parsed.scripts_with_body, f"inline script on {where}"
    assert not parsed.handlers, f"event handler attribute on {where}"
    assert "&lt;script&gt;" in html, f"the canary is not shown as text on {where}"


def test_names_titles_and_reasons_render_as_text_everywhere(client):
    city = make_city(name=f"Town {CANARY}"[:120], official_name=CANARY, description=CANARY)
    person = make_user(
        "young_stakeholder", display_name="Canary " + CANARY[:60], affiliation=CANARY
    )
    admin = make_user("admin")
    _assert_inert(client.get(f"/cities/{city.slug}").get_data(as_text=True), "the city page")
    _assert_inert(client.get("/cities/").get_data(as_text=True), "the city list")
    _assert_inert(client.get(f"/users/{person.id}").get_data(as_text=True), "the profile")
    sign_in(client, admin)
    _assert_inert(client.get("/admin/users").get_data(as_text=True), "the user list")
    _assert_inert(
        client.get(f"/admin/users/{person.id}").get_data(as_text=True), "the admin user page"
    )
    other = client.application.test_client()
    sign_in(other, person)
    _assert_inert(other.get("/account").get_data(as_text=True), "the account page")
