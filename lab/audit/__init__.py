"""The audit log: who did what to whom, when, from where (never a password or token)."""
