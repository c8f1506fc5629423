"""Stored files: one interface for saving and reading uploads (a folder under instance/ for now)."""
