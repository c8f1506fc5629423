"""Administration pages: users, invitations, the network, the outbox and the audit log."""
