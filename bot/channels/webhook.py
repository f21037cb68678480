"""The one flow of every messaging platform's webhook.

    POST /webhooks/<platform>/webhook
      -> why_refused: is the request really from the platform? (refused if not)
      -> messages_in: the runner messages in it (or the answer to give instead)
      -> de-duplicate: a delivery the platform repeats is answered once
      -> handle_message: one turn per new message
      -> acknowledgement: what the platform expects back

Each platform (slack.py, messenger.py, telegram.py, twilio.py) says only how
it checks, reads, handles and acknowledges; the rest is here. (The names
keep clear of Rasa's connectors' own attributes: Telegram's has `verify`.) The platforms
keep Rasa's connectors as their base for credentials and helpers.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, NamedTuple, Optional, Union

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.messaging import refused

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


class Incoming(NamedTuple):
    """One runner message read from a webhook request."""

    delivery: Optional[str]  # the platform's id of this delivery; None: cannot be told apart
    sender: str
    text: str
    extra: Any = None  # what else the platform's handler needs (a button press id, a reply address)


class PlatformWebhook:
    """Mixed into each platform's channel (before Rasa's connector) to own its webhook."""

    deliveries: Any  # the channel's delivery log (deliveries.py)
    refusal_status = 403  # what a request that fails the check gets

    def why_refused(self, request: Request) -> Optional[str]:
        """Why the request is refused, or None when it is the platform's."""
        raise NotImplementedError

    def messages_in(self, request: Request) -> Union[list[Incoming], HTTPResponse]:
        """The runner messages in the request, or the response to give instead."""
        raise NotImplementedError

    async def handle_message(self, request: Request, incoming: Incoming, on_new_message: OnNewMessage) -> None:
        """One turn for a new message."""
        raise NotImplementedError

    def acknowledgement(self, handled: int, repeated: int) -> HTTPResponse:
        """The answer the platform expects once the messages are handled (or skipped as repeats)."""
        return response.json({"status": "ok"})

    def add_routes(self, webhook: Blueprint) -> None:
        """Routes or listeners a platform needs beyond the shared ones."""

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        webhook = Blueprint(f"project_{self.name()}_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            problem = self.why_refused(request)
            if problem is not None:
                return refused(problem, status=self.refusal_status)
            messages = self.messages_in(request)
            if isinstance(messages, HTTPResponse):
                return messages
            fresh = [m for m in messages if self.deliveries.first_time(m.delivery)]
            for message in fresh:
                await self.handle_message(request, message, on_new_message)
            return self.acknowledgement(len(fresh), len(messages) - len(fresh))

        self.add_routes(webhook)
        return webhook
