from bot.evaluate_answers import Gold, Outcome, Summary, classify, gold_of, render
from bot.rest_client import Turn

SECTION = "3. Choose the Right Footwear"


def turn(*customs, text="hi") -> Turn:
    return Turn(200, [{"text": text}] + [{"custom": c} for c in customs])


def test_each_kind_of_reply_is_told_apart():
    answer = {"answer": {"citations": [{"section": SECTION}, {"section": "Other"}], "score": 0.7}}
    assert classify("q", turn(answer)) == Outcome("q", "answered", (SECTION, "Other"))
    assert classify("q", turn({"no_answer": True})).kind == "declined"
    assert classify("q", turn({"triage": {"level": "emergency"}})) == Outcome("q", "triage", level="emergency")
    assert classify("q", turn({"ask": "onset"})).kind == "assessment"
    assert classify("q", turn()).kind == "other"
    # "The article doesn't discuss ibuprofen; here is the nearest thing": the thing asked is declined.
    pointer = {"answer": {**answer["answer"], "not_discussed": "painkillers by mouth"}}
    assert classify("q", turn(pointer)).kind == "declined"


def test_an_answer_given_with_the_first_question_counts_as_answered():
    answer = {"answer": {"citations": [{"section": SECTION}], "score": 0.6}}
    assert classify("q", turn(answer, {"ask": "onset"})).kind == "answered"


def test_the_report_counts_right_sections_and_lists_what_went_otherwise():
    summary = Summary(
        in_scope=[(Outcome("shoes?", "answered", (SECTION,)), Gold((SECTION,))),
                  (Outcome("socks?", "answered", ("Other",)), Gold((SECTION,))),
                  (Outcome("shin pain", "assessment"), Gold((SECTION,)))],
        out_of_scope=[Outcome("weather", "declined"), Outcome("chest pain", "triage", level="emergency")],
    )
    assert summary.right_at_1() == 1
    text = render(summary, "dev")
    assert "| answered | 2/3 | 0/2 |" in text and "| declined | 0/3 | 1/2 |" in text
    assert "- in-scope, assessment: shin pain" in text
    assert "- out-of-scope, triage (emergency): chest pain" in text
    assert "weather" not in text


def test_passage_gold_is_judged_on_the_first_cited_passage():
    right = Outcome("q1", "answered", (SECTION, SECTION), passages=("shoes-02", "shoes-01"))
    wrong = Outcome("q2", "answered", (SECTION,), passages=("shoes-01",))
    summary = Summary(requests=[(right, Gold((SECTION,), ("shoes-02",))), (wrong, Gold((SECTION,), ("shoes-02",)))])
    assert summary.right_at_1("requests") == 2
    assert summary.passage_right_at_1("requests") == (1, 2)
    text = render(summary, "blind")
    assert "| answered, a gold passage first | 1/2 | |" in text
    assert "- requests, answered (3. Choose the Right Footwear / shoes-01): q2" in text


def test_gold_sections_come_from_the_passages_when_a_set_gives_only_passages():
    section_of = {"a-01": "A", "a-02": "A", "b-01": "B"}.get
    assert gold_of({"q": "x", "passages": ["a-01", "b-01", "a-02"]}, section_of) == Gold(("A", "B"), ("a-01", "b-01", "a-02"))
    assert gold_of({"q": "x", "gold": ["C"]}, section_of) == Gold(("C",))


def test_a_reply_that_is_not_json_becomes_an_error_message_not_a_crash():
    from bot.rest_client import _messages

    assert _messages(b"<html>502 Bad Gateway</html>") == [{"error": "<html>502 Bad Gateway</html>"}]
    assert _messages(b'{"error": "x"}') == [{"error": "x"}]
    assert _messages(b'[{"text": "hi"}]') == [{"text": "hi"}]
