"""The NLU component that overrules the classifier where the facts are plain."""
from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.fact_extractor import FactExtractor


def parse(text: str, predicted: str | None, confidence: float = 0.9) -> Message:
    message = Message(data={"text": text})
    if predicted:
        message.set("intent", {"name": predicted, "confidence": confidence})
        message.set("intent_ranking", [{"name": predicted, "confidence": confidence}])
    FactExtractor().process([message])
    return message


@pytest.mark.parametrize(
    "text, predicted, expected",
    [
        ("my calf is swollen and i can't breathe", "report_pain", "emergency"),
        ("coughed up blood this morning", "inform", "emergency"),
        ("not sure", "inform", "not_sure"),
        ("none of these", "inform", "deny"),
        ("hi, my shins have been on fire for 2 days", "greet", "inform"),
        ("it kicked in the next morning", "emergency", "inform"),
        ("help me it's an emergency", "emergency", "emergency"),
        ("quads are insanely sore after a half marathon yesterday", "ask_question", "report_pain"),
        ("is it ok to run with sore quads?", "ask_question", "ask_question"),
        ("what's the weather like", "out_of_scope", "out_of_scope"),
        ("near the end of the run", "stop", "inform"),
        ("stop", "stop", "stop"),
        ("how do you stop legs aching after a long run", "report_pain", "ask_question"),
        ("how do i stop my legs aching after every run", "report_pain", "report_pain"),  # own pain: assessed
        ("should i be worried about my calf, it hurts a lot when i walk", "report_pain", "report_pain"),
        ("what should i do, my shin hurts in one spot for 2 weeks", "report_pain", "report_pain"),
        ("can you help, my shin hurts after runs", "out_of_scope", "inform"),
        ("can't get up off the floor, leg is useless", "emergency", "emergency"),
        ("will i lose my leg", "emergency", "emergency"),
        ("could this be a blood clot?", "emergency", "emergency"),
        ("should i put my legs up after a run", "report_pain", "ask_question"),
        # a place but no pain: a how-to question; with a pain word it stays a report
        ("how do i pop a blister on my toe?", "report_pain", "ask_question"),
        ("how do i fix my calf, it hurts after every run", "report_pain", "report_pain"),
        ("black toenail after my marathon, should i drain it", "report_pain", "ask_question"),
        ("calf swollen after my run, what do i do", "report_pain", "report_pain"),
        ("knee not happy after my trail run, any ideas", "report_pain", "report_pain"),
        ("is it bad that my calf is swollen and hot?", "report_pain", "report_pain"),
        ("can't put any weight on my leg", "report_pain", "report_pain"),
        ("when i run downhill", "inform", "inform"),
        ("did a long run sunday and now my shin hurts", "report_pain", "report_pain"),
        ("is cold water swimming good for you", "emergency", "ask_question"),
        ("does running cause arthritis in your knees", "out_of_scope", "out_of_scope"),
        ("my knees, mostly", "out_of_scope", "inform"),
        ("should i call an ambulance?", "emergency", "emergency"),
        ("is this an emergency", "emergency", "emergency"),
        ("why can't i catch my breath?", "emergency", "emergency"),
        # A pain of one's own, then a question: assessed (the article's answer comes first).
        ("hammy feels sore, should i still run tmrw?", "ask_question", "report_pain"),
        ("is a sore hamstring normal after sprints?", "ask_question", "ask_question"),
        ("why do my thighs ache in bed at night after running?", "ask_question", "report_pain"),
        # Requests without a question word, not about the writer's own legs: the article.
        ("ice or heat for stiff calves", "ask_question", "ask_question"),
        ("tips for sore quads after a half", "report_pain", "ask_question"),
        # Someone else's pain, asked about: the answer, then the questions about them.
        ("my daughter's shins ache after her race, should she rest?", "ask_question", "report_pain"),
    ],
)
def test_intent_is_overruled_only_where_the_facts_are_plain(text, predicted, expected):
    assert parse(text, predicted).get("intent")["name"] == expected


