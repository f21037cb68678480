"""action_answer_question: answers quoted from the article, no answer, and search down.

The searcher is replaced by a fake (no model, no index), whose answers are real
knowledge.search.Answer objects built from real article passages.
"""
from __future__ import annotations

import pytest

import actions.answer
from actions.answer import NO_ANSWER, NO_ANSWER_MID_ASSESSMENT, SEARCH_DOWN, ActionAnswerQuestion
from actions.assessment import ActionStartAssessment
from knowledge.article import load_article
from knowledge.search import Answer, Hit
from tests.actions.conftest import make_tracker, merged_custom


class FakeSearcher:
    """Stands in for knowledge.search.Searcher: records questions, returns a set result."""

    def __init__(self, result=None, error: Exception | None = None):
        self.result = result
        self.error = error
        self.questions: list[str] = []

    def answer(self, question: str):
        self.questions.append(question)
        if self.error is not None:
            raise self.error
        return self.result


@pytest.fixture(scope="module")
def passages():
    article = load_article()
    with_two_references = next(p for p in article.passages if len(p.references) >= 2)
    without_references = next(p for p in article.passages if not p.references and p.section != with_two_references.section)
    return with_two_references, without_references


def use_searcher(monkeypatch, fake) -> None:
    monkeypatch.setattr(actions.answer, "searcher", lambda: fake)


async def ask(domain, dispatcher, text: str):
    tracker = make_tracker(domain, intent="ask_question", text=text)
    return await ActionAnswerQuestion().run(dispatcher, tracker, domain)


async def test_an_answer_quotes_the_best_passage_under_its_section_with_reference_links(monkeypatch, dispatcher, domain, passages):
    best, runner_up = passages
    answer = Answer(hits=(Hit(best, 0.71234), Hit(runner_up, 0.65)), score=0.71234)
    fake = FakeSearcher(result=answer)
    use_searcher(monkeypatch, fake)

    events = await ask(domain, dispatcher, "why are my legs sore two days after a run?")

    assert events == []
    assert fake.questions == ["why are my legs sore two days after a run?"]
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    text = message["text"]
    assert text.startswith(f"From the article, under **{best.section}**:")
    quote = actions.answer.trimmed(best.text, "why are my legs sore two days after a run?")
    links = ", ".join(f"[{ref.label}]({ref.url})" for ref in best.references)
    assert f"> {quote}\n\nSources: {links}" in text
    # A runner-up from another section is a second short part, after the best.
    assert text.index(f"And under **{runner_up.section}**:") > text.index(f"Sources: {links}")

    payload = message["custom"]
    assert set(payload) == {"answer"}
    assert payload["answer"]["score"] == pytest.approx(0.7123)
    citations = payload["answer"]["citations"]
    assert [c["quote"] for c in citations] == [best.text, runner_up.text]  # best first
    assert citations[0] == {
        "section": best.section,
        "passage": best.id,
        "quote": best.text,
        "references": [{"label": ref.label, "url": ref.url} for ref in best.references],
    }
    assert citations[1]["references"] == []
    for citation in citations:
        assert set(citation) == {"section", "passage", "quote", "references"}
        for reference in citation["references"]:
            assert reference["url"].startswith("https://")


async def test_an_answer_without_references_has_no_sources_line(monkeypatch, dispatcher, domain, passages):
    _, plain = passages
    use_searcher(monkeypatch, FakeSearcher(result=Answer(hits=(Hit(plain, 0.6),), score=0.6)))
    await ask(domain, dispatcher, "what is normal after a run?")
    text = dispatcher.messages[0]["text"]
    assert f"under **{plain.section}**" in text and plain.text in text
    assert "Sources:" not in text
    assert dispatcher.messages[0]["custom"]["answer"]["citations"][0]["references"] == []


