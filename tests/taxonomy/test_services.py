"""Theme rules: names and addresses, order, soft delete that keeps practices' links, who may."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lab.audit.models import AuditEvent
from lab.core.errors import ConflictError, DomainError, PermissionDeniedError
from lab.core.types import utcnow
from lab.extensions import db
from lab.practices.models import Practice, practice_theme
from lab.taxonomy import services
from lab.taxonomy.models import Theme
from tests.factories import make_practice, make_user


def _theme(name: str, **kwargs: str) -> Theme:
    return services.create_theme(services.ThemeDetails(name, **kwargs))


def _live_names() -> list[str]:
    db.session.expire_all()
    return [theme.name for theme in services.live_themes()]


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _theme_count() -> int:
    query = select(func.count(Theme.id)).execution_options(include_deleted=True)
    return db.session.scalar(query) or 0


def test_an_admin_creates_themes_at_the_end_of_the_list_with_a_slug_from_the_name():
    admin = make_user("admin")
    first = services.create_theme(
        services.ThemeDetails("  Circular   business models ", "Reuse, repair, share."),
        actor=admin,
    )
    second = services.create_theme(services.ThemeDetails("Financing models"), actor=admin)
    assert (first.name, first.slug, first.description) == (
        "Circular business models",
        "circular-business-models",
        "Reuse, repair, share.",
    )
    assert second.slug == "financing-models" and second.position > first.position
    assert _live_names()[-2:] == ["Circular business models", "Financing models"]
    event = _events("theme.created")[0]
    assert event.actor_id == admin.id and event.target_id == first.id
    assert event.target_label == "Circular business models"


def test_names_that_make_the_same_slug_get_distinct_ones():
    one = _theme("Youth & education")
    two = _theme("Youth education")
    assert (one.slug, two.slug) == ("youth-education", "youth-education-2")


@pytest.mark.parametrize(
    ("details", "field"),
    [
        (services.ThemeDetails(""), "name"),
        (services.ThemeDetails("   "), "name"),
        (services.ThemeDetails("x" * 121), "name"),
        (services.ThemeDetails("Fine", description="y" * 501), "description"),
        (services.ThemeDetails("Fine", slug="Has Spaces"), "slug"),
        (services.ThemeDetails("Fine", slug="double--hyphen"), "slug"),
        (services.ThemeDetails("Fine", slug="-leading"), "slug"),
        (services.ThemeDetails("Fine", slug="città"), "slug"),
        (services.ThemeDetails("Fine", slug="../admin"), "slug"),
        (services.ThemeDetails("Fine", slug="a" * 81), "slug"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_creates_nothing(details, field):
    before = _theme_count()
    with pytest.raises(DomainError) as refused:
        services.create_theme(details)
    assert refused.value.field == field
    assert _theme_count() == before
    assert _events("theme.created") == []


def test_a_name_or_slug_already_in_use_is_refused():
    _theme("Governance and participation", slug="governance")
    with pytest.raises(DomainError) as same_name:
        _theme("GOVERNANCE AND PARTICIPATION")
    assert same_name.value.field == "name"
    with pytest.raises(DomainError) as same_slug:
        _theme("Governance models", slug="governance")
    assert same_slug.value.field == "slug"
    assert "governance" in same_slug.value.message


def test_a_slug_race_lost_at_the_unique_index_is_a_clear_refusal(monkeypatch):
    _theme("Social inclusion")
    # Both requests passed the check before either wrote: the partial unique index decides.
    monkeypatch.setattr(services, "_live_slug_taken", lambda slug, other_than: False)
    monkeypatch.setattr(services, "_live_name_taken", lambda name, other_than: False)
    with pytest.raises(DomainError) as refused:
        _theme("Social inclusion")
    assert refused.value.field == "slug"
    monkeypatch.undo()
    assert _live_names().count("Social inclusion") == 1


def test_renaming_keeps_the_address_unless_the_admin_changes_it():
    admin = make_user("admin")
    theme = _theme("Financing")
    services.update_theme(
        theme, services.ThemeDetails("Financing models", "How heritage pays."), actor=admin
    )
    assert (theme.name, theme.slug, theme.description) == (
        "Financing models",
        "financing",
        "How heritage pays.",
    )
    [event] = _events("theme.updated")
    assert event.details["fields"] == ["description", "name"]
    services.update_theme(theme, services.ThemeDetails("Financing models", slug="money"))
    assert theme.slug == "money"
    other = _theme("Other")
    with pytest.raises(DomainError):
        services.update_theme(other, services.ThemeDetails("Other", slug="money"))
    with pytest.raises(DomainError):
        services.update_theme(other, services.ThemeDetails("financing MODELS"))
    db.session.expire_all()
    assert (other.name, other.slug) == ("Other", "other")


def test_moving_a_theme_swaps_it_with_its_neighbour_and_renumbers_the_list():
    names = ["A first", "B second", "C third"]
    themes = [_theme(name) for name in names]
    services.move_theme(themes[2], -1)
    assert _live_names() == ["A first", "C third", "B second"]
    assert [t.position for t in services.live_themes()] == [0, 1, 2]
    services.move_theme(themes[0], 1)
    assert _live_names() == ["C third", "A first", "B second"]
    moves = len(_events("theme.moved"))
    services.move_theme(themes[2], -1)  # already first: nothing happens, nothing is logged
    assert _live_names() == ["C third", "A first", "B second"]
    assert len(_events("theme.moved")) == moves
    with pytest.raises(DomainError):
        services.move_theme(themes[0], 5)


def test_a_deleted_theme_is_not_offered_but_its_practices_keep_the_link():
    theme = _theme("Adaptive reuse of buildings")
    kept = _theme("Intangible heritage and festivals")
    practice = make_practice(theme_ids=[theme.id, kept.id])
    admin = make_user("admin")

    services.delete_theme(theme, actor=admin)
    assert theme.id not in dict(services.theme_choices())
    assert kept.id in dict(services.theme_choices())
    assert services.load_theme(theme.id) is None
    assert services.theme_by_slug(theme.slug) is None
    links = db.session.scalar(
        select(func.count())
        .select_from(practice_theme)
        .where(practice_theme.c.theme_id == theme.id)
    )
    assert links == 1
    [event] = _events("theme.deleted")
    assert event.actor_id == admin.id and event.target_id == theme.id

    services.restore_theme(services.load_theme(theme.id, include_deleted=True), actor=admin)
    assert theme.id in dict(services.theme_choices())
    db.session.expire_all()
    reloaded = db.session.get(Practice, practice.id)
    assert {t.id for t in reloaded.themes} == {theme.id, kept.id}
    assert len(_events("theme.restored")) == 1


def test_a_deleted_slug_is_free_again_and_the_old_theme_cannot_come_back_over_it():
    old = _theme("Youth and education")
    services.delete_theme(old)
    new = _theme("Youth and education")
    assert new.slug == old.slug  # unique among live themes only
    with pytest.raises(ConflictError) as refused:
        services.restore_theme(old)
    assert "youth-and-education" in refused.value.message
    assert old.is_deleted


def test_deleting_twice_or_changing_a_deleted_theme_is_refused():
    theme = _theme("Public services")
    services.delete_theme(theme)
    with pytest.raises(ConflictError):
        services.delete_theme(theme)
    with pytest.raises(DomainError):
        services.update_theme(theme, services.ThemeDetails("Renamed"))
    with pytest.raises(DomainError):
        services.move_theme(theme, 1)
    with pytest.raises(ConflictError):
        services.restore_theme(_theme("Live"))
    assert theme.name == "Public services"


@pytest.mark.parametrize("role", ["coordinator", "delegate", "young_stakeholder"])
def test_only_admins_manage_themes(role):
    actor = make_user(role)
    theme = _theme("Governance")
    before = _theme_count()
    with pytest.raises(PermissionDeniedError):
        services.create_theme(services.ThemeDetails("Mine"), actor=actor)
    with pytest.raises(PermissionDeniedError):
        services.update_theme(theme, services.ThemeDetails("Taken over"), actor=actor)
    with pytest.raises(PermissionDeniedError):
        services.move_theme(theme, 1, actor=actor)
    with pytest.raises(PermissionDeniedError):
        services.delete_theme(theme, actor=actor)
    assert _theme_count() == before and theme.name == "Governance" and not theme.is_deleted


def test_a_suspended_admin_manages_nothing():
    admin = make_user("admin", suspended_until=utcnow() + timedelta(days=3))
    with pytest.raises(PermissionDeniedError):
        services.create_theme(services.ThemeDetails("Mine"), actor=admin)
