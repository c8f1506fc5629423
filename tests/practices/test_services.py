"""Practice rules: who writes what, revisions, optimistic locking, visibility and the index."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lab.core.errors import ConflictError, DomainError, PermissionDeniedError
from lab.extensions import db
from lab.practices import permissions, services
from lab.practices.models import Practice, PracticeRevision
from lab.search import services as search
from lab.search.viewer import viewer_for
from tests.factories import make_city, make_practice, make_user


def _input(practice: Practice, **changes) -> services.PracticeInput:
    state = services.snapshot(practice)
    state.pop("status")
    state.update(changes)
    return services.PracticeInput(**state)


def test_a_delegate_writes_a_draft_of_their_own_city_with_markdown_rendered_once():
    delegate = make_user("delegate")
    practice = make_practice(
        delegate, status="draft", challenge="An empty <script>x</script> **convent**"
    )
    assert practice.city_id == delegate.city_id and practice.status == "draft"
    assert (
        practice.challenge_html
        == "<p>An empty &lt;script&gt;x&lt;/script&gt; <strong>convent</strong></p>\n"
    )
    assert [a.user_id for a in practice.authors] == [delegate.id]


def test_any_delegate_of_the_city_edits_but_not_another_citys():
    city = make_city()
    author, colleague = make_user("delegate", city=city), make_user("delegate", city=city)
    outsider = make_user("delegate")
    practice = make_practice(author)
    services.update_practice(
        colleague, practice, _input(practice, title="Renamed"), practice.version
    )
    assert practice.title == "Renamed"
    with pytest.raises(PermissionDeniedError):
        services.update_practice(
            outsider, practice, _input(practice, title="Hijacked"), practice.version
        )
    assert practice.title == "Renamed"


def test_every_save_writes_a_revision_naming_what_changed():
    author = make_user("delegate")
    practice = make_practice(author, status="draft")
    services.update_practice(
        author, practice, _input(practice, summary="New summary line."), practice.version
    )
    revisions = list(
        db.session.scalars(
            select(PracticeRevision)
            .where(PracticeRevision.practice_id == practice.id)
            .order_by(PracticeRevision.number)
        )
    )
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[1].changed_fields == ["summary"]
    assert revisions[1].author_id == author.id


def test_the_second_of_two_concurrent_edits_is_told_and_nothing_is_overwritten():
    city = make_city()
    first, second = make_user("delegate", city=city), make_user("delegate", city=city)
    practice = make_practice(first)
    started_from = practice.version
    services.update_practice(first, practice, _input(practice, title="First's title"), started_from)
    with pytest.raises(ConflictError):
        services.update_practice(
            second, practice, _input(practice, title="Second's title"), started_from
        )
    assert practice.title == "First's title"


def test_restoring_an_old_revision_makes_a_new_one():
    author = make_user("delegate")
    practice = make_practice(author, status="draft", title="Original")
    services.update_practice(author, practice, _input(practice, title="Changed"), practice.version)
    services.restore_revision(author, practice, 1, practice.version)
    assert practice.title == "Original"
    numbers = db.session.scalars(
        select(PracticeRevision.number).where(PracticeRevision.practice_id == practice.id)
    ).all()
    assert sorted(numbers) == [1, 2, 3]


def test_only_coordinators_validate_and_only_published_practices():
    practice = make_practice()
    coordinator = make_user("coordinator")
    for role in ("delegate", "admin", "young_stakeholder"):
        with pytest.raises(PermissionDeniedError):
            services.set_validated(make_user(role), practice, True)
    services.set_validated(coordinator, practice, True)
    assert practice.is_validated and practice.validated_by_id == coordinator.id
    services.set_validated(coordinator, practice, False)
    assert not practice.is_validated
    with pytest.raises(DomainError):
        services.set_validated(coordinator, make_practice(status="draft"), True)


def test_bad_input_is_refused_and_nothing_is_saved():
    delegate = make_user("delegate")
    before = db.session.scalar(select(db.func.count(Practice.id)))
    for changes in (
        {"title": ""},
        {"title": "x" * 201},
        {"summary": ""},
        {"language": "klingon-lang"},
        {"asset_type": "spaceship"},
        {"challenge": "x" * 20_001},
        {"tags": [f"t{i}" for i in range(13)]},
        {"theme_ids": [999999]},
    ):
        values = {"title": "Fine", "summary": "Fine summary.", **changes}
        with pytest.raises(DomainError):
            services.create_practice(delegate, services.PracticeInput(**values))
    assert db.session.scalar(select(db.func.count(Practice.id))) == before


def test_visibility_predicate_and_query_filter_agree():
    pavia, perm = make_city(name="Pavia"), make_city(name="Perm")
    pavia_delegate = make_user("delegate", city=pavia)
    perm_delegate = make_user("delegate", city=perm)
    practices = [
        make_practice(pavia_delegate, status="draft"),
        make_practice(pavia_delegate, status="published"),
        make_practice(pavia_delegate, status="archived"),
        make_practice(perm_delegate, status="draft"),
    ]
    viewers = [None, make_user("young_stakeholder"), pavia_delegate, perm_delegate, make_user("coordinator"),
               make_user("admin")]  # fmt: skip
    ids = [p.id for p in practices]
    for viewer in viewers:
        by_predicate = {p.id for p in practices if permissions.can_view_practice(viewer, p)}
        by_query = set(
            db.session.scalars(
                select(Practice.id).where(
                    Practice.id.in_(ids), permissions.visible_practices(viewer)
                )
            )
        )
        by_search = {
            hit.object_id
            for hit in search.search(
                "convent", viewer_for(viewer), kinds=["practice"], per_page=100
            ).hits
            if hit.object_id in ids
        }
        assert by_predicate == by_query == by_search, viewer


def test_deleted_practices_leave_search_and_come_back_when_restored():
    author = make_user("delegate")
    practice = make_practice(author, title="Ars Vivendi workshops")
    found = lambda: [h.object_id for h in search.search("vivendi", search.VISITOR).hits]  # noqa: E731
    assert practice.id in found()
    services.delete_practice(author, practice)
    assert practice.id not in found()
    assert db.session.scalar(select(Practice).where(Practice.id == practice.id)) is None
    services.restore_practice(author, services.load_practice(practice.id, include_deleted=True))
    assert practice.id in found()


def test_a_deleted_theme_stays_on_practices_that_had_it_but_cannot_be_chosen_anew():
    from lab.taxonomy.models import Theme
    from tests.factories import make_theme

    author = make_user("delegate")
    kept, other = make_theme("Financing"), make_theme("Youth")
    practice = make_practice(author, status="draft", theme_ids=[kept.id])
    kept.mark_deleted()
    db.session.commit()
    services.update_practice(
        author, practice, _input(practice, theme_ids=[other.id]), practice.version
    )
    assert {t.id for t in practice.themes} == {kept.id, other.id}
    fresh = make_practice(author, status="draft")
    with pytest.raises(DomainError, match="themes"):
        services.update_practice(author, fresh, _input(fresh, theme_ids=[kept.id]), fresh.version)
    # Restoring a revision that named a theme deleted since does not fail.
    services.restore_revision(author, practice, 1, practice.version)
    assert db.session.get(Theme, kept.id) is not None
