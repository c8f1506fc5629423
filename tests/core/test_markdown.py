"""User Markdown becomes HTML that is safe to show: checked by parsing the output, not grepping it."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lab.core.markdown import render_markdown
from tests.core.conftest import parse_html

ALLOWED_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


def link_scheme(href: str) -> str:
    """The scheme a browser would follow for ``href``, as the WHATWG URL parser reads it.

    Browsers drop tabs and newlines anywhere in a URL and trim spaces and control characters at
    its ends. A link without a scheme is relative and resolves to the Lab's own https address.
    """
    cleaned = re.sub(r"[\t\n\r]", "", href).strip(_C0_AND_SPACE)
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else "https"


ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)><circle/></svg>",
    '<a href="javascript:alert(1)">click</a>',
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](%6A%61vascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](file:///etc/passwd)",
    "[click](ftp://files.example.org/a)",
    '[click](https://ok.example "title" onmouseover="alert(1)")',
    "![pixel](https://tracker.example/p.png)",
    "![x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "<!-- <script>alert(1)</script> -->",
    "<details open ontoggle=alert(1)>",
    "<form action=https://evil.example><input name=password></form>",
]


def assert_safe(html: str) -> None:
    """No script, no event handler, no style, and every link an http(s) or mailto link."""
    page = parse_html(html)
    forbidden_tags = {"script", "iframe", "img", "svg", "style", "form", "input", "object",
                      "embed", "details", "link", "meta", "base"}  # fmt: skip
    assert not page.tags() & forbidden_tags, html
    for tag, attrs in page.elements:
        assert not [name for name in attrs if name.startswith("on")], html
        assert "style" not in attrs, html
        assert "src" not in attrs, html
        if tag == "a" and "href" in attrs:
            href = attrs["href"] or ""
            assert link_scheme(href) in ALLOWED_SCHEMES, html
            rel = (attrs.get("rel") or "").split()
            assert "nofollow" in rel and "noopener" in rel, html
        else:
            assert "href" not in attrs, html


@pytest.mark.parametrize("source", ATTACKS)
def test_dangerous_markdown_is_neutralised(source):
    assert_safe(render_markdown(source))


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<b>bold?</b> and <i>italic?</i>",
        '<a href="https://example.org">raw link</a>',
    ],
)
def test_raw_html_is_shown_as_text_not_rendered(source):
    page = parse_html(render_markdown(source))
    assert page.tags() <= {"p"}
    assert source in page.text


def test_code_shows_html_as_text():
    page = parse_html(render_markdown("Use `<script>` here\n\n```\n<b>x</b>\n```"))
    assert "script" not in page.tags()
    assert "b" not in page.tags()
    assert "<script>" in page.text
    assert "<b>x</b>" in page.text


@pytest.mark.parametrize(
    ("source", "href"),
    [
        ("[Pavia](https://www.comune.pv.it/)", "https://www.comune.pv.it/"),
        ("[Plain](http://example.org/page?a=1&b=2)", "http://example.org/page?a=1&b=2"),
        ("[Write](mailto:lab@example.org)", "mailto:lab@example.org"),
        ("<https://example.org/auto>", "https://example.org/auto"),
        ("[ref][1]\n\n[1]: https://example.org/ref", "https://example.org/ref"),
    ],
)
def test_good_links_are_kept_with_nofollow_and_noopener(source, href):
    html = render_markdown(source)
    assert_safe(html)
    links = [attrs for tag, attrs in parse_html(html).elements if tag == "a"]
    assert len(links) == 1
    assert links[0]["href"] == href
    rel = (links[0].get("rel") or "").split()
    assert {"nofollow", "noopener", "noreferrer"} <= set(rel)


def test_ordinary_formatting_survives():
    source = (
        "# Heading\n\n**bold** _em_ ~~gone~~\n\n- one\n- two\n\n> quoted\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    page = parse_html(render_markdown(source))
    assert {"h2", "strong", "em", "s", "ul", "li", "blockquote", "table", "td"} <= page.tags()
    assert "h1" not in page.tags(), "the page's own title stays its only h1"


def test_the_scheme_check_reads_links_as_a_browser_does():
    assert link_scheme("java\tscript:alert(1)") == "javascript"
    assert link_scheme(" \x01JavaScript:alert(1)") == "javascript"
    assert link_scheme("java%09script:alert(1)") == "https"  # a relative path, harmless
    assert link_scheme("/cities/pavia") == "https"
    assert link_scheme("MAILTO:lab@example.org") == "mailto"


def test_empty_or_missing_source_renders_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""  # type: ignore[arg-type]


FRAGMENTS = st.sampled_from(
    [
        "<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:", "JaVaScRiPt:",
        "data:text/html,", "vbscript:", "[", "]", "(", ")", "<", ">", '"', "'", "`", "&#x09;",
        "&#106;", "%0a", "\n", " ", "!", "http://a.example/", "mailto:x@example.org", "onload=",
        "<a href=", "*", "_", "#", "|", "\\", "<!--", "-->", "<svg>", "style=", "<https:",
    ]
)  # fmt: skip


@settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=30).map("".join))
def test_any_mix_of_dangerous_fragments_renders_safely(source):
    assert_safe(render_markdown(source))
