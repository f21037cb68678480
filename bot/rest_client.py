"""A small client for the REST channel of docs/CONTRACT.md."""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field


@dataclass
class Turn:
    """What the bot sent back for one message."""

    status: int
    messages: list = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(m.get("text", "") for m in self.messages if isinstance(m, dict))

    @property
    def custom(self) -> dict:
        """All custom objects of the turn, merged, as the contract tells clients to."""
        merged: dict = {}
        for message in self.messages:
            merged.update(message.get("custom") or {})
        return merged


def _messages(body: bytes) -> list:
    """The reply's JSON as a list of messages; a body that is not JSON (a
    proxy's error page, a server's plain-text 500) becomes one error message."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return [{"error": body.decode("utf-8", "replace")[:500]}]
    return parsed if isinstance(parsed, list) else [parsed]


class RestClient:
    def __init__(self, url: str, timeout: float = 60, token: str | None = None):
        self.url = url.rstrip("/")
        self.timeout = timeout
        # The bot's own tools (chat, eval, bench, conversation tests) send the
        # REST token the server was started with, when there is one.
        self.token = os.environ.get("BOT_REST_TOKEN", "") if token is None else token

    def post_raw(self, body: bytes) -> Turn:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(f"{self.url}/webhooks/rest/webhook", data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:
                return Turn(reply.status, _messages(reply.read()))
        except urllib.error.HTTPError as error:
            return Turn(error.code, _messages(error.read() or b"{}"))

    def say(self, sender: str, message: str, local_time: str | None = None) -> Turn:
        """One turn: POST the message, return the bot's messages. `local_time`
        (ISO 8601) is the runner's clock, sent as the message's metadata."""
        body: dict = {"sender": sender, "message": message}
        if local_time:
            body["metadata"] = {"local_time": local_time}
        return self.post_raw(json.dumps(body).encode())
