"""Ledger rules: who records what, once, never their own; edits with optimistic locking; stage
moves and dated updates; withdrawal.
"""

from __future__ import annotations

from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lab.adoptions import permissions, services
from lab.adoptions.models import Adoption, AdoptionUpdate
from lab.adoptions.vocabulary import CHANGES_MAX
from lab.audit.models import AuditEvent
from lab.core.errors import ConflictError, DomainError, PermissionDeniedError
from lab.core.types import utcnow
from lab.extensions import db
from lab.practices import services as practices
from tests.factories import make_city, make_practice, make_user


def _record(actor, practice, **values):
    arguments = {
        "how": "adapted",
        "stage": "exploring",
        "changes": "",
        "started_on": date(2019, 5, 1),
    }
    arguments.update(values)
    return services.record_adoption(actor, practice, **arguments)


def _count(practice=None) -> int:
    query = select(func.count(Adoption.id)).execution_options(include_deleted=True)
    if practice is not None:
        query = query.where(Adoption.practice_id == practice.id)
    return db.session.scalar(query) or 0


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_delegate_records_that_their_city_adopts_another_citys_practice(world):
    adoption = _record(
        world.delegate,
        world.practice,
        how="adapted",
        changes="We run it in **Russian** <script>x</script>",
    )
    assert adoption.city_id == world.city.id
    assert adoption.practice_id == world.practice.id
    assert adoption.stage == "exploring" and adoption.recorded_by_id == world.delegate.id
    assert adoption.changes_html == (
        "<p>We run it in <strong>Russian</strong> &lt;script&gt;x&lt;/script&gt;</p>\n"
    )
    # The starting stage is the first dated update.
    assert [(u.happened_on, u.stage) for u in adoption.updates] == [(date(2019, 5, 1), "exploring")]
    [event] = _events("adoption.recorded")
    assert event.actor_id == world.delegate.id and event.target_id == adoption.id
    assert event.details["on_behalf"] is False


def test_a_city_cannot_adopt_its_own_practice(world):
    colleague = make_user("delegate", city=world.source)
    assert not permissions.can_record_adoption(colleague, world.practice)
    with pytest.raises(PermissionDeniedError):
        _record(colleague, world.practice)
    coordinator = make_user("coordinator")
    with pytest.raises(DomainError) as refused:
        _record(coordinator, world.practice, city_id=world.source.id)
    assert refused.value.field == "city_id"
    assert "own practice" in refused.value.message
    assert _count() == 0


def test_a_city_adopts_a_practice_only_once(world):
    _record(world.delegate, world.practice)
    colleague = make_user("delegate", city=world.city)
    with pytest.raises(DomainError) as refused:
        _record(colleague, world.practice, how="copied")
    assert refused.value.message == "Perm has already recorded adopting this practice."
    assert _count(world.practice) == 1


def test_the_unique_index_catches_a_racing_second_record(world, monkeypatch):
    """Two requests both pass the "already adopted?" check before either writes: the live unique
    index refuses the second insert, and the person gets the same clear message.
    """
    _record(world.delegate, world.practice)
    # What a request that read before the other one committed sees:
    monkeypatch.setattr(services, "_live_adoption_id", lambda practice_id, city_id: None)
    with pytest.raises(DomainError) as refused:
        _record(make_user("delegate", city=world.city), world.practice)
    assert refused.value.message == "Perm has already recorded adopting this practice."
    assert _count(world.practice) == 1


def test_only_a_published_or_archived_practice_can_be_adopted(world):
    draft = make_practice(world.source_delegate, status="draft")
    assert not permissions.can_record_adoption(world.delegate, draft)
    with pytest.raises(PermissionDeniedError):
        _record(world.delegate, draft)
    archived = make_practice(world.source_delegate, status="archived")
    assert _record(world.delegate, archived).practice_id == archived.id
    assert _count(draft) == 0


def test_young_stakeholders_and_suspended_delegates_do_not_record(world):
    with pytest.raises(PermissionDeniedError):
        _record(make_user("young_stakeholder"), world.practice)
    suspended = make_user("delegate", city=world.city, suspended_until=utcnow() + timedelta(days=3))
    with pytest.raises(PermissionDeniedError):
        _record(suspended, world.practice)
    assert _count() == 0


def test_staff_record_on_behalf_of_a_chosen_city_and_it_is_audited(world):
    coordinator = make_user("coordinator")
    with pytest.raises(DomainError) as refused:
        _record(coordinator, world.practice)
    assert refused.value.field == "city_id"
    adoption = _record(coordinator, world.practice, city_id=world.city.id)
    assert adoption.city_id == world.city.id
    [event] = _events("adoption.recorded")
    assert event.actor_id == coordinator.id and event.details["on_behalf"] is True


