"""The interface language: the switcher, the browser's preference, and the catalogues behind them.

The app reads compiled ``.mo`` files, which are git-ignored. This module compiles any catalogue
whose ``.mo`` is missing or older than its ``.po`` when it is imported (before any test runs, so
no earlier request can have cached an empty catalogue), so a fresh clone passes without set-up.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

import lab
from lab.cities import services
from lab.config import Config
from tests.factories import make_city

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = Path(lab.__file__).resolve().parent / "translations"
SOURCE_LANGUAGE = Config.BABEL_DEFAULT_LOCALE
TRANSLATED_LANGUAGES = [code for code in Config.LANGUAGES if code != SOURCE_LANGUAGE]
# Keep in step with the extract command in lab/translations/README.md.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2)}
PLURAL_FORMS = {"it": 2, "fr": 2, "pt": 2, "ro": 3, "de": 2, "es": 2, "fi": 2}
# Python %-style placeholders: %(name)s, %(num)d, %s, %.2f ... ("%%" is a literal percent sign).
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[#0 +-]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")
# HTML in a message (rendered as markup by Jinja's autoescaping gettext), e.g. <a href="%(url)s">.
HTML_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def _scanned_directory(path: str) -> bool:
    """Like ``--ignore-dirs ".* __pycache__"``: babel's default also skips ``_macros/``."""
    name = os.path.basename(path)
    return not name.startswith(".") and name != "__pycache__"


def _po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def _read_catalogue(language: str) -> Catalog:
    with _po_path(language).open("rb") as po_file:
        return read_po(po_file, locale=language)


def _compile_stale_catalogues() -> None:
    """Compile each .po whose .mo is missing or older, as ``pybabel compile -f`` would."""
    for po_path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        buffer = io.BytesIO()
        write_mo(buffer, _read_catalogue(po_path.parts[-3]), use_fuzzy=True)
        # Write then rename, so parallel test workers never read a half-written file.
        partial = mo_path.with_name(f"{mo_path.name}.{os.getpid()}.tmp")
        partial.write_bytes(buffer.getvalue())
        partial.replace(mo_path)


_compile_stale_catalogues()


def _page_language(page: str) -> str:
    match = re.search(r'<html lang="([^"]*)"', page)
    assert match, "the page has no <html lang> attribute"
    return match.group(1)


def _placeholders(text: str) -> list[tuple[str, str]]:
    """The %-placeholders and the HTML tags of a message, which a translation must keep."""
    found = [(name or "", kind) for name, kind in PLACEHOLDER.findall(text) if kind != "%"]
    found += [("tag", tag) for tag in HTML_TAG.findall(text)]
    return sorted(found)


# --- What a visitor sees ------------------------------------------------------------------------


def test_choosing_italian_in_the_switcher_shows_the_page_in_italian(client):
    make_city(name="Pavia", country_code="IT")

    response = client.post("/language", data={"language": "it", "next": "/cities/"})

    assert response.status_code == 303
    assert response.headers["Location"] == "/cities/"
    page = client.get("/cities/").get_data(as_text=True)
    assert _page_language(page) == "it"
    assert "Le città della rete" in page
    assert "Vai al contenuto principale" in page
    assert "Membro del Lab dal" in page
    assert "Italia" in page  # the country's name comes from CLDR in the interface language
    for english in ("Cities of the network", "Skip to main content", "Lab member since", "Italy"):
        assert english not in page


