"""When the bot did not understand: say so, and offer what it can do."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Action
from rasa_sdk.events import EventType

EMERGENCY_LINE = "If you have chest pain, breathlessness, or a leg that is cold, pale or blue, call 999 / 112 / 911 now."


class ActionFallback(Action):
    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher, tracker, domain) -> List[EventType]:
        text = (tracker.latest_message.get("text") or "").strip()
        if not text:
            reply = "I didn't get any text. Tell me what hurts, or ask me a question about sore legs after running."
        else:
            reply = (
                "Sorry, I didn't understand that. I can check your leg pain (tell me what hurts), "
                "or answer questions about sore legs after running. I only understand English for now."
            )
        dispatcher.utter_message(text=reply + "\n\n" + EMERGENCY_LINE)
        return []
