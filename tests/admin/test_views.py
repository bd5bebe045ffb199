"""Server-side tests of the admin: access rules, CSRF, sign-in, and what the pages show."""

from __future__ import annotations

import pytest

from mdm.extensions import db
from mdm.models import AuditEntry, User
from tests.admin.conftest import PASSWORD, csrf_token_of, sign_in

ADMIN_PAGES = ("/admin/", "/admin/review/", "/admin/golden/", "/admin/source_records/",
               "/admin/audit/", "/admin/sources/", "/admin/api_keys/", "/admin/users/")


def test_every_admin_page_sends_a_stranger_to_the_sign_in_form(client):
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/admin/auth/login?next=" in response.headers["Location"], path


def test_a_steward_reads_the_queue_but_not_the_admin_only_settings(client, people):
    sign_in(client, people["steward"])
    assert client.get("/admin/review/").status_code == 200
    assert client.get("/admin/audit/").status_code == 200
    for path in ("/admin/users/", "/admin/sources/", "/admin/api_keys/"):
        assert client.get(path).status_code == 403, path


def test_a_viewer_sees_the_dashboard_but_not_the_audit_log(client, people):
    sign_in(client, people["viewer"])
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/audit/").status_code == 403


def test_a_viewer_posting_a_decision_is_refused_with_403(client, people, doubtful_pair):
    sign_in(client, people["viewer"])
    page = client.get(f"/admin/review/task/{doubtful_pair['task_id']}")
    assert page.status_code == 200
    assert 'id="decide-merge"' not in page.get_data(as_text=True)
    response = client.post(f"/admin/review/task/{doubtful_pair['task_id']}/decide", data={
        "decision": "merge", "csrf_token": csrf_token_of(page.get_data(as_text=True))})
    assert response.status_code == 403


def test_a_post_without_csrf_token_is_refused_with_400(client, people, doubtful_pair):
    sign_in(client, people["steward"])
    response = client.post(f"/admin/review/task/{doubtful_pair['task_id']}/decide",
                           data={"decision": "merge"})
    assert response.status_code == 400


def test_the_login_form_without_csrf_token_is_refused(client, people):
    response = client.post("/admin/auth/login",
                           data={"username": people["steward"], "password": PASSWORD})
    assert response.status_code == 400


def test_wrong_password_keeps_the_user_signed_out(client, people):
    response = sign_in(client, people["steward"], password="not the password at all")
    assert response.status_code == 200
    assert "Wrong username or password" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_login_follows_a_same_site_next_path(client, people):
    response = sign_in(client, people["steward"], next_url="/admin/review/")
    assert response.headers["Location"] == "/admin/review/"


def test_login_ignores_a_next_pointing_to_another_site(client, people):
    for target in ("//evil.example/admin", "https://evil.example/", "/\\evil.example"):
        client.post("/admin/auth/logout", data={})
        response = sign_in(client, people["steward"], next_url=target)
        assert response.headers["Location"] == "/admin/", target


def test_a_password_change_signs_out_other_sessions(app, client, people):
    sign_in(client, people["steward"])
    assert client.get("/admin/review/").status_code == 200
    with app.app_context():
        from mdm import users
        from mdm.models import utcnow

        user = db.session.query(User).filter_by(username=people["steward"]).one()
        users.set_password(db.session, user, "a brand new passphrase", actor="anna",
                           now=utcnow())
        db.session.commit()
    assert client.get("/admin/review/").status_code == 302


def test_sessions_expire_after_the_configured_lifetime(app, client, people):
    sign_in(client, people["steward"])
    cookie = client.get_cookie("session")
    assert cookie.expires is not None
    lifetime = app.permanent_session_lifetime.total_seconds()
    assert lifetime <= 8 * 3600


def test_an_admin_creates_a_steward_and_the_audit_log_records_it(app, client, people):
    sign_in(client, people["admin"])
    form = client.get("/admin/users/new/").get_data(as_text=True)
    response = client.post("/admin/users/new/", data={
        "username": "Юлия", "role": "steward", "active": "y",
        "new_password": "длинный пароль 42", "csrf_token": csrf_token_of(form)})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.query(User).filter_by(username="Юлия").one()
        assert user.role == "steward" and user.password_hash.startswith("$argon2id$")
        assert db.session.query(AuditEntry).filter_by(action="user.create",
                                                      actor="anna").count() == 1


def test_a_new_api_key_is_shown_once_after_creation(app, client, people, doubtful_pair):
    sign_in(client, people["admin"])
    form = client.get("/admin/api_keys/create-key/").get_data(as_text=True)
    page = client.post("/admin/api_keys/create-key/", data={
        "scope": "push", "source": "web_shop", "label": "Интернет-магазин",
        "csrf_token": csrf_token_of(form)}).get_data(as_text=True)
    assert 'id="new-key-text">mdm_' in page
    listing = client.get("/admin/api_keys/").get_data(as_text=True)
    key_text = page.split('id="new-key-text">')[1].split("<")[0]
    assert key_text.split("_", 2)[2] not in listing


def test_the_interface_speaks_russian_when_asked_and_english_by_default(client, people):
    sign_in(client, people["steward"])
    assert "Review queue" in client.get("/admin/review/").get_data(as_text=True)
    russian = client.get("/admin/review/?lang=ru").get_data(as_text=True)
    assert "Очередь проверки" in russian and "Открытых задач проверки нет." in russian


def test_golden_records_are_found_by_phone_in_any_spelling(client, people, doubtful_pair):
    sign_in(client, people["viewer"])
    page = client.get("/admin/golden/?q=8 (912) 345-67-89").get_data(as_text=True)
    assert f'/admin/golden/{doubtful_pair["left_golden"]}' in page
    assert f'/admin/golden/{doubtful_pair["right_golden"]}' not in page


@pytest.mark.parametrize("query", ["Юлия Иванова", "юлия иванова", "ЮЛИЯ ИВАНОВА", "иванов"])
def test_golden_records_are_found_by_a_cyrillic_name_in_any_case(client, people, doubtful_pair,
                                                                 query):
    sign_in(client, people["viewer"])
    page = client.get(f"/admin/golden/?q={query}").get_data(as_text=True)
    assert f'/admin/golden/{doubtful_pair["left_golden"]}' in page


def test_a_name_search_finds_nothing_for_a_name_nobody_has(client, people, doubtful_pair):
    sign_in(client, people["viewer"])
    page = client.get("/admin/golden/?q=Пётр Сидоров").get_data(as_text=True)
    assert f'/admin/golden/{doubtful_pair["left_golden"]}' not in page


def test_the_source_record_page_shows_the_raw_record_and_its_match_view(client, people,
                                                                         doubtful_pair):
    sign_in(client, people["viewer"])
    page = client.get(f"/admin/source_records/record/{doubtful_pair['left']}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "+7 912 345-67-89" in text  # as received
    assert "+79123456789" in text  # standardised, as the matcher compares it
    assert str(doubtful_pair["left_golden"]) in text
