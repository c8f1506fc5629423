"""Original file names become display text only: no folders, no control characters, ≤ 255."""

from __future__ import annotations

import pytest

from lab.storage.validation import clean_display_name


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\evil\\x.pdf", "x.pdf"),
        ("/var/www/static/index.pdf", "index.pdf"),
        ("Relazione\tfinale\n.pdf", "Relazione finale .pdf"),
        ("  Atelier   Iași  .odt ", "Atelier Iași .odt"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # no right-to-left override trick
        ("Cafe\u0301.png", "Café.png"),  # one normal form, as the browser will show it
    ],
)
def test_names_are_cleaned_to_their_last_part_without_invisible_characters(
    given: str, shown: str
) -> None:
    assert clean_display_name(given) == shown


@pytest.mark.parametrize("given", [None, "", "   ", ".", "..", "....", "../..", "C:\\", "\x00\x01"])
def test_names_with_nothing_usable_left_are_empty(given: str | None) -> None:
    assert clean_display_name(given) == ""


def test_long_names_are_cut_to_255_characters_keeping_the_extension() -> None:
    cleaned = clean_display_name("Ω" * 400 + ".pdf")

    assert len(cleaned) == 255
    assert cleaned.endswith("Ω.pdf")
