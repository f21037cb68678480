"""The HTML report: failures first and open, every turn shown, everything escaped."""
from __future__ import annotations

import datetime as dt

from bot.conversations.check import Reply, check_turn
from bot.conversations.report import render, write_report
from bot.conversations.runner import ConversationResult, TurnResult, failure_text
from bot.conversations.spec import Conversation, Expectation, Turn


def result(name: str, said: str, bot_text: str, expect: Expectation, extra_turns: int = 0) -> ConversationResult:
    turns = (Turn(1, user=said, expect=expect),) + tuple(Turn(i + 2, user="later") for i in range(extra_turns))
    conversation = Conversation(name=name, file="tests/conversations/x.yml", turns=turns)
    reply = Reply.of([{"text": bot_text, "buttons": [{"title": "<i>Not sure</i>", "payload": "/not_sure"}]},
                      {"custom": {"ask": "onset"}}])
    played = TurnResult(turns[0], sent=said, reply=reply, checks=check_turn(expect, reply))
    return ConversationResult(conversation, "test-x-1234", [played])


PASSING = result("All good", "my calf hurts", "When did it start?", Expectation(asks="onset"))
FAILING = result("<script>alert('name')</script>", "<img src=x onerror=alert(1)>",
                 "<b>bold</b> & <script>alert('bot')</script>", Expectation(asks="duration", says=("<u>x</u>",)),
                 extra_turns=2)


def test_everything_from_tests_and_bot_is_escaped():
    html = render([PASSING, FAILING], "http://127.0.0.1:5805", dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    assert "<script>" not in html and "<img" not in html and "<b>bold" not in html and "<i>Not sure" not in html
    assert "&lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;u&gt;x&lt;/u&gt;" in html


def test_failures_come_first_open_with_expected_and_actual():
    html = render([PASSING, FAILING], "http://127.0.0.1:5805")
    assert "1 failed" in html and "1 passed" in html
    assert html.index("alert(&#39;name&#39;)") < html.index("All good")
    assert '<details class="failed" open>' in html and '<details class="passed">' in html
    assert "expected asks: duration" in html and "actual asks: onset" in html
    assert "Failed at turn 1 of 3 (the runner said &#34;&lt;img" in html
    assert html.count("not run (an earlier turn failed)") == 2


def test_report_is_written_where_asked(tmp_path):
    path = write_report([PASSING], "http://x", tmp_path / "deep" / "report.html")
    assert path.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_terminal_failure_text_shows_the_first_failed_turn():
    text = failure_text(FAILING)
    assert "turn 1 of 3: you said" in text
    assert "expected  asks: duration" in text and "actual    asks: onset" in text
    assert "| <b>bold</b>" in text  # the terminal shows the bot's words as they are
    assert "(turns 2 to 3 were not run)" in text
    assert failure_text(PASSING) == ""