def test_the_choice_is_remembered_on_later_requests_and_beats_the_browser(client):
    response = client.post("/language", data={"language": "it", "next": "/"})
    assert "Max-Age=" in response.headers["Set-Cookie"]  # kept after the browser is closed

    for path in ("/", "/cities/"):
        page = client.get(path, headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(
            as_text=True
        )
        assert _page_language(page) == "it", path
        assert "Vai al contenuto principale" in page, path


def test_switching_back_to_english_works(client):
    client.post("/language", data={"language": "it", "next": "/"})
    client.post("/language", data={"language": "en", "next": "/"})

    page = client.get("/").get_data(as_text=True)
    assert _page_language(page) == "en"
    assert "Skip to main content" in page


@pytest.mark.parametrize(
    ("accept_language", "lang", "skip_link"),
    [
        ("it", "it", "Vai al contenuto principale"),
        ("it-IT,it;q=0.9,en;q=0.5", "it", "Vai al contenuto principale"),
        ("fr-FR,fr;q=0.9", "fr", "Aller au contenu principal"),
        ("de-DE", "de", "Zum Hauptinhalt springen"),
        ("es-ES,es;q=0.8,en;q=0.5", "es", "Saltar al contenido principal"),
    ],
)
def test_the_browser_language_is_used_when_nothing_was_chosen(
    client, accept_language, lang, skip_link
):
    page = client.get("/", headers={"Accept-Language": accept_language}).get_data(as_text=True)
    assert _page_language(page) == lang
    assert skip_link in page
    assert "Skip to main content" not in page


@pytest.mark.parametrize("code", ["xx", "../../etc", "", "IT ", "it<script>"])
def test_an_unknown_language_choice_falls_back_to_english(client, code):
    client.post("/language", data={"language": "it", "next": "/"})

    response = client.post("/language", data={"language": code, "next": "/cities/"})

    assert response.status_code == 303
    page = client.get("/cities/").get_data(as_text=True)
    assert _page_language(page) == "en"
    assert "Cities of the network" in page


def test_a_forged_language_cookie_is_ignored(client):
    client.set_cookie("lab_lang", "../../etc/passwd")
    page = client.get("/").get_data(as_text=True)
    assert _page_language(page) == "en"

    page = client.get("/", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert _page_language(page) == "it"


@pytest.mark.parametrize("accept_language", ["xx", "xx-YY, tlh;q=0.9, zz;q=0.1", "*;q=0", ""])
def test_a_browser_asking_only_for_unknown_languages_gets_english(client, accept_language):
    page = client.get("/", headers={"Accept-Language": accept_language}).get_data(as_text=True)
    assert _page_language(page) == "en"
    assert "Skip to main content" in page


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
    ],
)
def test_the_switcher_never_sends_the_visitor_to_another_site(client, target):
    response = client.post("/language", data={"language": "it", "next": target})

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert _page_language(page) == "it"  # the choice itself still counts


def test_plural_forms_follow_the_number_in_italian(client):
    pavia, coimbra, turku = (make_city() for _ in range(3))
    services.link_twins(pavia, coimbra, 2005)
    italian = {"Accept-Language": "it"}

    page = client.get("/", headers=italian).get_data(as_text=True)
    assert "3 città nella rete" in page
    assert "1 gemellaggio" in page

    services.link_twins(pavia, turku, 2010)
    page = client.get("/", headers=italian).get_data(as_text=True)
    assert "2 gemellaggi" in page


def test_city_page_dates_and_labels_are_italian(client):
    city = make_city(name="Pavia", country_code="IT")
    page = client.get(f"/cities/{city.slug}", headers={"Accept-Language": "it"}).get_data(
        as_text=True
    )
    assert "Membro del Lab dal 7 aprile 2022" in page
    assert "Città gemellate" in page
    assert "Fuso orario" in page
    for english in ("Twin cities", "Time zone", "April"):
        assert english not in page


def test_shared_template_parts_are_italian_too(client):
    # The account menu lives in templates/_partials and the city card in templates/_macros:
    # babel skips directories starting with "_" unless extraction is told otherwise.
    make_city(name="Oxford", country_code="GB", member_since=None)
    page = client.get("/cities/", headers={"Accept-Language": "it"}).get_data(as_text=True)
    assert "Accedi" in page
    assert "Città partner" in page
    for english in ("Sign in", "Partner city", "Join as a young stakeholder"):
        assert english not in page


def test_error_pages_are_italian(client):
    response = client.get("/cities/atlantis", headers={"Accept-Language": "it"})
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert _page_language(page) == "it"
    assert "Pagina non trovata" in page
    assert "Page not found" not in page