def test_facts_become_entities_with_offsets_and_roles():
    text = "sharp pain in my shin, no swelling"
    entities = parse(text, "report_pain").get("entities")
    by_name = {(e["entity"], e["value"]): e for e in entities}
    assert text[by_name[("location", "shin")]["start"]:by_name[("location", "shin")]["end"]].lower().startswith("shin")
    assert by_name[("pain_type", "sharp")]["extractor"] == "FactExtractor"
    assert by_name[("sign", "swelling")]["role"] == "absent"


def test_button_payloads_are_left_alone():
    message = Message(data={"text": '/inform{"pain_type": "sharp"}'})
    FactExtractor().process([message])
    assert message.get("entities") in (None, [])


def test_facts_make_a_doubtful_report_certain_so_it_is_not_a_fallback():
    message = parse("shin pain keeps me up at night", "report_pain", confidence=0.3)
    assert message.get("intent") == {"name": "report_pain", "confidence": 1.0}


def test_an_overruled_intent_is_not_left_ambiguous_for_the_fallback_classifier():
    message = parse("quads are insanely sore after a half marathon yesterday", "ask_question", confidence=1.0)
    ranking = message.get("intent_ranking")
    assert ranking[0] == {"name": "report_pain", "confidence": 1.0}
    assert all(r["confidence"] <= 0.5 for r in ranking[1:])


def test_one_entity_per_fact_the_one_the_extractor_chose():
    # Rasa fills a slot from the last entity of its type: only the chosen one is passed on.
    entities = parse("it was a dull ache at first but now it's sharp and stabbing", "inform").get("entities")
    pain_types = [e["value"] for e in entities if e["entity"] == "pain_type"]
    assert pain_types == ["stabbing"]


def test_someone_elses_pain_is_marked_and_a_sign_said_of_another_is_asked_back():
    parent = parse("my son's calf is swollen since his race", "report_pain").get("entities")
    assert {"entity": "subject", "value": "someone_else"}.items() <= next(
        e for e in parent if e["entity"] == "subject").items()
    runner = parse("my mate had chest pain at the finish, my calves are just sore", "report_pain")
    signs = [(e["value"], e.get("role")) for e in runner.get("entities") if e["entity"] == "sign"]
    assert ("chest_pain", "aside") in signs and ("chest_pain", "present") not in signs
    assert runner.get("intent")["name"] != "emergency"


def test_a_denial_said_of_someone_else_is_not_asked_back_on_the_learned_readers_word():
    # A coach's checklist reply: the lexicon reads "she isn't breathless" as denied.
    entities = parse("foot's a normal colour, no odd angle or bump, she isn't breathless or anything",
                     "inform").get("entities")
    assert not [e for e in entities if e["entity"] == "sign" and e["value"] == "breathlessness"]


@pytest.mark.parametrize("text, predicted, expected", [
    ("DOMS", "report_pain", "ask_question"),
    ("shin splints?", "report_pain", "ask_question"),
    ("what about runners knee", "report_pain", "ask_question"),
    ("sore calves", "report_pain", "report_pain"),
    ("DOMS", "inform", "ask_question"),
    ("like doms", "inform", "inform"),
])
def test_a_condition_named_alone_is_a_topic_to_look_up(text, predicted, expected):
    assert parse(text, predicted).get("intent")["name"] == expected


@pytest.mark.parametrize("text, confidence, expected", [
    # Sure it asks, and nothing of the writer's own pain: believed.
    ("shin splints causes and fixes", 0.95, "ask_question"),
    ("building up mileage safely for my first marathon", 0.95, "ask_question"),
    # Unsure: a statement without a question word is a report.
    ("quads are insanely sore after a half", 0.6, "report_pain"),
    # The writer's own pain, or a warning sign: a report, however sure.
    ("my calves ache after every run", 0.95, "report_pain"),
    ("calf swollen and red after the race", 0.95, "report_pain"),
])
def test_a_request_without_a_question_word_is_believed_when_the_classifier_is_sure(text, confidence, expected):
    assert parse(text, "ask_question", confidence).get("intent")["name"] == expected


