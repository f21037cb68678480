"""A stored conversation into a test file, from Rasa's SQLite events table."""
from __future__ import annotations

import json
import sqlite3

import pytest

from bot.conversations.export import ExportError, export_yaml
from bot.conversations.spec import parse_conversations, read_yaml

ASK_ONSET = {"custom": {"ask": "onset"}, "buttons": [{"title": "Right after the run", "payload": "/inform{\"onset\": \"right_after\"}"}]}


def store(tmp_path, sender="runner-1"):
    """The table as Rasa's SQLTrackerStore writes it, with one short conversation."""
    path = tmp_path / "conversations.db"
    events = [
        ("action", {"name": "action_session_start"}),
        ("user", {"text": "my calf hurts"}),
        ("bot", {"text": "I'm sorry your legs hurt. I'll ask a few quick questions.", "data": {}}),
        ("bot", {"text": "When did it start?", "data": ASK_ONSET}),
        ("user", {"text": "/inform{\"onset\": \"right_after\"}"}),
        ("bot", {"text": "**Get medical help today.**", "data": {"custom": {"triage": {
            "level": "urgent", "reasons": [{"rule": "U2"}], "unknown": ["duration_hours"], "citations": []}}}}),
        ("user", {"text": "/inform{\"onset\": \"during_run\"}"}),  # a payload typed, not a button offered
        ("bot", {"text": "From the article", "data": {"custom": {"answer": {"citations": [
            {"section": "3. Choose the Right Footwear"}, {"section": "Conclusion: Run Smarter for Pain-Free Miles"}]}}}}),
        ("user", {"text": "no"}),
        ("bot", {"text": "The article doesn't cover that.", "data": {"custom": {"no_answer": True}}}),
        ("user", {"text": "stop"}),
        ("bot", {"text": "OK, I've stopped the questions. If you want to start again, tell me.", "data": {}}),
    ]
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                           "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
                           "action_name VARCHAR(255), data TEXT)")
        connection.execute("INSERT INTO events (sender_id, type_name, data) VALUES ('someone-else', 'user', '{\"text\": \"hi\"}')")
        for kind, data in events:
            connection.execute("INSERT INTO events (sender_id, type_name, data) VALUES (?, ?, ?)", (sender, kind, json.dumps(data)))
    return path


def test_turns_and_the_bots_behaviour_become_a_test(tmp_path):
    text = export_yaml(store(tmp_path), "runner-1")
    assert text.startswith("# Exported from the conversation store (conversation id runner-1)")
    [spec] = read_yaml(text)
    assert spec["turns"] == [
        {"user": "my calf hurts", "asks": "onset"},
        {"press": "Right after the run", "triage": "urgent", "rules": ["U2"], "unknown": ["duration_hours"]},
        {"user": "/inform{\"onset\": \"during_run\"}", "cites": "3. Choose the Right Footwear"},
        {"user": "no", "no answer": "yes"},
        {"user": "stop", "says": "OK, I've stopped the questions."},
    ]
    assert "rules: [U2]" in text  # short lists on one line, as staff write them


def test_the_export_loads_as_a_valid_conversation_test(tmp_path):
    text = export_yaml(store(tmp_path), "runner-1")
    [conversation] = parse_conversations(read_yaml(text), "exported.yml")
    assert conversation.turns[3].user == "no"
    assert conversation.turns[1].expect.unknown == ("duration_hours",)


def test_unknown_sender_never_lists_other_conversations(tmp_path):
    # Each id is a runner's (a phone number on SMS): knowing one reads that conversation.
    with pytest.raises(ExportError, match='no conversation with id "nobody"') as raised:
        export_yaml(store(tmp_path), "nobody")
    assert "runner-1" not in str(raised.value) and "someone-else" not in str(raised.value)


def test_missing_store_is_said_plainly(tmp_path):
    with pytest.raises(ExportError, match="no conversation store at"):
        export_yaml(tmp_path / "missing.db", "runner-1")
