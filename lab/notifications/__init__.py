"""Follows, in-app notifications and the daily e-mail digest."""
