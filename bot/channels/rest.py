"""The REST channel of docs/CONTRACT.md, strict about requests and never silent.

Rasa's own RestInput answers a malformed body with a server error and a turn
whose actions failed (the action server is down) with an empty list. Here a
malformed request gets a 400 that says what is wrong, and a turn that
produced nothing gets a plain apology that still carries the emergency advice
(and leaves the conversation where it was: bot/channels/failed_turn.py).

It also serves the Rasa server's health endpoints: GET /webhooks/rest/
(liveness: the server answers) and GET /webhooks/rest/ready (readiness: a
model is loaded; 503 until then). Rasa's own /status would need the whole
HTTP API turned on (--enable-api), which exposes every conversation to
anyone who can reach the port unless a token is set.
"""
from __future__ import annotations

import gc
import logging
import os
import time
from typing import Any, Awaitable, Callable, Dict, List, NamedTuple, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

import bot.forget  # noqa: F401  ("delete my data" on every channel: wraps Agent.handle_message)
import bot.rasa_tracker_store  # noqa: F401  (a database outage fails the turn: bot/rasa_tracker_store.py)
import bot.rasa_speedups  # noqa: F401  (patches Rasa once the server loads its channels)
from bot.channels.edge import MAX_BODY_BYTES, MAX_JSON_DEPTH, TOKEN_VARIABLE, EdgeLimits, bearer_ok, parse_json
from bot.channels.failed_turn import undo_failed_turn
from bot.channels.messaging import PLATFORM_CHANNELS
from bot.safety import EMPTY_MESSAGE_REPLY, MAX_MESSAGE_CHARS, SAFE_REPLY

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128


class SafeRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def __init__(self) -> None:
        # Read at start, like every channel's settings (README, "Configuration").
        self.token = os.environ.get(TOKEN_VARIABLE, "")
        self.limits = EdgeLimits.from_env()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("safe_rest_webhook", __name__)
        webhook.listener("after_server_start")(freeze_start_up_objects)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                return response.json({"status": "loading", "model": None}, status=503)
            return response.json({"status": "ready", "model": agent.model_id})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not bearer_ok(self.token, request.headers.get("authorization")):
                return response.json({"error": f"Send 'Authorization: Bearer <{TOKEN_VARIABLE}>'."}, status=401,
                                     headers={"WWW-Authenticate": "Bearer"})
            body, problem = parse_turn(request.body)
            if problem:
                return response.json({"error": problem.message}, status=problem.status)
            sender, text = body["sender"], body["message"]
            wait = self.limits.retry_after(sender, request.ip, request.headers.get("x-forwarded-for"), time.monotonic())
            if wait is not None:
                return response.json({"error": f"Too many messages: try again in {wait} s."}, status=429,
                                     headers={"Retry-After": str(wait)})
            if not text.strip():
                return response.json([{"recipient_id": sender, "text": EMPTY_MESSAGE_REPLY}])
            messages = await self._run_turn(request.app, on_new_message, sender, text, body.get("metadata"))
            return response.json(messages or [{"recipient_id": sender, "text": SAFE_REPLY}])

        return webhook

    async def _run_turn(self, app, on_new_message, sender: str, text: str, metadata) -> List[Dict]:
        collector = CollectingOutputChannel()
        message = UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
        try:
            await on_new_message(message)
        except Exception:  # the runner gets SAFE_REPLY; the log gets the cause
            logger.exception("A REST turn failed")  # no sender id or text in the logs (README, "Privacy")
            # Replies of a turn whose events were not stored (the conversation
            # database failed at the end) would describe a conversation that
            # did not happen: the runner gets the safe reply instead.
            collector.messages.clear()
        if not collector.messages:
            await undo_failed_turn(app, sender, message.message_id)
        return collector.messages


class RequestProblem(NamedTuple):
    status: int
    message: str


def parse_turn(raw: bytes) -> tuple[Optional[dict], Optional[RequestProblem]]:
    """The request body as {"sender", "message"}, or what is wrong with it."""
    if len(raw or b"") > MAX_BODY_BYTES:
        return None, RequestProblem(413, f"The body is too large: at most {MAX_BODY_BYTES // 1024} KB.")
    try:
        body = parse_json(raw)
    except ValueError:
        return None, RequestProblem(400, 'The body must be JSON: {"sender": "<conversation id>", "message": "<text>"}, '
                                         f"nested at most {MAX_JSON_DEPTH} levels.")
    if not isinstance(body, dict):
        return None, RequestProblem(400, 'The body must be a JSON object with "sender" and "message".')
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        return None, RequestProblem(400, f'"sender" must be a non-empty string of at most {MAX_SENDER_CHARS} characters.')
    if sender.partition(":")[0] in PLATFORM_CHANNELS:
        # Those conversations belong to runners on a messaging platform (messaging.conversation_id).
        return None, RequestProblem(400, f'"sender" must not start with "{sender.partition(":")[0]}:", kept for that platform.')
    if not isinstance(message, str):
        return None, RequestProblem(400, '"message" must be a string.')
    if len(message) > MAX_MESSAGE_CHARS:
        return None, RequestProblem(413, f'"message" is too long: at most {MAX_MESSAGE_CHARS} characters.')
    return body, None


async def freeze_start_up_objects(app, loop) -> None:
    """Once the model is loaded, move everything alive to the collector's
    permanent generation. A full collection otherwise walks TensorFlow's and
    Rasa's millions of start-up objects: about 400 ms, once every few dozen
    turns, measured here as the slowest turn (the p99)."""
    gc.freeze()
