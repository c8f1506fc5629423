"""Accounts in a real browser: invitations, sign-in, registration, verification and profile.

Every test makes its own people (unique e-mail addresses) on the shared live server and signs in
itself, so the tests do not depend on each other or on their order. Each person gets a browser
context of their own, as two people on two machines would.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import BrowserContext, Locator, Page, expect

from lab.demo.world import demo_password
from tests.e2e.test_visitor import AXE_TAGS, _axe_report, _unmeasured_low_contrast

pytestmark = pytest.mark.e2e

ADMIN = "admin@lab.example"
PASSPHRASE = "copper lantern drifts over quiet harbour"
INVITATION_SUBJECT = "You are invited to the Heritage Living Lab"
VERIFICATION_SUBJECT = "Confirm your e-mail address for the Heritage Living Lab"
SITE_LINK = re.compile(r"http://lab\.test(/\S+)")  # SITE_URL of the test configuration

NewContext = Callable[..., BrowserContext]


def unique_email(local: str, domain: str) -> str:
    """An address no other test (or earlier run on the same server) uses."""
    return f"{local}.{uuid.uuid4().hex[:10]}@{domain}"


def header(page: Page) -> Locator:
    return page.locator("header.site-header")


def flashes(page: Page) -> Locator:
    return page.locator(".flashes")


def sign_in(page: Page, email: str, password: str) -> None:
    """Sign in through the form, as a person would."""
    page.goto("/signin")
    form = page.locator("main form")
    form.get_by_label("E-mail", exact=True).fill(email)
    form.get_by_label("Password", exact=True).fill(password)
    form.get_by_role("button", name="Sign in").click()
    expect(header(page).get_by_role("button", name="Sign out")).to_be_visible()


def open_admin(page: Page, section: str) -> None:
    """Administration (main navigation) → one of its sections."""
    page.locator("header nav.site-nav").get_by_role("link", name="Administration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    page.locator("main").get_by_role("link", name=section, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(section)


def invite(page: Page, email: str, role: str, city: str | None = None) -> None:
    """Fill and send the invitation form on Administration → Invitations."""
    form = page.locator("main form.form")
    form.get_by_label("E-mail", exact=True).fill(email)
    form.get_by_label("Role", exact=True).select_option(label=role)
    if city:
        form.get_by_label("City", exact=True).select_option(label=city)
    form.get_by_role("button", name="Send the invitation").click()


def link_from_outbox(page: Page, recipient: str, subject: str) -> str:
    """On the outbox list: open the message and return the path of the SITE_URL link in it."""
    row = page.locator("main tbody tr").filter(has_text=recipient)
    expect(row).to_have_count(1)
    row.get_by_role("link", name=subject).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(subject)
    expect(page.locator("main dl.facts")).to_contain_text(recipient)
    body = page.locator("pre.mail-body").inner_text()
    match = SITE_LINK.search(body)
    assert match, f"no link in the message:\n{body}"
    return match.group(1)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe finds on the page (WCAG 2.0/2.1/2.2 A and AA), as in test_visitor."""
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.response["passes"], "axe ran no rules at all"
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations + _unmeasured_low_contrast(results.response["incomplete"])


def assert_no_axe_violations(found: dict[str, list[dict[str, Any]]]) -> None:
    """Report every page's violations at once."""
    reports = [f"{name}: {_axe_report(v)}" for name, v in found.items() if v]
    assert not reports, "\n\n".join(reports)


# --- 1. An admin invites a Turku delegate, who joins from the link in the outbox ----------------


