"""Delegations: a delegate registers their own city's, once per city, and may withdraw it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from lab.events import services
from lab.events.models import Delegation, DelegationMember
from lab.extensions import db
from tests.events.conftest import make_event
from tests.factories import make_user, sign_in


def _delegations(event):
    return db.session.scalars(
        select(Delegation).where(Delegation.event_id == event.id).order_by(Delegation.id)
    ).all()


def _members(delegation):
    return db.session.scalars(
        select(DelegationMember.user_id)
        .where(DelegationMember.delegation_id == delegation.id)
        .order_by(DelegationMember.position)
    ).all()


def test_a_delegate_registers_their_city_and_a_second_registration_edits_it(client, event, perm):
    anna = make_user("delegate", city=perm, display_name="Anna from Perm")
    boris = make_user("delegate", city=perm, display_name="Boris from Perm")
    sign_in(client, anna)
    form = client.get(f"/events/{event.id}/delegation").get_data(as_text=True)
    assert "Anna from Perm" in form and "Boris from Perm" in form
    response = client.post(
        f"/events/{event.id}/delegation",
        data={"member_ids": [str(anna.id), str(boris.id)], "note": "Arriving by train."},
    )
    assert response.status_code == 303
    [delegation] = _delegations(event)
    assert delegation.city_id == perm.id and delegation.registered_by_id == anna.id
    assert _members(delegation) == [anna.id, boris.id]
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Boris from Perm" in page and "Arriving by train." in page

    response = client.post(
        f"/events/{event.id}/delegation",
        data={"city_id": str(perm.id), "member_ids": [str(boris.id)], "note": ""},
    )
    assert response.status_code == 303
    [again] = _delegations(event)
    assert again.id == delegation.id
    assert _members(again) == [boris.id]


def test_a_delegate_of_another_city_cannot_travel_with_the_delegation(client, event, perm, pavia):
    anna = make_user("delegate", city=perm)
    outsider = make_user("delegate", city=pavia)
    young = make_user("young_stakeholder")
    sign_in(client, anna)
    for intruder in (outsider, young):
        response = client.post(
            f"/events/{event.id}/delegation",
            data={"member_ids": [str(anna.id), str(intruder.id)]},
        )
        assert response.status_code == 400
        assert "Only delegates of Perm can travel with its delegation." in response.get_data(
            as_text=True
        )
    response = client.post(f"/events/{event.id}/delegation", data={"member_ids": []})
    assert response.status_code == 400
    assert "Choose at least one delegate who travels." in response.get_data(as_text=True)
    assert _delegations(event) == []


def test_a_delegate_cannot_register_or_withdraw_another_city(client, event, perm, pavia):
    anna = make_user("delegate", city=perm)
    paolo = make_user("delegate", city=pavia)
    sign_in(client, anna)
    response = client.post(
        f"/events/{event.id}/delegation",
        data={"city_id": str(pavia.id), "member_ids": [str(paolo.id)]},
    )
    assert response.status_code == 403
    assert "You may register only your own city&#39;s delegation." in response.get_data(
        as_text=True
    )
    assert _delegations(event) == []
    services.register_delegation(
        paolo, event, services.DelegationInput(city_id=pavia.id, member_ids=[paolo.id])
    )
    response = client.post(f"/events/{event.id}/delegation/{pavia.id}/withdraw", data={})
    assert response.status_code == 403
    assert len(_delegations(event)) == 1


def test_a_delegate_withdraws_their_delegation(client, event, perm):
    anna = make_user("delegate", city=perm)
    services.register_delegation(
        anna, event, services.DelegationInput(city_id=perm.id, member_ids=[anna.id])
    )
    sign_in(client, anna)
    response = client.post(f"/events/{event.id}/delegation/{perm.id}/withdraw", data={})
    assert response.status_code == 303
    assert _delegations(event) == []
    assert db.session.scalar(select(func.count()).select_from(DelegationMember)) == 0
    # Nothing left to withdraw.
    assert (
        client.post(f"/events/{event.id}/delegation/{perm.id}/withdraw", data={}).status_code == 404
    )


def test_delegates_register_only_until_the_event_is_over_coordinators_any_time(
    client, coordinator, pavia, perm
):
    past = make_event(coordinator, pavia, "Pavia 2022", starts_on=date(2022, 4, 4))
    anna = make_user("delegate", city=perm)
    sign_in(client, anna)
    assert client.get(f"/events/{past.id}/delegation").status_code == 403
    response = client.post(f"/events/{past.id}/delegation", data={"member_ids": [str(anna.id)]})
    assert response.status_code == 403
    assert _delegations(past) == []
    client.post("/signout", data={})
    sign_in(client, coordinator)
    page = client.get(f"/events/{past.id}/delegation?city={perm.id}").get_data(as_text=True)
    assert f'value="{anna.id}"' in page
    response = client.post(
        f"/events/{past.id}/delegation",
        data={"city_id": str(perm.id), "member_ids": [str(anna.id)]},
    )
    assert response.status_code == 303
    assert [d.city_id for d in _delegations(past)] == [perm.id]
