"""Flags, the review queue, hiding and restoring, locks, slow mode and the moderation log."""