def test_admin_invites_a_turku_delegate_who_joins_from_the_outbox_link(
    new_context: NewContext, live_server: str
) -> None:
    delegate_email = unique_email("tuula", "turku.example")

    admin = new_context().new_page()
    sign_in(admin, ADMIN, demo_password(ADMIN))
    open_admin(admin, "Invitations")
    invite(admin, delegate_email, "City delegate", "Turku")

    expect(flashes(admin)).to_contain_text(f"The invitation to {delegate_email} is sent.")
    row = admin.locator("main tbody tr").filter(has_text=delegate_email)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("City delegate")
    expect(row).to_contain_text("Turku")
    expect(row).to_contain_text("Pending")

    open_admin(admin, "Outbox")
    path = link_from_outbox(admin, delegate_email, INVITATION_SUBJECT)
    assert path.startswith("/invitations/"), path
    header(admin).get_by_role("button", name="Sign out").click()
    expect(flashes(admin)).to_contain_text("You are signed out.")
    expect(header(admin).get_by_role("link", name="Sign in")).to_be_visible()

    # The delegate, on their own machine, follows the link from the message.
    delegate = new_context().new_page()
    delegate.goto(live_server + path)
    expect(delegate.get_by_role("heading", level=1)).to_have_text(
        "Welcome to the Heritage Living Lab"
    )
    expect(delegate.locator("main .lead")).to_have_text(
        f"Ada Admin invited {delegate_email} to join as City delegate for Turku."
    )
    delegate.get_by_label("Your name").fill("Tuula Virtanen")
    delegate.get_by_label("Choose a password").fill(PASSPHRASE)
    delegate.get_by_role("button", name="Create my account").click()

    expect(delegate).to_have_url(re.compile(r"/signin$"))
    expect(flashes(delegate)).to_contain_text("Your account is ready. Please sign in.")
    form = delegate.locator("main form")
    form.get_by_label("E-mail", exact=True).fill(delegate_email)
    form.get_by_label("Password", exact=True).fill(PASSPHRASE)
    form.get_by_role("button", name="Sign in").click()

    expect(delegate).to_have_url(re.compile(r"/cities/turku$"))
    expect(delegate.get_by_role("heading", level=1)).to_have_text("Turku")
    expect(flashes(delegate)).to_contain_text("Welcome, Tuula Virtanen.")
    expect(header(delegate).locator(".account-menu__name")).to_have_text("Tuula Virtanen")

    # The link worked once.
    response = delegate.goto(live_server + path)
    assert response is not None and response.status == 404
    expect(delegate.get_by_role("heading", level=1)).to_have_text("Invitation not valid")


# --- 2. A failed sign-in --------------------------------------------------------------------------


def test_wrong_password_shows_the_error_by_the_password_field_and_keeps_the_email(
    page: Page,
) -> None:
    email = "delegate.pavia@lab.example"
    page.goto("/signin")
    form = page.locator("main form")
    form.get_by_label("E-mail", exact=True).fill(email)
    form.get_by_label("Password", exact=True).fill("not the right password at all")
    form.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/signin$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    password = form.get_by_label("Password", exact=True)
    error = page.locator("#password-error")
    expect(error).to_have_text("The e-mail address or the password is not correct.")
    # Next to the field, in the same field group, and announced with it.
    expect(
        form.locator(".field", has=page.locator("#password")).locator(".field__error")
    ).to_have_id("password-error")
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_attribute("aria-describedby", "password-error")
    expect(password).to_have_value("")
    expect(form.get_by_label("E-mail", exact=True)).to_have_value(email)
    expect(header(page).get_by_role("link", name="Sign in")).to_be_visible()  # still a visitor


# --- 3. A young stakeholder registers, confirms the address and edits the profile --------------


