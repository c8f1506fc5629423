"""Discussions in a real browser: a young stakeholder opens a topic, the Pavia delegate replies
and mentions them, the bell leads them to the reply; the artist reports the reply, the coordinator
hides it from the review queue with a reason its author reads while a visitor sees only that a
moderator hid it. And axe on the discussion, notification and moderation pages.

Each test writes topics and people of its own, with titles and words unique to the run. Each
person has a browser context of their own, as two people on two machines would.
"""

from __future__ import annotations

import re
import secrets
import string
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Locator, Page, expect

from lab.auth.models import User
from lab.auth.passwords import hash_password
from lab.core.types import utcnow
from lab.demo.world import demo_password
from lab.extensions import db
from tests.e2e.test_accounts import assert_no_axe_violations, axe_violations, sign_in

pytestmark = pytest.mark.e2e

PAVIA = "delegate.pavia@lab.example"  # Paolo Rossi
ARTIST = "artist@lab.example"  # Anya Petrova
COORDINATOR = "coordinator@lab.example"  # Chiara Coordinator
STUDENT = "student@lab.example"  # Giulia Bianchi
PAVIA_EVENT = "After Pavia (4–7 April 2022): what do young people want from heritage reuse?"

NewContext = Callable[..., BrowserContext]
OpenAs = Callable[..., Page]


def unique_word(stem: str) -> str:
    """A word nobody else writes."""
    return stem + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))


