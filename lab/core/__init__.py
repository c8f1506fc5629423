"""Shared kernel: settings, database conventions, errors, i18n and security used by every feature."""
