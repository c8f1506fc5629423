"""Account use cases: registration, sign-in, passwords, profiles. The only code here that writes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select

from lab.audit.services import record
from lab.auth import passwords
from lab.auth.mail_language import in_language
from lab.auth.models import STAKEHOLDER_KINDS, YOUNG, AccountToken, User
from lab.auth.tokens import external_url, new_token, token_hash
from lab.core.database import transaction
from lab.core.errors import DomainError
from lab.core.languages import is_time_zone
from lab.core.types import utcnow
from lab.extensions import db
from lab.mail.services import send_mail

VERIFY_TTL = timedelta(days=2)
RESET_TTL = timedelta(hours=1)
NAME_MAX = 80
AFFILIATION_MAX = 200


def normalise_email(email: str, field: str = "email") -> str:
    """A syntactically valid address, lower-cased, or DomainError."""
    email = (email or "").strip()
    if not email or len(email) > 254:
        raise DomainError(_("Enter a valid e-mail address."), field)
    try:
        checked = validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise DomainError(_("Enter a valid e-mail address."), field) from None
    return checked.normalized.lower()


def clean_display_name(name: str) -> str:
    """A display name of 1 to 80 characters."""
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX:
        raise DomainError(
            _("Enter a name of at most %(n)d characters.", n=NAME_MAX), "display_name"
        )
    return name


def city_exists(city_id: int | None) -> bool:
    """Whether a live city has this id (auth sits below cities, so it asks the table directly)."""
    if city_id is None:
        return False
    city = db.metadata.tables["city"]
    found = db.session.execute(
        select(city.c.id).where(city.c.id == city_id, city.c.deleted_at.is_(None))
    ).first()
    return found is not None


def user_by_email(email: str) -> User | None:
    """The account with this (normalised) address, if any."""
    return db.session.scalar(select(User).where(User.email == email))


def _issue_token(user: User, purpose: str, email: str, ttl: timedelta) -> str:
    """Create a single-use token, invalidating earlier unused ones of the same purpose."""
    for old in db.session.scalars(
        select(AccountToken).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
    ):
        old.used_at = utcnow()
    token, hashed = new_token()
    db.session.add(
        AccountToken(
            user=user, purpose=purpose, token_hash=hashed, email=email, expires_at=utcnow() + ttl
        )
    )
    return token


def _consume_token(token: str, purpose: str) -> AccountToken:
    """The valid token record (now used up), or DomainError."""
    found = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == token_hash(token or ""), AccountToken.purpose == purpose
        )
    )
    if found is None or found.used_at is not None or found.expires_at <= utcnow():
        raise DomainError(_("This link is invalid, has expired or has already been used."))
    found.used_at = utcnow()
    return found


def _send_verification(user: User, email: str) -> None:
    token = _issue_token(user, "verify_email", email, VERIFY_TTL)
    link = external_url("auth.verify_email", token=token)
    with in_language(user.preferred_language):
        _mail_verification(user, email, link)


def _mail_verification(user: User, email: str, link: str) -> None:
    send_mail(
        email,
        _("Confirm your e-mail address for the Heritage Living Lab"),
        _(
            "Hello %(name)s,\n\nplease confirm your e-mail address by opening this link within "
            "48 hours:\n\n%(link)s\n\nIf you did not ask for this, you can ignore this message.",
            name=user.display_name,
            link=link,
        ),
        secrets=[link],
    )


def _mail_existing_account(existing: User, email: str) -> None:
    send_mail(
        email,
        _("Someone tried to register with your address"),
        _(
            "Hello %(name)s,\n\nsomeone tried to create a Heritage Living Lab account "
            "with this address, which already has one. If it was you, sign in or reset "
            "your password: %(link)s",
            name=existing.display_name,
            link=external_url("auth.forgot_password"),
        ),
    )


@dataclass(frozen=True)
class Registration:
    """What a young stakeholder gives when registering."""

    email: str
    password: str
    display_name: str
    stakeholder_kind: str
    city_id: int | None = None
    preferred_language: str | None = None


def register_young_stakeholder(form: Registration) -> None:
    """Create an unverified young stakeholder and send the verification link.

    The outcome looks and takes the same whether the address is taken or not: an existing owner is
    told by e-mail instead, so registration never reveals who has an account.
    """
    email = normalise_email(form.email)
    name = clean_display_name(form.display_name)
    passwords.check_password_rules(form.password, [email, name])
    if form.stakeholder_kind not in STAKEHOLDER_KINDS:
        raise DomainError(
            _("Choose whether you are a student, young artist or culture expert."),
            "stakeholder_kind",
        )
    if form.city_id is not None and not city_exists(form.city_id):
        raise DomainError(_("Choose a city from the list."), "city_id")
    password_hash = passwords.hash_password(form.password)
    with transaction():
        existing = user_by_email(email)
        if existing is not None:
            with in_language(existing.preferred_language):
                _mail_existing_account(existing, email)
            record("auth.register_existing", target=existing, target_label=email)
            return
        user = User(
            email=email,
            password_hash=password_hash,
            display_name=name,
            role=YOUNG,
            stakeholder_kind=form.stakeholder_kind,
            city_id=form.city_id,
            preferred_language=form.preferred_language,
        )
        db.session.add(user)
        db.session.flush()
        record("auth.registered", actor=user, target=user, target_label=email)
        _send_verification(user, email)


def verify_email(token: str) -> User:
    """Confirm the address a verification link was sent to (a new address replaces the old)."""
    with transaction():
        found = _consume_token(token, "verify_email")
        user = found.user
        if found.email == user.email:
            user.email_verified_at = user.email_verified_at or utcnow()
        elif found.email == user.pending_email:
            if user_by_email(found.email) is not None:
                raise DomainError(_("This address is already used by another account."))
            record("auth.email_changed", actor=user, target=user, target_label=found.email)
            user.email, user.pending_email = found.email, None
            user.email_verified_at = utcnow()
        else:
            raise DomainError(_("This link is invalid, has expired or has already been used."))
    return user


def resend_verification(user: User) -> None:
    """Send a new verification link to an unverified account."""
    if user.is_verified:
        return
    with transaction():
        _send_verification(user, user.email)


def authenticate(email: str, password: str) -> User | None:
    """The active account for these credentials, or None; same work whether or not it exists."""
    try:
        normalised = normalise_email(email)
    except DomainError:
        normalised = (email or "").strip().lower()[:254]
    with transaction():
        user = user_by_email(normalised)
        candidate_hash = user.password_hash if user is not None else passwords.dummy_hash()
        matches = passwords.verify_password(candidate_hash, password or "")
        if user is None or not matches or not user.is_active:
            record(
                "auth.sign_in_failed",
                target=user,
                target_label=normalised,
                reason="deactivated" if user is not None and matches else "bad credentials",
            )
            return None
        user.last_sign_in_at = utcnow()
        record("auth.sign_in", actor=user, target=user, target_label=normalised)
    return user


def end_all_sessions(user: User) -> None:
    """Make every session cookie of this user, captured anywhere, stop working."""
    user.session_version = (user.session_version or 1) + 1


def sign_out(user: User) -> None:
    """Sign out everywhere: the session version moves on."""
    with transaction():
        end_all_sessions(user)
        record("auth.sign_out", actor=user, target=user)


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; answer the same either way."""
    try:
        normalised = normalise_email(email)
    except DomainError:
        return
    with transaction():
        user = user_by_email(normalised)
        if user is None or not user.is_active:
            return
        token = _issue_token(user, "reset_password", user.email, RESET_TTL)
        link = external_url("auth.reset_password", token=token)
        with in_language(user.preferred_language):
            _mail_reset(user, link)
        record("auth.reset_requested", target=user, target_label=user.email)


