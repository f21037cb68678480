"""Answers from the article, quoted with their section and references."""
from __future__ import annotations

import gc
import logging
import os
from functools import lru_cache
from typing import List, Optional, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType

from triage.phrasing import asks_something

logger = logging.getLogger(__name__)

NO_ANSWER = (
    "The article I answer from doesn't cover that, so I'd rather not guess. "
    "I can answer questions about sore legs after running (causes, prevention, "
    "recovery, red flags), or check your own leg pain if you tell me what hurts."
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


def answer_text(answer) -> str:
    """The best passage, quoted under its section, with its references as links."""
    best = answer.hits[0].passage
    lines = [f"From the article, under **{best.section}**:", f"> {best.text}"]
    if best.references:
        links = ", ".join(f"[{ref.label}]({ref.url})" for ref in best.references)
        lines.append(f"Sources: {links}")
    return "\n\n".join(lines)


class ActionAnswerQuestion(Action):
    """Questions, and anything the classifier called out of scope that asks
    something: the article search, with its own decline logic, decides
    whether the article answers it (the classifier alone never declines a
    question the article covers)."""

    def name(self) -> Text:
        return "action_answer_question"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        question = tracker.latest_message.get("text") or ""
        chit_chat = (tracker.latest_message.get("intent") or {}).get("name") == "out_of_scope"
        if chit_chat and not asks_something(question):
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        try:
            answer = searcher().answer(question)
        except Exception:  # the runner hears that search is down, never silence
            logger.exception("Article search failed")
            dispatcher.utter_message(text=SEARCH_DOWN)
            return []
        if answer is None and chit_chat:
            # What the classifier called out of scope and the search cannot
            # answer either: the plain "I can only help with leg pain" reply.
            dispatcher.utter_message(response="utter_out_of_scope")
        elif answer is None:
            dispatcher.utter_message(text=NO_ANSWER, json_message={"no_answer": True})
        else:
            dispatcher.utter_message(text=answer_text(answer), json_message=answer.payload())
        return []


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
        text = f"{IN_GENERAL}\n\n{answer_text(answer)}"
        dispatcher.utter_message(text=text, json_message=answer.payload())


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