async def test_no_confident_answer_says_so_plainly(monkeypatch, dispatcher, domain):
    fake = FakeSearcher(result=None)
    use_searcher(monkeypatch, fake)
    events = await ask(domain, dispatcher, "what's the best diet for weight loss?")
    assert events == []
    assert fake.questions == ["what's the best diet for weight loss?"]
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    assert message["custom"] == {"no_answer": True}
    assert merged_custom(dispatcher) == {"no_answer": True}
    assert message["text"] == NO_ANSWER
    assert "doesn't cover that" in message["text"]
    assert "tell me what hurts" in message["text"]  # what the bot can do instead
    assert "**" not in message["text"] and ">" not in message["text"]  # plain text


async def test_mid_assessment_a_declined_question_says_what_the_questions_are_for(monkeypatch, dispatcher, domain):
    use_searcher(monkeypatch, FakeSearcher(result=None))
    tracker = make_tracker(domain, intent="ask_question", text="why does that matter lol",
                           slots={"requested_slot": "location"}, active_loop="assessment_form")
    await ActionAnswerQuestion().run(dispatcher, tracker, domain)
    assert [m["text"] for m in dispatcher.messages] == [NO_ANSWER_MID_ASSESSMENT]


async def test_mid_assessment_a_reply_that_answers_the_question_gets_no_decline(monkeypatch, dispatcher, domain):
    # "everywhere basically" answers "one spot or spread?": the form takes it.
    use_searcher(monkeypatch, FakeSearcher(result=None))
    tracker = make_tracker(domain, intent="ask_question", text="everywhere basically",
                           entities=[{"entity": "spread", "value": "widespread"}],
                           slots={"requested_slot": "spread"}, active_loop="assessment_form")
    await ActionAnswerQuestion().run(dispatcher, tracker, domain)
    assert dispatcher.messages == []


async def test_a_message_without_text_asks_the_searcher_with_an_empty_question(monkeypatch, dispatcher, domain):
    fake = FakeSearcher(result=None)
    use_searcher(monkeypatch, fake)
    tracker = make_tracker(domain, intent="ask_question", text="")
    tracker.latest_message.pop("text")
    await ActionAnswerQuestion().run(dispatcher, tracker, domain)
    assert fake.questions == [""]
    assert dispatcher.messages[0]["custom"] == {"no_answer": True}


async def test_a_failing_search_gives_a_polite_text_and_never_raises(monkeypatch, dispatcher, domain, caplog):
    use_searcher(monkeypatch, FakeSearcher(error=RuntimeError("faiss index is corrupt")))
    events = await ask(domain, dispatcher, "how do I stop shin splints?")
    assert events == []
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    assert message["text"] == SEARCH_DOWN
    assert message["text"].startswith("Sorry")
    assert "faiss" not in message["text"]  # no internals shown to the runner
    assert not message.get("custom")
    assert "Article search failed" in caplog.text


async def test_a_searcher_that_cannot_load_gives_the_same_polite_text(monkeypatch, dispatcher, domain):
    def broken_searcher():
        raise OSError("model files missing")

    monkeypatch.setattr(actions.answer, "searcher", broken_searcher)
    events = await ask(domain, dispatcher, "is foam rolling good?")
    assert events == []
    assert dispatcher.messages[0]["text"] == SEARCH_DOWN


async def test_a_report_that_also_asks_gets_the_answer_before_the_first_question(monkeypatch, dispatcher, domain, passages):
    fake = FakeSearcher(result=Answer(hits=(Hit(passages[0], 0.7),), score=0.7))
    use_searcher(monkeypatch, fake)
    text = "my legs are wrecked after parkrun, is that normal?"
    await ActionStartAssessment().run(dispatcher, make_tracker(domain, intent="report_pain", text=text), domain)
    assert fake.questions == [text]
    assert dispatcher.messages[0]["custom"]["answer"]["citations"][0]["section"] == passages[0].section
    assert dispatcher.messages[0]["text"].startswith("In general")  # not a verdict on this runner's pain
    assert "not sure" in dispatcher.messages[-1]["text"]


