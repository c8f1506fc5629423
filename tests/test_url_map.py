"""The URL map: one address per page whatever the language, and no API before there is one."""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"<(?:[^:>]+:)?([^>]+)>")


def first_segments(app):
    """Each rule with its first path segment (``''`` for the root)."""
    return [
        (rule.rule, rule.rule.lstrip("/").split("/", 1)[0]) for rule in app.url_map.iter_rules()
    ]


def test_no_route_starts_with_a_language(app):
    # The language is chosen by the switcher's cookie, the profile or the browser, never by the
    # address: a shared link shows the same page in each reader's own language.
    languages = {code.lower() for code in app.config["LANGUAGES"]}
    for rule, segment in first_segments(app):
        assert segment.lower() not in languages, rule
        variable = _PLACEHOLDER.fullmatch(segment)
        assert not (variable and variable.group(1) in {"lang", "language", "locale"}), rule


def test_language_prefixed_addresses_are_not_pages(client):
    for path in ("/en/", "/fr/cities/", "/it/cities/pavia"):
        assert client.get(path).status_code == 404, path


def test_the_api_address_space_is_not_used_yet(app, client):
    for rule, _segment in first_segments(app):
        assert not rule.startswith("/api/v1"), rule
    assert client.get("/api/v1/").status_code == 404
    assert client.get("/api/v1/cities").status_code == 404
