"""SMS and WhatsApp through Twilio: Rasa's connector with the X-Twilio-Signature
check it lacks (403 when it fails), repeated deliveries answered once, and
buttons as a numbered list the runner answers with the number or the words.

Webhook (the number's "A message comes in"): POST /webhooks/twilio/webhook.
Twilio signs the public URL it calls; behind a proxy that is not the URL the
bot sees, so set TWILIO_WEBHOOK_URL to exactly the URL given to Twilio.
Replies go out through Twilio's Messages API from the number the runner
wrote to (a `whatsapp:` address for WhatsApp).
"""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any, Optional

import aiohttp
from rasa.core.channels.channel import InputChannel
from rasa.core.channels.twilio import TwilioInput
from sanic import response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.config import sms_limit
from bot.channels.messaging import PlatformOutput, call_api, offered_buttons, refused, run_turn
from bot.channels.render import Platform, Reply, platform, resolve_choice
from bot.channels.deliveries import open_delivery_log
from bot.channels.security import twilio_signature_valid
from bot.channels.webhook import Incoming, PlatformWebhook

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.twilio.com"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def spec_for_address(address: str, sms_max_chars: Optional[int] = None) -> Platform:
    if address.startswith("whatsapp:"):
        return platform("whatsapp")
    sms = platform("sms")
    # Twilio accepts 1600 characters but advises 320 or fewer for reliable SMS delivery.
    return replace(sms, message_chars=min(sms_max_chars, sms.message_chars)) if sms_max_chars else sms


class TwilioOutput(PlatformOutput):
    @classmethod
    def name(cls) -> str:
        return "twilio"

    def __init__(self, account_sid: str, auth_token: str, sender_number: str, api_url: str,
                 sms_max_chars: Optional[int] = None) -> None:
        super().__init__(platform("sms"))
        self.account_sid, self.auth_token, self.sender_number = account_sid, auth_token, sender_number
        self.sms_max_chars = sms_max_chars
        self.url = f"{api_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"

    def spec_for(self, recipient_id: str) -> Platform:
        return spec_for_address(recipient_id, self.sms_max_chars)

    async def deliver(self, recipient_id: str, reply: Reply) -> bool:
        form = {"To": recipient_id, "From": self.sender_number, "Body": reply.text}
        return await call_api("POST", self.url, data=form, auth=aiohttp.BasicAuth(self.account_sid, self.auth_token)) is not None


class TwilioChannel(PlatformWebhook, TwilioInput):
    @classmethod
    def name(cls) -> str:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        channel = cls(credentials["account_sid"], credentials["auth_token"], credentials["twilio_number"], debug_mode=False)
        channel.webhook_url = credentials.get("webhook_url")
        channel.api_url = credentials.get("api_url") or DEFAULT_API_URL
        channel.sms_max_chars = sms_limit(credentials.get("sms_max_chars"))
        return channel

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.webhook_url: Optional[str] = None
        self.api_url = DEFAULT_API_URL
        self.sms_max_chars: Optional[int] = None
        self.deliveries = open_delivery_log("twilio")

    def get_output_channel(self, sender_number: Optional[str] = None) -> TwilioOutput:
        return TwilioOutput(self.account_sid, self.auth_token, sender_number or self.twilio_number, self.api_url,
                            self.sms_max_chars)

    def why_refused(self, request: Request) -> Optional[str]:
        url = self.webhook_url or public_url(request)
        if twilio_signature_valid(self.auth_token, url, request.form, request.headers.get("X-Twilio-Signature")):
            return None
        return "missing or wrong X-Twilio-Signature"

    def messages_in(self, request: Request):
        form = request.form
        sender, text = form.get("From"), form.get("Body")
        if not sender or text is None:
            return response.json({"error": "A Twilio message needs From and Body."}, status=400)
        return [Incoming(form.get("MessageSid"), sender, text, form.get("To"))]

    def acknowledgement(self, handled: int, repeated: int) -> HTTPResponse:
        return response.text(EMPTY_TWIML, content_type="text/xml")

    async def handle_message(self, request: Request, incoming: Incoming, on_new_message) -> None:
        # Answer from the address the runner wrote to (incoming.extra): an SMS number, or whatsapp:+...
        output = self.get_output_channel(incoming.extra)
        sender = incoming.sender
        # Some carriers turn @ into ¡ (as Rasa's connector notes).
        text = incoming.text.replace("¡", "@")
        text = resolve_choice(text, await offered_buttons(request, self.name(), sender), output.spec_for(sender)) or text
        await run_turn(on_new_message, output, sender, text, self.name(), app=request.app)


def public_url(request: Request) -> str:
    return url_twilio_called(request.scheme, request.host, request.path, request.query_string, request.headers)


def url_twilio_called(scheme: str, host: str, path: str, query: str, headers) -> str:
    """The URL Twilio called, as far as the request tells: a proxy's
    X-Forwarded-Proto and X-Forwarded-Host win over what the bot saw."""
    scheme = headers.get("X-Forwarded-Proto") or scheme
    host = headers.get("X-Forwarded-Host") or host
    return f"{scheme}://{host}{path}" + (f"?{query}" if query else "")
