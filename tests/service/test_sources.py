"""Sources as a push finds them: cached per process, a change seen by the next request."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from mdm import sources
from mdm.errors import UnknownSourceError
from mdm.models import Source
from tests.service.test_insert_batch import Statements


def test_a_pushing_source_is_read_once_then_comes_from_the_process_cache(session):
    web_shop = sources.add_source(session, "web_shop")
    session.commit()
    assert sources.pushing_source(session, "web_shop") == sources.SourceRef(web_shop.id,
                                                                            "web_shop")
    with Statements(session.get_bind()) as statements:
        assert sources.pushing_source(session, "web_shop").id == web_shop.id
        sources.trust_by_source(session)
    assert statements.seen == []


def test_a_source_added_after_the_cache_was_filled_is_found_at_once(session, clock):
    sources.add_source(session, "web_shop")
    session.commit()
    sources.pushing_source(session, "web_shop")
    session.commit()
    # Added as another process would: no flush of this process empties the cache.
    with session.get_bind().begin() as connection:
        connection.execute(insert(Source).values(name="pos_store", trust={}, description="",
                                                 created_at=clock()))
        added = connection.execute(select(Source.id).where(Source.name == "pos_store"))
        pos_store = sources.SourceRef(added.scalar_one(), "pos_store")
    assert sources.pushing_source(session, "pos_store") == pos_store


def test_an_unknown_source_is_refused_each_time(session):
    sources.add_source(session, "web_shop")
    session.commit()
    for _ in range(2):
        with pytest.raises(UnknownSourceError, match="nowhere"):
            sources.pushing_source(session, "nowhere")


def test_a_trust_change_is_seen_by_the_next_survivorship_run(session):
    sources.add_source(session, "web_shop", {"*": 1})
    session.commit()
    sources.pushing_source(session, "web_shop")
    assert sources.trust_by_source(session)["web_shop"] == {"*": 1}
    sources.update_source(session, "web_shop", trust={"*": 7}, description="", actor="cli")
    session.commit()
    assert sources.trust_by_source(session)["web_shop"] == {"*": 7}
