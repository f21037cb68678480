"""Two Rasa replicas behind HAProxy on the real PostgreSQL and Redis.

One `python -m bot run --replicas 2` for this file (public port 6105,
replicas 6106 and 6107, action server 6155), its conversations in a fresh
PostgreSQL database dropped at the end and its Redis keys under a fresh
prefix. The bot reaches both services through TCP proxies this file starts
(6120, 6121), so a test can cut one off without touching the shared service.
Telegram is on, against the local fake of its API.

Tests run in file order; the replica killed in the last one is restarted by
the supervisor while the file ends. Select with `pytest -k "replica or
postgres or redis"`; without PostgreSQL, Redis or HAProxy they skip (fail under CI).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.rest_client import RestClient
from bot.safety import SAFE_REPLY
from bot.settings import ROOT, load_settings
from bot.training import prepare
from tests.channels.fake_platforms import FakePlatforms
from tests.channels.runners import SECRETS, TelegramRunner
from tests.e2e.tcp_proxy import TcpProxy
from tests.e2e.test_supervised_restarts import SupervisedBot, WidgetClient
from tests.shared_services import (POSTGRES_URL, REDIS_URL, fresh_name, postgres_connection, redis_client,
                                   require_haproxy, stored_events, user_texts)

PUBLIC, REPLICA_1, REPLICA_2, ACTIONS = 6105, 6106, 6107, 6155
PG_PROXY, REDIS_PROXY, NOWHERE = 6120, 6121, 6122
START_BOUND_S = 300
URL = {port: f"http://127.0.0.1:{port}" for port in (PUBLIC, REPLICA_1, REPLICA_2)}
TELEGRAM = {name: SECRETS[name] for name in ("TELEGRAM_TOKEN", "TELEGRAM_SECRET_TOKEN")}

# A whole assessment: every turn runs NLU, the policies and custom actions.
SCRIPT = ["my calves ache after my long run", "the next morning", "all over the muscle", "2 days", "none of these"]


# --- Services, proxies and the replica pair ------------------------------------

@pytest.fixture(scope="module")
def database():
    """A fresh PostgreSQL database for this file, dropped at the end: repeatable."""
    name = fresh_name("bot_replicas_")
    admin = postgres_connection()
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    yield name
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(scope="module")
def key_prefix():
    redis_client()  # skips without Redis
    prefix = fresh_name("replicas")
    yield prefix
    client = redis_client()
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


@pytest.fixture(scope="module")
def proxies():
    pg, redis = urlsplit(POSTGRES_URL), urlsplit(REDIS_URL)
    pg_proxy = TcpProxy(PG_PROXY, pg.hostname, pg.port or 5432).start()
    redis_proxy = TcpProxy(REDIS_PROXY, redis.hostname, redis.port or 6379).start()
    yield pg_proxy, redis_proxy
    pg_proxy.close()
    redis_proxy.close()


@pytest.fixture(scope="module")
def fake_platforms():
    fake = FakePlatforms().start()
    yield fake
    fake.stop()


def store_urls(database: str, key_prefix: str) -> dict[str, str]:
    pg = urlsplit(POSTGRES_URL)
    return {"TRACKER_STORE_URL": f"postgresql://{pg.username or 'postgres'}@127.0.0.1:{PG_PROXY}/{database}",
            "LOCK_STORE_URL": f"redis://127.0.0.1:{REDIS_PROXY}/0?key_prefix={key_prefix}"}


def bot_env(scratch: Path, **extra: str) -> dict[str, str]:
    return {"RASA_PORT": str(PUBLIC), "ACTION_PORT": str(ACTIONS), "TRACKER_DB": str(scratch / "conversations.db"),
            "LOG_DIR": str(scratch / "log"), "VAR_DIR": str(scratch), **extra}


@pytest.fixture(scope="module")
def replicas(database, key_prefix, proxies, fake_platforms, tmp_path_factory):
    require_haproxy()
    prepare(load_settings())
    scratch = tmp_path_factory.mktemp("replicas")
    bot = SupervisedBot(scratch, {**bot_env(scratch, REPLICAS="2", **store_urls(database, key_prefix)),
                                  **TELEGRAM, **fake_platforms.api_urls()})
    bot.wait_for(r"^Ready\.", timeout=START_BOUND_S)
    yield bot
    if bot.process.poll() is None:
        bot.process.send_signal(signal.SIGTERM)
        bot.process.wait(timeout=30)
    print("\n".join(["What the supervisor said:", *bot.lines]))


@pytest.fixture
def events(database):
    """The stored events of a conversation, in order, straight from PostgreSQL."""
    connection = postgres_connection(database)
    yield lambda sender: stored_events(connection, sender)
    connection.close()


# --- Helpers -------------------------------------------------------------------

def replies(turn) -> list:
    """What a runner sees of a turn, without the recipient id."""
    return [{key: value for key, value in message.items() if key != "recipient_id"} for message in turn.messages]


def run_script(sender: str, ports: list[int]) -> list[list]:
    """SCRIPT as one runner types it, turn i sent to ports[i % len(ports)]."""
    seen = []
    for i, message in enumerate(SCRIPT):
        turn = RestClient(URL[ports[i % len(ports)]]).say(sender, message)
        assert turn.status == 200, turn.messages
        seen.append(replies(turn))
    return seen


def assert_whole_and_in_order(stored: list[dict]) -> None:
    """Nothing stored twice, timestamps never going back, and turns never interleaved:
    each message's turn ends (the bot listens again) before the next message."""
    assert len({json.dumps(event, sort_keys=True) for event in stored}) == len(stored), "an event stored twice"
    stamps = [event["timestamp"] for event in stored]
    assert stamps == sorted(stamps), "events out of order"
    listening = True
    for event in stored:
        if event["event"] == "user":
            assert listening, "a message's turn started inside another's"
            listening = False
        elif event["event"] == "action" and event.get("name") == "action_listen":
            listening = True