def test_a_delegate_cannot_record_for_another_city(world):
    elsewhere = make_city(name="Oxford")
    adoption = _record(world.delegate, world.practice, city_id=elsewhere.id)
    assert adoption.city_id == world.city.id


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("how", "stolen"),
        ("stage", "finished"),
        ("changes", "x" * (CHANGES_MAX + 1)),
        ("started_on", date.today() + timedelta(days=30)),
        ("started_on", date(1850, 1, 1)),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(world, field, value):
    with pytest.raises(DomainError) as refused:
        _record(world.delegate, world.practice, **{field: value})
    assert refused.value.field == field
    assert _count() == 0


def test_only_the_adopting_citys_delegates_and_staff_edit_it(world):
    adoption = _record(world.delegate, world.practice)
    colleague = make_user("delegate", city=world.city)
    services.update_adoption(
        colleague, adoption, "copied", "exploring", "Same as theirs.", adoption.version
    )
    assert adoption.how == "copied" and adoption.changes_html == "<p>Same as theirs.</p>\n"
    outsiders = [
        make_user("delegate"),  # another city
        world.source_delegate,  # the practice's own city does not edit another's adoption
        make_user("young_stakeholder"),
    ]
    for outsider in outsiders:
        assert not permissions.can_edit_adoption(outsider, adoption)
        with pytest.raises(PermissionDeniedError):
            services.update_adoption(
                outsider, adoption, "inspired", "abandoned", "Hijacked", adoption.version
            )
        with pytest.raises(PermissionDeniedError):
            services.add_update(outsider, adoption, date(2024, 1, 1), "abandoned", "Hijacked")
        with pytest.raises(PermissionDeniedError):
            services.withdraw_adoption(outsider, adoption)
    db.session.expire_all()
    assert (adoption.how, adoption.stage, adoption.changes) == (
        "copied",
        "exploring",
        "Same as theirs.",
    )
    assert adoption.deleted_at is None and len(adoption.updates) == 1
    admin = make_user("admin")
    services.update_adoption(admin, adoption, "copied", "piloting", "", adoption.version)
    assert adoption.stage == "piloting"


def test_the_second_of_two_edits_from_the_same_version_is_told(world):
    adoption = _record(world.delegate, world.practice)
    colleague = make_user("delegate", city=world.city)
    started_from = adoption.version
    services.update_adoption(world.delegate, adoption, "copied", "exploring", "First", started_from)
    with pytest.raises(ConflictError):
        services.update_adoption(
            colleague, adoption, "inspired", "exploring", "Second", started_from
        )
    db.session.expire_all()
    assert (adoption.how, adoption.changes) == ("copied", "First")


def test_an_edit_racing_another_save_is_refused_by_the_version_column(world):
    """The other save lands between loading and saving: the UPDATE matches no row."""
    adoption = _record(world.delegate, world.practice)
    version = adoption.version
    db.session().expire_on_commit = False
    db.session.commit()  # our request has loaded the adoption and holds it as it was
    # Another request saves and commits in a session of its own.
    with Session(bind=db.session.get_bind(), join_transaction_mode="create_savepoint") as other:
        other.execute(
            update(Adoption)
            .where(Adoption.id == adoption.id)
            .values(version=Adoption.version + 1, changes="Theirs")
        )
        other.commit()
    assert adoption.version == version  # not refreshed: only the UPDATE's version check can tell
    with pytest.raises(ConflictError):
        services.update_adoption(world.delegate, adoption, "copied", "exploring", "Mine", version)
    db.session.expire_all()
    assert adoption.changes == "Theirs"


def test_dated_updates_move_the_stage_and_keep_the_history(world):
    adoption = _record(world.delegate, world.practice, started_on=date(2019, 5, 1))
    services.add_update(world.delegate, adoption, date(2020, 3, 1), "adapting", "Translated.")
    services.add_update(world.delegate, adoption, date(2021, 6, 1), "piloting", "Two districts.")
    assert adoption.stage == "piloting"
    # An update dated before the latest one fills in the history; the stage stays.
    services.add_update(world.delegate, adoption, date(2020, 9, 1), "adapting", "Training.")
    assert adoption.stage == "piloting"
    services.add_update(world.delegate, adoption, date(2022, 1, 10), "adopted", "Citywide **now**.")
    db.session.expire_all()
    history = [(u.happened_on, u.stage) for u in adoption.updates]
    assert history == [
        (date(2022, 1, 10), "adopted"),
        (date(2021, 6, 1), "piloting"),
        (date(2020, 9, 1), "adapting"),
        (date(2020, 3, 1), "adapting"),
        (date(2019, 5, 1), "exploring"),
    ]
    assert adoption.stage == "adopted"
    assert adoption.updates[0].outcome_html == "<p>Citywide <strong>now</strong>.</p>\n"
    assert _events("adoption.stage_moved_back") == []