def _mail_reset(user: User, link: str) -> None:
    send_mail(
        user.email,
        _("Reset your Heritage Living Lab password"),
        _(
            "Hello %(name)s,\n\nopen this link within one hour to choose a new password:\n\n"
            "%(link)s\n\nIf you did not ask for this, ignore this message: your password "
            "stays as it is.",
            name=user.display_name,
            link=link,
        ),
        secrets=[link],
    )


def check_reset_token(token: str) -> None:
    """Raise DomainError unless the reset link is still usable (without using it)."""
    found = db.session.scalar(
        select(AccountToken).where(
            AccountToken.token_hash == token_hash(token or ""),
            AccountToken.purpose == "reset_password",
        )
    )
    if found is None or found.used_at is not None or found.expires_at <= utcnow():
        raise DomainError(_("This link is invalid, has expired or has already been used."))


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; every session of the account ends."""
    check_reset_token(token)
    with transaction():
        found = _consume_token(token, "reset_password")
        user = found.user
        passwords.check_password_rules(new_password, [user.email, user.display_name])
        user.password_hash = passwords.hash_password(new_password)
        # Following the link proves the address.
        user.email_verified_at = user.email_verified_at or utcnow()
        end_all_sessions(user)
        record("auth.password_reset", actor=user, target=user)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Change the password after checking the current one; other sessions end."""
    if not passwords.verify_password(user.password_hash, current_password or ""):
        raise DomainError(_("Your current password is not correct."), "current_password")
    passwords.check_password_rules(new_password, [user.email, user.display_name], "new_password")
    with transaction():
        user.password_hash = passwords.hash_password(new_password)
        end_all_sessions(user)
        record("auth.password_changed", actor=user, target=user)


