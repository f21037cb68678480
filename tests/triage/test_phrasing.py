import pytest

from triage.phrasing import (asks_after_a_preamble, asks_in_words, asks_something, is_request, looks_like_a_question,
                             opens_like_a_question, states_a_pain)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("how do i stop my legs aching after every run", True),
        ("Should I ice it", True),
        ("is it ok to run", True),
        ("can i run tomorrow", True),
        ("can't put weight on it", False),
        ("could be since monday", False),
        ("when i run downhill", False),
        ("did a long run sunday", False),
        ("my calf hurts", False),
        # Whether a thing works, and question words typed on a phone.
        ("do compression socks even work for recovery", True),
        ("does foam rolling actually help", True),
        ("do a lot of hills on my runs", False),
        ("wat causes shin splints", True),
        ("hw long does doms last", True),
        ("y", False),
    ],
)
def test_opens_like_a_question(text, expected):
    assert opens_like_a_question(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my legs are knackered after parkrun, is that normal?", True),
        ("think i pulled my hamstring, how long till its better", True),
        ("IT band really tight after running what do i do", True),
        ("sharp pain in my leg mid run. Should I carry on", True),
        ("my calves have ached since saturday's long run", False),
        ("when i run downhill, mostly", False),
        ("", False),
        # A topic typed alone asks about it; a short statement of the writer's own does not.
        ("leg cramps", True),
        ("ice or heat", True),
        ("shin splnts", True),
        ("my calf", False),
        ("left calf, both legs really", False),
        # An emoji ends a clause like a full stop does.
        ("quads are in bits after the fell race 😩 is downhill worse for soreness", True),
        ("quads are in bits after the fell race 😩 downhill mostly", False),
        ("cramps after 10 min then settle when i stop, anything serious", True),
        ("her legs always ache, could the shoes be why", True),
        ("need a rule of thumb for bumping up mileage", True),
    ],
)
def test_asks_something_finds_a_question_inside_a_report(text, expected):
    assert asks_something(text) is expected


def test_a_statement_is_not_a_question_but_a_question_mark_makes_one():
    assert not looks_like_a_question("quads are insanely sore after a half")
    assert looks_like_a_question("quads sore after a half?")


def test_cant_opens_no_question_and_first_person_is_found():
    from triage.phrasing import speaks_of_themself

    assert not looks_like_a_question("can't put any pressure through my leg")
    assert speaks_of_themself("will I lose my leg") and speaks_of_themself("I’m worried")
    assert not speaks_of_themself("is cold water swimming good for you")


@pytest.mark.parametrize("text, stated", [
    ("calf is sore, whats the best stretch?", True),
    ("my legs are killing me", True),
    ("says his lower leg has been hurting since his race", True),
    ("tips for sore quads", False),
    ("ice or heat for stiff calves", False),
    ("why do legs ache after running", False),
])
def test_a_pain_stated_is_told_from_one_named_as_a_topic(text, stated):
    assert states_a_pain(text) is stated


@pytest.mark.parametrize("text", ["legs feel rubbish since i upped my mileage, any tips?",
                                  "legs feel like theyve been through a mangle", "shin issue after todays run"])
def test_how_a_part_of_the_leg_feels_states_a_pain(text):
    assert states_a_pain(text)


@pytest.mark.parametrize("text", [
    "sorry if this is obvious but why do muscles get sore a day later",
    "quick one - what is actually happening in the calf when it cramps",
    "patellar tendon thing, where does it hurt usually",
    "lost a toenail after the ultra, will it grow back on its own",
])
def test_a_question_after_a_preamble_asks(text):
    assert asks_after_a_preamble(text)


@pytest.mark.parametrize("text", ["calves burning since the race. too much too soon?", "quads sore as"])
def test_a_question_mark_or_a_statement_alone_is_no_question_phrase(text):
    assert not asks_after_a_preamble(text)


@pytest.mark.parametrize("text", ["marathon yesterday, can barely walk down stairs", "can hardly stand on it",
                                  "can walk fine but it aches"])
def test_can_with_an_ability_tells_and_does_not_ask(text):
    assert not opens_like_a_question(text) and not asks_in_words(text)


@pytest.mark.parametrize("text", ["can i run on it", "can compression socks help"])
def test_can_with_a_subject_asks(text):
    assert opens_like_a_question(text)


@pytest.mark.parametrize("text", ["list the main causes of shin pain", "give me a cool down routine", "ice vs heat",
                                  "stretching guidelines after a marathon", "knee pain in runners"])
def test_a_request_without_a_question_word(text):
    assert is_request(text)


def test_wondering_if_i_should_worry_is_no_question_phrase():
    """'odd one after my run, wondering if I should worry' is a vague report: it
    must reach the assessment, not the article search (an urgent runner was declined)."""
    assert not asks_after_a_preamble("bit of an odd one after my run this morning, wondering if I should worry")


@pytest.mark.parametrize("text", [
    "legs super sore after yesterdays run, anything i can do at home to ease it",
    "calves cramping on hot runs, help",
    "shins sore again pls help!!",
    "running form tweaks to take the pounding off my legs",
])
def test_a_plea_or_an_offer_of_anything_asks(text):
    assert asks_something(text)


def test_help_inside_a_sentence_is_no_plea():
    assert not asks_something("my calf is killing me and nothing seems to help my legs recover fast enough today")


def test_a_plan_asked_for_with_words_between_is_a_request():
    assert is_request("need a 16 week marathon plan for sub 4 hrs")
