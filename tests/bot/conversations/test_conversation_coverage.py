"""The shipped conversation tests cover what issue 5 asks: every triage level and
rule, every article section with answers, and the things a runner can always say."""
from __future__ import annotations

import re

import yaml

from bot.conversations.spec import LEVELS, RULES_PATH, find_files, load_files
from knowledge.article import load_article

CORRECTION = re.compile(r"^(actually|sorry|i mean)\b", re.IGNORECASE)
NOT_SURE = re.compile(r"\b(not sure|dunno|don't know)\b", re.IGNORECASE)


def shipped():
    return load_files(find_files())


def turns():
    return [turn for conversation in shipped() for turn in conversation.turns]


def said(turn) -> str:
    return turn.press if turn.press is not None else turn.user


def test_every_level_is_expected_exactly_somewhere():
    levels = {t.expect.triage for t in turns() if not t.expect.triage_at_least}
    assert set(LEVELS) <= levels


def test_every_rule_of_the_triage_specification_is_expected():
    rule_ids = {rule["id"] for rule in yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))["rules"]}
    named = {rule for t in turns() for rule in t.expect.rules}
    assert len(rule_ids) == 17
    assert rule_ids - named == set()


def test_every_section_with_answers_is_cited_as_an_answer():
    sections = {s.heading for s in load_article().sections if s.passages}
    answered = {section for t in turns() if t.expect.triage is None for section in t.expect.cites}
    assert sections - answered == set()


def test_article_questions_in_the_middle_of_the_assessment_then_it_goes_on():
    def resumes(conversation) -> bool:
        pairs = zip(conversation.turns, conversation.turns[1:])
        return any(before.expect.asks and after.expect.cites and after.expect.asks == before.expect.asks
                   for before, after in pairs)
    assert sum(resumes(c) for c in shipped()) >= 2


def test_corrections_lead_to_a_checked_result():
    corrected = [c for c in shipped()
                 if any(t.user and CORRECTION.match(t.user) for t in c.turns) and c.turns[-1].expect.triage]
    assert len(corrected) >= 2


def test_not_sure_leaves_facts_unknown_in_the_result():
    covered = [c for c in shipped()
               if any(NOT_SURE.search(said(t)) for t in c.turns) and any(t.expect.unknown for t in c.turns)]
    assert len(covered) >= 2
    assert any(t.press == "Not sure" for c in covered for t in c.turns), "a press of the Not sure button"


def test_stop_and_cancel_leave_the_questions():
    words = {t.user.strip().lower() for t in turns() if t.user and t.expect.asks == "nothing"}
    assert {"stop", "cancel"} <= words


def test_out_of_scope_questions_get_a_plain_no_answer():
    assert any(t.expect.no_answer is True for t in turns())
    assert sum(1 for t in turns() if any("only help" in s for s in t.expect.says)) >= 2
