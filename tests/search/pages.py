"""Reading list, search and history pages in tests: parse the HTML rather than grep it."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any


class _Page(HTMLParser):
    """Collects the text of elements by class, the options of selects and some tags' markup."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._open: list[tuple[str, dict[str, str | None], list[str]]] = []
        self.by_class: dict[str, list[str]] = {}
        self.by_tag: dict[str, list[str]] = {}
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.options: dict[str, list[tuple[str, str, bool]]] = {}
        self._select: str | None = None
        self._option: dict[str, str | None] | None = None
        self._option_text = ""
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "select":
            self._select = attributes.get("name") or ""
            self.options.setdefault(self._select, [])
        elif tag == "option":
            self._option, self._option_text = attributes, ""
        if tag not in self.VOID:
            self._open.append((tag, attributes, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None and self._select is not None:
            self.options[self._select].append(
                (
                    self._option.get("value") or "",
                    " ".join(self._option_text.split()),
                    "selected" in self._option,
                )
            )
            self._option = None
        while self._open:
            open_tag, attributes, texts = self._open.pop()
            text = " ".join("".join(texts).split())
            for name in (attributes.get("class") or "").split():
                self.by_class.setdefault(name, []).append(text)
            self.by_tag.setdefault(open_tag, []).append(text)
            if self._open:
                self._open[-1][2].append("".join(texts))
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text += data
        if self._option is not None:
            self._option_text += data
        if self._open:
            self._open[-1][2].append(data)


def parse(response: Any) -> _Page:
    """The parsed page of a response (or of an HTML string)."""
    html = response if isinstance(response, str) else response.get_data(as_text=True)
    page = _Page()
    page.feed(html)
    page.close()
    return page


def texts(response: Any, css_class: str) -> list[str]:
    """The text of every element with this class, in document order of their ends."""
    return parse(response).by_class.get(css_class, [])


def card_titles(response: Any) -> list[str]:
    """The titles of the practice cards on a page, in order."""
    return texts(response, "card__title")


def hit_titles(response: Any) -> list[str]:
    """The titles of the search results on a page, in order."""
    return texts(response, "search-hit__title")


def options_of(response: Any, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of each option of the select with this name."""
    return parse(response).options.get(name, [])


def text_of(response: Any) -> str:
    """The visible text of a page, whitespace collapsed."""
    return " ".join(parse(response).text.split())
