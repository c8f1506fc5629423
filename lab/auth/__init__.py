"""Accounts, roles, invitations, sign-in and session security."""
