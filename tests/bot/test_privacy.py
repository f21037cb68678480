"""The right to be forgotten: the phrases, the confirmation, retention, and deleting rows."""
from __future__ import annotations

import asyncio

import pytest

from bot.privacy import (CANCEL_PAYLOAD, CONFIRM_PAYLOAD, FORGET_PAYLOAD, ForgetFlow, Step, asks_to_forget,
                         idle_conversations, parse_age)


@pytest.mark.parametrize("text", [
    "delete my data", "Forget me", "forget me please", "please delete my data!", "can you delete all my data?",
    "erase my conversation", "I want you to forget me", "wipe my chat history", "remove my details",
    "forget everything I told you", "clear the conversation", "right to be forgotten", FORGET_PAYLOAD,
    "Delete my data.", "please delete my account",
])
def test_requests_to_forget_are_read(text):
    assert asks_to_forget(text)


@pytest.mark.parametrize("text", [
    "forget it", "forget about it", "never mind", "stop", "my calves ache after my long run",
    "I forgot to stretch", "the pain cleared up by the morning", "yes", "delete",
    # a long message that happens to hold the words is about something else
    "my calf hurts and I keep a running diary where I delete my data every week after long runs",
])
def test_other_messages_are_not_requests(text):
    assert not asks_to_forget(text)


def test_the_flow_asks_then_deletes_on_yes():
    flow = ForgetFlow()
    assert flow.step("a", "delete my data", now=0) is Step.ASK
    assert flow.step("a", "yes", now=5) is Step.FORGET
    # the question was answered: a later "yes" is Rasa's again
    assert flow.step("a", "yes", now=6) is Step.PASS


def test_no_keeps_and_a_typed_yes_without_the_question_passes():
    flow = ForgetFlow()
    assert flow.step("a", "yes", now=0) is Step.PASS
    flow.step("a", "forget me", now=0)
    assert flow.step("b", "yes", now=1) is Step.PASS  # another conversation's yes
    assert flow.step("a", "No, keep it", now=1) is Step.KEEP


def test_anything_else_drops_the_question_and_a_stale_yes_passes():
    flow = ForgetFlow(ttl_s=60)
    flow.step("a", "forget me", now=0)
    assert flow.step("a", "my calf hurts", now=1) is Step.PASS
    assert flow.step("a", "yes", now=2) is Step.PASS
    flow.step("a", "forget me", now=0)
    assert flow.step("a", "yes", now=61) is Step.PASS


def test_buttons_count_even_without_the_pending_question():
    # after a restart the in-memory question is gone; a press is still explicit consent
    flow = ForgetFlow()
    assert flow.step("a", CONFIRM_PAYLOAD, now=0) is Step.FORGET
    assert flow.step("a", CANCEL_PAYLOAD, now=0) is Step.KEEP


@pytest.mark.parametrize("value, seconds", [("30d", 30 * 86400), ("12h", 43200), ("90m", 5400), ("7", 7 * 86400)])
def test_ages(value, seconds):
    assert parse_age(value) == seconds


@pytest.mark.parametrize("value", ["", "thirty days", "-3d", "3w"])
def test_bad_ages_are_refused(value):
    with pytest.raises(ValueError):
        parse_age(value)


def test_idle_conversations():
    assert idle_conversations({"old": 0, "new": 95, "edge": 90}, now=100, max_idle_s=10) == ["old"]


def test_deleting_a_conversation_removes_only_its_rows(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.forget import delete_conversation

    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "c.db"))
    for sender in ("gone", "kept"):
        tracker = DialogueStateTracker.from_events(sender, [UserUttered("my calf hurts"), UserUttered("hi")])
        asyncio.run(store.save(tracker))
    assert delete_conversation(store, "gone") == 2
    assert asyncio.run(store.retrieve("gone")) is None
    assert len(asyncio.run(store.retrieve("kept")).events) == 2


def test_forget_command_deletes_only_idle_conversations(tmp_path, capsys):
    import sqlite3
    import time

    from bot.__main__ import main

    database = tmp_path / "c.db"
    now = time.time()
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, timestamp REAL)")
        connection.executemany("INSERT INTO events (sender_id, timestamp) VALUES (?, ?)", [
            ("old-runner", now - 40 * 86400), ("old-runner", now - 31 * 86400),
            ("recent-runner", now - 40 * 86400), ("recent-runner", now - 3600)])
    assert main(["forget", "--older-than", "30d", "--db", str(database)]) == 0
    said = capsys.readouterr().out
    assert "Deleted 1 conversation" in said and "runner" not in said  # how many, never which
    with sqlite3.connect(database) as connection:
        left = connection.execute("SELECT DISTINCT sender_id FROM events").fetchall()
    assert left == [("recent-runner",)]
    assert main(["forget", "--older-than", "soon", "--db", str(database)]) == 2


def test_forget_command_deletes_only_idle_conversations_on_postgres():
    """The same retention on a PostgreSQL tracker store (TRACKER_STORE_URL)."""
    import time
    from urllib.parse import urlsplit, urlunsplit

    from bot.retention import forget_idle
    from tests.shared_services import POSTGRES_URL, fresh_name, postgres_connection

    name = fresh_name("bot_retention_")
    admin = postgres_connection()
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    try:
        connection = postgres_connection(name)
        now = time.time()
        cursor = connection.cursor()
        cursor.execute("CREATE TABLE events (id SERIAL PRIMARY KEY, sender_id TEXT, timestamp DOUBLE PRECISION)")
        cursor.executemany("INSERT INTO events (sender_id, timestamp) VALUES (%s, %s)", [
            ("old-runner", now - 40 * 86400), ("recent-runner", now - 40 * 86400), ("recent-runner", now - 60)])
        parts = urlsplit(POSTGRES_URL)
        assert forget_idle(urlunsplit(parts._replace(path=f"/{name}")), 30 * 86400, now) == 1
        cursor.execute("SELECT DISTINCT sender_id FROM events")
        assert cursor.fetchall() == [("recent-runner",)]
        connection.close()
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_run_refuses_to_listen_beyond_loopback_without_a_token():
    from dataclasses import replace

    from bot.__main__ import exposure_refusal
    from bot.settings import load_settings

    settings = replace(load_settings(), host="0.0.0.0", rest_token="")
    assert "BOT_REST_TOKEN" in exposure_refusal(settings)
    assert exposure_refusal(replace(settings, rest_token="x")) is None
    assert exposure_refusal(replace(settings, host="127.0.0.1")) is None


def test_python_m_bot_run_stops_before_starting_anything(monkeypatch, capsys):
    from bot.__main__ import main

    monkeypatch.setenv("BOT_HOST", "0.0.0.0")
    monkeypatch.delenv("BOT_REST_TOKEN", raising=False)
    assert main(["run"]) == 2
    assert "BOT_REST_TOKEN" in capsys.readouterr().err


def test_the_action_server_listens_where_the_rasa_server_does():
    # rasa_sdk has no --interface: it binds SANIC_HOST, which defaults to 0.0.0.0 when unset.
    from bot.settings import load_settings, quiet_environment

    assert quiet_environment(load_settings())["SANIC_HOST"] == "127.0.0.1"
