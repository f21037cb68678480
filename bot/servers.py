"""The bot's two servers: how each is started, when it is ready, and the two
ways of running them: supervised (`python -m bot run`: restarted when they
crash, see bot/supervisor.py) and for the length of a block (tests, eval,
bench, `make chat`)."""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import replace
from typing import Iterator, Mapping

from bot.channels.config import plan_channels, write_credentials
from bot.channels.widget_protocol import own_origins
from bot.replicas import haproxy_command, write_haproxy_config
from bot.settings import ROOT, Settings, quiet_environment
from bot.stores import write_endpoints
from bot.supervisor import ServerProcess, ServerSpec, Supervisor, stop_all
from bot.training import model_path

READY_TIMEOUT_S = 180


def action_server_command(settings: Settings) -> list[str]:
    return [sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)]


def rasa_server_command(settings: Settings) -> list[str]:
    return [
        sys.executable, "-m", "rasa", "run",
        "--model", str(model_path(settings)),
        "--endpoints", str(settings.endpoints_path),
        "--credentials", str(settings.credentials_path),
        "--interface", settings.host,
        "--port", str(settings.rasa_port),
    ]


# Health endpoints (README, "Running in production"). Liveness: the server
# answers HTTP. Readiness: it can serve a turn (the action server answers
# /health only once its actions are loaded; the Rasa server's /ready says
# whether a model is loaded, bot/channels/rest.py).
def rasa_live_url(settings: Settings) -> str:
    return f"{settings.rasa_url}/webhooks/rest/"


def rasa_ready_url(settings: Settings) -> str:
    return f"{settings.rasa_url}/webhooks/rest/ready"


def action_health_url(settings: Settings) -> str:
    return f"{settings.action_url}/health"


def server_specs(settings: Settings) -> list[ServerSpec]:
    # The action server first: the Rasa server's first turns need it.
    actions = ServerSpec("actions", "the action server", action_server_command(settings),
                         ready=lambda: answers(action_health_url(settings)))
    if settings.replicas <= 1:
        return [actions, ServerSpec("rasa", "the Rasa server", rasa_server_command(settings),
                                    ready=lambda: answers(rasa_ready_url(settings)))]
    return [actions, *replica_specs(settings),
            ServerSpec("balancer", "the load balancer (HAProxy)", haproxy_command(settings),
                       ready=lambda: answers(rasa_ready_url(settings)))]


def replica_specs(settings: Settings) -> list[ServerSpec]:
    """One Rasa server per replica, each on its own internal port (bot/replicas.py)."""
    specs = []
    for number, port in enumerate(settings.replica_ports(), start=1):
        replica = replace(settings, rasa_port=port)
        specs.append(ServerSpec(f"rasa-{number}", f"Rasa server {number} (port {port})", rasa_server_command(replica),
                                ready=lambda replica=replica: answers(rasa_ready_url(replica))))
    return specs


def is_ready(settings: Settings) -> bool:
    return answers(rasa_ready_url(settings)) and answers(action_health_url(settings))


def is_live(settings: Settings) -> bool:
    return answers(rasa_live_url(settings)) and answers(action_health_url(settings))


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as reply:
            return reply.status == 200
    except OSError:
        return False


def server_environment(settings: Settings, extra_env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Both servers' environment; writes the channels' credentials file on the way.

    `extra_env` adds variables (tests use it to turn channels on). Raises
    ChannelConfigError before anything starts if a channel is half configured.
    """
    env = {**quiet_environment(settings), "ACTIONS_WARM_UP": "1", **(extra_env or {})}
    if settings.replicas > 1:
        # Behind the balancer the demo page comes from the public port, whose
        # origin each replica (knowing only its own port) would refuse.
        public = own_origins(settings.host, settings.rasa_port)
        env["WIDGET_ALLOWED_ORIGINS"] = ",".join(filter(None, [env.get("WIDGET_ALLOWED_ORIGINS"), *public]))
    write_credentials(plan_channels(env), settings.credentials_path)
    write_endpoints(settings)
    if settings.replicas > 1:
        write_haproxy_config(settings)
    settings.tracker_db.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    settings.log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    if settings.tracker_db.exists():
        settings.tracker_db.chmod(0o600)  # a store made before files were owner-only
    return env


def supervisor(settings: Settings, say=print) -> Supervisor:
    """The servers as `python -m bot run` keeps them: restarted when they crash.
    Their output goes to log files (settings.log_dir), not the terminal."""
    return Supervisor(server_specs(settings), server_environment(settings), settings.log_dir, ROOT, say=say)


@contextmanager
def running_bot(settings: Settings, extra_env: Mapping[str, str] | None = None) -> Iterator[list[subprocess.Popen]]:
    """Both servers, ready; stopped (SIGTERM, then SIGKILL) when the block ends.

    Not supervised: a test that stops a server finds it stopped. The output
    goes to log files (settings.log_dir). Raises ChannelConfigError before
    starting anything if a channel is half configured.
    """
    env = server_environment(settings, extra_env)
    servers = [ServerProcess(spec, env, settings.log_dir, ROOT) for spec in server_specs(settings)]
    try:
        processes = [server.start() for server in servers]
        _wait_until_ready(settings, processes)
        yield processes
    finally:
        stop_all(servers)


def _wait_until_ready(settings: Settings, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not is_ready(settings):
        if any(p.poll() is not None for p in processes):
            raise RuntimeError(f"A server stopped while starting; see the logs in {settings.log_dir}.")
        if time.monotonic() > deadline:
            raise RuntimeError(f"The bot was not ready after {READY_TIMEOUT_S} s; see the logs in {settings.log_dir}.")
        time.sleep(0.5)