def h1(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def comment_with(page: Page, text: str) -> Locator:
    """The comment (its list item, replies aside) whose card holds this text."""
    return page.locator("li.comment").filter(
        has=page.locator("article.comment__card", has_text=text)
    )


@pytest.fixture
def open_as(new_context: NewContext, live_app: Flask, live_server: str) -> OpenAs:
    """``open_as(email=None, password=None)``: a page in a new browser context, signed in through
    the form (a demo account's password by default), or a visitor's."""
    cookie = str(live_app.config["LANGUAGE_COOKIE"])

    def open_page(email: str | None = None, password: str | None = None) -> Page:
        context = new_context()
        context.add_cookies([{"name": cookie, "value": "en", "url": live_server}])
        page = context.new_page()
        if email:
            sign_in(page, email, password or demo_password(email))
        return page

    return open_page


@pytest.fixture
def young_stakeholder(live_app: Flask) -> tuple[str, str, str, int]:
    """A young stakeholder of their own on the live server: (e-mail, password, name, id)."""
    tag = uuid.uuid4().hex[:8]
    email, password, name = f"marta.{tag}@students.example", f"young-{tag}-pass", f"Marta {tag}"
    with live_app.app_context():
        user = User(
            email=email,
            display_name=name,
            password_hash=hash_password(password),
            role="young_stakeholder",
            stakeholder_kind="student",
            email_verified_at=utcnow(),
        )
        db.session.add(user)
        db.session.commit()
        return email, password, name, user.id


def test_a_mention_leads_to_the_reply_which_a_coordinator_hides_after_a_report(
    open_as: OpenAs, young_stakeholder: tuple[str, str, str, int]
) -> None:
    email, password, name, user_id = young_stakeholder
    title = f"Rooms to rehearse in empty heritage buildings ({uuid.uuid4().hex[:8]})"
    word = unique_word("cloister")

    # The young stakeholder opens a topic.
    young = open_as(email, password)
    young.locator("header nav.site-nav").get_by_role("link", name="Discussions").click()
    expect(h1(young)).to_have_text("Discussions")
    young.locator("main").get_by_role("link", name="Open a topic").click()
    expect(h1(young)).to_have_text("Open a topic")
    form = young.locator("main form.topic-form")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("Opening post", exact=True).fill(
        "Which towns let students rehearse in an empty convent or warehouse in the evening?"
    )
    form.get_by_role("button", name="Open the topic").click()
    expect(h1(young)).to_have_text(title)
    topic_path = re.sub(r"^https?://[^/]+", "", young.url)
    assert re.fullmatch(r"/discussions/\d+-[a-z0-9-]+", topic_path), topic_path

    # The Pavia delegate replies and mentions them with the mention syntax.
    delegate = open_as(PAVIA)
    delegate.goto(topic_path)
    box = delegate.locator("#comment-box-top")
    box.get_by_label("Add a comment").fill(
        f"@[{name}](user:{user_id}) in Pavia the former convent opens its {word} rooms "
        "to students every evening."
    )
    box.get_by_role("button", name="Post the comment").click()
    reply = comment_with(delegate, word)
    expect(reply).to_be_visible()
    expect(reply.get_by_role("link", name=f"@{name}")).to_have_attribute(
        "href", f"/users/{user_id}"
    )
    reply_id = reply.get_attribute("id")
    assert reply_id and reply_id.startswith("comment-")

    # The young stakeholder sees the bell's count, opens the notification and lands on the reply.
    young.goto("/")
    bell = young.locator("a.notification-bell")
    expect(bell.locator(".notification-bell__count")).to_have_text("1")
    expect(bell).to_contain_text("Notifications: 1 unread")
    bell.click()
    expect(h1(young)).to_have_text("Notifications")
    notification = young.locator("li.notification").filter(has_text="Paolo Rossi mentioned you")
    expect(notification).to_have_count(1)
    expect(notification.locator(".notification__unread")).to_have_text("Unread")
    notification.get_by_role("button", name=title).click()
    expect(young).to_have_url(re.compile(re.escape(topic_path) + r".*#" + reply_id + "$"))
    expect(young.locator(f"#{reply_id}")).to_contain_text(word)
    expect(young.locator("a.notification-bell .notification-bell__count")).to_have_count(0)

    # The artist reports the reply, with a reason.
    artist = open_as(ARTIST)
    artist.goto(topic_path)
    comment_with(artist, word).get_by_role("link", name="Report").click()
    expect(h1(artist)).to_have_text("Report to the coordinators")
    artist.get_by_label("Spam or advertising").check()
    artist.get_by_label("Details").fill(f"Advertises the {word} rooms.")
    artist.get_by_role("button", name="Send the report").click()
    expect(artist.locator(".flashes")).to_contain_text("The Lab's coordinators will review")

    # The coordinator opens Moderation, sees the reason and the reporter, and hides the reply.
    coordinator = open_as(COORDINATOR)
    coordinator.locator("header nav.site-nav").get_by_role(
        "link", name=re.compile(r"^Moderation")
    ).click()
    expect(h1(coordinator)).to_have_text("Review queue")
    item = coordinator.locator("li.moderation-item").filter(has_text=word)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Spam or advertising")
    expect(item.get_by_role("link", name="Anya Petrova")).to_be_visible()
    item.get_by_role("link", name="Details, thread and authors").click()
    expect(h1(coordinator)).to_have_text("Reported comment")
    reports = coordinator.locator("section.moderation-history")
    expect(reports).to_contain_text("Spam or advertising")
    expect(reports).to_contain_text("Anya Petrova")
    expect(reports).to_contain_text(f"Advertises the {word} rooms.")
    reason = f"Advertising the {word} rooms, not discussion"
    decision = coordinator.locator("form.moderation-decision")
    decision.get_by_label("Reason").fill(reason)
    decision.get_by_role("button", name="Hide", exact=True).click()
    expect(coordinator.locator(".flashes")).to_be_visible()

    # The author reads their reply with the reason; a visitor sees only that it was hidden.
    delegate.goto(topic_path)
    own = delegate.locator(f"#{reply_id}")
    expect(own).to_contain_text(word)
    expect(own.locator(".comment__hidden-note")).to_contain_text(
        f"Hidden by a moderator: {reason}."
    )
    visitor = open_as()
    visitor.goto(topic_path)
    hidden = visitor.locator(f"#{reply_id}")
    expect(hidden.locator(".comment__placeholder")).to_have_text("Hidden by a moderator")
    expect(hidden).not_to_contain_text(word)
    expect(hidden).not_to_contain_text(reason)


def test_discussion_notification_and_moderation_pages_have_no_axe_violations(
    open_as: OpenAs,
) -> None:
    found: dict[str, list[dict[str, Any]]] = {}

    student = open_as(STUDENT)  # the demo coordinator mentioned her in the Pavia event topic
    student.goto("/discussions")
    expect(h1(student)).to_have_text("Discussions")
    found["discussions"] = axe_violations(student)
    student.get_by_role("link", name=PAVIA_EVENT).click()
    expect(h1(student)).to_have_text(PAVIA_EVENT)
    expect(student.locator("li.comment").first).to_be_visible()
    found["topic with comments"] = axe_violations(student)
    student.goto("/discussions/new")
    expect(h1(student)).to_have_text("Open a topic")
    found["new topic"] = axe_violations(student)
    student.goto("/notifications")
    expect(student.locator("li.notification").first).to_be_visible()
    found["notifications"] = axe_violations(student)

    coordinator = open_as(COORDINATOR)
    coordinator.goto("/moderation")
    expect(h1(coordinator)).to_have_text("Review queue")
    expect(coordinator.locator("li.moderation-item").first).to_be_visible()
    found["moderation queue"] = axe_violations(coordinator)
    coordinator.locator("li.moderation-item").first.get_by_role(
        "link", name="Details, thread and authors"
    ).click()
    expect(h1(coordinator)).to_have_text(re.compile(r"^Reported "))
    found["moderation item"] = axe_violations(coordinator)
    coordinator.goto("/moderation/log")
    found["moderation log"] = axe_violations(coordinator)

    assert_no_axe_violations(found)
