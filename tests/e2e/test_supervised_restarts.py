"""`python -m bot run`, the command `make run` starts, keeps the bot up.

One supervised bot for this file (ports 5905/5955, its conversations and logs
in a scratch folder, Telegram on against a local fake of its API). The tests
run in file order: the health endpoints are read, the action server is killed (kill -9) in the middle of an
assessment, then the Rasa server, then the supervisor is stopped with SIGTERM.

Bounds here are "it came back at all", not speed claims: a restart of the
Rasa server loads the model and MiniLM again (about 15-50 s on 2 cores).
"""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
import socketio

from bot.rest_client import RestClient
from bot.servers import answers
from bot.settings import ROOT, load_settings
from bot.training import prepare
from tests.channels.fake_platforms import FakePlatforms
from tests.channels.runners import SECRETS, TelegramRunner

RASA_PORT, ACTION_PORT = 5905, 5955
BOT_URL = f"http://127.0.0.1:{RASA_PORT}"
START_BOUND_S = 240
COMEBACK_BOUND_S = 180
TELEGRAM = {name: SECRETS[name] for name in ("TELEGRAM_TOKEN", "TELEGRAM_SECRET_TOKEN")}


class SupervisedBot:
    """`python -m bot run` in a process of its own; what it prints is kept, line by line."""

    def __init__(self, scratch: Path, extra_env: dict[str, str]):
        env = {**os.environ, "RASA_PORT": str(RASA_PORT), "ACTION_PORT": str(ACTION_PORT),
               "TRACKER_DB": str(scratch / "conversations.db"), "LOG_DIR": str(scratch / "log"),
               "VAR_DIR": str(scratch), **extra_env}
        self.process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, since: int = 0, timeout: float = COMEBACK_BOUND_S) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines[since:]:
                if re.search(pattern, line):
                    return line
            assert self.process.poll() is None, f"the supervisor exited: {self.lines}"
            time.sleep(0.2)
        raise AssertionError(f"no line matching {pattern!r} within {timeout} s; it said: {self.lines[since:]}")

    def server_pid(self, name: str) -> int:
        """The running action server ("actions") or Rasa server ("rasa"), started by the supervisor."""
        wanted = {"actions": ["-m", "rasa_sdk"], "rasa": ["-m", "rasa", "run"]}[name]
        return self.child_pid(lambda argv: any(argv[i:i + len(wanted)] == wanted for i in range(len(argv))), name)

    def child_pid(self, matches, what: str) -> int:
        """The supervisor's child whose command line (argv) `matches`."""
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout.split()
        for pid in map(int, children):
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")
            except FileNotFoundError:
                continue
            if matches(argv):
                return pid
        raise AssertionError(f"no {what} server among the supervisor's children {children}")

    def kill9(self, name: str) -> tuple[int, int]:
        """kill -9 a server; (its pid, the line number from which to read what followed)."""
        pid, mark = self.server_pid(name), len(self.lines)
        os.kill(pid, signal.SIGKILL)
        return pid, mark


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


@pytest.fixture(scope="module")
def fake_telegram():
    fake = FakePlatforms().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def supervised(tmp_path_factory, fake_telegram):
    prepare(load_settings())
    bot = SupervisedBot(tmp_path_factory.mktemp("supervised"), {**TELEGRAM, **fake_telegram.api_urls()})
    bot.wait_for(r"^Ready\.", timeout=START_BOUND_S)
    yield bot
    if bot.process.poll() is None:
        bot.process.send_signal(signal.SIGTERM)
        bot.process.wait(timeout=30)
    print("\n".join(["What the supervisor said:", *bot.lines]))  # restart times, with pytest -s


@pytest.fixture(scope="module")
def telegram(supervised, fake_telegram):
    return TelegramRunner(BOT_URL, fake_telegram)


def test_health_endpoints_say_live_and_ready(supervised):
    with urllib.request.urlopen(f"{BOT_URL}/webhooks/rest/ready", timeout=5) as reply:
        ready = json.loads(reply.read())
    assert ready["status"] == "ready" and ready["model"]
    assert answers(f"{BOT_URL}/webhooks/rest/") and answers(f"http://127.0.0.1:{ACTION_PORT}/health")
    env = {**os.environ, "RASA_PORT": str(RASA_PORT), "ACTION_PORT": str(ACTION_PORT)}
    for check in (["health"], ["health", "--ready"]):
        assert subprocess.run([sys.executable, "-m", "bot", *check], cwd=ROOT, env=env, capture_output=True).returncode == 0
    elsewhere = {**env, "RASA_PORT": "5997"}  # nothing listens there
    assert subprocess.run([sys.executable, "-m", "bot", "health"], cwd=ROOT, env=elsewhere, capture_output=True).returncode == 1


