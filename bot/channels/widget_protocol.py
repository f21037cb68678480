"""What the web widget and its channel say to each other: pure, no Rasa, no sockets.

The widget sends only what the runner typed (or the payload of the button
they chose), its session id and a random id for each message, so that a
message resent after a dropped connection is recognised and run once. The
server sends bot messages in one shape, live and in the history it replays
when a page (re)connects.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping, NamedTuple, Optional
from urllib.parse import urlsplit

from bot.safety import EMPTY_MESSAGE_REPLY, MAX_MESSAGE_CHARS

MAX_HISTORY_MESSAGES = 300
# 128 random bits as 32 hex digits: the widget makes them with crypto.getRandomValues.
# A short or guessable id ("me", "1") is refused: whoever knows a session id
# can read that conversation's history.
_RANDOM_ID = re.compile(r"[0-9a-f]{32}")
ORIGINS_VARIABLE = "WIDGET_ALLOWED_ORIGINS"
SESSION_DAYS_VARIABLE = "WIDGET_SESSION_IDLE_DAYS"
DEFAULT_SESSION_IDLE_DAYS = 30.0


def session_idle_s(value: Optional[str]) -> float:
    """`WIDGET_SESSION_IDLE_DAYS` in seconds (30 days when unset)."""
    days = float(value) if value else DEFAULT_SESSION_IDLE_DAYS
    if days <= 0:
        raise ValueError(f"{SESSION_DAYS_VARIABLE} must be a number of days above 0, not {value!r}.")
    return days * 86400


def session_expired(events: Iterable[Mapping[str, Any]], now: float, idle_s: float) -> bool:
    """Whether a session's last event is older than the idle time: then its id
    no longer opens the conversation (a shared or lost computer's old chat
    stays closed), and the page gets a new session."""
    latest = max((e.get("timestamp") or 0.0 for e in events), default=None)
    return latest is not None and now - latest > idle_s


def is_random_id(value: Any) -> bool:
    """32 hex digits that look random: a real one uses nearly all 16 digits
    (fewer than 8 has a chance below 1e-9), while a chosen one ("000...0",
    "abab...") uses few; such an id is replaced, not trusted."""
    return isinstance(value, str) and _RANDOM_ID.fullmatch(value) is not None and len(set(value)) >= 8


def parse_origins(value: Optional[str]) -> list[str]:
    """`WIDGET_ALLOWED_ORIGINS`: origins separated by commas or spaces, as a browser
    writes them (scheme://host[:port], no path). A malformed entry is an error
    naming it, not an origin that silently never matches."""
    origins = []
    for entry in re.split(r"[,\s]+", value or ""):
        if not entry:
            continue
        origin = entry.rstrip("/")
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query:
            raise ValueError(
                f"{ORIGINS_VARIABLE}: {entry!r} is not an origin; write it as scheme://host[:port], "
                "for example https://www.example.org or http://localhost:8000."
            )
        origins.append(origin.lower())
    return origins


def own_origins(host: str, port: int) -> list[str]:
    """The origins of the demo page that the bot's own server serves."""
    names = ["127.0.0.1", "localhost"]
    if host and host not in names and host not in ("0.0.0.0", "::"):
        names.append(host)
    return [f"http://{name}:{port}" for name in names]


class TurnRequest(NamedTuple):
    text: str
    message_id: str
    local_time: Optional[str] = None  # the runner's clock, ISO 8601 (docs/CONTRACT.md)


class Refusal(NamedTuple):
    error: str


def read_user_message(data: Any, session_id: Optional[str]) -> TurnRequest | Refusal:
    """A runner's message as the widget sends it, or why it cannot be run."""
    if session_id is None:
        return Refusal("No session yet: send session_request first.")
    if not isinstance(data, Mapping):
        return Refusal('A message must be an object: {"message", "session_id", "message_id"}.')
    if data.get("session_id") != session_id:
        return Refusal("This message belongs to another session than this connection's.")
    text, message_id = data.get("message"), data.get("message_id")
    if not is_random_id(message_id):
        return Refusal('"message_id" must be 32 random hex digits.')
    if not isinstance(text, str):
        return Refusal('"message" must be text.')
    if not text.strip():
        return Refusal(EMPTY_MESSAGE_REPLY)
    if len(text) > MAX_MESSAGE_CHARS:
        return Refusal(f"That message is too long: at most {MAX_MESSAGE_CHARS:,} characters, please shorten it.")
    local_time = data.get("local_time")
    # Only a short string is passed on; the NLU reads it or ignores it (bot/nlu/local_time.py).
    return TurnRequest(text, message_id, local_time if isinstance(local_time, str) and len(local_time) <= 40 else None)


def bot_message(message: Mapping[str, Any], timestamp: float) -> dict:
    """One bot message as the widget reads it: text, buttons, custom, timestamp."""
    buttons = [
        {"title": str(button.get("title", "")), "payload": str(button.get("payload", ""))}
        for button in message.get("buttons") or message.get("quick_replies") or []
        if isinstance(button, Mapping)
    ]
    custom = message.get("custom")
    return {
        "sender": "bot",
        "text": message.get("text") or "",
        "buttons": buttons,
        "custom": custom if isinstance(custom, Mapping) else None,
        "timestamp": timestamp,
    }


def user_message(text: str, message_id: Optional[str], timestamp: float, last_buttons: Iterable[Mapping]) -> dict:
    """One runner message; a button's payload is shown as the button's title."""
    shown = next((b["title"] for b in last_buttons if b.get("payload") == text), text)
    return {"sender": "user", "text": shown, "message_id": message_id, "timestamp": timestamp}


def history(events: Iterable[Mapping[str, Any]]) -> list[dict]:
    """The runner-visible conversation from tracker events (as dicts), oldest first."""
    messages: list[dict] = []
    last_buttons: list[dict] = []
    for event in events:
        kind, timestamp = event.get("event"), event.get("timestamp") or 0.0
        if kind == "user" and event.get("text") is not None:
            messages.append(user_message(event["text"], event.get("message_id"), timestamp, last_buttons))
        elif kind == "bot":
            message = bot_message({**(event.get("data") or {}), "text": event.get("text")}, timestamp)
            last_buttons = message["buttons"] or last_buttons
            messages.append(message)
    return messages[-MAX_HISTORY_MESSAGES:]


def last_bot_buttons(events: Iterable[Mapping[str, Any]]) -> list[dict]:
    """The buttons of the latest bot message that had any (what a payload answers)."""
    buttons: list[dict] = []
    for event in events:
        if event.get("event") == "bot":
            buttons = bot_message({**(event.get("data") or {}), "text": event.get("text")}, 0)["buttons"] or buttons
    return buttons


def was_processed(events: Iterable[Mapping[str, Any]], message_id: str) -> bool:
    """Whether the tracker already holds this runner message (a resend after a drop)."""
    return any(e.get("event") == "user" and e.get("message_id") == message_id for e in events)