def test_young_stakeholder_registers_verifies_and_edits_the_profile(
    new_context: NewContext, live_server: str
) -> None:
    email = unique_email("giorgia", "studenti.example")
    page = new_context().new_page()
    page.goto("/")
    header(page).get_by_role("link", name="Join as a young stakeholder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join as a young stakeholder")
    page.get_by_label("Your name").fill("Giorgia Neri")
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSPHRASE)
    page.get_by_label("I am a").select_option(label="Student")
    page.get_by_label("City (optional)").select_option(label="Pavia")
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(page.locator("main")).to_contain_text(f"We have sent a message to {email}.")
    page.get_by_role("link", name="Go to sign in").click()
    form = page.locator("main form")
    form.get_by_label("E-mail", exact=True).fill(email)
    form.get_by_label("Password", exact=True).fill(PASSPHRASE)
    form.get_by_role("button", name="Sign in").click()
    banner = page.locator(".banner")
    expect(banner).to_contain_text("Please confirm your e-mail address")
    expect(header(page).locator(".account-menu__name")).to_have_text("Giorgia Neri")

    # An admin, elsewhere, reads the confirmation link from the outbox.
    admin = new_context().new_page()
    sign_in(admin, ADMIN, demo_password(ADMIN))
    open_admin(admin, "Outbox")
    path = link_from_outbox(admin, email, VERIFICATION_SUBJECT)
    admin.context.close()
    assert path.startswith("/verify/"), path

    page.goto(live_server + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your e-mail address")
    page.get_by_role("button", name="Confirm my address").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(flashes(page)).to_contain_text("Thank you: your e-mail address is confirmed.")
    expect(page.locator(".banner")).to_have_count(0)

    profile = page.locator("form", has=page.get_by_role("button", name="Save profile"))
    expect(profile.get_by_label("I am a")).to_have_value("student")
    expect(profile.get_by_label("City (optional)")).to_have_value(re.compile(r"^\d+$"))
    profile.get_by_label("Affiliation").fill(
        "Università di Pavia, Dipartimento di Studi Umanistici"
    )
    profile.get_by_label("Preferred language").select_option(label="Italiano")
    profile.get_by_role("button", name="Save profile").click()

    # The interface is now in Italian, and the form shows what was saved.
    expect(page).to_have_url(re.compile(r"/account$"))
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.get_by_role("heading", level=1)).to_have_text("Il tuo account")
    # The confirmation itself is still worded in the language the request started in (English):
    # only its presence is checked here.
    expect(flashes(page).locator(".flash--success")).to_have_count(1)
    saved = page.locator("form", has=page.get_by_role("button", name="Salva il profilo"))
    expect(saved.get_by_label("Ente di appartenenza")).to_have_value(
        "Università di Pavia, Dipartimento di Studi Umanistici"
    )
    expect(saved.get_by_label("Lingua preferita")).to_have_value("it")
    expect(page.locator("#language-select")).to_have_value("it")

    page.get_by_role("link", name="Vedi il tuo profilo pubblico").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Giorgia Neri")
    facts = page.locator("main dl.facts")
    expect(facts).to_contain_text("Università di Pavia, Dipartimento di Studi Umanistici")
    expect(facts).to_contain_text("Pavia")
    expect(facts).to_contain_text(email)  # the owner sees their own address...

    visitor = new_context().new_page()  # ...others do not, unless the owner chooses to show it
    visitor.goto(page.url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Giorgia Neri")
    expect(visitor.locator("main dl.facts")).to_contain_text("Università di Pavia")
    expect(visitor.locator("main")).not_to_contain_text(email)


# --- 4. Accessibility: axe and the keyboard -------------------------------------------------------


def _use_language(context: BrowserContext, live_app_cookie: str, language: str, url: str) -> None:
    context.add_cookies([{"name": live_app_cookie, "value": language, "url": url}])


@pytest.fixture
def language_cookie(live_app: Flask) -> str:
    return str(live_app.config["LANGUAGE_COOKIE"])


@pytest.mark.parametrize("language", ["en", "it"])
def test_visitor_account_pages_have_no_axe_violations(
    new_context: NewContext,
    live_server: str,
    language_cookie: str,
    outbox_link: Callable[[str], str],
    language: str,
) -> None:
    context = new_context()
    _use_language(context, language_cookie, language, live_server)
    page = context.new_page()
    found = {}

    page.goto("/signin")
    form = page.locator("main form")
    form.locator("#email").fill("delegate.pavia@lab.example")
    form.locator("#password").fill("not the right password at all")
    form.locator("button[type=submit]").click()
    expect(page.locator("#password-error")).to_be_visible()
    found["sign-in with an error"] = axe_violations(page)

    page.goto("/register")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main [role=alert]")).to_be_visible()
    expect(page.locator("#display_name-error")).to_be_visible()
    found["registration with errors"] = axe_violations(page)

    email = unique_email("axe", "studenti.example")
    page.locator("#display_name").fill("Axe Tester")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSPHRASE)
    page.locator("#stakeholder_kind").select_option("culture_expert")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main a[href='/signin']")).to_be_visible()  # "Go to sign in"
    expect(page.locator("main")).to_contain_text(email)
    found["check your inbox"] = axe_violations(page)

    page.goto(outbox_link(email))
    found["confirm your address"] = axe_violations(page)

    # Signed in, not yet confirmed: settings with the banner, then the public profile.
    page.goto("/signin")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSPHRASE)
    page.locator("main form button[type=submit]").click()
    page.goto("/account")
    expect(page.locator(".banner")).to_be_visible()
    found["account settings"] = axe_violations(page)

    page.locator("main .lead a[href^='/users/']").click()
    expect(page.locator("main h1")).to_have_text("Axe Tester")
    found["public profile"] = axe_violations(page)

    assert_no_axe_violations(found)


