"""A practice hidden by a moderator is kept: its editors, authors and the coordinators read it
with the reason; everyone else is told it was hidden and sees none of it (not even its title),
and its files are missing for them. A hidden draft stays as missing as any draft."""

from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from lab.extensions import db
from lab.moderation import services as moderation
from lab.practices import files
from lab.practices.models import Attachment
from tests.factories import make_city, make_practice, make_user, sign_in
from tests.practices.test_files import PDF, image

TITLE = "The convent that hid a secret garden"
SOLUTION = "Volunteers weeded the cloister every Saturday morning."
REASON = "Personal data of a neighbour in the text"
PLACEHOLDER = "This practice was hidden by a moderator."


@pytest.fixture(autouse=True)
def upload_folder(app: Flask, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "uploads"
    saved = app.config.get("UPLOAD_FOLDER")
    app.config["UPLOAD_FOLDER"] = str(folder)
    try:
        yield folder
    finally:
        app.config["UPLOAD_FOLDER"] = saved


def _client(app: Flask, user: Any = None) -> Any:
    client = app.test_client()
    if user is not None:
        sign_in(client, user)
    return client


@pytest.fixture
def hidden(app: Flask) -> dict[str, Any]:
    """A published practice of Pavia with a cover and a file, hidden by a coordinator."""
    pavia = make_city(name="Pavia")
    author = make_user("delegate", city=pavia, display_name="Dora Delegate")
    practice = make_practice(author, title=TITLE, solution=SOLUTION)
    files.set_cover(author, practice, BytesIO(image()), "garden.png", "The garden")
    files.add_attachment(author, practice, BytesIO(PDF), "plan.pdf", "Garden plan")
    attachment = db.session.scalar(select(Attachment).where(Attachment.practice_id == practice.id))
    coordinator = make_user("coordinator")
    moderation.hide(coordinator, "practice", practice.id, REASON)
    return {
        "practice": practice,
        "attachment": attachment,
        "author": author,
        "colleague": make_user("delegate", city=pavia),
        "coordinator": coordinator,
        "admin": make_user("admin"),
        "other_delegate": make_user("delegate", city=make_city(name="Perm")),
        "young": make_user("young_stakeholder"),
    }


def _page(practice: Any) -> str:
    return f"/practices/{practice.id}-{practice.slug}"


@pytest.mark.parametrize("who", ["author", "colleague", "coordinator", "admin"])
def test_editors_and_staff_read_a_hidden_practice_with_the_reason(app, hidden, who):
    practice = hidden["practice"]
    client = _client(app, hidden[who])
    response = client.get(_page(practice))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert TITLE in page and SOLUTION in page
    assert f"Hidden by a moderator: {REASON}" in page
    assert PLACEHOLDER not in page
    # Kept unchanged until a moderator shows it again: no editing controls, no comment box.
    assert f'href="/practices/{practice.id}/edit"' not in page
    assert 'id="comment-box-top"' not in page
    attachment = hidden["attachment"]
    download = client.get(f"/practices/{practice.id}/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF
    assert client.get(f"/practices/{practice.id}/cover").status_code == 200


@pytest.mark.parametrize("who", [None, "young", "other_delegate"])
def test_others_see_only_that_the_practice_was_hidden(app, hidden, who):
    practice = hidden["practice"]
    client = _client(app, hidden[who] if who else None)
    for url in (_page(practice), f"/practices/{practice.id}", f"/practices/{practice.id}-wrong"):
        response = client.get(url)
        # The address asked for comes back (in "Sign in" links): the rest says nothing of it.
        page = response.get_data(as_text=True).replace(url, "")
        assert response.status_code == 200, url  # no redirect to the slug: it names the title
        assert PLACEHOLDER in page
        for secret in (TITLE, SOLUTION, REASON, "convent", "Dora Delegate", practice.slug):
            assert secret not in page, secret
    attachment = hidden["attachment"]
    assert client.get(f"/practices/{practice.id}/attachments/{attachment.id}").status_code == 404
    assert client.get(f"/practices/{practice.id}/cover").status_code == 404
    assert client.get(f"/practices/{practice.id}/cover/medium").status_code == 404


def test_a_hidden_practice_stays_out_of_lists_and_search(app, hidden):
    client = _client(app, hidden["coordinator"])
    assert TITLE not in client.get("/practices").get_data(as_text=True)
    assert TITLE not in client.get("/search?q=garden").get_data(as_text=True)


def test_a_hidden_draft_is_missing_for_outsiders(app):
    pavia = make_city(name="Pavia")
    author = make_user("delegate", city=pavia)
    draft = make_practice(author, status="draft", title=TITLE)
    moderation.hide(make_user("coordinator"), "practice", draft.id, REASON)
    for user in (None, make_user("young_stakeholder"), make_user("delegate", city=make_city())):
        response = _client(app, user).get(_page(draft))
        assert response.status_code == 404
        assert PLACEHOLDER not in response.get_data(as_text=True)
    page = _client(app, make_user("delegate", city=pavia)).get(_page(draft)).get_data(as_text=True)
    assert TITLE in page and f"Hidden by a moderator: {REASON}" in page


def test_a_restored_practice_is_public_again(app, hidden):
    practice = hidden["practice"]
    moderation.restore(hidden["coordinator"], "practice", practice.id, "")
    page = _client(app).get(_page(practice)).get_data(as_text=True)
    assert TITLE in page and PLACEHOLDER not in page and "Hidden by a moderator" not in page


def test_a_hidden_practices_thread_stays_open_to_its_editors_and_closed_to_others(app):
    from lab.discussion import owners
    from lab.moderation import services as moderation
    from tests.factories import make_practice, make_user

    author = make_user("delegate")
    practice = make_practice(author)
    moderation.hide(make_user("coordinator"), "practice", practice.id, "Personal data in the text")
    can_view = owners.owner("practice").can_view
    assert can_view(author, practice.id)
    assert not can_view(None, practice.id)
    assert not can_view(make_user("delegate"), practice.id)
