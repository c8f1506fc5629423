"""The event page costs the same number of queries with 2 or 30 agenda items and delegations."""

from __future__ import annotations

from datetime import timedelta

from lab.events import services
from tests.events.conftest import make_event
from tests.factories import make_city, make_practice, make_user, sign_in
from tests.workspaces.conftest import make_workspace


def _fill(coordinator, event, n: int) -> None:
    for i in range(n):
        services.add_agenda_item(
            coordinator,
            event,
            services.AgendaItemInput(
                day=event.starts_on + timedelta(days=i % 3),
                title=f"Item {i}",
                starts_at=f"{8 + i % 12:02d}:00",
                speaker=f"Speaker {i}",
            ),
        )
        city = make_city()
        people = [make_user("delegate", city=city), make_user("delegate", city=city)]
        services.register_delegation(
            coordinator,
            event,
            services.DelegationInput(city_id=city.id, member_ids=[p.id for p in people]),
        )
    lead = make_user("delegate")
    services.link_workspace(coordinator, event, make_workspace(lead).id)
    services.link_practice(coordinator, event, make_practice(lead).id)


def _count(client, count_queries, url: str) -> int:
    client.get(url)  # warm up: the first request loads what every request loads once
    with count_queries() as counted:
        assert client.get(url).status_code == 200
    return counted.n


def test_event_page_queries_do_not_grow(client, count_queries, coordinator, pavia):
    small = make_event(coordinator, pavia, "Small")
    large = make_event(coordinator, pavia, "Large")
    _fill(coordinator, small, 2)
    _fill(coordinator, large, 30)
    for user in (None, make_user("delegate", city=pavia)):
        if user is not None:
            sign_in(client, user)
        assert _count(client, count_queries, f"/events/{small.id}") == _count(
            client, count_queries, f"/events/{large.id}"
        )
        assert _count(client, count_queries, f"/events/{small.id}.ics") == _count(
            client, count_queries, f"/events/{large.id}.ics"
        )


def test_list_and_city_section_queries_do_not_grow(client, count_queries, coordinator, pavia):
    make_event(coordinator, pavia, "First")
    few = _count(client, count_queries, "/events/")
    few_city = _count(client, count_queries, f"/cities/{pavia.slug}")
    for n in range(10):
        event = make_event(coordinator, pavia, f"More {n}")
        _fill(coordinator, event, 1)
    assert _count(client, count_queries, "/events/") == few
    assert _count(client, count_queries, f"/cities/{pavia.slug}") == few_city
