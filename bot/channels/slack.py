"""Slack: Rasa's connector with requests refused (401) when the signing-secret
signature fails, Slack's retries answered once, and replies as mrkdwn with
Block Kit buttons.

Webhook (Event Subscriptions and Interactivity): POST /webhooks/slack/webhook.
Slack needs an answer within 3 seconds, so the turn runs after the 200, as
in Rasa's connector.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Optional

from rasa.core.channels.channel import InputChannel
from rasa.core.channels.slack import SlackInput
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.messaging import PlatformOutput, call_api, read_json, refused, run_turn
from bot.channels.render import Reply, platform
from bot.channels.deliveries import open_delivery_log
from bot.channels.security import slack_signature_valid
from bot.channels.webhook import Incoming, PlatformWebhook

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api"


class SlackOutput(PlatformOutput):
    @classmethod
    def name(cls) -> str:
        return "slack"

    def __init__(self, token: str, api_url: str, channel: Optional[str], thread_ts: Optional[str]) -> None:
        super().__init__(platform("slack"))
        self.token, self.api_url, self.channel, self.thread_ts = token, api_url.rstrip("/"), channel, thread_ts

    async def deliver(self, recipient_id: str, reply: Reply) -> bool:
        body: dict[str, Any] = {"channel": self.channel or recipient_id, "text": reply.text}
        if self.thread_ts:
            body["thread_ts"] = self.thread_ts
        if reply.buttons:
            body["blocks"] = [
                {"type": "section", "text": {"type": "mrkdwn", "text": reply.text}},
                {"type": "actions", "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": b.title}, "value": b.value,
                     "action_id": f"choice_{n}"}
                    for n, b in enumerate(reply.buttons, 1)
                ]},
            ]
        answer = await call_api("POST", f"{self.api_url}/chat.postMessage", json=body,
                                headers={"Authorization": f"Bearer {self.token}"})
        if answer is not None and not answer.get("ok", False):
            logger.error("Slack refused a message: %s", answer.get("error"))
        return bool(answer and answer.get("ok", False))


class SlackChannel(PlatformWebhook, SlackInput):
    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(
            credentials["slack_token"],
            slack_channel=credentials.get("slack_channel"),
            slack_signing_secret=credentials["slack_signing_secret"],
            use_threads=str(credentials.get("use_threads", "")).lower() in {"1", "true", "yes"},
        )
        channel.api_url = credentials.get("api_url") or DEFAULT_API_URL
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.api_url = DEFAULT_API_URL
        self.deliveries = open_delivery_log("slack")

    def get_output_channel(self, channel: Optional[str] = None, thread_id: Optional[str] = None) -> SlackOutput:
        return SlackOutput(self.slack_token, self.api_url, channel or self.slack_channel, thread_id)

    refusal_status = 401

    def why_refused(self, request: Request) -> Optional[str]:
        headers = request.headers
        if slack_signature_valid(self.slack_signing_secret, request.body,
                                 headers.get("X-Slack-Request-Timestamp"), headers.get("X-Slack-Signature")):
            return None
        return "missing, stale or wrong X-Slack-Signature"

    def messages_in(self, request: Request):
        incoming = self._read(request)
        if isinstance(incoming, HTTPResponse):
            return incoming
        delivery_id, text, sender, metadata = incoming
        return [Incoming(delivery_id, sender, text, metadata)]

    def acknowledgement(self, handled: int, repeated: int) -> HTTPResponse:
        if repeated and not handled:
            # Slack retries when the first answer was slow; that one is already being answered.
            return response.text("", headers={"X-Slack-No-Retry": "1"})
        return response.text("")

    async def handle_message(self, request: Request, incoming: Incoming, on_new_message) -> None:
        # Slack needs its answer within 3 seconds: the turn runs after it.
        self._start_turn(request.app, on_new_message, incoming.text, incoming.sender, incoming.extra)

    def _read(self, request: Request):
        """(delivery id, text, conversation id, metadata), or the response to give instead."""
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return self._read_interaction(request)
        event_body = read_json(request)
        if event_body is None:
            return response.json({"error": "The body must be a Slack event (JSON) or interaction (form)."}, status=400)
        if event_body.get("type") == "url_verification":
            return response.json({"challenge": event_body.get("challenge")})
        metadata = event_metadata(event_body)
        event = event_body.get("event") or {}
        if not (self._is_user_message(event_body) and event.get("user") and self._is_supported_channel(event_body, metadata)):
            return response.text("not a message for the bot")
        sender = self._get_conversation_id(event.get("user"), metadata.get("out_channel"), metadata.get("thread_id"))
        text = unescape(self._sanitize_user_message(event.get("text", ""), metadata.get("users")))
        delivery = event_body.get("event_id") or event.get("client_msg_id")
        return (f"event:{delivery}" if delivery else None), text, sender, metadata

    def _read_interaction(self, request: Request):
        try:
            payload = json.loads(request.form.get("payload") or "")
        except ValueError:
            return response.json({"error": "The form's payload must be JSON."}, status=400)
        if not isinstance(payload, dict) or not self._is_interactive_message(payload) \
                or not (payload.get("user") or {}).get("id"):
            return response.text("not a button press")
        text = self._get_interactive_response(payload["actions"][0])
        if text is None:
            return response.text("a link button")
        metadata = interaction_metadata(payload)
        sender = self._get_conversation_id(payload["user"]["id"], metadata.get("out_channel"), metadata.get("thread_id"))
        press = payload["actions"][0].get("action_ts") or payload.get("trigger_id")
        return (f"press:{payload['user']['id']}:{press}" if press else None), text, sender, metadata

    def _start_turn(self, app, on_new_message, text: str, sender: str, metadata: dict) -> None:
        thread = metadata.get("thread_id") if self.use_threads else None
        output = self.get_output_channel(metadata.get("out_channel"), thread)
        task = asyncio.create_task(run_turn(on_new_message, output, sender, text, self.name(), metadata, app=app))
        # Keep a reference until done, or the task may be garbage-collected mid-turn.
        self._background_tasks.add(task)
        task.add_done_callback(self._background_tasks.discard)


# Rasa's get_metadata, read from the parsed body, so a content type with a
# charset (application/json; charset=utf-8) is read too.
def event_metadata(body: dict) -> dict:
    event = body.get("event") or {}
    users = body.get("authed_users") or [a.get("user_id") for a in (body.get("authorizations") or [])[:1]]
    return {"out_channel": event.get("channel"), "thread_id": event.get("thread_ts", event.get("ts")), "users": users}


def unescape(text: str) -> str:
    """Slack sends &, < and > in a runner's words as entities."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def interaction_metadata(payload: dict) -> dict:
    message = payload.get("message") or {}
    user = (payload.get("user") or {}).get("id")
    return {"out_channel": (payload.get("channel") or {}).get("id"),
            "thread_id": message.get("thread_ts", message.get("ts")), "users": [user] if user else []}
