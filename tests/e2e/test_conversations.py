"""Conversation tests against the live bot: the shipped ones must pass, a
deliberately wrong one must fail loudly, and an exported conversation replays.

`make test` runs the shipped conversations here, on the session's bot, so CI
fails on a failing conversation without starting another bot. Set
CONVERSATIONS_BOT_URL (and CONVERSATIONS_BOT_DB, its conversation store) to use
a bot that is already running instead.
"""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bot.conversations.export import export_yaml
from bot.conversations.runner import failure_text, run_conversation
from bot.conversations.spec import find_files, load_files
from bot.rest_client import RestClient
from bot.settings import ROOT

FIXTURES = ROOT / "tests" / "bot" / "conversations" / "fixtures"
SHIPPED = load_files(find_files())


@pytest.fixture(scope="module")
def bot(request) -> tuple[str, Path]:
    """(URL, conversation store) of the bot under test."""
    if url := os.environ.get("CONVERSATIONS_BOT_URL"):
        return url, Path(os.environ["CONVERSATIONS_BOT_DB"])
    settings, _ = request.getfixturevalue("live_bot")
    return settings.rasa_url, settings.tracker_db


@pytest.mark.parametrize("conversation", SHIPPED, ids=[c.name for c in SHIPPED])
def test_shipped_conversation(bot, conversation):
    result = run_conversation(RestClient(bot[0]), conversation)
    assert result.passed, "\n" + failure_text(result)


def run_cli(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", "conversations", *arguments],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_a_wrong_expectation_is_reported_as_a_failure(bot, tmp_path):
    report = tmp_path / "report.html"
    run = run_cli(str(FIXTURES / "wrong_expectation.yml"), "--url", bot[0], "--report", str(report))
    out = run.stdout
    assert run.returncode == 1, out + run.stderr
    assert "FAIL  Wrongly expects a red, hot, swollen calf to be self-care" in out
    assert 'turn 6 of 7: you pressed "None of these"' in out
    assert "expected  triage: self_care" in out
    assert "actual    triage: urgent (rules: U1" in out
    assert "(turn 7 was not run)" in out
    assert "FAIL  Presses a button the bot never offered" in out
    assert 'there is no button "Stabbing like a knife" to press' in out
    assert "PASS  Right about the emergency" in out
    assert "1 passed, 2 failed." in out
    html = report.read_text(encoding="utf-8")
    assert "2 failed" in html and "expected triage: self_care" in html


def test_a_broken_test_file_stops_before_running(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("- name: Typo\n  turns:\n    - user: hi\n      triage: urgnet\n", encoding="utf-8")
    run = run_cli(str(broken), "--url", "http://127.0.0.1:9", "--report", str(tmp_path / "r.html"))
    assert run.returncode == 2
    assert 'conversation "Typo", turn 1: triage \'urgnet\' is not a level' in run.stderr
    assert 'did you mean "urgent"?' in run.stderr


def test_an_exported_live_conversation_replays_as_a_passing_test(bot, tmp_path):
    url, database = bot
    client, sender = RestClient(url), f"export-{uuid.uuid4().hex[:8]}"
    client.say(sender, "my calf hurts, it's swollen and hot and red")
    client.say(sender, '/inform{"pain_type": "throbbing"}')
    client.say(sender, "what are shin splints?")
    client.say(sender, "not sure")
    exported = tmp_path / "exported.yml"
    exported.write_text(export_yaml(database, sender), encoding="utf-8")
    text = exported.read_text(encoding="utf-8")
    assert "press: Throbbing" in text and "cites: Common Overuse Injuries Causing Leg Pain" in text
    [conversation] = load_files([exported])
    assert [t.expect.asks for t in conversation.turns] == ["pain_type", "onset", "onset", "spread"]
    result = run_conversation(RestClient(url), conversation)
    assert result.passed, "\n" + failure_text(result)
