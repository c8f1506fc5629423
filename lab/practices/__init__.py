"""Practices: structured best-practice records, their revisions and attachments."""
