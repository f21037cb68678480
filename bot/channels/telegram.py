"""Telegram: Rasa's connector with the secret-token check, repeated updates
answered once, and replies as HTML with inline keyboards.

Webhook: POST /webhooks/telegram/webhook. Telegram sends the secret given to
setWebhook in X-Telegram-Bot-Api-Secret-Token; a request without it is
refused (403). When TELEGRAM_WEBHOOK_URL is set, the bot registers that URL
(with the secret) at start; otherwise it leaves the registration alone.
"""
from __future__ import annotations

import logging
from typing import Any, Optional

from rasa.core.channels.channel import InputChannel
from rasa.core.channels.telegram import TelegramInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.messaging import PlatformOutput, call_api, offered_buttons, read_json, refused, run_turn
from bot.channels.render import Reply, button_for_value, platform
from bot.channels.deliveries import open_delivery_log
from bot.channels.security import telegram_secret_valid
from bot.channels.webhook import Incoming, PlatformWebhook

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram's command when a runner opens the bot; Rasa would read "/start" as an intent.
COMMANDS = {"/start": "/greet"}


class TelegramOutput(PlatformOutput):
    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, access_token: str, api_url: str) -> None:
        super().__init__(platform("telegram"))
        self.base = f"{api_url.rstrip('/')}/bot{access_token}"

    async def deliver(self, recipient_id: str, reply: Reply) -> bool:
        body: dict[str, Any] = {
            "chat_id": recipient_id, "text": reply.text, "parse_mode": "HTML", "disable_web_page_preview": True,
        }
        if reply.buttons:
            # One button a row: the titles are whole phrases.
            body["reply_markup"] = {"inline_keyboard": [[{"text": b.title, "callback_data": b.value}] for b in reply.buttons]}
        return await call_api("POST", f"{self.base}/sendMessage", json=body) is not None

    async def answer_callback(self, callback_id: str) -> None:
        # Stops the spinner on the pressed button.
        await call_api("POST", f"{self.base}/answerCallbackQuery", json={"callback_query_id": callback_id})

    async def set_webhook(self, url: str, secret_token: str) -> bool:
        body = {"url": url, "secret_token": secret_token, "allowed_updates": ["message", "callback_query"]}
        return bool((await call_api("POST", f"{self.base}/setWebhook", json=body) or {}).get("ok"))


class TelegramChannel(PlatformWebhook, TelegramInput):
    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> InputChannel:
        if not credentials:
            cls.raise_missing_credentials_exception()
        return cls(
            credentials["access_token"],
            credentials["secret_token"],
            credentials.get("webhook_url"),
            credentials.get("api_url") or DEFAULT_API_URL,
        )

    def __init__(self, access_token: str, secret_token: str, webhook_url: Optional[str], api_url: str) -> None:
        super().__init__(access_token, verify=None, webhook_url=webhook_url, debug_mode=False)
        self.secret_token = secret_token
        self.api_url = api_url
        self.deliveries = open_delivery_log("telegram")

    def get_output_channel(self) -> TelegramOutput:
        # Rasa's version calls setWebhook synchronously here; this one registers at start (below).
        return TelegramOutput(self.access_token, self.api_url)

    def add_routes(self, webhook: Blueprint) -> None:
        @webhook.listener("after_server_start")
        async def register_webhook(app, loop) -> None:
            if not self.webhook_url:
                logger.info("TELEGRAM_WEBHOOK_URL not set: leaving Telegram's webhook registration as it is")
            elif await self.get_output_channel().set_webhook(self.webhook_url, self.secret_token):
                logger.info("Telegram webhook registered: %s", self.webhook_url)
            else:
                logger.error("Telegram refused the webhook %s; check TELEGRAM_TOKEN", self.webhook_url)

    def why_refused(self, request: Request) -> Optional[str]:
        if telegram_secret_valid(self.secret_token, request.headers.get(SECRET_HEADER)):
            return None
        return f"missing or wrong {SECRET_HEADER}"

    def messages_in(self, request: Request):
        update = read_json(request)
        if update is None:
            return response.json({"error": "The body must be a Telegram Update (a JSON object)."}, status=400)
        incoming = read_update(update)
        delivery = str(update.get("update_id", ""))
        if incoming is None:  # edits, stickers, joins: nothing to answer, but seen
            return [Incoming(delivery, "", "", None)]
        chat_id, text, callback_id = incoming
        return [Incoming(delivery, chat_id, text, callback_id)]

    def acknowledgement(self, handled: int, repeated: int) -> HTTPResponse:
        return response.json({"status": "already answered" if repeated else "ok"})

    async def handle_message(self, request: Request, incoming: Incoming, on_new_message) -> None:
        if not incoming.sender:
            return
        output = self.get_output_channel()
        chat_id, text, callback_id = incoming.sender, incoming.text, incoming.extra
        if callback_id:
            await output.answer_callback(callback_id)
            if text.startswith("#"):  # a digest of a payload too long for callback_data
                text = button_for_value(text, await offered_buttons(request, self.name(), chat_id, latest_turn_only=False), output.spec) or ""
        await run_turn(on_new_message, output, chat_id, COMMANDS.get(text.strip(), text), self.name(), app=request.app)


def read_update(update: dict) -> Optional[tuple[str, str, Optional[str]]]:
    """(chat id, text, callback query id or None) of a message or button press."""
    callback = update.get("callback_query")
    if isinstance(callback, dict):
        chat = ((callback.get("message") or {}).get("chat") or {}).get("id") or (callback.get("from") or {}).get("id")
        return (str(chat), str(callback.get("data") or ""), str(callback.get("id"))) if chat else None
    message = update.get("message")
    if isinstance(message, dict) and isinstance(message.get("text"), str):
        chat = (message.get("chat") or {}).get("id")
        return (str(chat), message["text"], None) if chat is not None else None
    return None
