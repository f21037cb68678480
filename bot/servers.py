"""Start the action server and the Rasa server, wait until ready, stop them together."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from typing import Iterator, Mapping

from bot.channels.config import plan_channels, write_credentials

from bot.settings import ROOT, Settings, quiet_environment
from bot.training import model_path

READY_TIMEOUT_S = 180


def action_server_command(settings: Settings) -> list[str]:
    return [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)]


def rasa_server_command(settings: Settings) -> list[str]:
    return [
        sys.executable, "-m", "rasa", "run",
        "--model", str(model_path(settings)),
        "--endpoints", "bot/endpoints.yml",
        "--credentials", str(settings.credentials_path),
        "--interface", settings.host,
        "--port", str(settings.rasa_port),
    ]


def is_ready(settings: Settings) -> bool:
    return _answers(f"{settings.rasa_url}/webhooks/rest/") and _answers(f"{settings.action_url}/health")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


@contextmanager
def running_bot(settings: Settings, extra_env: Mapping[str, str] | None = None) -> Iterator[list[subprocess.Popen]]:
    """Both servers, ready; stopped (SIGTERM, then SIGKILL) when the block ends.

    Their output goes to log files (settings.log_dir), not the terminal: the
    runner-facing command prints only what a person needs. `extra_env` adds
    variables to both servers' environment (tests use it to turn channels on).
    Raises ChannelConfigError before starting anything if a channel is half configured.
    """
    env = {**quiet_environment(settings), "ACTIONS_WARM_UP": "1", **(extra_env or {})}
    write_credentials(plan_channels(env), settings.credentials_path)
    settings.tracker_db.parent.mkdir(parents=True, exist_ok=True)
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    servers = {"actions": action_server_command(settings), "rasa": rasa_server_command(settings)}
    processes = []
    for name, command in servers.items():
        log = open(settings.log_dir / f"{name}.log", "ab")
        processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        log.close()  # the child keeps its own handle
    try:
        _wait_until_ready(settings, processes)
        yield processes
    finally:
        stop(processes)


def _wait_until_ready(settings: Settings, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not is_ready(settings):
        if any(p.poll() is not None for p in processes):
            raise RuntimeError(f"A server stopped while starting; see the logs in {settings.log_dir}.")
        if time.monotonic() > deadline:
            raise RuntimeError(f"The bot was not ready after {READY_TIMEOUT_S} s; see the logs in {settings.log_dir}.")
        time.sleep(0.5)


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_signal(processes: list[subprocess.Popen]) -> None:
    """Block until Ctrl-C, SIGTERM, or one server dies."""
    def raise_interrupt(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        print("A server stopped unexpectedly; stopping the other.", file=sys.stderr)
    except KeyboardInterrupt:
        print("\nStopping...", flush=True)
