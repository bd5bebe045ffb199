"""Stewards at work in a real browser (headless chromium driven by Playwright)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from mdm import stewardship
from mdm.cli import cli
from mdm.extensions import db
from mdm.models import GoldenRecord, ReviewTask, SourceRecord, utcnow
from tests.admin.conftest import (
    add_review_task,
    browser_sign_in,
    golden_id_of,
    ingest_customers,
    unlinked_customer,
)
from tests.factories import make_customer

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = pytest.mark.browser


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def decide_by_key(page, live_server: str, username: str, task_id, key: str) -> None:
    """Sign in straight onto a task, press a decision key, and land on the emptied queue."""
    browser_sign_in(page, live_server, username, f"/admin/review/task/{task_id}")
    page.keyboard.press(key)
    expect(page.locator("#queue-empty")).to_be_visible()


def test_the_dashboard_draws_its_charts_from_local_files(app, offline_page, live_server, people,
                                                         doubtful_pair):
    with app.app_context():
        ingest_customers(unlinked_customer("Пермь", source_key="c-3003", first_name="Тест",
                                           last_name="Тестов", email="asdf@asdf"))
    browser_sign_in(offline_page, live_server, people["viewer"])
    expect(offline_page.locator("#open-tasks")).to_have_text("1")
    expect(offline_page.locator("#quality")).to_contain_text("email: invalid")
    offline_page.wait_for_function("window.mdmCharts && Object.keys(window.mdmCharts).length == 4")
    expect(offline_page.locator("#quality")).to_contain_text("pos_store")
    screenshot(offline_page, "dashboard.png")


def test_a_steward_merges_by_keyboard_and_the_next_task_opens(app, offline_page, live_server,
                                                              people, doubtful_pair):
    with app.app_context():
        records = ingest_customers(
            unlinked_customer("Тверь", source_key="c-2002", first_name="Пётр",
                              last_name="Смирнов", email="p.smirnov@example.ru"),
            unlinked_customer("Самара", source_key="c-2003", first_name="Петр",
                              last_name="Смирнов", email="petr.smirnov@mail.example"))
        second_task = add_review_task(records["c-2002"], records["c-2003"], priority=0.1)
    browser_sign_in(offline_page, live_server, people["steward"], "/admin/review/")
    expect(offline_page.locator("tr.queue-row")).to_have_count(2)
    screenshot(offline_page, "review-queue.png")
    offline_page.keyboard.press("Enter")
    expect(offline_page.locator("#compare")).to_contain_text("Yuliya")
    expect(offline_page.locator("#compare td.differs").first).to_be_visible()
    screenshot(offline_page, "review-task.png")
    offline_page.keyboard.press("c")
    offline_page.keyboard.type("same person: name typed in Latin at the store")
    offline_page.keyboard.press("Escape")
    offline_page.keyboard.press("m")
    offline_page.wait_for_url(f"**/admin/review/task/{second_task}*")
    expect(offline_page.locator("#compare")).to_contain_text("Смирнов")
    with app.app_context():
        task = db.session.get(ReviewTask, doubtful_pair["task_id"])
        assert (task.status, task.comment) == ("merged",
                                               "same person: name typed in Latin at the store")


def test_after_a_merge_the_golden_record_shows_both_sources_in_its_lineage(
        app, offline_page, live_server, people, doubtful_pair):
    decide_by_key(offline_page, live_server, people["steward"], doubtful_pair["task_id"], "m")
    offline_page.goto(f"{live_server}/admin/golden/?q=yulia.ivanova@example.ru")
    offline_page.locator("#golden-results a").first.click()
    expect(offline_page.locator("#golden-members tr")).to_have_count(2)
    lineage = offline_page.locator("#golden-attributes").inner_text()
    assert "web_shop" in lineage and "pos_store" in lineage
    expect(offline_page.locator("tr[data-attribute=email] .value")).to_contain_text(
        "y.ivanova@mail.example")
    screenshot(offline_page, "golden-record.png")


def test_typing_m_n_or_s_in_the_comment_decides_nothing(app, offline_page, live_server, people,
                                                        doubtful_pair):
    browser_sign_in(offline_page, live_server, people["steward"],
                    f"/admin/review/task/{doubtful_pair['task_id']}")
    offline_page.fill("#comment", "")
    offline_page.locator("#comment").press_sequentially("mns")
    expect(offline_page.locator("#comment")).to_have_value("mns")
    expect(offline_page.locator("#task-status")).to_have_text("open")


def test_not_a_match_removes_the_task_and_the_records_stay_apart_after_mdm_rematch(
        app, offline_page, live_server, people, doubtful_pair):
    decide_by_key(offline_page, live_server, people["steward"], doubtful_pair["task_id"], "n")
    with app.app_context():
        assert db.session.get(ReviewTask, doubtful_pair["task_id"]).status == "not_a_match"
        # The store now sends the web shop's phone and e-mail: alone, enough for an auto-link.
        ingest_customers(make_customer(source_key="pos-77", first_name="Yuliya",
                                       last_name="Ivanova", middle_name=None),
                         source_name="pos_store")
    result = app.test_cli_runner().invoke(cli, ["rematch", "--type", "customer"])
    assert result.exit_code == 0, result.output
    assert "2 customer records re-matched with" in result.output
    with app.app_context():
        web = db.session.get(SourceRecord, doubtful_pair["left"])
        store = db.session.get(SourceRecord, doubtful_pair["right"])
        assert golden_id_of(web) != golden_id_of(store)


def test_unmerge_on_the_golden_record_page_splits_the_records_again(app, offline_page,
                                                                    live_server, people,
                                                                    doubtful_pair):
    with app.app_context():
        stewardship.merge_golden(db.session, doubtful_pair["left_golden"],
                                 doubtful_pair["right_golden"], actor="stepan", now=utcnow())
        db.session.commit()
    browser_sign_in(offline_page, live_server, people["steward"],
                    f"/admin/golden/{doubtful_pair['left_golden']}")
    expect(offline_page.locator("#golden-members tr")).to_have_count(2)
    expect(offline_page.locator("#absorbed-ids")).to_contain_text(
        str(doubtful_pair["right_golden"]))
    offline_page.locator(f"tr[data-record='{doubtful_pair['right']}'] button").click()
    expect(offline_page.locator("#golden-members tr")).to_have_count(1)
    with app.app_context():
        right_golden = db.session.get(GoldenRecord, doubtful_pair["right_golden"])
        assert right_golden.status == "active"
        assert right_golden.attributes["first_name"] == "Yuliya"


def test_a_pinned_value_survives_a_new_push(app, offline_page, live_server, people,
                                            doubtful_pair):
    golden_id = doubtful_pair["left_golden"]
    browser_sign_in(offline_page, live_server, people["steward"], f"/admin/golden/{golden_id}")
    row = offline_page.locator("tr[data-attribute=first_name]")
    row.locator("input[name=value]").fill("Юлиана")
    row.locator("button", has_text="Pin").click()
    expect(offline_page.locator("tr[data-attribute=first_name] .badge")).to_be_visible()
    with app.app_context():
        ingest_customers(make_customer(first_name="Юля", updated_at="2026-11-20T10:00:00+03:00"))
    offline_page.reload()
    expect(offline_page.locator("tr[data-attribute=first_name] .value")).to_have_text("Юлиана")
    expect(offline_page.locator("#golden-history")).to_contain_text("Юлиана")


def test_a_form_posted_without_csrf_token_is_refused(app, offline_page, live_server, people,
                                                     doubtful_pair):
    browser_sign_in(offline_page, live_server, people["steward"])
    response = offline_page.request.post(
        f"{live_server}/admin/review/task/{doubtful_pair['task_id']}/decide",
        form={"decision": "merge"})
    assert response.status == 400
    with app.app_context():
        assert db.session.get(ReviewTask, doubtful_pair["task_id"]).status == "open"


def test_a_viewer_cannot_decide_tasks(app, offline_page, live_server, people, doubtful_pair):
    task_path = f"/admin/review/task/{doubtful_pair['task_id']}"
    browser_sign_in(offline_page, live_server, people["viewer"], task_path)
    expect(offline_page.locator("#decide-merge")).to_have_count(0)
    offline_page.keyboard.press("m")
    token = offline_page.locator("input[name=csrf_token]").first.get_attribute("value")
    response = offline_page.request.post(f"{live_server}{task_path}/decide",
                                         form={"decision": "merge", "csrf_token": token})
    assert response.status == 403
    with app.app_context():
        assert db.session.get(ReviewTask, doubtful_pair["task_id"]).status == "open"


def test_a_name_carrying_html_renders_as_text_and_runs_no_script(app, offline_page,
                                                                 live_server, people):
    attack = "<img src=x onerror=alert(1)>"
    with app.app_context():
        records = ingest_customers(make_customer(first_name=attack),
                                   unlinked_customer("Омск", source_key="c-1002",
                                                     email="yulia@mail.example"))
        task_id = add_review_task(records["c-1001"], records["c-1002"])
        golden_id = golden_id_of(records["c-1001"])
    browser_sign_in(offline_page, live_server, people["steward"], f"/admin/review/task/{task_id}")
    expect(offline_page.locator("#compare")).to_contain_text(attack)
    offline_page.goto(f"{live_server}/admin/golden/{golden_id}")
    expect(offline_page.locator("#golden-title")).to_contain_text(attack)
    expect(offline_page.locator("img[src=x]")).to_have_count(0)
    assert offline_page.dialogs == []