@pytest.mark.parametrize("text, predicted", [
    # A warning sign is never only looked up: the answer, then the assessment.
    ("my right calf is swollen, red and hot to touch since my run yesterday. should i just ice it?", "ask_question"),
    # Nor a pain of the writer's own, told with a feeling and the legs, pronoun or not.
    ("did my first 50k ultra yesterday in the heat. legs destroyed since", "ask_question"),
    ("long run 32k on sunday, legs a bit sore today, is that normal?", "out_of_scope"),
])
def test_a_report_the_classifier_took_for_a_question_gets_the_assessment(text, predicted):
    assert parse(text, predicted, 0.99).get("intent")["name"] == "report_pain"


@pytest.mark.parametrize("text, predicted, expected", [
    ("calf is sore, whats the best stretch?", "ask_question", "report_pain"),
    ("havent run since uni, and my legs are killing me", "out_of_scope", "report_pain"),
    ("best stretches for tight calves", "ask_question", "ask_question"),
])
def test_a_pain_stated_without_a_pronoun_is_a_report(text, predicted, expected):
    assert parse(text, predicted, 0.99).get("intent")["name"] == expected


@pytest.mark.parametrize("text, predicted, expected", [
    # A question after a preamble, with no pain of the writer's: the article's.
    ("quick q - what is actually happening when a muscle gets doms", "report_pain", "ask_question"),
    ("typical overuse injuries in runners", "report_pain", "ask_question"),
    # A report that ends "is that normal?" or with a bare question mark stays a report.
    ("parkrun done, hamstrings and glutes a bit sore today, is that normal", "report_pain", "report_pain"),
    ("stinging across both soles since the long run. new trainers maybe?", "report_pain", "report_pain"),
    # "can barely ..." tells; it does not ask.
    ("ultra on sunday, thighs wrecked, can barely get down the stairs lol", "report_pain", "report_pain"),
])
def test_a_question_phrase_anywhere_asks_only_when_no_pain_of_the_writers_is_told(text, predicted, expected):
    assert parse(text, predicted).get("intent")["name"] == expected


@pytest.mark.parametrize("text, expected", [
    ("can i run with a cold or should i skip it", "ask_question"),
    ("should i skip tomorrow's session", "ask_question"),
    ("can we stop now?", "stop"),
])
def test_a_question_the_classifier_took_for_stop_asks_unless_it_names_stopping(text, expected):
    assert parse(text, "stop").get("intent")["name"] == expected


@pytest.mark.parametrize("text, expected", [
    ("how do i get my 10k under 50, been stuck on 52 mins for ages", "ask_question"),
    ("how long should my calves hurt after a half, its been 4 days", "report_pain"),
])
def test_a_time_that_tells_of_no_pain_makes_no_report(text, expected):
    assert parse(text, "report_pain").get("intent")["name"] == expected


def test_times_are_counted_on_the_runners_clock_when_the_channel_sends_it():
    from bot.nlu.local_time import runner_now

    message = Message(data={"text": "calf sore since 2pm", "metadata": {"local_time": "2026-12-05T15:00:00-05:00"}})
    FactExtractor().process([message])
    durations = [e["value"] for e in message.get("entities") if e["entity"] == "duration"]
    assert durations == ["1"]  # 2pm to 3pm on the runner's clock, whatever the server's says
    assert runner_now({"local_time": "2026-12-05T15:00:00Z"}).hour == 15
    for bad in ({"local_time": "yesterday"}, {"local_time": 5}, "2026-12-05", None, {"local_time": "1" * 100}):
        assert runner_now(bad) is None


@pytest.mark.parametrize("predicted", ["ask_question", "out_of_scope"])
def test_legs_that_are_not_right_with_nothing_asked_are_a_report(predicted):
    message = parse("my wifes just back from her run and says her legs gone funny, im typing for her", predicted)
    assert message.get("intent")["name"] == "report_pain"


def test_a_topic_of_the_legs_that_speaks_of_no_one_stays_a_question():
    message = parse("elevating legs after a long run - worth it", "ask_question")
    assert message.get("intent")["name"] == "ask_question"
