"""Runners on each platform: they post the payloads the platform would post
(signed as it signs them) to the live bot's webhook, and read back what the
platform would show them, from the calls the bot made to the fake platform.
"""
from __future__ import annotations

import itertools
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

from bot.channels.security import messenger_signature, slack_signature, twilio_signature
from tests.channels.fake_platforms import FakePlatforms

SECRETS = {
    "TELEGRAM_TOKEN": "123456:fake-telegram-token",
    "TELEGRAM_SECRET_TOKEN": "telegram-secret-token",
    "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/webhooks/telegram/webhook",
    "SLACK_BOT_TOKEN": "xoxb-fake-slack-token",
    "SLACK_SIGNING_SECRET": "slack-signing-secret",
    "MESSENGER_PAGE_ACCESS_TOKEN": "fake-page-token",
    "MESSENGER_APP_SECRET": "messenger-app-secret",
    "MESSENGER_VERIFY_TOKEN": "messenger-verify",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "twilio-auth-token",
    "TWILIO_NUMBER": "+15550001111",
    # Twilio's advice for reliable SMS; long replies then arrive as several SMS.
    "TWILIO_SMS_MAX_CHARS": "320",
}
_ids = itertools.count(int(time.time()))


@dataclass
class Seen:
    """What the runner sees after one message: the bot's messages, in order."""

    status: int
    texts: list[str] = field(default_factory=list)
    buttons: list[tuple[str, str]] = field(default_factory=list)  # (title, value) of the last message with buttons

    @property
    def text(self) -> str:
        return "\n\n".join(self.texts)


def post(url: str, body: bytes, headers: dict) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status
    except urllib.error.HTTPError as error:
        return error.code


class Runner:
    platform = ""

    def __init__(self, bot_url: str, fake: FakePlatforms):
        self.bot_url, self.fake = bot_url, fake
        self.last: Seen | None = None
        self.wait = True  # wait for the bot's replies (off where none should come)

    def options(self) -> list[str]:
        """Titles the runner can pick from in the latest reply."""
        return [title for title, _ in self.last.buttons]

    def _replies(self, status: int, mark: int) -> Seen:
        calls = self.fake.wait_quiet(mark, self.platform, timeout=60) if status == 200 and self.wait else self.fake.since(mark, self.platform)
        self.last = self.read(status, calls)
        return self.last


class TelegramRunner(Runner):
    platform = "telegram"

    def __init__(self, bot_url, fake):
        super().__init__(bot_url, fake)
        self.chat_id = next(_ids)

    def send(self, update: dict, secret: str | None = SECRETS["TELEGRAM_SECRET_TOKEN"]) -> Seen:
        mark = self.fake.mark()
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        status = post(f"{self.bot_url}/webhooks/telegram/webhook", json.dumps(update).encode(), headers)
        return self._replies(status, mark)

    def message_update(self, text: str) -> dict:
        chat = {"id": self.chat_id, "first_name": "Runner", "type": "private"}
        return {"update_id": next(_ids), "message": {
            "message_id": next(_ids), "from": {"id": self.chat_id, "is_bot": False, "first_name": "Runner"},
            "chat": chat, "date": int(time.time()), "text": text}}

    def say(self, text: str, **kwargs) -> Seen:
        return self.send(self.message_update(text), **kwargs)

    def choose(self, title: str) -> Seen:
        value = dict(self.last.buttons)[title]
        return self.send({"update_id": next(_ids), "callback_query": {
            "id": str(next(_ids)), "from": {"id": self.chat_id, "is_bot": False, "first_name": "Runner"},
            "message": {"message_id": next(_ids), "chat": {"id": self.chat_id, "type": "private"}, "date": int(time.time()), "text": "..."},
            "chat_instance": "42", "data": value}})

    def read(self, status, calls) -> Seen:
        seen = Seen(status)
        for call in calls:
            if call.path.endswith("/sendMessage"):
                assert call.json["chat_id"] == str(self.chat_id)
                seen.texts.append(call.json["text"])
                keyboard = (call.json.get("reply_markup") or {}).get("inline_keyboard")
                if keyboard:
                    seen.buttons = [(b["text"], b["callback_data"]) for row in keyboard for b in row]
        return seen


class SlackRunner(Runner):
    platform = "slack"

    def __init__(self, bot_url, fake):
        super().__init__(bot_url, fake)
        self.user, self.channel = f"U{next(_ids)}", f"D{next(_ids)}"

    def send(self, body: bytes, content_type: str, secret: str = SECRETS["SLACK_SIGNING_SECRET"],
             extra_headers: dict | None = None) -> Seen:
        mark = self.fake.mark()
        timestamp = str(int(time.time()))
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": timestamp,
                   "X-Slack-Signature": slack_signature(secret, body, timestamp), **(extra_headers or {})}
        status = post(f"{self.bot_url}/webhooks/slack/webhook", body, headers)
        return self._replies(status, mark)

    def event(self, text: str, event_id: str | None = None, mention: bool = False) -> bytes:
        """A direct message, or with mention=True an @-mention in a channel."""
        ts = f"{time.time():.6f}"
        kind = {"type": "app_mention"} if mention else {"type": "message", "channel_type": "im"}
        return json.dumps({
            "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10]}", "event_time": int(time.time()),
            "authorizations": [{"user_id": "UBOT", "is_bot": True}],
            "event": {**kind, "user": self.user, "text": text, "ts": ts,
                      "event_ts": ts, "channel": self.channel, "client_msg_id": str(uuid.uuid4())},
        }).encode()

    def say(self, text: str, **kwargs) -> Seen:
        return self.send(self.event(text), "application/json", **kwargs)

    def choose(self, title: str) -> Seen:
        value = dict(self.last.buttons)[title]
        payload = {"type": "block_actions", "user": {"id": self.user}, "channel": {"id": self.channel},
                   "trigger_id": uuid.uuid4().hex, "message": {"ts": f"{time.time():.6f}"},
                   "actions": [{"type": "button", "value": value, "action_id": "choice", "action_ts": f"{time.time():.6f}"}]}
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        return self.send(body, "application/x-www-form-urlencoded")

    def read(self, status, calls) -> Seen:
        seen = Seen(status)
        for call in calls:
            if call.path.endswith("/chat.postMessage"):
                assert call.json["channel"] == self.channel
                assert call.headers["Authorization"] == f"Bearer {SECRETS['SLACK_BOT_TOKEN']}"
                seen.texts.append(call.json["text"])
                for block in call.json.get("blocks") or []:
                    if block["type"] == "actions":
                        seen.buttons = [(e["text"]["text"], e["value"]) for e in block["elements"]]
        return seen


