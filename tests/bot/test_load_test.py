"""The load test's figures (bot/load_test.py): pure arithmetic, with made-up records."""
from __future__ import annotations

import json
from collections import Counter

from bot.load_test import LoadResult, is_answer, summarize
from bot.safety import SAFE_REPLY


def test_figures_of_a_load_run_count_turns_latency_errors_and_lost_turns():
    result = LoadResult(duration_s=2.0, latencies_ms=[float(ms) for ms in range(1, 101)], errors=3,
                        answered=Counter({"a": 4, "b": 2, "c": 1}))
    figures = summarize(result, stored={"a": 4, "b": 1})  # b lost one turn, c's never reached the store
    assert (figures.turns, figures.turns_per_s, figures.errors, figures.lost) == (100, 50.0, 3, 2)
    assert figures.p50_ms == 50.5 and figures.p99_ms == 100.0
    assert "50.0 turns/s" in figures.line() and "2 lost turns" in figures.line()


def test_the_safe_reply_or_a_server_error_is_not_an_answer():
    assert is_answer(200, json.dumps([{"text": "When did it start?"}]).encode())
    assert not is_answer(200, json.dumps([{"text": SAFE_REPLY}]).encode())
    assert not is_answer(502, b"<html>Bad gateway</html>") and not is_answer(200, b"[]")
