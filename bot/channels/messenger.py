"""Facebook Messenger: Rasa's connector with requests refused (403) when the
app-secret signature fails, repeated deliveries answered once, every event
of a batch handled, and buttons as quick replies.

Webhook: GET (verification) and POST /webhooks/facebook/webhook.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from rasa.core.channels.channel import InputChannel
from rasa.core.channels.facebook import FacebookInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.messaging import PlatformOutput, call_api, offered_buttons, read_json, refused, run_turn
from bot.channels.render import Reply, platform, resolve_choice
from bot.channels.deliveries import open_delivery_log
from bot.channels.security import messenger_signature_valid, same_secret
from bot.channels.webhook import Incoming, PlatformWebhook

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://graph.facebook.com/v18.0"


class MessengerOutput(PlatformOutput):
    @classmethod
    def name(cls) -> str:
        return "facebook"

    def __init__(self, page_access_token: str, api_url: str) -> None:
        super().__init__(platform("messenger"))
        self.token, self.api_url = page_access_token, api_url.rstrip("/")

    async def deliver(self, recipient_id: str, reply: Reply) -> bool:
        message: dict[str, Any] = {"text": reply.text}
        if reply.buttons:
            message["quick_replies"] = [
                {"content_type": "text", "title": b.title, "payload": b.value} for b in reply.buttons
            ]
        body = {"recipient": {"id": recipient_id}, "messaging_type": "RESPONSE", "message": message}
        return await call_api("POST", f"{self.api_url}/me/messages", params={"access_token": self.token}, json=body) is not None


class MessengerChannel(PlatformWebhook, FacebookInput):
    @classmethod
    def name(cls) -> str:
        return "facebook"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials["verify"], credentials["secret"], credentials["page-access-token"])
        channel.api_url = credentials.get("api_url") or DEFAULT_API_URL
        return channel

    def __init__(self, fb_verify: str, fb_secret: str, fb_access_token: str) -> None:
        super().__init__(fb_verify, fb_secret, fb_access_token)
        self.api_url = DEFAULT_API_URL
        self.deliveries = open_delivery_log("messenger")

    def get_output_channel(self) -> MessengerOutput:
        return MessengerOutput(self.fb_access_token, self.api_url)

    def add_routes(self, webhook: Blueprint) -> None:
        @webhook.route("/webhook", methods=["GET"])
        async def subscribe(request: Request) -> HTTPResponse:
            # Meta's subscription check: echo the challenge when the verify token matches.
            if request.args.get("hub.mode") == "subscribe" and same_secret(self.fb_verify, request.args.get("hub.verify_token") or ""):
                return response.text(request.args.get("hub.challenge") or "")
            return refused("wrong hub.verify_token")

    def why_refused(self, request: Request) -> Optional[str]:
        if messenger_signature_valid(self.fb_secret, request.body, dict(request.headers)):
            return None
        return "missing or wrong X-Hub-Signature"

    def messages_in(self, request: Request):
        body = read_json(request)
        if body is None or not isinstance(body.get("entry"), list):
            return response.json({"error": "The body must be a Messenger webhook event with entry[]."}, status=400)
        # Echoes, deliveries, reads and attachments are seen too (and answered by nothing).
        return [Incoming(delivery_id(event), *(read_event(event) or ("", "", False))) for event in messaging_events(body)]

    def acknowledgement(self, handled: int, repeated: int) -> HTTPResponse:
        return response.text("EVENT_RECEIVED")

    async def handle_message(self, request: Request, incoming: Incoming, on_new_message) -> None:
        if not incoming.sender:
            return
        sender, text, pressed = incoming.sender, incoming.text, incoming.extra
        output = self.get_output_channel()
        if not pressed:  # typed: maybe a number from the list, or a button's words
            text = resolve_choice(text, await offered_buttons(request, self.name(), sender), output.spec) or text
        await run_turn(on_new_message, output, sender, text, self.name(), app=request.app)


def messaging_events(body: dict) -> list[dict]:
    """The runner events of a webhook body; anything not shaped as Meta sends it is skipped."""
    entries = [entry for entry in body["entry"] if isinstance(entry, dict)]
    return [event for entry in entries if isinstance(entry.get("messaging"), list)
            for event in entry["messaging"] if isinstance(event, dict)]


def delivery_id(event: dict) -> Optional[str]:
    message = event.get("message") or event.get("postback") or {}
    if message.get("mid"):
        return f"mid:{message['mid']}"
    sender, timestamp = (event.get("sender") or {}).get("id"), event.get("timestamp")
    return f"at:{sender}:{timestamp}" if sender and timestamp else None


def read_event(event: dict) -> Optional[tuple[str, str, bool]]:
    """(sender id, text, pressed a button?) of a runner's message, or None."""
    sender = (event.get("sender") or {}).get("id")
    message, postback = event.get("message"), event.get("postback")
    if not sender:
        return None
    if isinstance(postback, dict) and postback.get("payload"):
        return str(sender), str(postback["payload"]), True
    if not isinstance(message, dict) or message.get("is_echo"):
        return None
    if (message.get("quick_reply") or {}).get("payload"):
        return str(sender), str(message["quick_reply"]["payload"]), True
    if isinstance(message.get("text"), str):
        return str(sender), message["text"], False
    return None