def request_email_change(user: User, current_password: str, new_email: str) -> None:
    """Send a confirmation link to the new address; the change happens when it is opened."""
    if not passwords.verify_password(user.password_hash, current_password or ""):
        raise DomainError(_("Your current password is not correct."), "current_password")
    email = normalise_email(new_email, "new_email")
    if email == user.email:
        raise DomainError(_("This is already your address."), "new_email")
    with transaction():
        user.pending_email = email
        if user_by_email(email) is None:
            _send_verification(user, email)
        record("auth.email_change_requested", actor=user, target=user)


@dataclass(frozen=True)
class ProfileChanges:
    """What a user may change about themselves (never role, city of a delegate, or e-mail)."""

    display_name: str
    affiliation: str = ""
    preferred_language: str | None = None
    time_zone: str | None = None
    show_email: bool = False
    stakeholder_kind: str | None = None
    city_id: int | None = None


def update_profile(user: User, changes: ProfileChanges, languages: list[str]) -> User:
    """Change one's own profile."""
    name = clean_display_name(changes.display_name)
    if len(changes.affiliation) > AFFILIATION_MAX:
        raise DomainError(_("Use at most %(n)d characters.", n=AFFILIATION_MAX), "affiliation")
    if changes.preferred_language and changes.preferred_language not in languages:
        raise DomainError(_("Choose a language from the list."), "preferred_language")
    if changes.time_zone and not is_time_zone(changes.time_zone):
        raise DomainError(_("Choose a time zone from the list."), "time_zone")
    with transaction():
        user.display_name = name
        user.affiliation = changes.affiliation.strip()
        user.preferred_language = changes.preferred_language or None
        user.time_zone = changes.time_zone or None
        user.show_email = changes.show_email
        if user.role == YOUNG:
            if changes.stakeholder_kind not in STAKEHOLDER_KINDS:
                raise DomainError(_("Choose a kind from the list."), "stakeholder_kind")
            if changes.city_id is not None and not city_exists(changes.city_id):
                raise DomainError(_("Choose a city from the list."), "city_id")
            user.stakeholder_kind = changes.stakeholder_kind
            user.city_id = changes.city_id
    return user


def city_choices() -> list[tuple[int, str]]:
    """Live cities as (id, name) for a form's select, by name."""
    city = db.metadata.tables["city"]
    rows = db.session.execute(
        select(city.c.id, city.c.name).where(city.c.deleted_at.is_(None)).order_by(city.c.name)
    )
    return [(row.id, row.name) for row in rows]
