"""A repeated platform delivery is answered once, also across a restart of the Rasa server."""
from __future__ import annotations

import sqlite3
import threading

from bot.channels.deliveries import MemoryDeliveryLog, SqliteDeliveryLog, open_delivery_log


def test_in_memory_a_delivery_is_new_once_and_old_ids_are_forgotten_beyond_capacity():
    log = MemoryDeliveryLog(capacity=3)
    assert log.first_time("a") and not log.first_time("a")
    for delivery in ("b", "c", "d"):
        assert log.first_time(delivery)
    assert log.first_time("a")  # evicted: the log is bounded
    assert log.first_time(None) and log.first_time(None)  # no id: never treated as a repeat


def test_the_sqlite_log_remembers_across_a_restart(tmp_path):
    path = tmp_path / "deliveries.db"
    assert SqliteDeliveryLog(path, "telegram").first_time("update:41")
    after_restart = SqliteDeliveryLog(path, "telegram")  # a new process opens the same file
    assert not after_restart.first_time("update:41")
    assert after_restart.first_time("update:42")
    assert after_restart.first_time("") and after_restart.first_time(None)


def test_platforms_do_not_share_ids(tmp_path):
    path = tmp_path / "deliveries.db"
    assert SqliteDeliveryLog(path, "telegram").first_time("7")
    assert SqliteDeliveryLog(path, "twilio").first_time("7")


def test_ids_expire_after_the_ttl_and_are_removed(tmp_path):
    now = [1_000_000.0]
    path = tmp_path / "deliveries.db"
    log = SqliteDeliveryLog(path, "slack", ttl_s=60, clock=lambda: now[0])
    assert log.first_time("event:Ev1")
    now[0] += 59
    assert not log.first_time("event:Ev1")
    now[0] += 61
    assert log.first_time("event:Ev2")  # its clean-up drops Ev1
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM deliveries").fetchone()[0] == 1
    assert log.first_time("event:Ev1")  # expired: new again


def test_ids_are_stored_hashed(tmp_path):
    path = tmp_path / "deliveries.db"
    SqliteDeliveryLog(path, "messenger").first_time("at:1234567890:1700000000")
    with sqlite3.connect(path) as db:
        stored = db.execute("SELECT id FROM deliveries").fetchone()[0]
    assert "1234567890" not in stored


def first_times_at_once(new_log, copies: int = 8) -> list[bool]:
    """`first_time` of one delivery id, asked by `copies` logs (as on several
    workers or replicas) at the same moment; sorted."""
    results, barrier = [], threading.Barrier(copies)

    def deliver():
        log = new_log()
        barrier.wait()
        results.append(log.first_time("SM123"))

    threads = [threading.Thread(target=deliver) for _ in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(results)


def test_two_copies_arriving_together_are_first_only_once(tmp_path):
    path = tmp_path / "deliveries.db"
    SqliteDeliveryLog(path, "twilio")
    assert first_times_at_once(lambda: SqliteDeliveryLog(path, "twilio")) == [False] * 7 + [True]


def test_channels_keep_the_log_beside_the_conversations(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "conversations.db"))
    log = open_delivery_log("telegram")
    assert isinstance(log, SqliteDeliveryLog) and log.path == tmp_path / "deliveries.db"
    monkeypatch.delenv("TRACKER_DB")
    assert isinstance(open_delivery_log("telegram"), MemoryDeliveryLog)
