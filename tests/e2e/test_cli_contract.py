"""The command-line contract: init, sources, keys, ingest, export."""

from __future__ import annotations

import csv
import io
import json

import pytest

from mdm.cli import cli
from tests.factories import make_customer, make_product


@pytest.fixture
def mdm(runner):
    def invoke(*args):
        return runner.invoke(cli, list(args), catch_exceptions=False)
    return invoke


@pytest.fixture
def with_sources(mdm):
    for name in ("web_shop", "pos_store"):
        assert mdm("sources", "add", name).exit_code == 0


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def test_init_brings_the_schema_to_head(mdm):
    result = mdm("init")
    assert result.exit_code == 0
    assert "revision" in result.output


def test_a_source_name_must_be_an_identifier(mdm):
    result = mdm("sources", "add", "Web Shop!")
    assert result.exit_code == 2
    assert "invalid source name" in result.output


def test_a_key_is_printed_once_and_stored_only_hashed(mdm, with_sources, session):
    result = mdm("keys", "create", "--scope", "push", "--source", "web_shop")
    assert result.exit_code == 0
    key = result.output.strip()
    assert key.startswith("mdm_")
    from sqlalchemy import select

    from mdm.models import ApiKey

    stored = session.scalar(select(ApiKey))
    assert key.split("_", 2)[2] not in (stored.secret_hash, stored.prefix)


def test_a_push_key_for_an_unknown_source_is_refused(mdm):
    result = mdm("keys", "create", "--scope", "push", "--source", "nowhere")
    assert result.exit_code == 2
    assert "unknown source" in result.output


def test_ingest_reports_bad_lines_with_file_and_line_and_stores_the_rest(
        mdm, with_sources, tmp_path):
    path = tmp_path / "customers.jsonl"
    lines = [json.dumps(make_customer(source_key="c-1")), "{not json",
             json.dumps(make_customer(source_key="c-2", email=["x"])), "",
             json.dumps(make_customer(source_key="c-3", email="pyotr@example.ru", phone=None))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = mdm("ingest", str(path), "--source", "web_shop", "--type", "customer")
    assert result.exit_code == 1
    assert "received 4: created 2, updated 0, unchanged 0, rejected 2" in result.output
    assert f"{path}:2: not valid JSON" in result.output
    assert f"{path}:3 [c-2]: email: Not a valid string." in result.output


def test_ingest_of_a_clean_file_exits_0_and_again_is_unchanged(mdm, with_sources, tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [make_customer(source_key=f"c-{i}",
                                                            email=f"u{i}@example.ru",
                                                            phone=None) for i in range(5)])
    assert mdm("ingest", str(path), "--source", "web_shop", "--type", "customer").exit_code == 0
    again = mdm("ingest", str(path), "--source", "web_shop", "--type", "customer")
    assert "unchanged 5" in again.output


def test_ingest_reads_routing_fields_from_each_line(mdm, with_sources, tmp_path):
    records = [dict(make_customer(), source="web_shop", entity_type="customer"),
               dict(make_product(), source="pos_store", entity_type="product"),
               dict(make_product(source_key="x"), source="nowhere", entity_type="product"),
               dict(make_product(source_key="y"), entity_type="product")]
    result = mdm("ingest", str(write_jsonl(tmp_path / "mixed.jsonl", records)))
    assert "created 2" in result.output and "rejected 2" in result.output
    assert "unknown source 'nowhere'" in result.output
    assert "no source" in result.output


def test_ingest_reads_csv_with_nested_columns(mdm, with_sources, tmp_path):
    path = tmp_path / "pos.csv"
    path.write_text("source_key,first_name,last_name,phone,address.city\n"
                    "pos-1,ЮЛИЯ,ИВАНОВА,89123456789,МОСКВА\n"
                    "pos-2,ПЁТР,СИДОРОВ,,\n", encoding="utf-8")
    result = mdm("ingest", str(path), "--source", "pos_store", "--type", "customer")
    assert result.exit_code == 0, result.output
    out = tmp_path / "golden.jsonl"
    mdm("export", "golden", "--type", "customer", "--out", str(out))
    goldens = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {g["attributes"].get("address", {}).get("city") for g in goldens} == {"МОСКВА", None}


def test_ingest_refuses_an_unknown_entity_type_with_a_readable_error(mdm, with_sources, tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [make_customer()])
    result = mdm("ingest", str(path), "--source", "web_shop", "--type", "supplier")
    assert result.exit_code == 2
    assert "unknown entity type 'supplier'" in result.output


def test_export_xref_lists_every_source_record_with_its_golden_id(mdm, with_sources, tmp_path):
    write_jsonl(tmp_path / "w.jsonl", [make_customer()])
    write_jsonl(tmp_path / "p.jsonl", [make_customer(source_key="pos-1", email=None,
                                                     phone="8 912 345 67 89")])
    mdm("ingest", str(tmp_path / "w.jsonl"), "--source", "web_shop", "--type", "customer")
    mdm("ingest", str(tmp_path / "p.jsonl"), "--source", "pos_store", "--type", "customer")
    result = mdm("export", "xref")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["source"], r["source_key"]) for r in rows] == [("pos_store", "pos-1"),
                                                               ("web_shop", "c-1001")]
    assert rows[0]["golden_id"] == rows[1]["golden_id"]


def test_export_golden_as_csv_neutralises_formula_cells(mdm, with_sources, tmp_path):
    path = write_jsonl(tmp_path / "c.jsonl", [make_customer(first_name="=HYPERLINK(1)")])
    mdm("ingest", str(path), "--source", "web_shop", "--type", "customer")
    result = mdm("export", "golden", "--type", "customer", "--format", "csv")
    row = next(csv.DictReader(io.StringIO(result.output)))
    assert row["first_name"] == "'=HYPERLINK(1)"
    assert row["address.city"] == "Москва"


def test_the_worker_sequences_the_change_feed(mdm, with_sources, tmp_path, session):
    path = write_jsonl(tmp_path / "c.jsonl", [make_customer()])
    mdm("ingest", str(path), "--source", "web_shop", "--type", "customer")
    assert mdm("worker", "--once").exit_code == 0
    from sqlalchemy import select

    from mdm.models import Event

    assert session.scalars(select(Event.feed_seq)).all() == [1]