@pytest.mark.parametrize("result", [None, RuntimeError("index gone")])
async def test_a_report_without_a_confident_answer_starts_the_assessment_alone(monkeypatch, dispatcher, domain, result):
    fake = FakeSearcher(error=result) if isinstance(result, Exception) else FakeSearcher(result=result)
    use_searcher(monkeypatch, fake)
    tracker = make_tracker(domain, intent="report_pain", text="calf sore since sunday, what should i do")
    await ActionStartAssessment().run(dispatcher, tracker, domain)
    assert len(dispatcher.messages) == 1 and "not sure" in dispatcher.messages[0]["text"]


async def test_a_plain_report_never_searches_the_article(monkeypatch, dispatcher, domain):
    fake = FakeSearcher()
    use_searcher(monkeypatch, fake)
    tracker = make_tracker(domain, intent="report_pain", text="my calves have ached since saturday's long run")
    await ActionStartAssessment().run(dispatcher, tracker, domain)
    assert fake.questions == []


async def test_more_on_buttons_offer_related_sections_and_pressing_one_answers_from_it(
        monkeypatch, dispatcher, domain, passages):
    best, other = passages
    fake = FakeSearcher(result=Answer(hits=(Hit(best, 0.7),), score=0.7, related=(other.section,)))
    fake.section_answer = lambda heading: Answer(hits=(Hit(other, 1.0),), score=1.0) if heading == other.section else None
    use_searcher(monkeypatch, fake)
    await ask(domain, dispatcher, "why do my legs ache?")
    [button] = dispatcher.messages[0]["buttons"]
    assert button["title"] == f"More on: {other.section}"
    assert button["payload"].startswith("/ask_question{")

    dispatcher.messages.clear()
    pressed = make_tracker(domain, intent="ask_question", text=button["payload"],
                           entities=[{"entity": "section", "value": other.section}])
    await ActionAnswerQuestion().run(dispatcher, pressed, domain)
    assert f"under **{other.section}**" in dispatcher.messages[0]["text"]
    assert fake.questions == ["why do my legs ache?"]  # the button is not searched as a question


async def test_a_question_about_something_the_article_does_not_discuss_says_so_first(
        monkeypatch, dispatcher, domain, passages):
    best, _ = passages
    use_searcher(monkeypatch, FakeSearcher(result=Answer(hits=(Hit(best, 0.6),), score=0.6)))
    await ask(domain, dispatcher, "can i take ibuprofen for sore legs?")
    text = dispatcher.messages[0]["text"]
    assert text.startswith("The article doesn't discuss painkillers by mouth")
    assert f"under **{best.section}**" in text
    # The payload says so too, so a client (and make eval) can tell it from an answer.
    assert dispatcher.messages[0]["custom"]["answer"]["not_discussed"].startswith("painkillers by mouth")


def test_a_long_passage_is_cut_to_the_sentences_the_question_asks_about():
    from actions.answer import trimmed

    text = ("Warm up for five minutes. Jog slowly first. Static stretches belong after the run. "
            "Hold each stretch for 30 seconds.")
    assert trimmed(text, "how long do i hold a stretch after a run?") == \
        "… Static stretches belong after the run. Hold each stretch for 30 seconds."
    assert trimmed(text, "") == text  # no question: the passage whole
    assert trimmed("One. Two.", "one") == "One. Two."  # short passages are never cut


async def test_a_topic_the_classifier_was_unsure_of_is_answered_from_the_article(monkeypatch, dispatcher, domain, passages):
    from actions.fallback import ActionFallback

    use_searcher(monkeypatch, FakeSearcher(result=Answer(hits=(Hit(passages[0], 0.8),), score=0.8)))
    await ActionFallback().run(dispatcher, make_tracker(domain, intent="nlu_fallback", text="RICE"), domain)
    assert "answer" in merged_custom(dispatcher)


async def test_what_the_search_declines_too_is_not_understood(monkeypatch, dispatcher, domain):
    from actions.fallback import ActionFallback

    use_searcher(monkeypatch, FakeSearcher(result=None))
    await ActionFallback().run(dispatcher, make_tracker(domain, intent="nlu_fallback", text="blorp"), domain)
    assert "didn't understand" in dispatcher.messages[0]["text"]