def test_a_move_back_is_allowed_and_recorded(world):
    adoption = _record(world.delegate, world.practice, stage="piloting")
    services.add_update(world.delegate, adoption, date(2023, 2, 1), "adapting", "Back to work.")
    assert adoption.stage == "adapting"
    services.add_update(world.delegate, adoption, date(2023, 3, 1), "abandoned", "No budget.")
    services.add_update(world.delegate, adoption, date(2023, 9, 1), "exploring", "New budget.")
    assert adoption.stage == "exploring"
    moves = [
        (e.details["from_stage"], e.details["to_stage"])
        for e in _events("adoption.stage_moved_back")
    ]
    assert sorted(moves) == sorted([("piloting", "adapting"), ("abandoned", "exploring")])


def test_changing_the_stage_in_the_edit_form_also_writes_a_dated_update(world):
    adoption = _record(world.delegate, world.practice, started_on=date(2020, 1, 1))
    services.update_adoption(world.delegate, adoption, "adapted", "piloting", "", adoption.version)
    assert [u.stage for u in adoption.updates][-1] == "exploring"
    assert sorted(u.stage for u in adoption.updates) == ["exploring", "piloting"]
    latest = max(adoption.updates, key=lambda u: (u.happened_on, u.id or 0))
    assert latest.stage == "piloting" and latest.happened_on >= utcnow().date()


@pytest.mark.parametrize(
    ("happened_on", "stage", "field"),
    [
        (None, "piloting", "happened_on"),
        (date(2018, 1, 1), "piloting", "happened_on"),  # before the adoption started
        (date.today() + timedelta(days=10), "piloting", "happened_on"),
        (date(2021, 1, 1), "done", "stage"),
    ],
)
def test_a_bad_update_is_refused_and_changes_nothing(world, happened_on, stage, field):
    adoption = _record(world.delegate, world.practice, started_on=date(2019, 5, 1))
    with pytest.raises(DomainError) as refused:
        services.add_update(world.delegate, adoption, happened_on, stage, "")
    assert refused.value.field == field
    db.session.expire_all()
    assert adoption.stage == "exploring" and len(adoption.updates) == 1


def test_the_start_cannot_move_after_the_first_update(world):
    adoption = _record(world.delegate, world.practice, started_on=date(2019, 5, 1))
    with pytest.raises(DomainError) as refused:
        services.update_adoption(
            world.delegate,
            adoption,
            "adapted",
            "exploring",
            "",
            adoption.version,
            started_on=date(2020, 1, 1),
        )
    assert refused.value.field == "started_on"
    services.update_adoption(
        world.delegate,
        adoption,
        "adapted",
        "exploring",
        "",
        adoption.version,
        started_on=date(2018, 1, 1),
    )
    assert adoption.started_on == date(2018, 1, 1)


def test_withdrawing_is_soft_audited_and_lets_the_city_record_again(world):
    adoption = _record(world.delegate, world.practice)
    services.withdraw_adoption(world.delegate, adoption, reason="Recorded by mistake")
    assert services.load_adoption(adoption.id) is None
    kept = db.session.scalar(
        select(Adoption).where(Adoption.id == adoption.id).execution_options(include_deleted=True)
    )
    assert kept is not None and kept.deleted_at is not None
    [event] = _events("adoption.withdrawn")
    assert event.reason == "Recorded by mistake" and event.actor_id == world.delegate.id
    again = _record(world.delegate, world.practice)
    assert again.id != adoption.id and _count(world.practice) == 2


def test_adoptions_of_a_practice_taken_back_to_draft_are_seen_only_by_who_sees_the_draft(world):
    adoption = _record(world.delegate, world.practice)
    practices.change_status(world.source_delegate, world.practice, "draft")
    assert not permissions.can_view_adoption(world.delegate, adoption)
    assert not permissions.can_edit_adoption(world.delegate, adoption)
    assert not permissions.can_view_adoption(None, adoption)
    assert permissions.can_view_adoption(world.source_delegate, adoption)
    assert permissions.can_view_adoption(make_user("coordinator"), adoption)


def test_an_update_and_its_author_are_stored(world):
    adoption = _record(world.delegate, world.practice)
    update_row = services.add_update(world.delegate, adoption, date(2024, 4, 1), "adapting", "ok")
    stored = db.session.get(AdoptionUpdate, update_row.id)
    assert stored is not None and stored.author_id == world.delegate.id


XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<iframe src=//evil.example></iframe>",
    '"><script>alert(1)</script>',
    "![x](javascript:alert(1))",
    "<details open ontoggle=alert(1)>",
]


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith(
                ("javascript:", "data:")
            ):
                self.bad.append(f"{tag} {name}={value}")


@pytest.mark.parametrize("payload", XSS)
def test_markdown_in_changes_and_outcomes_is_stored_sanitised(world, payload):
    adoption = _record(world.delegate, world.practice, changes=payload)
    update_row = services.add_update(
        world.delegate, adoption, date(2024, 1, 1), "adapting", payload
    )
    for html in (adoption.changes_html, update_row.outcome_html):
        parsed = _Markup()
        parsed.feed(html)
        assert not parsed.bad, html
        assert not {"script", "img", "svg", "iframe", "details"} & set(parsed.tags), html
    assert adoption.changes == payload  # the source is kept as written
