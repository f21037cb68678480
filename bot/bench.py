"""Speed and memory of the whole bot on this machine, printed with the machine.

Figures, not tests: `make bench` prints them; nothing here passes or fails.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from bot.rest_client import RestClient
from bot.servers import running_bot
from bot.settings import ROOT, isolated_settings, load_settings, quiet_environment
from bot.training import train_if_needed
from knowledge.machine import describe, machine

# A full assessment, as a runner types it: every turn runs NLU, the policies
# and one to three custom actions (form validation, questions, triage).
CONVERSATION = [
    "my calves ache after my long run yesterday",
    "the next morning",
    "all over the muscle",
    "none of these",
]
CONVERSATIONS = 25
WARM_UP_CONVERSATIONS = 3


def bench_training() -> float:
    """Seconds for a full `rasa train` into a scratch folder, with an empty cache."""
    with tempfile.TemporaryDirectory() as scratch:
        settings = replace(load_settings(), models_dir=Path(scratch), log_dir=Path(scratch))
        os.environ["RASA_CACHE_DIRECTORY"] = str(Path(scratch) / "cache")  # no reuse of earlier training
        try:
            started = time.monotonic()
            train_if_needed(settings)
            return time.monotonic() - started
        finally:
            del os.environ["RASA_CACHE_DIRECTORY"]


def bench_running_bot() -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        settings = isolated_settings(Path(scratch), 5405, 5455)
        started = time.monotonic()
        with running_bot(settings) as processes:
            ready_s = time.monotonic() - started
            latencies = turn_latencies(RestClient(settings.rasa_url))
            rss_mb = sum(resident_mb(p.pid) for p in processes)
    latencies.sort()
    return {
        "ready_s": ready_s,
        "turns": len(latencies),
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "rss_mb": rss_mb,
    }


def turn_latencies(client: RestClient) -> list[float]:
    # Steady state: TensorFlow traces its graph again for new input shapes, so
    # the first conversations after start-up are slower; they are not counted.
    for warm_up in range(WARM_UP_CONVERSATIONS):
        for message in CONVERSATION:
            client.say(f"bench-warm-up-{warm_up}", message)
    latencies = []
    for _ in range(CONVERSATIONS):
        sender = f"bench-{uuid.uuid4().hex[:8]}"
        for message in CONVERSATION:
            started = time.perf_counter()
            turn = client.say(sender, message)
            latencies.append((time.perf_counter() - started) * 1000)
            assert turn.status == 200 and turn.messages, turn
    return latencies


def resident_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc."""
    total_kb = 0
    for task in [pid, *_children(pid)]:
        status = Path(f"/proc/{task}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


def _children(pid: int) -> list[int]:
    found = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            found += [int(child), *_children(int(child))]
    return found


# --- Load: many runners at once (bot/load_test.py) -------------------------------

LOAD_PORT, LOAD_ACTION_PORT = 6130, 6180  # replicas on 6131, 6132
BENCH_POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")


def bench_load(duration_s: float, concurrency: int) -> None:
    """The load test on one process with SQLite, one with PostgreSQL and Redis,
    and two replicas behind HAProxy; one line of figures each."""
    print(f"\nLoad: {concurrency} runners at once for {duration_s:.0f} s each, whole assessments over REST "
          f"(ports {LOAD_PORT}-{LOAD_PORT + 2}, {LOAD_ACTION_PORT}):", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        base = isolated_settings(Path(scratch), LOAD_PORT, LOAD_ACTION_PORT)
        load_setup("1 Rasa server, SQLite", base, duration_s, concurrency)
        problem = shared_stores_problem()
        if problem:
            print(f"  PostgreSQL + Redis set-ups skipped: {problem}", flush=True)
            return
        with fresh_stores() as (pg_url, redis_url):
            shared = replace(base, tracker_store_url=pg_url, lock_store_url=redis_url)
            load_setup("1 Rasa server, PostgreSQL + Redis", shared, duration_s, concurrency)
            load_setup("2 replicas behind HAProxy, PostgreSQL + Redis", replace(shared, replicas=2),
                       duration_s, concurrency)


def load_setup(title: str, settings, duration_s: float, concurrency: int) -> None:
    from bot.load_test import run_load, stored_user_messages, summarize

    with running_bot(settings) as processes:
        run_load(settings.rasa_url, 1, 5, tag="warm")  # TensorFlow's first traces, not counted
        tag = f"load{uuid.uuid4().hex[:6]}"
        result = run_load(settings.rasa_url, concurrency, duration_s, tag=tag)
        rss_mb = sum(resident_mb(p.pid) for p in processes)
    figures = summarize(result, stored_user_messages(settings.tracker_store_url, settings.tracker_db, tag))
    print(f"  {title}: {figures.line()}; resident memory {rss_mb:.0f} MB", flush=True)


def shared_stores_problem():
    """Why the PostgreSQL + Redis set-ups cannot run here (BENCH_POSTGRES_URL,
    BENCH_REDIS_URL, HAProxy), or None."""
    from bot.replicas import haproxy_missing
    from bot.stores import StoreConfigError, check_stores

    if haproxy_missing():
        return "HAProxy is not installed (make haproxy)"
    try:
        check_stores(replace(load_settings(), tracker_store_url=BENCH_POSTGRES_URL, lock_store_url=BENCH_REDIS_URL))
    except StoreConfigError as error:
        return str(error)
    return None


@contextmanager
def fresh_stores():
    """A PostgreSQL database and a Redis key prefix of this run alone, removed afterwards."""
    from urllib.parse import urlsplit

    import psycopg2

    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(BENCH_POSTGRES_URL)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    pg = urlsplit(BENCH_POSTGRES_URL)
    try:
        yield pg._replace(path=f"/{name}").geturl(), f"{BENCH_REDIS_URL}?key_prefix=bench{name[6:]}"
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def main(load_seconds: float = 60, concurrency: int = 64, load_only: bool = False) -> int:
    print(f"Machine: {describe(machine())}", flush=True)
    if load_only:
        bench_load(load_seconds, concurrency)
        return 0
    training_s = bench_training()
    print(f"Training (rasa train, from scratch): {training_s:.0f} s   (goal <= 180 s)", flush=True)
    figures = bench_running_bot()
    print(f"Ready (make run, nothing to rebuild): {figures['ready_s']:.1f} s   (goal <= 40 s)")
    print(
        f"REST turn latency over {figures['turns']} turns after {WARM_UP_CONVERSATIONS} warm-up conversations, "
        "action server in the loop: "
        f"p50 {figures['p50_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms   (goals <= 50 / <= 150 ms)"
    )
    print(f"Resident memory, both servers: {figures['rss_mb']:.0f} MB   (goal <= 2560 MB)", flush=True)
    bench_load(load_seconds, concurrency)
    print("\nArticle search (python -m knowledge bench):", flush=True)
    return subprocess.run([sys.executable, "-m", "knowledge", "bench"], cwd=ROOT, env=quiet_environment(load_settings())).returncode
