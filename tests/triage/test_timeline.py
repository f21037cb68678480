"""Classes of phrasing from blind set K (session 10): each test stands for a
class, with sentences of its own, not the blind set's."""
from __future__ import annotations

from datetime import datetime

import pytest

from triage.engine import assess
from triage.extract import extract
from triage.facts import Facts

NOW = datetime(2026, 12, 5, 15)  # a Saturday afternoon


def facts(text: str) -> dict:
    return extract(text, NOW).facts()


@pytest.mark.parametrize("text, onset", [
    ("did a tempo run on tuesday, calves tight since wednesday morning", "next_day"),
    ("the race was on wednesday evening and the ache started thursday", "next_day"),
    ("went for a 12k yesterday, felt fine, but this morning my quads are killing me", "next_day"),
    ("ran the half on sunday, legs only started hurting on wednesday", "days_later"),
])
def test_a_dated_run_and_a_dated_pain_give_the_onset(text, onset):
    assert facts(text)["onset"] == onset


def test_a_length_said_of_soreness_in_general_gives_no_onset():
    """A question about DOMS in general dates nothing of this pain."""
    assert "onset" not in facts("legs still stiff from last sunday's race, doesn't doms only last a couple days?")


@pytest.mark.parametrize("text, hours", [
    ("started yesterday afternoon, was fine on thursday night", 24),
    ("since this morning, i felt fine all day yesterday", 10),
])
def test_a_time_the_legs_were_fine_is_not_when_the_pain_began(text, hours):
    assert facts(text)["duration_hours"] == hours


def test_a_time_of_something_long_standing_is_not_the_pains_age():
    found = facts("my ankles have always clicked, for years and years, but my calves ache since yesterday")
    assert found["duration_hours"] == 24


def test_a_time_typed_with_a_filler_word_is_still_the_answer():
    assert extract("only today", NOW).value("duration") == 6


@pytest.mark.parametrize("text", [
    "no breathing issues or chest pain",
    "no breathing probs or chest pain, calf just sore",
    "no problems breathing or chest pain",
])
def test_a_denial_runs_over_an_unknown_first_item_before_or(text):
    assert facts(text)["signs"]["chest_pain"] is False


def test_a_denial_reaches_no_further_than_one_unknown_word():
    assert facts("nothing helps the breathing or chest pain")["signs"]["chest_pain"] is True


@pytest.mark.parametrize("text", [
    "fractured my shin back in 2015, all healed long ago. calves achy since the day after my parkrun",
    "had an old break in my ankle years ago, fully healed, now just sore quads after the race",
])
def test_an_injury_long_healed_is_no_deformity_now(text):
    assert not facts(text).get("signs", {}).get("deformity")


def test_a_pain_that_has_gone_keeps_its_type_and_course():
    """Calf cramp during the run that goes on walking and returns on running (S6), told after it stopped."""
    text = ("10 minutes into my run my calf started cramping, i walked a bit and it went, then it came back "
            "when i jogged again. all fine now.")
    found = facts(text)
    assert found["pain_type"] == "cramping"
    assert found["signs"]["eases_with_rest"] is True
    assert "S6" in [reason.rule for reason in assess(Facts.from_dict(found)).reasons]


def test_a_third_person_in_a_message_about_someone_else_never_counts():
    text = ("Coach of a junior squad here. One of my boys has achy thighs after the relay. "
            "Another boy fell and couldn't walk, he's been to A&E, but this is about Sam.")
    found = extract(text, NOW)
    assert not found.signs().get("cannot_bear_weight")


@pytest.mark.parametrize("text", [
    "my mate had chest pain at the finish, i'm fine, my calf aches",
    "the other one is red and swollen too",
])
def test_the_other_leg_and_the_first_other_person_are_no_third_party(text):
    found = extract(text, NOW)
    assert any(m.value in ("chest_pain", "redness") for m in found.mentions + found.others if m.aside != "third_party")


@pytest.mark.parametrize("text", [
    "a dog ran across and i nearly went flying, didn't actually fall. hammies sore today",
    "almost fell on the ice but caught myself, quads stiff now",
])
def test_a_near_miss_is_no_fall(text):
    assert not facts(text).get("signs", {}).get("injury")


def test_pulling_up_sore_is_waking_up_sore_not_stopping():
    found = facts("did 25k yesterday, calves pulling up a bit stiff this morning")
    assert not found.get("signs", {}).get("had_to_stop")
    assert found["onset"] == "next_day"


@pytest.mark.parametrize("text", ["naw, nane o that", "nae, none o those"])
def test_scots_none_answers_the_checklist(text):
    assert extract(text, NOW).answer == "none"


