"""What the four messaging platform channels share: the output channel that
renders each bot message for its platform, one turn with a reply the runner
always gets, the buttons last offered, and the outgoing API call.

Outgoing calls use aiohttp directly (not the platforms' SDKs, which Rasa's
Messenger and Twilio connectors call synchronously, blocking the server's
event loop), against a base URL from the credentials, so tests can point
them at a local fake platform.
"""
from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Optional

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

import bot.rasa_speedups  # noqa: F401  (patches Rasa once the server loads its channels)
from bot.channels.failed_turn import undo_failed_turn
from bot.channels.render import Platform, Reply, render_message
from bot.safety import EMPTY_MESSAGE_REPLY, MAX_MESSAGE_CHARS, SAFE_REPLY, TOO_LONG_REPLY
from bot.forget import FLOW
from bot.privacy import CONFIRM_BUTTONS

logger = logging.getLogger(__name__)

API_TIMEOUT = aiohttp.ClientTimeout(total=15)


class PlatformOutput(OutputChannel):
    """Sends each bot message as the platform's Replies (render.py decides how it looks)."""

    def __init__(self, spec: Platform) -> None:
        super().__init__()
        self.spec = spec
        self.sent = 0  # replies the platform accepted this turn
        self.failed = 0  # replies it refused: the runner may have missed advice

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        recipient_id = platform_sender(recipient_id)
        for reply in render_message(message, self.spec_for(recipient_id)):
            if await self.deliver(recipient_id, reply):
                self.sent += 1
            else:
                self.failed += 1

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text})

    def spec_for(self, recipient_id: str) -> Platform:
        return self.spec

    async def deliver(self, recipient_id: str, reply: Reply) -> bool:
        """Send one reply; True when the platform accepted it."""
        raise NotImplementedError


# Channels whose conversation ids carry their name: see conversation_id.
PLATFORM_CHANNELS = ("telegram", "slack", "facebook", "twilio")


def conversation_id(channel: str, sender: str) -> str:
    """The conversation (tracker) id of a platform's sender: "twilio:+447700900123".

    A phone number, a Telegram chat id or a Slack user id is easy to guess; with
    the channel's name in front, ids of different channels never meet, and the
    REST channel, which refuses these prefixes, cannot post into a runner's SMS
    or Telegram conversation."""
    return f"{channel}:{sender}"


def platform_sender(conversation: str) -> str:
    """The platform's own id back from a conversation id ("whatsapp:+44..." keeps its own prefix)."""
    channel, _, sender = conversation.partition(":")
    return sender if channel in PLATFORM_CHANNELS and sender else conversation


async def call_api(method: str, url: str, **kwargs: Any) -> Optional[dict]:
    """One call to a platform's API; a failure is logged, never raised, so one
    lost reply does not abort the rest of the turn."""
    try:
        async with aiohttp.ClientSession(timeout=API_TIMEOUT) as session:
            async with session.request(method, url, **kwargs) as reply:
                body = await reply.json(content_type=None) if reply.content_length != 0 else {}
                if reply.status >= 400:
                    logger.error("%s %s answered %s: %s", method, _without_secrets(url), reply.status, body)
                    return None
                return body if isinstance(body, dict) else {"result": body}
    except (aiohttp.ClientError, TimeoutError, ValueError) as error:
        logger.error("%s %s failed: %r", method, _without_secrets(url), error)
        return None


def _without_secrets(url: str) -> str:
    # Telegram puts the bot token in the path, Messenger the page token in the query.
    return url.split("?")[0].split("/bot")[0]


async def run_turn(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    output: PlatformOutput,
    sender: str,
    text: str,
    channel: str,
    metadata: Optional[dict] = None,
    app: Any = None,
) -> None:
    """One turn of the conversation; the runner always gets an answer: a prompt
    for an empty message, SAFE_REPLY (with the emergency advice) when the turn
    failed, or when a reply of the turn did not reach the runner (a refused
    emergency card must not leave them with nothing). A turn in which the bot
    said nothing is undone (failed_turn.py; `app` is the Rasa server's)."""
    if not text.strip():
        await output.send_response(sender, {"text": EMPTY_MESSAGE_REPLY})
        return
    if len(text) > MAX_MESSAGE_CHARS:
        await output.send_response(sender, {"text": TOO_LONG_REPLY})
        return
    message = UserMessage(text, output, conversation_id(channel, sender), input_channel=channel, metadata=metadata)
    try:
        await on_new_message(message)
    except Exception:  # the runner gets SAFE_REPLY; the log gets the cause
        logger.exception("Turn failed on %s", channel)  # no sender id: a phone number or an account
    if output.sent == 0 and output.failed == 0:
        await undo_failed_turn(app, message.sender_id, message.message_id)
    if output.sent == 0 or output.failed:
        await output.send_response(sender, {"text": SAFE_REPLY})


async def offered_buttons(request: Request, channel: str, sender: str, latest_turn_only: bool = True) -> list[dict]:
    """Buttons the bot sent this sender: those of its latest message with buttons
    in the latest turn (what a numbered answer refers to), or all it ever sent,
    newest first (what an old Telegram keyboard may still press).

    Read from the tracker, not from memory: the tracker is the conversation's
    record, so a numbered answer still works after a restart or on another
    worker, and the channel keeps no state per runner.
    The one exception: while "delete this conversation?" waits for its answer,
    its two buttons are on offer (bot/forget.py keeps that question out of the record).
    """
    if FLOW.waiting(conversation_id(channel, sender)):
        return [dict(button) for button in CONFIRM_BUTTONS]
    agent = getattr(request.app.ctx, "agent", None)
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return []
    try:
        tracker = await store.retrieve(conversation_id(channel, sender))
    except Exception:  # a numbered answer then goes through as typed
        logger.exception("Could not read a conversation")
        return []
    buttons: list[dict] = []
    bot_said = False  # in the turn being read
    for event in reversed(list(tracker.events) if tracker else []):
        if isinstance(event, UserUttered) and latest_turn_only:
            if bot_said:
                break
            # The bot said nothing to that message: the turn failed and was
            # undone (failed_turn.py), so the buttons before it still stand.
            continue
        if isinstance(event, BotUttered):
            bot_said = True
            buttons += [b for b in (event.data or {}).get("buttons") or [] if "title" in b and "payload" in b]
            if buttons and latest_turn_only:
                break
    return buttons


def refused(reason: str, status: int = 403) -> HTTPResponse:
    """A request that failed the platform's check: refused, and no conversation sees it."""
    logger.warning("Refused a webhook request: %s", reason)
    return response.json({"error": reason}, status=status)


def read_json(request: Request) -> Optional[dict]:
    try:
        body = request.json
    except Exception:  # sanic raises on a malformed body
        return None
    return body if isinstance(body, dict) else None
