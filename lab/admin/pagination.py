"""Paging through a list already loaded, with the same page object as ``db.paginate``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_sqlalchemy.pagination import Pagination


class ListPagination(Pagination):
    """A page of ``rows``: ``page.items``, ``page.pages``, ``page.has_next``... as the partial reads.

    The page number comes from ``?page=`` like ``db.paginate``'s; a number past the end gives an
    empty page rather than an error.
    """

    def __init__(self, rows: Sequence[Any], per_page: int) -> None:
        super().__init__(per_page=per_page, error_out=False, rows=rows)

    def _query_items(self) -> list[Any]:
        rows: Sequence[Any] = self._query_args["rows"]
        start = (self.page - 1) * self.per_page
        return list(rows[start : start + self.per_page])

    def _query_count(self) -> int:
        return len(self._query_args["rows"])
