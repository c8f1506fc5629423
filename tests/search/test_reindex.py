"""``flask search reindex`` rebuilds the index from the practices themselves."""

from __future__ import annotations

from sqlalchemy import delete

from lab.extensions import db
from lab.search import services as search
from lab.search.models import SearchDocument
from tests.factories import make_city, make_practice, make_user


def test_reindex_rebuilds_a_lost_index_with_the_same_visibility(runner):
    iasi = make_city(name="Iași", country_code="RO", time_zone="Europe/Bucharest", languages=["ro"])
    author = make_user("delegate", city=iasi)
    published = make_practice(author, title="Reading room in a historic house")
    draft = make_practice(author, status="draft", title="Writers residency")
    db.session.execute(delete(SearchDocument))
    db.session.commit()
    assert search.search("iasi", search.VISITOR).total == 0

    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "practice: " in result.output
    found = {hit.object_id for hit in search.search("iasi", search.VISITOR).hits}
    assert published.id in found  # found by its city's name, without diacritics
    assert draft.id not in found  # still private after a rebuild
