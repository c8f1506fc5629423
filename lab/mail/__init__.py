"""Outgoing mail: SMTP when configured, otherwise the in-app outbox."""
