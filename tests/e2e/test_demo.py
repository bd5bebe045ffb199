"""`mdm demo` loads several channels, links them and prints how to reach the service."""

from __future__ import annotations

from sqlalchemy import func, select

from mdm.cli import cli
from mdm.models import GoldenRecord, Source, SourceRecord, Xref


def test_demo_loads_every_channel_and_links_records_across_them(runner, session):
    result = runner.invoke(cli, ["demo", "--no-serve"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "/api/v1/openapi.json" in result.output
    assert "Push key for web_shop" in result.output
    assert "/admin" in result.output and "steward / demo-steward-pass" in result.output
    names = set(session.scalars(select(Source.name)))
    assert {"web_shop", "mobile_app", "marketplace_ozon", "pos_store", "call_centre"} <= names
    records = session.scalar(select(func.count()).select_from(SourceRecord)
                             .where(SourceRecord.entity_type == "customer"))
    golden = session.scalar(select(func.count()).select_from(GoldenRecord)
                            .where(GoldenRecord.entity_type == "customer",
                                   GoldenRecord.status == "active"))
    assert 0 < golden < records
    linked = session.scalar(select(func.count()).select_from(Xref))
    assert linked >= records


def test_demo_can_run_twice_without_duplicating_data(runner, session):
    runner.invoke(cli, ["demo", "--no-serve"], catch_exceptions=False)
    before = session.scalar(select(func.count()).select_from(SourceRecord))
    session.commit()  # end the read transaction: SQLite allows one writer at a time
    result = runner.invoke(cli, ["demo", "--no-serve"], catch_exceptions=False)
    assert result.exit_code == 0
    assert session.scalar(select(func.count()).select_from(SourceRecord)) == before