def replica_pid(bot: SupervisedBot, port: int) -> int:
    """The Rasa server of one replica, found by its port among the supervisor's children."""
    return bot.child_pid(lambda argv: "rasa" in argv and "--port" in argv
                         and argv[argv.index("--port") + 1] == str(port), f"Rasa on port {port}")


def sender(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


# --- Start-up refusals (no servers start: quick) --------------------------------

def run_refused(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("TRACKER_STORE_URL", "LOCK_STORE_URL", "REPLICAS")}
    return subprocess.run([sys.executable, "-m", "bot", "run", "--replicas", "2"], cwd=ROOT, timeout=60,
                          env={**clean, **bot_env(tmp_path, **env)}, capture_output=True, text=True)


def test_replicas_refuse_to_start_without_postgres_and_redis_urls(tmp_path):
    refused = run_refused(tmp_path)
    assert refused.returncode == 2
    assert "2 replicas need" in refused.stderr and "TRACKER_STORE_URL" in refused.stderr
    assert "LOCK_STORE_URL" in refused.stderr


def test_redis_unreachable_at_start_is_a_clear_error(tmp_path):
    postgres_connection().close()  # PostgreSQL is checked first: it must answer (or skip)
    refused = run_refused(tmp_path, TRACKER_STORE_URL=f"{POSTGRES_URL}",
                          LOCK_STORE_URL=f"redis://127.0.0.1:{NOWHERE}/0")
    assert refused.returncode == 2, refused.stderr
    assert f"Cannot start: Redis (LOCK_STORE_URL) at 127.0.0.1:{NOWHERE} does not answer" in refused.stderr


def test_postgres_unreachable_at_start_is_a_clear_error(tmp_path):
    refused = run_refused(tmp_path, TRACKER_STORE_URL=f"postgresql://postgres@127.0.0.1:{NOWHERE}/test",
                          LOCK_STORE_URL=REDIS_URL)
    assert refused.returncode == 2, refused.stderr
    assert f"Cannot start: PostgreSQL (TRACKER_STORE_URL) at 127.0.0.1:{NOWHERE} does not answer" in refused.stderr


# --- The replica pair ------------------------------------------------------------

def test_replica_turns_alternated_and_concurrent_lose_nothing_and_match_one_process(replicas, events):
    # One process: the whole conversation on replica 1 alone.
    alone = sender("alone")
    expected = run_script(alone, [REPLICA_1])
    assert expected[-1] and any("triage" in (m.get("custom") or {}) for m in expected[-1]), expected[-1]

    # Four runners at once, each alternating replica 1, replica 2 and the balancer.
    senders, results = [sender(f"alt{i}") for i in range(4)], {}
    rotations = [[REPLICA_1, REPLICA_2, PUBLIC], [REPLICA_2, PUBLIC, REPLICA_1], [PUBLIC], [REPLICA_2, REPLICA_1]]
    threads = [threading.Thread(target=lambda s=s, r=r: results.__setitem__(s, run_script(s, r)))
               for s, r in zip(senders, rotations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    for name in senders:
        assert results.get(name) == expected, name
        stored = events(name)
        assert user_texts(stored) == SCRIPT
        assert_whole_and_in_order(stored)
    assert user_texts(events(alone)) == SCRIPT


def test_replica_two_messages_at_once_to_both_replicas_are_taken_one_after_the_other(replicas, events):
    runner = sender("burst")
    assert RestClient(URL[REPLICA_1]).say(runner, SCRIPT[0]).status == 200
    # A runner who sends twice quickly, each message landing on another replica:
    # the Redis lock makes the second turn wait for the first.
    turns = {}
    threads = [threading.Thread(target=lambda port=port, text=text: turns.__setitem__(
        text, RestClient(URL[port]).say(runner, text))) for port, text in ((REPLICA_1, "the next morning"),
                                                                           (REPLICA_2, "all over the muscle"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(turn.status == 200 and turn.messages for turn in turns.values()), turns
    stored = events(runner)
    assert sorted(user_texts(stored)) == sorted(SCRIPT[:3]) and user_texts(stored)[0] == SCRIPT[0]
    assert_whole_and_in_order(stored)


def test_replica_a_platform_retry_on_the_other_replica_is_answered_once_via_redis(replicas, fake_platforms):
    on_1 = TelegramRunner(URL[REPLICA_1], fake_platforms)
    on_2 = TelegramRunner(URL[REPLICA_2], fake_platforms)
    on_2.chat_id = on_1.chat_id  # the same runner; Telegram retries wherever the balancer sends it
    update = on_1.message_update("my calves ache after my long run")
    assert on_1.send(update).texts
    on_2.wait = False
    assert on_2.send(update).texts == []  # the retry, on the other replica: a 200 and no answer
    on_2.wait = True
    assert on_2.say("the next morning").texts  # a new message there is answered


def test_replica_widget_socket_through_the_balancer_sticks_to_one_replica(replicas):
    # Long polling: every request of the socket must reach the replica holding it.
    # The client keeps HAProxy's cookie as a browser does; without stickiness
    # every other poll would land on the other replica and the socket would fail.
    widget = WidgetClient(URL[PUBLIC])
    try:
        widget.say("my calves ache after my long run")
        first = widget.last_bot()
        widget.say("the next morning")
        assert widget.last_bot() != first
        assert widget.sio.connected and widget.connects == 1
        assert widget.sio.eio.http.cookies.get("SERVERID") in ("rasa-1", "rasa-2")
    finally:
        widget.close()


def test_postgres_unreachable_mid_conversation_gets_the_safe_reply_and_loses_nothing(replicas, proxies, events):
    pg_proxy, _ = proxies
    runner, client = sender("pg"), RestClient(URL[PUBLIC])
    first = client.say(runner, SCRIPT[0])
    assert first.custom.get("ask") == "onset", first.messages
    widget = WidgetClient(URL[PUBLIC])
    pg_proxy.cut()
    try:
        down = client.say(runner, SCRIPT[1])
        widget.say("my calves ache after my long run")  # the widget too
        widget_down = widget.last_bot()
    finally:
        pg_proxy.start()
        widget.close()
    assert down.status == 200 and down.text == SAFE_REPLY
    assert widget_down == SAFE_REPLY
    # PostgreSQL is back: the pending question is still pending, and both replicas serve.
    assert_goes_on_where_it_was(runner, events)


def assert_goes_on_where_it_was(runner: str, events) -> None:
    """After an outage that failed the second turn: the pending question is
    still pending, both replicas serve, and the store holds every turn once, in order."""
    again = RestClient(URL[REPLICA_1]).say(runner, "hello?")
    assert again.custom.get("ask") == "onset", again.messages
    moved_on = RestClient(URL[REPLICA_2]).say(runner, SCRIPT[1])
    assert moved_on.custom.get("ask") not in (None, "onset"), moved_on.messages
    stored = events(runner)
    assert user_texts(stored) == [SCRIPT[0], "hello?", SCRIPT[1]]
    assert_whole_and_in_order(stored)


def test_redis_unreachable_mid_conversation_gets_the_safe_reply_then_goes_on(replicas, proxies, events):
    _, redis_proxy = proxies
    runner, client = sender("redis"), RestClient(URL[PUBLIC])
    assert client.say(runner, SCRIPT[0]).custom.get("ask") == "onset"
    redis_proxy.cut()
    try:
        down = client.say(runner, SCRIPT[1])
    finally:
        redis_proxy.start()
    assert down.status == 200 and down.text == SAFE_REPLY
    assert_goes_on_where_it_was(runner, events)


def test_replica_pair_under_a_short_load_loses_no_turn(replicas, database):
    from bot.load_test import run_load, stored_user_messages, summarize

    tag = fresh_name("load")
    result = run_load(URL[PUBLIC], concurrency=6, duration_s=4, tag=tag)
    pg = urlsplit(POSTGRES_URL)
    stored = stored_user_messages(pg._replace(path=f"/{database}").geturl(), Path("unused"), tag)
    figures = summarize(result, stored)
    assert figures.turns >= 6 and figures.errors == 0 and figures.lost == 0, figures
    assert sum(stored.values()) == figures.turns


def test_replica_killed_mid_conversation_the_other_one_carries_on(replicas, events, fake_platforms):
    runner, client = sender("kill"), RestClient(URL[PUBLIC])
    asked = [client.say(runner, message).custom.get("ask") for message in SCRIPT[:2]]
    telegram = TelegramRunner(URL[REPLICA_2], fake_platforms)
    answered_before = telegram.message_update("my calves ache after my long run")
    assert telegram.send(answered_before).texts
    mark = len(replicas.lines)
    os.kill(replica_pid(replicas, REPLICA_2), signal.SIGKILL)
    replicas.wait_for(r"Rasa server 2 .*stopped unexpectedly \(exit code -9", since=mark, timeout=30)
    # Through the balancer at once: a refused connection is tried on the other replica.
    rest = [client.say(runner, message) for message in SCRIPT[2:]]
    assert all(turn.status == 200 for turn in rest), [turn.messages for turn in rest]
    assert asked == ["onset", "spread"]
    assert any("triage" in turn.custom for turn in rest), [turn.messages for turn in rest]
    stored = events(runner)
    assert user_texts(stored) == SCRIPT
    assert_whole_and_in_order(stored)

    # The supervisor starts the replica again; a platform retry of a delivery it
    # answered before it died is still answered once (the log is in Redis).
    replicas.wait_for(r"Rasa server 2 .*is back", since=mark, timeout=180)
    telegram.wait = False
    assert telegram.send(answered_before).texts == []
