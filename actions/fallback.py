"""When the bot did not understand: say so, and offer what it can do."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType

from bot.safety import EMERGENCY_ADVICE, EMPTY_MESSAGE_REPLY


class ActionFallback(Action):
    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        text = (tracker.latest_message.get("text") or "").strip()
        if not text:
            reply = EMPTY_MESSAGE_REPLY
        else:
            reply = (
                "Sorry, I didn't understand that. I can check your leg pain (tell me what hurts), "
                "or answer questions about sore legs after running. I only understand English for now."
            )
        dispatcher.utter_message(text=reply + "\n\n" + EMERGENCY_ADVICE)
        return []
