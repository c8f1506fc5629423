"""Reading pages in admin tests: parse the HTML rather than grep it."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import select

from lab.extensions import db
from lab.mail.models import OutboxMessage


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text = ""
        self._select: str | None = None
        self.options: dict[str, list[str]] = {}
        self.selected: dict[str, list[str]] = {}
        self._in_pre = False
        self.pre = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "select":
            self._select = attributes.get("name") or ""
            self.options.setdefault(self._select, [])
            self.selected.setdefault(self._select, [])
        elif tag == "option" and self._select is not None:
            self.options[self._select].append(attributes.get("value") or "")
            if "selected" in attributes:
                self.selected[self._select].append(attributes.get("value") or "")
        elif tag == "pre":
            self._in_pre = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "pre":
            self._in_pre = False

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._in_pre:
            self.pre += data


def parse(response_or_html: Any) -> _Page:
    """The page's elements, text, select options and selected options (by field name), <pre> text."""
    html = (
        response_or_html
        if isinstance(response_or_html, str)
        else response_or_html.get_data(as_text=True)
    )
    page = _Page()
    page.feed(html)
    page.close()
    return page


def text_of(response: Any) -> str:
    """The visible text of a page, whitespace collapsed."""
    return " ".join(parse(response).text.split())


def outbox_to(address: str) -> list[OutboxMessage]:
    """Messages kept for an address, oldest first."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == address)
            .order_by(OutboxMessage.id)
        )
    )


INVITATION_LINK = re.compile(r"https?://[^\s]+/invitations/([A-Za-z0-9_-]+)")


def invitation_token(message: OutboxMessage) -> str:
    """The token of the invitation link in a message (development and tests show it)."""
    match = INVITATION_LINK.search(message.body)
    assert match, message.body
    return match.group(1)
