"""The ledger's pages: recording, editing, updates and withdrawal through the forms; status codes,
what changes and what does not; drafts' adoptions look missing to outsiders.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lab.adoptions import services
from lab.adoptions.models import Adoption
from lab.extensions import db
from lab.practices import services as practices
from tests.factories import make_city, make_user, sign_in


def _adoptions(practice) -> list[Adoption]:
    return list(
        db.session.scalars(
            select(Adoption)
            .where(Adoption.practice_id == practice.id)
            .execution_options(include_deleted=True)
        )
    )


def _record(world, **values):
    arguments = {"how": "adapted", "stage": "exploring", "changes": "", "started_on": None}
    arguments.update(values)
    return services.record_adoption(world.delegate, world.practice, **arguments)


FORM = {"how": "adapted", "stage": "exploring", "started_on": "2019-05-01", "changes": "Cheaper."}


def test_a_delegate_records_an_adoption_through_the_form(client, world):
    sign_in(client, world.delegate)
    page = client.get(f"/practices/{world.practice.id}/adopt")
    assert page.status_code == 200
    assert "Record that Perm adopts this practice of Louisville" in page.get_data(as_text=True)
    response = client.post(f"/practices/{world.practice.id}/adopt", data=FORM)
    assert response.status_code == 303
    [adoption] = _adoptions(world.practice)
    assert response.headers["Location"].endswith(f"/adoptions/{adoption.id}")
    assert (adoption.city_id, adoption.how, adoption.started_on) == (
        world.city.id,
        "adapted",
        date(2019, 5, 1),
    )
    shown = client.get(f"/adoptions/{adoption.id}").get_data(as_text=True)
    assert "Perm adopts a practice of Louisville" in shown and "Cheaper." in shown


def test_a_posted_city_is_ignored_for_a_delegate(client, world):
    elsewhere = make_city(name="Oxford")
    sign_in(client, world.delegate)
    response = client.post(
        f"/practices/{world.practice.id}/adopt", data={**FORM, "city_id": str(elsewhere.id)}
    )
    assert response.status_code == 303
    assert [a.city_id for a in _adoptions(world.practice)] == [world.city.id]


def test_a_coordinator_chooses_the_city(client, world):
    coordinator = make_user("coordinator")
    sign_in(client, coordinator)
    form_page = client.get(f"/practices/{world.practice.id}/adopt").get_data(as_text=True)
    assert 'name="city_id"' in form_page
    assert f'value="{world.source.id}"' not in form_page  # its own city is not offered
    missing_city = client.post(f"/practices/{world.practice.id}/adopt", data=FORM)
    assert missing_city.status_code == 400 and _adoptions(world.practice) == []
    own_city = client.post(
        f"/practices/{world.practice.id}/adopt", data={**FORM, "city_id": str(world.source.id)}
    )
    assert own_city.status_code == 400
    done = client.post(
        f"/practices/{world.practice.id}/adopt", data={**FORM, "city_id": str(world.city.id)}
    )
    assert done.status_code == 303
    assert [a.city_id for a in _adoptions(world.practice)] == [world.city.id]


def test_the_practices_own_city_may_not_record_it(client, world):
    sign_in(client, world.source_delegate)
    assert client.get(f"/practices/{world.practice.id}/adopt").status_code == 403
    assert client.post(f"/practices/{world.practice.id}/adopt", data=FORM).status_code == 403
    assert _adoptions(world.practice) == []


def test_recording_twice_is_refused_with_a_clear_message(client, world):
    sign_in(client, world.delegate)
    assert client.post(f"/practices/{world.practice.id}/adopt", data=FORM).status_code == 303
    again = client.post(f"/practices/{world.practice.id}/adopt", data=FORM)
    assert again.status_code == 400
    assert "Perm has already recorded adopting this practice." in again.get_data(as_text=True)
    assert len(_adoptions(world.practice)) == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"how": "stolen"},
        {"stage": "done"},
        {"started_on": "not a date"},
        {"started_on": "2999-01-01"},
        {"changes": "x" * 10_001},
    ],
)
def test_bad_input_gets_the_form_back_and_nothing_is_recorded(client, world, changes):
    sign_in(client, world.delegate)
    response = client.post(f"/practices/{world.practice.id}/adopt", data={**FORM, **changes})
    assert response.status_code == 400
    assert "Please correct the highlighted fields." in response.get_data(as_text=True) or (
        "cannot be in the future" in response.get_data(as_text=True)
    )
    assert _adoptions(world.practice) == []


def test_a_missing_csrf_token_is_refused(client, world):
    sign_in(client, world.delegate)
    response = client.post(f"/practices/{world.practice.id}/adopt", data=FORM, with_csrf=False)
    assert response.status_code == 400
    assert _adoptions(world.practice) == []


def test_a_draft_cannot_be_adopted_and_looks_missing(client, world):
    draft = practices.create_practice(
        world.source_delegate, practices.PracticeInput(title="Secret", summary="Not yet.")
    )
    sign_in(client, world.delegate)
    assert client.get(f"/practices/{draft.id}/adopt").status_code == 404
    assert client.post(f"/practices/{draft.id}/adopt", data=FORM).status_code == 404
    assert client.get("/practices/999999/adopt").status_code == 404


def test_the_adopting_citys_delegate_edits_and_another_citys_gets_403(client, world):
    adoption = _record(world, changes="Original")
    outsider = make_user("delegate")
    sign_in(client, outsider)
    edit = {"how": "copied", "stage": "piloting", "changes": "Hijacked", "version": "1"}
    assert client.post(f"/adoptions/{adoption.id}/edit", data=edit).status_code == 403
    update = {"happened_on": "2024-01-01", "update_stage": "abandoned", "outcome": "Hijacked"}
    assert client.post(f"/adoptions/{adoption.id}/updates", data=update).status_code == 403
    assert client.post(f"/adoptions/{adoption.id}/withdraw", data={}).status_code == 403
    page = client.get(f"/adoptions/{adoption.id}").get_data(as_text=True)
    assert "Edit the adoption" not in page and "Withdraw the adoption" not in page
    db.session.expire_all()
    assert (adoption.how, adoption.stage, adoption.changes, adoption.deleted_at) == (
        "adapted",
        "exploring",
        "Original",
        None,
    )
    assert len(adoption.updates) == 1

    owner = client.application.test_client()
    sign_in(owner, world.delegate)
    assert "Edit the adoption" in owner.get(f"/adoptions/{adoption.id}").get_data(as_text=True)
    edit["version"] = str(adoption.version)
    # Fields the form does not have change nothing (mass assignment).
    smuggled = {"city_id": str(outsider.city_id), "practice_id": "999", "recorded_by_id": "1"}
    assert (
        owner.post(f"/adoptions/{adoption.id}/edit", data={**edit, **smuggled}).status_code == 303
    )
    db.session.expire_all()
    assert (adoption.how, adoption.stage, adoption.changes) == ("copied", "piloting", "Hijacked")
    assert (adoption.city_id, adoption.practice_id, adoption.recorded_by_id) == (
        world.city.id,
        world.practice.id,
        world.delegate.id,
    )


def test_a_stale_edit_is_told_shows_the_other_change_and_keeps_the_text(client, world):
    adoption = _record(world, changes="Original")
    started_from = adoption.version
    colleague = make_user("delegate", city=world.city)
    services.update_adoption(colleague, adoption, "copied", "exploring", "Theirs", started_from)
    sign_in(client, world.delegate)
    response = client.post(
        f"/adoptions/{adoption.id}/edit",
        data={"how": "inspired", "stage": "exploring", "changes": "Mine", "version": started_from},
    )
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else saved this adoption while you were editing it." in page
    assert "<p>Theirs</p>" in page  # the stored text, shown
    assert "Mine</textarea>" in page  # this person's text, kept in the form
    db.session.expire_all()
    assert adoption.changes == "Theirs"


def test_an_update_through_the_form_moves_the_stage(client, world):
    adoption = _record(world, started_on=date(2020, 1, 1))
    sign_in(client, world.delegate)
    response = client.post(
        f"/adoptions/{adoption.id}/updates",
        data={
            "happened_on": "2021-03-04",
            "update_stage": "piloting",
            "outcome": "Two *districts*",
        },
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert adoption.stage == "piloting"
    page = client.get(f"/adoptions/{adoption.id}").get_data(as_text=True)
    assert "<em>districts</em>" in page and "step 3 of 4" in page
    back = client.post(
        f"/adoptions/{adoption.id}/updates",
        data={"happened_on": "2021-05-04", "update_stage": "adapting", "outcome": ""},
    )
    assert back.status_code == 303
    assert "Moved back from Piloting" in client.get(f"/adoptions/{adoption.id}").get_data(
        as_text=True
    )


def test_a_bad_update_is_refused_with_400_and_changes_nothing(client, world):
    adoption = _record(world, started_on=date(2020, 1, 1))
    sign_in(client, world.delegate)
    for data in (
        {"happened_on": "", "update_stage": "piloting"},
        {"happened_on": "2019-01-01", "update_stage": "piloting"},
        {"happened_on": "2021-01-01", "update_stage": "finished"},
    ):
        assert client.post(f"/adoptions/{adoption.id}/updates", data=data).status_code == 400
    db.session.expire_all()
    assert adoption.stage == "exploring" and len(adoption.updates) == 1


def test_withdrawing_hides_the_adoption(client, world):
    adoption = _record(world)
    sign_in(client, world.delegate)
    response = client.post(f"/adoptions/{adoption.id}/withdraw", data={})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cities/{world.city.slug}")
    assert client.get(f"/adoptions/{adoption.id}").status_code == 404
    assert db.session.scalar(select(func.count(Adoption.id))) == 0


def test_a_drafts_adoption_looks_missing_to_outsiders(client, world):
    adoption = _record(world)
    practices.change_status(world.source_delegate, world.practice, "draft")
    assert client.get(f"/adoptions/{adoption.id}").status_code == 404
    assert client.get("/adoptions/999999").status_code == 404
    sign_in(client, world.delegate)  # the adopting city does not see the other city's draft
    assert client.get(f"/adoptions/{adoption.id}").status_code == 404
    edit = {"how": "copied", "stage": "piloting", "changes": "", "version": "1"}
    assert client.post(f"/adoptions/{adoption.id}/edit", data=edit).status_code == 404
    insider = client.application.test_client()
    sign_in(insider, world.source_delegate)
    assert insider.get(f"/adoptions/{adoption.id}").status_code == 200
