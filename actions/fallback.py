"""When the bot did not understand: say so, and offer what it can do."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType

from bot.safety import EMERGENCY_ADVICE, EMPTY_MESSAGE_REPLY
from triage.phrasing import asks_something


class ActionFallback(Action):
    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        text = (tracker.latest_message.get("text") or "").strip()
        if not text:
            reply = EMPTY_MESSAGE_REPLY
        elif self._answered_from_the_article(dispatcher, tracker, text):
            return []
        else:
            reply = (
                "Sorry, I didn't understand that. I can check your leg pain (tell me what hurts), "
                "or answer questions about sore legs after running. I only understand English for now."
            )
        dispatcher.utter_message(text=reply + "\n\n" + EMERGENCY_ADVICE)
        return []

    @staticmethod
    def _answered_from_the_article(dispatcher, tracker, text: str) -> bool:
        """'RICE', 'shin splints??': a topic or question the classifier was
        unsure of. The article search decides, as for any question; only what
        it declines is "not understood". (Not mid-assessment: there a reply is
        read as the pending question's answer first.)"""
        from actions.answer import answer_if_found  # the search's model loads once, in that module

        return tracker.active_loop_name is None and asks_something(text) and answer_if_found(dispatcher, text)
