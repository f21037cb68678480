"""The right to be forgotten, as pure logic: no Rasa, no web framework.

A runner asks ("delete my data", "forget me", the widget's "Clear
conversation"), the bot asks for a confirmation with two buttons, and a yes
deletes every event of the conversation (bot/forget.py does the deleting).

The request is read by fixed phrases, not by the intent classifier: a
deletion must never hang on a statistical guess (a missed "forget me" keeps
data the runner asked to delete), and the phrases are checked before Rasa
sees the message, so it works in every state, in the middle of the questions
too, without rules for each state or a retrained model.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Optional

FORGET_PAYLOAD = "/forget"  # the widget's "Clear conversation" control sends it
CONFIRM_PAYLOAD = "/forget_confirm"
CANCEL_PAYLOAD = "/forget_cancel"

CONFIRM_QUESTION = (
    "Do you want me to delete this whole conversation? Everything you told me here "
    "will be erased and cannot be brought back."
)
CONFIRM_BUTTONS = [
    {"title": "Yes, delete it", "payload": CONFIRM_PAYLOAD},
    {"title": "No, keep it", "payload": CANCEL_PAYLOAD},
]
FORGOTTEN_REPLY = "Done: I've deleted this conversation. Nothing you told me here is kept."
KEPT_REPLY = "OK, I've kept the conversation. Tell me what hurts, or ask me a question."
NOT_DELETED_REPLY = (
    "Sorry, I couldn't delete the conversation just now. Please try again in a minute."
)

# A typed "yes" counts only this long after the question (a button press always counts).
PENDING_TTL_S = 10 * 60
# A longer message is about something else ("I forgot to tell you, delete ...").
MAX_REQUEST_WORDS = 12

_DATA = r"(data|conversation|conversations|chat|chats|history|messages|details|info|information|records?|account|profile|everything)"
_REQUEST = re.compile(
    r"\b(delete|erase|remove|wipe|clear|purge)\b(\s+\w+){0,3}?\s+" + _DATA + r"\b"
    r"|\bforget\s+(me|about\s+me|all\s+about\s+me|(my|all\s+my|this)\s+" + _DATA + r"|everything|what\s+i\s+(said|told\s+you))\b"
    r"|\bright\s+to\s+be\s+forgotten\b"
)
_YES = {"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "yes please", "yes delete it", "delete it",
        "yes, delete it", "please delete it", "go ahead", "do it"}
_NO = {"no", "n", "nope", "nah", "no thanks", "no keep it", "no, keep it", "keep it", "don't", "dont", "cancel"}


def normalise(text: str) -> str:
    """Lower case, curly quotes made straight, punctuation at the ends and repeated spaces dropped."""
    text = text.lower().replace("\u2019", "'").strip()
    return re.sub(r"\s+", " ", text).strip(" .!?")


def asks_to_forget(text: str) -> bool:
    """Whether the message asks for the conversation to be deleted."""
    said = normalise(text)
    if said == FORGET_PAYLOAD:
        return True
    return len(said.split()) <= MAX_REQUEST_WORDS and _REQUEST.search(said) is not None


class Step(Enum):
    PASS = "pass"      # not about forgetting: Rasa handles it
    ASK = "ask"        # ask for the confirmation
    FORGET = "forget"  # delete, then say so with {"forgotten": true}
    KEEP = "keep"      # the runner said no


@dataclass
class ForgetFlow:
    """Which step a message is, per conversation. Only the pending
    confirmations are remembered, in memory: a restart forgets them, and then
    a typed "yes" goes to Rasa while a button press still deletes."""

    pending: dict[str, float] = field(default_factory=dict)
    ttl_s: float = PENDING_TTL_S

    def waiting(self, sender: str, now: Optional[float] = None) -> bool:
        """Whether the confirmation question is pending (its buttons are the ones on offer)."""
        asked_at = self.pending.get(sender)
        return asked_at is not None and (time.time() if now is None else now) - asked_at <= self.ttl_s

    def step(self, sender: str, text: Optional[str], now: Optional[float] = None) -> Step:
        now = time.time() if now is None else now
        said = normalise(text or "")
        asked_at = self.pending.pop(sender, None)
        waiting = asked_at is not None and now - asked_at <= self.ttl_s
        if said == CONFIRM_PAYLOAD or (waiting and said in _YES):
            return Step.FORGET
        if said == CANCEL_PAYLOAD or (waiting and said in _NO):
            return Step.KEEP
        if asks_to_forget(said):
            self.pending[sender] = now
            return Step.ASK
        return Step.PASS  # anything else drops the pending question: it was not answered


# --- Retention: conversations idle longer than this are deleted by `python -m bot forget`.

_AGE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([dhm]?)\s*")
_UNIT_S = {"d": 86400, "h": 3600, "m": 60, "": 86400}


def parse_age(value: str) -> float:
    """"30d", "12h", "90m" or a plain number of days, in seconds."""
    match = _AGE.fullmatch(value or "")
    if not match:
        raise ValueError(f"{value!r} is not an age: write it as 30d, 12h or 90m.")
    return float(match.group(1)) * _UNIT_S[match.group(2)]


def idle_conversations(last_seen: dict[str, float], now: float, max_idle_s: float) -> list[str]:
    """The conversations whose last event is older than max_idle_s."""
    return sorted(sender for sender, latest in last_seen.items() if now - latest > max_idle_s)
