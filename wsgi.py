"""WSGI entry point for gunicorn: ``gunicorn wsgi:app``."""

from lab import create_app

app = create_app()
