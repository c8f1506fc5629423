"""Twinning events: a host city, dates, an agenda, the delegations that come, an .ics file."""
