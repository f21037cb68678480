"""Speed and memory of the whole bot on this machine, printed with the machine.

Figures, not tests: `make bench` prints them; nothing here passes or fails.
"""
from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path

from bot.rest_client import RestClient
from bot.servers import running_bot
from bot.settings import ROOT, isolated_settings, load_settings, quiet_environment
from bot.training import train_if_needed

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


def machine() -> str:
    from knowledge.bench import _cpu_model

    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return (
        f"{_cpu_model()}, {os.cpu_count()} cores, {memory_kb / 2**20:.0f} GiB, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f}"
    )


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


def main() -> int:
    print(f"Machine: {machine()}", flush=True)
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
    print("\nArticle search (python -m knowledge bench):", flush=True)
    return subprocess.run([sys.executable, "-m", "knowledge", "bench"], cwd=ROOT, env=quiet_environment(load_settings())).returncode
