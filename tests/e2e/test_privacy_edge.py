"""Privacy and the locked edge, against a live bot of its own (ports 6205/6255)
with a REST token, a trusted local proxy and a low rate limit: the forget flow
empties the events table, the edge refuses what it must, and the logs hold no
message text and no sender id."""
from __future__ import annotations

import json
import time
import sqlite3
import stat
import urllib.error
import urllib.request
import uuid

import pytest

from bot.servers import running_bot
from bot.settings import isolated_settings

TOKEN = "t0ken-" + uuid.uuid4().hex
SECRET_TEXT = "my calves ache after my long run along the zanzibar canal"  # a phrase to look for in the logs


@pytest.fixture(scope="module")
def bot(trained, tmp_path_factory):
    settings = isolated_settings(tmp_path_factory.mktemp("privacy"), 6205, 6255)
    env = {"BOT_REST_TOKEN": TOKEN, "TRUSTED_PROXIES": "127.0.0.1", "RATE_LIMIT_PER_MINUTE": "6"}
    with running_bot(settings, extra_env=env):
        yield settings


def post(settings, body, token=TOKEN, headers=None):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(f"{settings.rasa_url}/webhooks/rest/webhook", data=raw, headers={
        "Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as reply:
            return reply.status, json.loads(reply.read()), dict(reply.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), dict(error.headers)


def say(settings, sender, text):
    status, messages, _ = post(settings, {"sender": sender, "message": text})
    assert status == 200, messages
    custom = {k: v for m in messages for k, v in (m.get("custom") or {}).items()}
    return messages, custom


def rows(settings, sender):
    with sqlite3.connect(settings.tracker_db) as connection:
        return connection.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]


def new_sender():
    return "privacy-" + uuid.uuid4().hex[:16]


def test_the_token_is_needed(bot):
    from bot.rest_client import RestClient

    assert post(bot, {"sender": new_sender(), "message": "hi"}, token=None)[0] == 401
    assert post(bot, {"sender": new_sender(), "message": "hi"}, token="wrong")[0] == 401
    assert post(bot, {"sender": new_sender(), "message": "hi"})[0] == 200
    assert RestClient(bot.rasa_url, token=TOKEN).say(new_sender(), "hi").status == 200  # the bot's own tools


def test_forget_me_with_buttons_deletes_every_event(bot):
    sender, other = new_sender(), new_sender()
    say(bot, other, "hi")
    say(bot, sender, SECRET_TEXT)
    assert rows(bot, sender) > 0
    messages, _ = say(bot, sender, "Please delete my data")
    buttons = [b for m in messages for b in m.get("buttons") or []]
    assert [b["title"] for b in buttons] == ["Yes, delete it", "No, keep it"]
    assert rows(bot, sender) > 0  # nothing goes before the yes
    _, custom = say(bot, sender, buttons[0]["payload"])
    assert custom.get("forgotten") is True
    assert rows(bot, sender) == 0
    assert rows(bot, other) > 0
    # the conversation starts afresh: the bot still answers
    messages, _ = say(bot, sender, "hi")
    assert messages and messages[0].get("text")


def test_typed_yes_forgets_and_no_keeps(bot):
    sender = new_sender()
    say(bot, sender, SECRET_TEXT)
    say(bot, sender, "forget me")
    messages, custom = say(bot, sender, "no")
    assert "forgotten" not in custom and rows(bot, sender) > 0
    say(bot, sender, "forget me")
    _, custom = say(bot, sender, "yes")
    assert custom.get("forgotten") is True and rows(bot, sender) == 0


def test_oversized_and_deep_bodies_are_refused_cleanly(bot):
    assert post(bot, json.dumps({"sender": "x", "message": "a", "pad": "b" * 70_000}).encode())[0] == 413
    assert post(bot, b"[" * 10_000 + b"]" * 10_000)[0] == 400


def test_a_proxied_client_is_rate_limited_but_loopback_is_not(bot):
    sender = new_sender()
    answers = [post(bot, {"sender": sender, "message": "hi"}, headers={"X-Forwarded-For": "203.0.113.7"})
               for _ in range(4)]
    assert answers[0][0] == 200
    limited = [a for a in answers if a[0] == 429]
    assert limited and int(limited[0][2]["Retry-After"]) >= 1
    assert all(post(bot, {"sender": new_sender(), "message": "hi"})[0] == 200 for _ in range(5))


def test_logs_hold_no_text_or_sender_and_files_are_owner_only(bot):
    sender = new_sender()
    say(bot, sender, SECRET_TEXT)
    say(bot, sender, "it came on the next morning")
    logs = sorted(bot.log_dir.glob("*.log"))
    assert logs
    text = "\n".join(path.read_text(encoding="utf-8", errors="replace") for path in logs)
    assert "zanzibar" not in text.lower()
    assert "next morning" not in text
    assert "privacy-" not in text  # no sender id of any test here
    for path in [*logs, bot.tracker_db, bot.credentials_path]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


# --- The widget's socket.io channel: the same forget flow, a rate limit, sessions that expire


class Widget:
    def __init__(self, settings, forwarded_for=None):
        import socketio

        self.bot_messages: list = []
        self.confirmed: list = []
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("bot_uttered", lambda data: self.bot_messages.append(data))
        self.sio.on("session_confirm", lambda data: self.confirmed.append(data))
        headers = {"Origin": settings.rasa_url, **({"X-Forwarded-For": forwarded_for} if forwarded_for else {})}
        self.sio.connect(settings.rasa_url, transports=["polling"], headers=headers)

    def session(self, requested):
        self.confirmed.clear()
        self.sio.emit("session_request", {"session_id": requested})
        for _ in range(200):
            if self.confirmed:
                return self.confirmed[0]
            time.sleep(0.05)
        raise AssertionError("no session_confirm")

    def say(self, session_id, text):
        return self.sio.call("user_uttered", {"message": text, "session_id": session_id,
                                              "message_id": uuid.uuid4().hex}, timeout=30)


@pytest.fixture
def widget(bot):
    clients = []

    def connect(**kwargs):
        clients.append(Widget(bot, **kwargs))
        return clients[-1]

    yield connect
    for client in clients:
        client.sio.disconnect()


def test_the_widgets_clear_control_runs_the_forget_flow(bot, widget):
    client = widget()
    session = client.session(uuid.uuid4().hex)
    assert client.say(session, SECRET_TEXT)["status"] == "ok"
    assert rows(bot, session) > 0
    assert client.say(session, "/forget")["status"] == "ok"  # what "Clear conversation" sends
    buttons = client.bot_messages[-1]["buttons"]
    assert [b["title"] for b in buttons] == ["Yes, delete it", "No, keep it"]
    assert client.say(session, buttons[0]["payload"])["status"] == "ok"
    assert any((m.get("custom") or {}).get("forgotten") for m in client.bot_messages[-2:])
    assert rows(bot, session) == 0


def test_a_widget_behind_the_proxy_is_rate_limited(bot, widget):
    client = widget(forwarded_for="203.0.113.9")
    session = client.session(uuid.uuid4().hex)
    acks = [client.say(session, "hi") for _ in range(4)]
    assert acks[0]["status"] == "ok"
    limited = [ack for ack in acks if ack["status"] == "rate_limited"]
    assert limited and limited[0]["retry_after"] >= 1


def test_an_idle_widget_session_expires(bot, widget):
    client = widget()
    session = client.session(uuid.uuid4().hex)
    client.say(session, "hi")
    assert client.session(session) == session  # fresh: the same conversation
    with sqlite3.connect(bot.tracker_db) as connection:  # as if the last message were 31 days old
        connection.execute("UPDATE events SET timestamp = timestamp - 2678400, data = json_set(data, '$.timestamp', "
                           "json_extract(data, '$.timestamp') - 2678400) WHERE sender_id = ?", (session,))
    assert client.session(session) != session
