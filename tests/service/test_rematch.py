"""`mdm rematch --dry-run`: what re-matching the stored records would change, nothing written."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select

from mdm import matcher, rematch
from mdm.cli import cli
from mdm.models import GoldenRecord
from tests.factories import make_customer
from tests.service.test_ingest import count, pos_store, push, web_shop
from tests.service.test_resolve import PYOTR

# Fixtures shared with the ingestion tests.
__all__ = ["pos_store", "web_shop"]


def test_a_rematch_of_unchanged_data_with_the_same_model_changes_nothing(
        session, web_shop, pos_store, clock):
    push(session, web_shop, [make_customer(source_key="yulia-web")], clock)
    push(session, pos_store, [make_customer(source_key="pos-77", first_name="Yuliya",
                                            last_name="Ivanova", email=None), PYOTR], clock)
    report = rematch.rematch_report(session, "customer")
    assert report.records == 3
    assert report.merges == () and report.splits == ()
    assert len(report.review_tasks) == 2  # Пётр against each of Юлия's records: a household


def test_a_rematch_reports_golden_records_that_would_merge_and_writes_nothing(
        session, web_shop, pos_store, clock, monkeypatch):
    shipped = matcher.shipped_model("customer")
    cautious = dataclasses.replace(shipped, thresholds=dataclasses.replace(
        shipped.thresholds, auto_link=1000.0, review=1000.0))
    monkeypatch.setattr(matcher, "current_model", lambda session, entity_type: cautious)
    push(session, web_shop, [make_customer(source_key="yulia-web")], clock)
    push(session, pos_store, [make_customer(source_key="pos-77")], clock)
    goldens = {str(g) for g in session.scalars(select(GoldenRecord.id))}
    assert len(goldens) == 2
    monkeypatch.setattr(matcher, "current_model", lambda session, entity_type: shipped)
    report = rematch.rematch_report(session, "customer")
    assert report.merges == (tuple(sorted(goldens)),) and report.splits == ()
    assert count(session, GoldenRecord) == 2


def test_the_rematch_command_prints_a_summary(app, runner, session, web_shop, clock):
    push(session, web_shop, [make_customer(source_key="yulia-web")], clock)
    result = runner.invoke(cli, ["rematch", "--dry-run", "--type", "customer"])
    assert result.exit_code == 0
    assert "1 customer records re-matched: 0 merges, 0 splits, 0 review tasks" in result.output
