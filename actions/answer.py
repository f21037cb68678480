"""Answers from the article, quoted with their section and references."""
from __future__ import annotations

import gc
import json
import logging
import os
import re
from functools import lru_cache
from typing import List, Optional, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType

from actions.tracker_facts import latest_entities
from triage.phrasing import asks_something

logger = logging.getLogger(__name__)

# Parts quoted from different sections, at most; and the sentences kept of a long passage.
MAX_PARTS, MAX_SENTENCES = 3, 2
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
WORD = re.compile(r"[a-z]{4,}")


def trimmed(text: str, question: str) -> str:
    """A passage of more than MAX_SENTENCES sentences cut to those that share
    the most words (their first five letters: "stretches" meets "stretching")
    with the question, in the passage's order; the passage whole when no
    sentence shares a word, or when there is no question (a "More on" button)."""
    sentences = SENTENCE_END.split(text)
    asked = {w[:5] for w in WORD.findall(question.lower())}
    if len(sentences) <= MAX_SENTENCES or not asked:
        return text
    shared = [len(asked & {w[:5] for w in WORD.findall(s.lower())}) for s in sentences]
    if not any(shared):
        return text
    best = sorted(sorted(range(len(sentences)), key=lambda i: -shared[i])[:MAX_SENTENCES])
    return " ".join(("… " if i and i - 1 not in best else "") + sentences[i] for i in best)


NO_ANSWER = (
    "The article I answer from doesn't cover that, so I'd rather not guess. "
    "I can answer questions about sore legs after running (causes, prevention, "
    "recovery, red flags), or check your own leg pain if you tell me what hurts."
)
# A question the article does not answer, asked in the middle of the
# assessment ("why does that matter?", "what about my blisters?"): the
# questions go on, so say what they are for rather than offer to check the pain.
NO_ANSWER_MID_ASSESSMENT = (
    "I can't answer that from the article. Each of my questions helps me judge how urgent your pain is, "
    "so let's finish them first."
)
IN_GENERAL = "In general, the article says this. Your own pain comes next: I'll ask a few questions."
SEARCH_DOWN = (
    "Sorry, I can't search the article right now. If you tell me what hurts, "
    "I can still check your leg pain."
)


@lru_cache(maxsize=1)
def searcher():
    from knowledge.search import Searcher

    return Searcher.load()


def answer_text(answer, question: str = "") -> str:
    """The best passage, quoted under its section, with its references as links;
    and when the cited passages come from other sections too (a question that
    spans them: "how do I recover faster after a hard week?"), one short part
    from each, three at most. Long passages are cut to the sentences that answer."""
    parts, seen = [], set()
    for hit in answer.hits:
        if hit.passage.section not in seen:
            seen.add(hit.passage.section)
            parts.append(hit.passage)
    lines = []
    for number, passage in enumerate(parts[:MAX_PARTS]):
        lead = "From the article, under" if number == 0 else "And under"
        lines += [f"{lead} **{passage.section}**:", f"> {trimmed(passage.text, question)}"]
        if passage.references:
            links = ", ".join(f"[{ref.label}]({ref.url})" for ref in passage.references)
            lines.append(f"Sources: {links}")
    return "\n\n".join(lines)


def more_on_buttons(answer) -> list[dict]:
    """"More on: <section>" for the related sections; pressing one answers from it."""
    return [{"title": f"More on: {heading}", "payload": "/ask_question" + json.dumps({"section": heading})}
            for heading in answer.related]


def _searched(dispatcher, search) -> tuple[bool, object]:
    """(True, the search's result), or (False, None) once the runner has been
    told that search is down: they hear it, never silence."""
    try:
        return True, search()
    except Exception:
        logger.exception("Article search failed")
        dispatcher.utter_message(text=SEARCH_DOWN)
        return False, None


def _not_discussed(question: str) -> str | None:
    """What the question names that the article does not discuss ("ibuprofen"), if anything."""
    from knowledge.search import not_discussed

    return not_discussed(question)


