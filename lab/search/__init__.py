"""One search index over practices, discussions and workspaces, on SQLite FTS5 and PostgreSQL."""
