"""Events: who may create and edit them, the agenda, bad input, conflicts, lists and city pages."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from lab.core.types import utcnow
from lab.events import services
from lab.events.models import AgendaItem, Event
from lab.extensions import db
from tests.events.conftest import make_event
from tests.factories import make_practice, make_user, sign_in
from tests.workspaces.conftest import add_member, make_workspace


def _event_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(Event).execution_options(include_deleted=True)
    )


def _form(pavia, **overrides):
    data = {
        "title": "Sicily Russian Week",
        "host_city_id": str(pavia.id),
        "starts_on": "2030-10-01",
        "ends_on": "2030-10-07",
        "place": "Teatro Pirandello",
        "description": "Concerts and *exhibitions*.",
    }
    data.update(overrides)
    return data


def test_a_coordinator_creates_an_event_and_everyone_reads_it(client, coordinator, pavia, app):
    sign_in(client, coordinator)
    response = client.post("/events/new", data=_form(pavia))
    assert response.status_code == 303
    event = db.session.scalar(select(Event).where(Event.title == "Sicily Russian Week"))
    assert event.description_html == "<p>Concerts and <em>exhibitions</em>.</p>\n"
    visitor = app.test_client()
    page = visitor.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Sicily Russian Week" in page
    assert "Teatro Pirandello" in page
    assert "<em>exhibitions</em>" in page


def test_delegates_and_admins_cannot_create_or_edit_events(client, pavia, event):
    for user in (make_user("delegate", city=pavia), make_user("admin")):
        client.post("/signout", data={})
        sign_in(client, user)
        before = _event_count()
        assert client.post("/events/new", data=_form(pavia)).status_code == 403
        assert client.post(f"/events/{event.id}/edit", data=_form(pavia)).status_code == 403
        assert client.post(f"/events/{event.id}/delete", data={}).status_code == 403
        assert _event_count() == before
    db.session.refresh(event)
    assert event.title == "Festival of former convents" and event.deleted_at is None


def test_dates_out_of_order_are_refused_and_nothing_is_created(client, coordinator, pavia):
    sign_in(client, coordinator)
    before = _event_count()
    response = client.post(
        "/events/new", data=_form(pavia, starts_on="2030-10-07", ends_on="2030-10-01")
    )
    assert response.status_code == 400
    assert "The last day comes before the first day." in response.get_data(as_text=True)
    assert _event_count() == before


def test_an_impossible_date_or_a_missing_city_is_refused(client, coordinator, pavia):
    sign_in(client, coordinator)
    before = _event_count()
    response = client.post("/events/new", data=_form(pavia, starts_on="2030-02-30"))
    assert response.status_code == 400
    assert "Not a valid date value." in response.get_data(as_text=True)
    response = client.post("/events/new", data=_form(pavia, host_city_id=""))
    assert response.status_code == 400
    assert "Choose the city that hosts the event." in response.get_data(as_text=True)
    assert _event_count() == before


def test_a_stale_edit_answers_409_and_keeps_the_input(client, coordinator, pavia, event):
    sign_in(client, coordinator)
    started = event.version
    services.update_event(
        coordinator,
        event,
        services.EventInput(
            title="Renamed meanwhile",
            host_city_id=pavia.id,
            starts_on=event.starts_on,
            ends_on=event.ends_on,
        ),
        started,
    )
    mine = _form(
        pavia,
        title="My better title",
        starts_on=event.starts_on.isoformat(),
        ends_on=event.ends_on.isoformat(),
        version=str(started),
    )
    response = client.post(f"/events/{event.id}/edit", data=mine)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'value="My better title"' in page
    assert "Renamed meanwhile" in page  # what was saved meanwhile
    db.session.refresh(event)
    assert event.title == "Renamed meanwhile"
    # Saving again, after reading, goes through.
    mine["version"] = str(event.version)
    assert client.post(f"/events/{event.id}/edit", data=mine).status_code == 303
    db.session.refresh(event)
    assert event.title == "My better title"


def _add(client, event, **fields):
    data = {"day": event.starts_on.isoformat(), "title": "Item", "starts_at": "", "ends_at": ""}
    data.update(fields)
    return client.post(f"/events/{event.id}/agenda", data=data)


def _items(event):
    return db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.event_id == event.id)
        .order_by(AgendaItem.day, AgendaItem.position)
    ).all()


def test_the_agenda_is_ordered_by_time_and_can_be_reordered(client, coordinator, event):
    sign_in(client, coordinator)
    second_day = (event.starts_on + timedelta(days=1)).isoformat()
    assert _add(client, event, title="Lunch", starts_at="13:00").status_code == 303
    assert (
        _add(client, event, title="Welcome", starts_at="9:30", ends_at="10:00").status_code == 303
    )
    assert _add(client, event, title="Walk", day=second_day, starts_at="10:00").status_code == 303
    assert _add(client, event, title="Free time").status_code == 303
    assert [i.title for i in _items(event)] == ["Welcome", "Lunch", "Free time", "Walk"]
    lunch = next(i for i in _items(event) if i.title == "Lunch")
    response = client.post(f"/events/{event.id}/agenda/{lunch.id}/move", data={"direction": "up"})
    assert response.status_code == 303
    assert [i.title for i in _items(event)] == ["Lunch", "Welcome", "Free time", "Walk"]
    # Moving never crosses into another day.
    free = next(i for i in _items(event) if i.title == "Free time")
    client.post(f"/events/{event.id}/agenda/{free.id}/move", data={"direction": "down"})
    assert [i.title for i in _items(event)] == ["Lunch", "Welcome", "Free time", "Walk"]
    response = client.post(f"/events/{event.id}/agenda/{lunch.id}/delete", data={})
    assert response.status_code == 303
    assert [i.title for i in _items(event)] == ["Welcome", "Free time", "Walk"]
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert page.index("Welcome") < page.index("Free time") < page.index("Walk")
    assert "Times are local to Pavia (Europe/Rome)." in page


def test_bad_agenda_items_are_refused_with_a_message_and_nothing_added(client, coordinator, event):
    sign_in(client, coordinator)
    outside = (event.ends_on + timedelta(days=1)).isoformat()
    cases = [
        ({"day": outside, "starts_at": "10:00"}, "Choose one of the days of the event."),
        ({"day": "not-a-date"}, "Choose one of the days of the event."),
        ({"starts_at": "25:00"}, "between 00:00 and 23:59"),
        ({"starts_at": "10:75"}, "between 00:00 and 23:59"),
        ({"starts_at": "ten"}, "between 00:00 and 23:59"),
        ({"starts_at": "11:00", "ends_at": "10:00"}, "The end time comes before the start time."),
        ({"ends_at": "10:00"}, "Give the start time too."),
    ]
    for fields, message in cases:
        response = _add(client, event, **fields)
        assert response.status_code == 400, fields
        assert message in response.get_data(as_text=True), fields
    assert _items(event) == []


def test_new_dates_must_keep_every_agenda_item(client, coordinator, pavia, event):
    sign_in(client, coordinator)
    last_day = event.ends_on.isoformat()
    _add(client, event, day=last_day, title="Closing", starts_at="17:00")
    shorter = _form(
        pavia,
        title=event.title,
        starts_on=event.starts_on.isoformat(),
        ends_on=event.starts_on.isoformat(),
        version=str(event.version),
    )
    response = client.post(f"/events/{event.id}/edit", data=shorter)
    assert response.status_code == 400
    assert "1 agenda items fall outside these dates" in response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.ends_on.isoformat() == last_day


def test_a_deleted_event_is_missing_everywhere(client, app, coordinator, event):
    sign_in(client, coordinator)
    assert client.post(f"/events/{event.id}/delete", data={}).status_code == 303
    visitor = app.test_client()
    for url in (f"/events/{event.id}", f"/events/{event.id}.ics", f"/events/{event.id}/edit"):
        assert visitor.get(url).status_code == 404
    assert event.title not in visitor.get("/events/").get_data(as_text=True)
    assert event.title not in visitor.get("/events/upcoming.ics").get_data(as_text=True)


def test_the_list_shows_upcoming_first_then_past_and_filters_by_city(
    client, coordinator, pavia, perm
):
    today = utcnow().date()
    past = make_event(coordinator, pavia, "Pavia twinning event", starts_on=date(2022, 4, 4))
    later = make_event(coordinator, perm, "Qingdao exhibition", starts_on=today + timedelta(60))
    sooner = make_event(coordinator, perm, "Perm festival", starts_on=today + timedelta(10))
    running = make_event(coordinator, perm, "Running now", starts_on=today - timedelta(1))
    page = client.get("/events/").get_data(as_text=True)
    upcoming, past_part = page.split('id="past-title"')
    assert (
        upcoming.index(running.title) < upcoming.index(sooner.title) < upcoming.index(later.title)
    )
    assert past.title in past_part and past.title not in upcoming
    # Pavia's events: the ones it hosts and the ones it sends a delegation to.
    delegate = make_user("delegate", city=pavia)
    services.register_delegation(
        coordinator, later, services.DelegationInput(city_id=pavia.id, member_ids=[delegate.id])
    )
    page = client.get(f"/events/?city={pavia.slug}").get_data(as_text=True)
    assert past.title in page and later.title in page
    assert sooner.title not in page and running.title not in page


def test_the_city_page_lists_its_upcoming_hosted_events_and_delegations(
    client, coordinator, pavia, perm
):
    today = utcnow().date()
    make_event(coordinator, pavia, "Old Pavia event", starts_on=date(2022, 4, 4))
    hosted = make_event(coordinator, pavia, "Pavia hosts", starts_on=today + timedelta(20))
    abroad = make_event(coordinator, perm, "Perm hosts", starts_on=today + timedelta(40))
    other = make_event(coordinator, perm, "Without Pavia", starts_on=today + timedelta(40))
    delegate = make_user("delegate", city=pavia)
    services.register_delegation(
        coordinator, abroad, services.DelegationInput(city_id=pavia.id, member_ids=[delegate.id])
    )
    page = client.get(f"/cities/{pavia.slug}").get_data(as_text=True)
    assert hosted.title in page and abroad.title in page
    assert "with a delegation from Pavia" in page
    assert "Old Pavia event" not in page and other.title not in page


def test_linked_workspaces_and_practices_are_shown_only_where_visible(
    client, app, coordinator, pavia, event
):
    lead = make_user("delegate", city=pavia)
    public = make_workspace(lead, title="Public children's art exhibition")
    private = make_workspace(lead, visibility="members", title="Members-only coordination")
    published = make_practice(lead, title="The convent practice")
    draft = make_practice(lead, status="draft", title="The draft practice")
    # The coordinator links the public workspace; a members-only one they do not belong to is
    # not offered (and refused).
    services.link_workspace(coordinator, event, public.id)
    try:
        services.link_workspace(coordinator, event, private.id)
    except services.DomainError as error:
        assert error.field == "workspace_id"
    else:
        raise AssertionError("a coordinator linked a members-only workspace they cannot list")
    add_member(private, coordinator)
    db.session.refresh(coordinator)
    services.link_workspace(coordinator, event, private.id)
    services.link_practice(coordinator, event, published.id)
    services.link_practice(coordinator, event, draft.id)

    visitor_page = app.test_client().get(f"/events/{event.id}").get_data(as_text=True)
    assert public.title.replace("'", "&#39;") in visitor_page
    assert private.title not in visitor_page
    assert published.title in visitor_page and draft.title not in visitor_page

    other = make_user("delegate")
    sign_in(client, other)
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert private.title not in page and draft.title not in page

    client.post("/signout", data={})
    sign_in(client, lead)  # a member of the workspace, and an editor of the draft
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert private.title in page and draft.title in page


def test_nul_characters_never_reach_the_database(client, coordinator, pavia):
    sign_in(client, coordinator)
    response = client.post(
        "/events/new", data=_form(pavia, title="Sicily\x00 Russian Week", place="Teatro\x00")
    )
    assert response.status_code == 303
    event = db.session.scalar(select(Event).where(Event.title == "Sicily Russian Week"))
    assert event is not None and event.place == "Teatro"
    assert client.get("/events/?city=pa%00via").status_code == 200