def test_the_action_server_killed_mid_assessment_comes_back_and_the_pending_question_is_asked_again(supervised, telegram):
    client, sender = RestClient(BOT_URL), f"sup-{uuid.uuid4().hex[:8]}"
    pending = client.say(sender, "my calves ache after my long run").custom["ask"]
    assert pending == "onset"
    telegram.say("my calves ache after my long run")

    old_pid, mark = supervised.kill9("actions")
    assert "killed by SIGKILL" in supervised.wait_for(r"action server stopped unexpectedly", since=mark, timeout=30)
    down = client.say(sender, "12 to 24 hours later")
    assert down.status == 200 and "999" in down.text and "emergency" in down.text.lower()
    assert "ask" not in down.custom
    on_telegram = telegram.say("12 to 24 hours later")
    assert "999" in on_telegram.text  # every channel: Telegram too

    supervised.wait_for(r"action server is back", since=mark)
    assert supervised.server_pid("actions") != old_pid
    # The answer sent while it was down left no trace: the question is still pending.
    again = client.say(sender, "hello?")
    assert again.custom.get("ask") == pending, again.messages
    assert "When did it start?" in again.text
    moved_on = client.say(sender, "12 to 24 hours later")
    assert moved_on.custom.get("ask") not in (None, pending), moved_on.messages
    # On Telegram too, the question before the failed turn is still the one its buttons answer.
    assert "When did it start?" in telegram.say("hello?").text


def test_the_rasa_server_killed_comes_back_and_conversations_and_webhooks_go_on(supervised, telegram, fake_telegram):
    client, sender = RestClient(BOT_URL), f"sup-{uuid.uuid4().hex[:8]}"
    pending = client.say(sender, "my shins hurt after running").custom["ask"]
    widget = WidgetClient(BOT_URL)
    widget.say("my calves ache after my long run")
    widget_question = widget.last_bot()
    answered_before = telegram.message_update("12 to 24 hours later")
    assert telegram.send(answered_before).texts

    old_pid, mark = supervised.kill9("rasa")
    supervised.wait_for(r"Rasa server stopped unexpectedly \(exit code -9", since=mark, timeout=30)
    # A Telegram update sent in the gap is refused by the dead port; Telegram sends it again later.
    in_the_gap = telegram.message_update("Spread over the muscle")
    with pytest.raises(urllib.error.URLError):
        post_update(in_the_gap)

    supervised.wait_for(r"Rasa server is back", since=mark)
    assert supervised.server_pid("rasa") != old_pid

    # REST: the conversation goes on from the tracker store, not from the start.
    turn = client.say(sender, "not sure")
    assert turn.status == 200 and turn.custom.get("ask") not in (None, pending), turn.messages
    assert "I'm sorry your legs hurt" not in turn.text
    # Telegram: the retried update is answered, once; the one answered before the crash is not answered again.
    assert telegram.send(in_the_gap).texts
    telegram.wait = False
    try:
        assert telegram.send(in_the_gap).texts == []
        assert telegram.send(answered_before).texts == []
    finally:
        telegram.wait = True
    # The widget reconnected by itself, got its conversation back, and goes on.
    widget.wait_reconnected()
    assert widget_question in [m["text"] for m in widget.history() if m["sender"] == "bot"]
    widget.say("12 to 24 hours later")
    assert widget.last_bot() != widget_question
    widget.close()


def test_sigterm_stops_everything_within_15_s_and_leaves_no_process(supervised):
    servers = [supervised.server_pid("actions"), supervised.server_pid("rasa")]
    supervised.process.send_signal(signal.SIGTERM)
    assert supervised.process.wait(timeout=15) == 0
    assert supervised.lines[-1] == "Stopped."
    for pid in servers:
        deadline = time.monotonic() + 5
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(pid), f"server {pid} outlived the supervisor"
        group = subprocess.run(["pgrep", "-g", str(pid)], capture_output=True, text=True).stdout.split()
        assert group == [], f"processes {group} of server {pid}'s group outlived it"
    assert not answers(f"{BOT_URL}/webhooks/rest/") and not answers(f"http://127.0.0.1:{ACTION_PORT}/health")


def post_update(update: dict) -> int:
    request = urllib.request.Request(
        f"{BOT_URL}/webhooks/telegram/webhook", data=json.dumps(update).encode(), method="POST",
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRETS["TELEGRAM_SECRET_TOKEN"]})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return reply.status


class WidgetClient:
    """The web widget's side of the socket (bot/channels/widget.py), as a socket.io
    client that reconnects by itself and asks for its session on every connect,
    as widget/src/connection.js does."""

    def __init__(self, url: str):
        self.session_id = uuid.uuid4().hex
        self.events: list[tuple[str, object]] = []
        self.connects = 0
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2)
        self.sio.on("connect", self._on_connect)
        for name in ("history", "bot_uttered"):
            self.sio.on(name, lambda data=None, name=name: self.events.append((name, data)))
        self.sio.connect(url, transports=["polling"], headers={"Origin": url})
        self._wait(lambda: self.histories() >= 1)

    def _on_connect(self) -> None:
        self.connects += 1
        self.sio.emit("session_request", {"session_id": self.session_id})

    def histories(self) -> int:
        return sum(1 for name, _ in self.events if name == "history")

    def history(self) -> list[dict]:
        return [data for name, data in self.events if name == "history"][-1]["messages"]

    def say(self, text: str) -> None:
        message = {"message": text, "session_id": self.session_id, "message_id": uuid.uuid4().hex}
        assert self.sio.call("user_uttered", message, timeout=60)["status"] == "ok"

    def last_bot(self) -> str:
        return [data for name, data in self.events if name == "bot_uttered"][-1]["text"]

    def wait_reconnected(self) -> None:
        self._wait(lambda: self.connects >= 2 and self.histories() >= 2, timeout=COMEBACK_BOUND_S)

    def _wait(self, done, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not done() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert done(), f"the widget's socket did not get there: {self.events}"

    def close(self) -> None:
        self.sio.disconnect()
