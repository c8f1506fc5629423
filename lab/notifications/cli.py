"""``flask notifications ...``: the daily e-mail digest."""

from __future__ import annotations

import click

from lab.notifications import digests


@click.group("notifications")
def notifications_group() -> None:
    """Notifications and the daily digest."""


@notifications_group.command("send-digests")
def send_digests() -> None:
    """Send the daily digest to everyone whose local day has moved on.

    Safe to run twice, and from several instances at the same time: each user's day is claimed
    by one conditional UPDATE, so nobody gets two digests (decision 0015).
    """
    sent = digests.send_digests()
    click.echo(f"{sent} digest(s) sent")
