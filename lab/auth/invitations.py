"""Invitations: how delegates, coordinators and admins join. Links work once, for 7 days."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, and_, select

from lab.audit.services import record
from lab.auth import passwords
from lab.auth.labels import role_label
from lab.auth.mail_language import in_language
from lab.auth.models import DELEGATE, ROLES, Invitation, User
from lab.auth.permissions import can_invite, invitable_roles
from lab.auth.services import city_exists, clean_display_name, normalise_email, user_by_email
from lab.auth.tokens import external_url, new_token, token_hash
from lab.core.database import transaction
from lab.core.errors import DomainError, PermissionDeniedError
from lab.core.types import utcnow
from lab.extensions import db
from lab.mail.services import send_mail

INVITATION_TTL = timedelta(days=7)


def _send(invitation: Invitation) -> None:
    """Issue a fresh link (the previous one stops working) and mail it."""
    token, hashed = new_token()
    invitation.token_hash = hashed
    invitation.expires_at = utcnow() + INVITATION_TTL
    link = external_url("auth.accept_invitation", token=token)
    with in_language(*(invitation.city.languages if invitation.city else [])):
        if invitation.city:
            invited = _(
                "%(inviter)s invites you to join the Heritage Living Lab as %(role)s for %(city)s.",
                inviter=invitation.invited_by.display_name,
                role=role_label(invitation.role),
                city=invitation.city.name,
            )
        else:
            invited = _(
                "%(inviter)s invites you to join the Heritage Living Lab as %(role)s.",
                inviter=invitation.invited_by.display_name,
                role=role_label(invitation.role),
            )
        subject = _("You are invited to the Heritage Living Lab")
        body = _(
            "Hello,\n\n%(invited)s\n\nOpen this link within 7 days to choose your password:"
            "\n\n%(link)s\n\nThe link works once. If you did not expect this, ignore this message.",
            invited=invited,
            link=link,
        )
    send_mail(
        invitation.email,
        subject,
        body,
        secrets=[link],
    )


def invite(inviter: User, email: str, role: str, city_id: int | None) -> Invitation:
    """Invite someone by e-mail to join with a role (delegates with their city)."""
    if role not in ROLES:
        raise DomainError(_("Choose a role from the list."), "role")
    if not can_invite(inviter, role):
        raise PermissionDeniedError(_("You may not invite someone with this role."), "role")
    address = normalise_email(email)
    if role == DELEGATE and not city_exists(city_id):
        raise DomainError(_("A delegate belongs to a city: choose one."), "city_id")
    if city_id is not None and not city_exists(city_id):
        raise DomainError(_("Choose a city from the list."), "city_id")
    if user_by_email(address) is not None:
        raise DomainError(_("This address already has an account."), "email")
    with transaction():
        for earlier in db.session.scalars(
            select(Invitation).where(
                Invitation.email == address,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
        ):
            earlier.revoked_at = utcnow()  # one live invitation per address
        invitation = Invitation(
            email=address,
            role=role,
            city_id=city_id,
            invited_by=inviter,
            token_hash="",
            expires_at=utcnow(),
        )
        db.session.add(invitation)
        db.session.flush()
        db.session.refresh(invitation)
        _send(invitation)
        record(
            "invitation.created", actor=inviter, target=invitation, target_label=address, role=role
        )
    return invitation


def resend(actor: User, invitation: Invitation) -> None:
    """Send a pending or expired invitation again with a new 7-day link."""
    if not can_invite(actor, invitation.role):
        raise PermissionDeniedError(_("You may not manage this invitation."))
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise DomainError(_("This invitation was already accepted or revoked."))
    with transaction():
        invitation.sent_count += 1
        _send(invitation)
        record("invitation.resent", actor=actor, target=invitation, target_label=invitation.email)


def revoke(actor: User, invitation: Invitation) -> None:
    """Make an invitation's link stop working."""
    if not can_invite(actor, invitation.role):
        raise PermissionDeniedError(_("You may not manage this invitation."))
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation was already accepted."))
    with transaction():
        invitation.revoked_at = invitation.revoked_at or utcnow()
        record("invitation.revoked", actor=actor, target=invitation, target_label=invitation.email)


def pending_invitation(token: str) -> Invitation:
    """The invitation this link stands for, if it can still be accepted; DomainError otherwise."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == token_hash(token or ""))
    )
    if invitation is None or invitation.status != "pending":
        raise DomainError(
            _("This invitation link is invalid, has expired, was revoked or was already used.")
        )
    return invitation


def accept(token: str, display_name: str, password: str) -> User:
    """Create the invited account with its role and city; the link stops working."""
    invitation = pending_invitation(token)
    name = clean_display_name(display_name)
    passwords.check_password_rules(password, [invitation.email, name])
    password_hash = passwords.hash_password(password)
    with transaction():
        # Re-read inside the transaction: of two simultaneous acceptances only one succeeds.
        invitation = pending_invitation(token)
        if user_by_email(invitation.email) is not None:
            raise DomainError(_("This address already has an account: sign in instead."))
        user = User(
            email=invitation.email,
            email_verified_at=utcnow(),  # the link reached this address
            password_hash=password_hash,
            display_name=name,
            role=invitation.role,
            city_id=invitation.city_id,
        )
        db.session.add(user)
        db.session.flush()
        invitation.accepted_at = utcnow()
        invitation.accepted_user_id = user.id
        record("invitation.accepted", actor=user, target=invitation, target_label=invitation.email)
    return user


def invitations_query(actor: User, status: str | None = None) -> Select[Invitation]:
    """Invitations the actor may manage, newest first, optionally by status (filtered in SQL)."""
    now = utcnow()
    open_ = and_(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
    by_status = {
        "pending": and_(open_, Invitation.expires_at > now),
        "expired": and_(open_, Invitation.expires_at <= now),
        "accepted": Invitation.accepted_at.is_not(None),
        "revoked": and_(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_not(None)),
    }
    query = (
        select(Invitation)
        .where(Invitation.role.in_(invitable_roles(actor)))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    if status in by_status:
        query = query.where(by_status[status])
    return query