@pytest.mark.parametrize("language", ["en", "it"])
def test_administration_pages_have_no_axe_violations(
    new_context: NewContext,
    live_server: str,
    language_cookie: str,
    outbox_link: Callable[[str], str],
    language: str,
) -> None:
    page = new_context().new_page()
    sign_in(page, ADMIN, demo_password(ADMIN))
    _use_language(page.context, language_cookie, language, live_server)
    found = {}

    # Make sure the invitation list and the outbox have a row of this test's own.
    invited = unique_email("axe.delegate", "coimbra.example")
    page.goto("/admin/invitations")
    form = page.locator("main form.form")
    form.locator("#email").fill(invited)
    form.locator("#role").select_option("delegate")
    form.locator("#city_id").select_option(label="Coimbra")
    form.locator("button[type=submit]").click()
    expect(page.locator("main tbody tr").filter(has_text=invited)).to_have_count(1)

    pages = {
        "administration": "/admin/",
        "users": "/admin/users",
        "invitations": "/admin/invitations",
        "outbox": "/admin/outbox",
        "audit log": "/admin/audit",
        "cities": "/admin/cities",
        "city edit form": "/admin/cities/turku/edit",
    }
    for name, path in pages.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, (name, response)
        expect(page.locator("html")).to_have_attribute("lang", language)
        found[name] = axe_violations(page)

    page.goto("/admin/users?q=Giulia")
    page.locator("main tbody").get_by_role("link", name="Giulia Bianchi").click()
    expect(page.locator("main h1")).to_have_text("Giulia Bianchi")
    found["user"] = axe_violations(page)

    page.goto("/admin/outbox")
    page.locator("main tbody tr").filter(has_text=invited).locator("a").click()
    expect(page.locator("pre.mail-body")).to_contain_text("http://lab.test/invitations/")
    found["outbox message"] = axe_violations(page)

    # The invitation page the delegate sees, in a visitor's own browser.
    visitor = new_context()
    _use_language(visitor, language_cookie, language, live_server)
    invitation = visitor.new_page()
    invitation.goto(outbox_link(invited))
    expect(invitation.locator("main form")).to_be_visible()
    found["accept the invitation"] = axe_violations(invitation)

    assert_no_axe_violations(found)


def test_sign_in_form_works_from_the_keyboard_alone(page: Page) -> None:
    page.goto("/signin")
    email = page.locator("#email")
    for _ in range(30):  # skip link, header links, language switcher, then the form
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    expect(email).to_be_focused()
    page.keyboard.type("delegate.pavia@lab.example")
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(demo_password("delegate.pavia@lab.example"))
    page.keyboard.press("Tab")
    expect(page.get_by_label("Keep me signed in on this device")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator("main form").get_by_role("button", name="Sign in")).to_be_focused()

    # Back to the password field, and Enter submits the form.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/cities/pavia$"))
    expect(header(page).locator(".account-menu__name")).to_have_text("Paolo Rossi")