@pytest.mark.parametrize("text, expected", [
    ("hammies pure sair the day", {"pain_type": "dull_ache"}),
    ("gammy knee since the race", {"location": "knee"}),
    ("aw ower the thigh", {"spread": "widespread", "location": "thigh"}),
])
def test_dialect_words_are_not_turned_into_other_domain_words(text, expected):
    """A typo fix one letter away once read Scots "sair" (sore) as stairs, and "gammy" as hammy."""
    found = facts(text)
    assert {key: found.get(key) for key in expected} == expected
    assert not found.get("signs")


def test_a_time_said_with_a_sign_in_its_clause_is_the_complaints_age():
    """'legs have felt heavy for the last month' dates the complaint, though no pain word is in it."""
    found = extract("my legs have felt heavy and tired for the past few weeks", NOW)
    assert found.mention("duration").answer_only is False


def test_on_my_feet_all_day_is_standing_not_the_place():
    assert facts("calves burn after long shifts, i'm on my feet all day at work")["location"] == "calf"
    assert "location" not in facts("legs burn after long shifts, i'm on my feet all day at work")


def test_a_time_said_of_someone_elses_sign_is_not_the_writers_pains_age():
    found = extract("legs sore but nothing red, my daughter had a red rash on her leg last week but that's her", NOW)
    assert found.mention("duration").answer_only is True


@pytest.mark.parametrize("text", ["slept in my compression tights all night, quads stiff today",
                                  "up all night feeding the baby, hamstrings tight after yesterday's run"])
def test_a_night_that_belongs_to_something_else_is_no_pain_at_rest(text):
    assert not facts(text).get("signs", {}).get("pain_at_rest")


def test_a_night_pain_stays_a_night_pain_beside_such_words():
    assert facts("wore compression socks but my calf still throbs all night")["signs"]["pain_at_rest"] is True


@pytest.mark.parametrize("text", ["upped my mileage from 30 to 45k a week, shins sore",
                                  "doing 25mi a week now and calves ache"])
def test_a_weekly_distance_or_a_range_is_no_time(text):
    assert "duration_hours" not in facts(text)


def test_going_on_n_days_is_the_pains_age_even_after_a_race():
    assert facts("race was last sunday so quads going on six days now")["duration_hours"] == 144


def test_a_time_a_change_is_measured_against_dates_nothing():
    assert "duration_hours" not in facts("quads not much better than they were on wednesday")


def test_a_part_of_the_day_after_a_weekday_counts_its_hours():
    assert facts("calves sore since thursday evening")["duration_hours"] == 44  # Thursday 19:00 to Saturday 15:00


def test_a_time_in_a_message_that_tells_no_pain_only_answers_its_question():
    found = extract("how do i get my 10k time down, been stuck at 55 mins for ages", NOW)
    assert found.mention("duration").answer_only is True


@pytest.mark.parametrize("text, hours", [("less than a day", 23), ("more than a week", 169), ("longer than 3 days", 73)])
def test_less_or_more_than_an_amount_is_an_amount_not_a_comparison(text, hours):
    assert extract(text, NOW).value("duration") == hours


def test_a_day_said_with_the_pain_after_the_run_dates_the_pain():
    found = facts("did my long run on thursday evening and my legs are sooo achy yesterday and today")
    assert found["onset"] == "next_day"


def test_worse_is_not_read_as_wrong():
    """spaCy's lookup table lemmatises "worse" to "wrong": "it looks worse" had been a deformity."""
    found = facts("calf swollen and red, thought it was a strain but it looks worse today")
    assert not found["signs"].get("deformity")


def test_a_rub_that_tingles_explains_the_tingle():
    found = extract("the deep heat makes my skin tingle for a bit, but no real pins and needles", NOW)
    assert not found.signs().get("tingling")


def test_a_sharp_session_is_no_sharp_pain():
    assert facts("did a sharp tempo yesterday and my quads are stiff today")["pain_type"] == "dull_ache"


def test_a_time_of_an_explanation_dates_nothing():
    found = extract("calves sore. the blue on my shin is kt tape from my physio last month", NOW)
    assert found.value("duration") is None or found.mention("duration").answer_only


def test_a_parent_writes_since_she_woke_up():
    assert extract("since she woke up", NOW).value("duration") == 10


def test_a_change_after_the_start_does_not_undo_the_start():
    found = facts("calves started aching the morning after tuesday's intervals and now they're getting worse")
    assert found["onset"] == "next_day"


def test_a_school_cross_country_race_is_a_run():
    assert extract("my son did his school cross country on thursday and his calves hurt", NOW).value("run_age") == 48


@pytest.mark.parametrize("text", ["actually it's been more like 2 weeks", "actually it's only been 2 days"])
def test_it_that_has_lasted_is_the_pain_being_asked_about(text):
    """A correction mid-checklist: "it" is the pain, so the time is more than an answer to its own question."""
    assert extract(text, NOW).mention("duration").answer_only is False
