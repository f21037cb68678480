"""The widget channel's rules: the pure protocol, then a socket.io client against the live bot."""
from __future__ import annotations

import time
import uuid

import pytest
import socketio

from bot.channels.widget_protocol import (
    MAX_MESSAGE_CHARS,
    Refusal,
    TurnRequest,
    history,
    is_random_id,
    own_origins,
    parse_origins,
    read_user_message,
    was_processed,
)
from bot.safety import EMPTY_MESSAGE_REPLY

SESSION = "0123456789abcdef0123456789abcdef"
MESSAGE_ID = "fedcba9876543210fedcba9876543210"


def test_origins_are_read_from_the_setting_and_a_malformed_one_is_named():
    assert parse_origins(" https://www.Example.org/, http://localhost:8000 ") == ["https://www.example.org", "http://localhost:8000"]
    assert parse_origins("") == []
    with pytest.raises(ValueError, match="example.org/chat"):
        parse_origins("https://example.org/chat")
    with pytest.raises(ValueError, match="WIDGET_ALLOWED_ORIGINS"):
        parse_origins("example.org")


def test_the_bots_own_origins_follow_its_port():
    assert own_origins("127.0.0.1", 5605) == ["http://127.0.0.1:5605", "http://localhost:5605"]
    assert own_origins("0.0.0.0", 80) == ["http://127.0.0.1:80", "http://localhost:80"]


def test_only_long_random_ids_are_session_and_message_ids():
    assert is_random_id(uuid.uuid4().hex)
    assert all(is_random_id(uuid.uuid4().hex) for _ in range(1000))
    for guessable in ("me", "1", "0" * 31, "0" * 32, "ab" * 16, SESSION.upper(), None, 123):
        assert not is_random_id(guessable)


def test_a_runner_message_is_read_or_refused_with_a_reason():
    good = {"message": "my calf hurts", "session_id": SESSION, "message_id": MESSAGE_ID}
    assert read_user_message(good, SESSION) == TurnRequest("my calf hurts", MESSAGE_ID)
    assert "another session" in read_user_message({**good, "session_id": MESSAGE_ID}, SESSION).error
    assert "message_id" in read_user_message({**good, "message_id": "1"}, SESSION).error
    assert read_user_message({**good, "message": "  "}, SESSION) == Refusal(EMPTY_MESSAGE_REPLY)
    assert "too long" in read_user_message({**good, "message": "x" * (MAX_MESSAGE_CHARS + 1)}, SESSION).error
    assert isinstance(read_user_message("text", SESSION), Refusal)
    # The runner's clock is passed on when it is a short string, and dropped otherwise.
    timed = {**good, "local_time": "2026-12-05T17:04:09+01:00"}
    assert read_user_message(timed, SESSION).local_time == "2026-12-05T17:04:09+01:00"
    assert read_user_message({**good, "local_time": "x" * 500}, SESSION).local_time is None
    assert read_user_message({**good, "local_time": 17}, SESSION).local_time is None


def test_history_shows_button_titles_and_merges_nothing_it_should_not():
    buttons = [{"title": "Calf", "payload": '/inform{"location": "calf"}'}]
    events = [
        {"event": "action", "name": "action_listen", "timestamp": 1},
        {"event": "user", "text": "hi", "message_id": MESSAGE_ID, "timestamp": 2},
        {"event": "bot", "text": "Where does it hurt?", "data": {"buttons": buttons, "custom": {"ask": "location"}}, "timestamp": 3},
        {"event": "user", "text": '/inform{"location": "calf"}', "message_id": SESSION, "timestamp": 4},
        {"event": "slot", "name": "location", "value": "calf", "timestamp": 5},
    ]
    shown = history(events)
    assert [(m["sender"], m["text"]) for m in shown] == [("user", "hi"), ("bot", "Where does it hurt?"), ("user", "Calf")]
    assert shown[1]["buttons"] == buttons and shown[1]["custom"] == {"ask": "location"}
    assert was_processed(events, SESSION) and not was_processed(events, "f" * 32)


class SocketClient:
    """A socket.io client of the widget channel, recording what the server sends it."""

    def __init__(self, url: str, origin: str):
        self.events: list[tuple[str, object]] = []
        self.sio = socketio.Client(reconnection=False)
        for name in ("session_confirm", "history", "bot_uttered", "user_echo", "bot_typing"):
            self.sio.on(name, lambda data=None, name=name: self.events.append((name, data)))
        self.sio.connect(url, transports=["polling"], headers={"Origin": origin})

    def session(self, requested) -> str:
        self.sio.emit("session_request", {"session_id": requested})
        return self.wait_for("session_confirm")

    def wait_for(self, name: str, timeout: float = 10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event, data in self.events:
                if event == name:
                    return data
            time.sleep(0.05)
        raise AssertionError(f"No {name} from the server; got {self.events}")

    def say(self, text: str, session_id: str, message_id: str | None = None) -> dict:
        message = {"message": text, "session_id": session_id, "message_id": message_id or uuid.uuid4().hex}
        return self.sio.call("user_uttered", message, timeout=30)


@pytest.fixture
def socket_client(widget_bot):
    clients = []

    def connect() -> SocketClient:
        clients.append(SocketClient(widget_bot.url, widget_bot.url))
        return clients[-1]

    yield connect
    for client in clients:
        client.sio.disconnect()


def test_a_guessable_session_id_is_replaced_by_a_random_one(socket_client):
    client = socket_client()
    given = client.session("me")
    assert given != "me" and is_random_id(given)


def test_a_message_sent_twice_is_run_once_and_other_sessions_are_refused(socket_client):
    client = socket_client()
    session_id = client.session(uuid.uuid4().hex)
    message_id = uuid.uuid4().hex

    assert client.say("my shins hurt after running", session_id, message_id)["status"] == "ok"
    assert client.say("my shins hurt after running", session_id, message_id)["status"] == "duplicate"
    assert client.say("hello", uuid.uuid4().hex)["status"] == "refused"
    too_long = client.say("x" * (MAX_MESSAGE_CHARS + 1), session_id)
    assert too_long["status"] == "refused" and "too long" in too_long["error"]

    later = socket_client()
    later.session(session_id)
    replayed = later.wait_for("history")["messages"]
    assert [m["text"] for m in replayed if m["sender"] == "user"] == ["my shins hurt after running"]
    assert any(m["sender"] == "bot" and m["buttons"] for m in replayed)


def test_a_message_before_the_session_is_asked_to_retry(socket_client):
    client = socket_client()
    assert client.say("hello", uuid.uuid4().hex)["status"] == "retry"


def test_a_session_expires_after_its_idle_time():
    from bot.channels.widget_protocol import session_expired, session_idle_s

    assert session_idle_s(None) == 30 * 86400
    assert session_idle_s("2") == 2 * 86400
    with pytest.raises(ValueError, match="WIDGET_SESSION_IDLE_DAYS"):
        session_idle_s("0")
    events = [{"event": "user", "timestamp": 100.0}, {"event": "bot", "timestamp": 200.0}]
    assert not session_expired(events, now=250.0, idle_s=60)
    assert session_expired(events, now=261.0, idle_s=60)
    assert not session_expired([], now=1e9, idle_s=60)  # a new session has nothing to expire