class MessengerRunner(Runner):
    platform = "messenger"

    def __init__(self, bot_url, fake):
        super().__init__(bot_url, fake)
        self.psid = str(next(_ids))

    def send(self, events: list[dict], secret: str = SECRETS["MESSENGER_APP_SECRET"], algorithm: str = "sha1") -> Seen:
        mark = self.fake.mark()
        body = json.dumps({"object": "page", "entry": [
            {"id": "PAGE1", "time": int(time.time() * 1000), "messaging": events}]}).encode()
        header = "X-Hub-Signature-256" if algorithm == "sha256" else "X-Hub-Signature"
        headers = {"Content-Type": "application/json", header: messenger_signature(secret, body, algorithm)}
        status = post(f"{self.bot_url}/webhooks/facebook/webhook", body, headers)
        return self._replies(status, mark)

    def message_event(self, text: str, mid: str | None = None, quick_reply: str | None = None) -> dict:
        message = {"mid": mid or f"m_{uuid.uuid4().hex}", "text": text}
        if quick_reply:
            message["quick_reply"] = {"payload": quick_reply}
        return {"sender": {"id": self.psid}, "recipient": {"id": "PAGE1"},
                "timestamp": int(time.time() * 1000), "message": message}

    def say(self, text: str, **kwargs) -> Seen:
        return self.send([self.message_event(text)], **kwargs)

    def choose(self, title: str) -> Seen:
        if title in dict(self.last.buttons):
            return self.send([self.message_event(title, quick_reply=dict(self.last.buttons)[title])])
        return self.choose_listed(title)  # not among the quick replies: type its number

    def options(self) -> list[str]:
        # A numbered list in the text when the choices do not fit as quick replies.
        listed = numbered_options(self.last.texts[-1]) if self.last.texts else []
        return listed or super().options()

    def choose_listed(self, title: str) -> Seen:
        return self.say(str(numbered_options(self.last.texts[-1]).index(title) + 1))

    def read(self, status, calls) -> Seen:
        seen = Seen(status)
        for call in calls:
            if call.path.endswith("/me/messages"):
                assert call.json["recipient"]["id"] == self.psid
                assert call.query["access_token"] == SECRETS["MESSENGER_PAGE_ACCESS_TOKEN"]
                seen.texts.append(call.json["message"]["text"])
                if call.json["message"].get("quick_replies"):
                    seen.buttons = [(q["title"], q["payload"]) for q in call.json["message"]["quick_replies"]]
        return seen


class TwilioRunner(Runner):
    """A runner texting by SMS, or by WhatsApp with whatsapp=True."""

    platform = "twilio"

    def __init__(self, bot_url, fake, whatsapp: bool = False):
        super().__init__(bot_url, fake)
        prefix = "whatsapp:" if whatsapp else ""
        self.number = f"{prefix}+4477{next(_ids) % 10**8:08d}"
        self.our_number = f"{prefix}{SECRETS['TWILIO_NUMBER']}"

    def form(self, text: str, sid: str | None = None) -> dict:
        sid = sid or f"SM{uuid.uuid4().hex}"
        return {"ToCountry": "US", "SmsMessageSid": sid, "NumMedia": "0", "SmsSid": sid, "SmsStatus": "received",
                "Body": text, "To": self.our_number, "NumSegments": "1", "MessageSid": sid,
                "AccountSid": SECRETS["TWILIO_ACCOUNT_SID"], "From": self.number, "ApiVersion": "2010-04-01"}

    def send(self, form: dict, token: str = SECRETS["TWILIO_AUTH_TOKEN"], url: str | None = None) -> Seen:
        """Signed as Twilio signs: the URL it calls (here the bot's own; behind a
        proxy the public one, given to the bot as TWILIO_WEBHOOK_URL) and the form."""
        url = url or f"{self.bot_url}/webhooks/twilio/webhook"
        mark = self.fake.mark()
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Twilio-Signature": twilio_signature(token, url, form)}
        status = post(f"{self.bot_url}/webhooks/twilio/webhook", urllib.parse.urlencode(form).encode(), headers)
        return self._replies(status, mark)

    def say(self, text: str, **kwargs) -> Seen:
        return self.send(self.form(text), **kwargs)

    def options(self) -> list[str]:
        # A long list may arrive over several SMS.
        return numbered_options("\n".join(self.last.texts))

    def choose(self, title: str) -> Seen:
        return self.say(str(self.options().index(title) + 1))

    def read(self, status, calls) -> Seen:
        seen = Seen(status)
        for call in calls:
            if call.path.endswith("/Messages.json"):
                assert call.form["To"] == self.number and call.form["From"] == self.our_number
                seen.texts.append(call.form["Body"])
        return seen


def numbered_options(text: str) -> list[str]:
    return [m.group(2) for m in re.finditer(r"^(\d+)\. (.+)$", text, re.M)]