def reply(dispatcher, answer, question: str, lead: str = "", not_discussed: str | None = None) -> None:
    """The answer, after `lead` if any. When the question names something the
    article does not discuss, it says so first ("The article doesn't discuss
    ibuprofen ...") and the payload carries `not_discussed`, so a client can
    show it as a decline with a pointer rather than as an answer."""
    payload = answer.payload()
    if not_discussed:
        lead = f"The article doesn't discuss {not_discussed}. Here is the nearest thing it does cover."
        payload["answer"]["not_discussed"] = not_discussed
    text = answer_text(answer, question)
    dispatcher.utter_message(text=f"{lead}\n\n{text}" if lead else text, json_message=payload,
                             buttons=more_on_buttons(answer))


def answer_if_found(dispatcher, question: str) -> bool:
    """Reply with the article's answer if the search finds one; True if it did.
    A search that fails says so, and counts as a reply."""
    found, answer = _searched(dispatcher, lambda: searcher().answer(question))
    if found and answer is not None:
        reply(dispatcher, answer, question, not_discussed=_not_discussed(question))
    return not found or answer is not None


class ActionAnswerQuestion(Action):
    """Questions, and anything the classifier called out of scope that asks
    something: the article search, with its own decline logic, decides
    whether the article answers it (the classifier alone never declines a
    question the article covers)."""

    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        question = tracker.latest_message.get("text") or ""
        pressed = latest_entities(tracker, "section")
        if pressed:
            return self._more_on(dispatcher, str(pressed[-1]["value"]))
        chit_chat = (tracker.latest_message.get("intent") or {}).get("name") == "out_of_scope"
        if chit_chat and not asks_something(question):
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        found, answer = _searched(dispatcher, lambda: searcher().answer(question))
        if not found:
            return []
        pending = tracker.get_slot("requested_slot") if tracker.active_loop_name else None
        if answer is None and chit_chat:
            # What the classifier called out of scope and the search cannot
            # answer either: the plain "I can only help with leg pain" reply.
            dispatcher.utter_message(response="utter_out_of_scope")
        elif answer is None and pending:
            # "everywhere basically" answers the pending question: the form
            # takes it, and a decline would only confuse.
            if not _answers_the_pending_question(tracker, pending, question):
                dispatcher.utter_message(text=NO_ANSWER_MID_ASSESSMENT, json_message={"no_answer": True})
        elif answer is None:
            dispatcher.utter_message(text=NO_ANSWER, json_message={"no_answer": True})
        else:
            reply(dispatcher, answer, question, not_discussed=_not_discussed(question))
        return []

    def _more_on(self, dispatcher, heading: str) -> List[EventType]:
        found, answer = _searched(dispatcher, lambda: searcher().section_answer(heading))
        if not found:
            return []
        if answer is None:  # an old button, or a typed payload
            dispatcher.utter_message(text=NO_ANSWER, json_message={"no_answer": True})
        else:
            reply(dispatcher, answer, "")
        return []


def _answers_the_pending_question(tracker, pending: str, text: str) -> bool:
    from actions.readers import reply_as_answer  # it builds on this module's searcher

    return bool(latest_entities(tracker, pending)) or reply_as_answer(pending, text) is not None


def answer_what_the_report_asks(dispatcher, text: str) -> None:
    """A report that also asks ("my legs are wrecked after parkrun, is that
    normal?") gets the article's answer before the assessment's first question,
    when the article answers it confidently; otherwise the assessment alone."""
    if not asks_something(text):
        return
    try:
        answer = searcher().answer(text)
    except Exception:  # the assessment goes on; the log gets the cause
        logger.exception("Article search failed")
        return
    if answer is not None:
        # Said first, so a general "soreness is normal" is not read as the
        # verdict on this runner's own pain, which the questions then check.
        reply(dispatcher, answer, text, lead=IN_GENERAL)


def warm_up() -> Optional[str]:
    """Load the index and model when the action server starts, not on the first question."""
    try:
        searcher().answer("warm up")
        from actions.readers import answer_reader

        answer_reader()
    except Exception as error:  # reported, and retried on the first question
        logger.warning("Article search not ready: %s", error)
        searcher.cache_clear()
        return str(error)
    return None


# The action server sets this, so the first runner's question is fast; tests
# and tools that merely import this module load nothing.
if os.environ.get("ACTIONS_WARM_UP") == "1":
    warm_up()
    # Start-up objects (torch, the model, the index) to the collector's permanent
    # generation, so that full collections stay short (see bot/channels/rest.py).
    gc.freeze()