def test_one_client_gets_each_page_in_the_language_it_asks_for_this_time(client):
    # The catalogue is looked up once per request and kept for it: never for the next one.
    # The list has strings from its template and from Python (form labels, lazy option labels).
    italian, english = {"Accept-Language": "it"}, {"Accept-Language": "en"}
    for _ in range(2):
        page = client.get("/practices/", headers=italian).get_data(as_text=True)
        assert _page_language(page) == "it"
        for text in (
            "Applica i filtri",
            "Cerca tra le pratiche",
            "Tutte le città",
            "Più recenti",
        ):
            assert text in page
        assert "Apply filters" not in page and "All cities" not in page

        page = client.get("/practices/", headers=english).get_data(as_text=True)
        assert _page_language(page) == "en"
        for text in ("Narrow the list", "Search practices", "All cities", "Newest"):
            assert text in page
        assert "Applica i filtri" not in page and "Tutte le città" not in page


@pytest.mark.parametrize("language", ["en", "it"])
def test_html_in_a_variable_of_a_translated_template_string_is_escaped(client, language):
    query = '<img src=x onerror="alert(1)">'
    response = client.get(
        "/search", query_string={"q": query}, headers={"Accept-Language": language}
    )
    page = response.get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert title, "the page has no title"
    heading = {"en": "Search: ", "it": "Ricerca: "}[language]
    assert f"{heading}&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in title.group(1)
    assert "<img src=x" not in page


# --- The catalogues -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_interface_language_has_a_catalogue_that_compiles(language):
    catalogue = _read_catalogue(language)

    assert str(catalogue.locale) == language
    assert catalogue.num_plurals == PLURAL_FORMS[language]
    assert f"nplurals={PLURAL_FORMS[language]};" in catalogue.plural_forms
    assert not catalogue.fuzzy, "a fuzzy header makes `pybabel compile` (without -f) skip it"
    errors = [(message.id, error) for message, errs in catalogue.check() for error in errs]
    assert errors == []
    compiled = io.BytesIO()
    write_mo(compiled, catalogue, use_fuzzy=True)
    compiled.seek(0)
    Translations(compiled)  # a valid .mo file


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_no_catalogue_ships_a_guessed_translation(language):
    # ./manage compiles with -f, so a fuzzy entry would be shown to users.
    fuzzy = [message.id for message in _read_catalogue(language) if message.id and message.fuzzy]
    assert fuzzy == []


def test_english_is_the_source_language():
    assert SOURCE_LANGUAGE == "en" == Config.LANGUAGES[0]
    assert (TRANSLATIONS / "messages.pot").is_file()


def test_the_italian_catalogue_is_complete():
    untranslated = []
    for message in _read_catalogue("it"):
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(forms):
            untranslated.append(message.id)
    assert untranslated == []


def test_the_italian_catalogue_covers_every_string_in_the_source():
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    in_source = {
        message if isinstance(message, str) else message[0]
        for _file, _line, message, *_rest in extract_from_dir(
            ROOT,
            method_map,
            options_map,
            keywords=KEYWORDS,
            directory_filter=_scanned_directory,
        )
    }
    translated = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in _read_catalogue("it")
        if message.id and all(message.string if message.pluralizable else (message.string,))
    }
    missing = sorted(in_source - translated)
    assert missing == [], (
        "strings not in the Italian catalogue; run extract + update and translate them "
        "(lab/translations/README.md)"
    )


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_translations_keep_the_placeholders_and_markup_of_the_english_text(language):
    wrong = []
    for message in _read_catalogue(language):
        if not message.id:
            continue
        if message.pluralizable:
            # Every plural form (one, few, many...) keeps the singular's or the plural's.
            allowed = [_placeholders(text) for text in message.id]
            wrong += [
                (message.id, form)
                for form in message.string
                if form and _placeholders(form) not in allowed
            ]
        elif message.string and _placeholders(message.string) != _placeholders(message.id):
            wrong.append((message.id, message.string))
    assert wrong == []


def test_the_placeholder_check_can_tell_a_broken_translation():
    assert _placeholders("Membro del Lab dal %(date)s") == _placeholders(
        "Lab member since %(date)s"
    )
    assert _placeholders("Membro del Lab dal %(data)s") != _placeholders(
        "Lab member since %(date)s"
    )
    assert _placeholders("%(num)d città") != _placeholders("%(num)s cities")
    assert _placeholders("100%% sicuro") == _placeholders("100%% sure") == []
    assert _placeholders('<a href="%(url)s">crea</a>') == _placeholders('<a href="%(url)s">x</a>')
    assert _placeholders('<a href="%(url)s">crea') != _placeholders('<a href="%(url)s">x</a>')
