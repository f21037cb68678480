"""Keep the bot's servers running: a server that exits unexpectedly is started again.

`python -m bot run` (what `make run` and the systemd unit start) runs the
action server and the Rasa server under a Supervisor. When one of them exits
without being asked to, it is started again after a delay that doubles with
each quick crash (1 s, 2 s, 4 s ... at most 30 s) and starts again at 1 s
once the server has stayed up a minute: a server that crashes on start does
not spin, and a rare crash is mended at once. Every exit is said in the
terminal with its exit code; a crash loop is said plainly, with the end of
the server's log, and the supervisor keeps trying. The other server goes on
meanwhile: with the action server down, every channel still answers with the
safe reply and its emergency advice (bot/safety.py).

Each server runs in its own process group, so stopping it (or cleaning up
after it crashed) reaches its own child processes too, and Ctrl-C in the
terminal reaches only the supervisor, which then stops the servers in order.

The decisions (RestartPolicy, describe_exit) are pure and tested with a fake
clock; ServerProcess and Supervisor do the process handling.
"""
from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Optional, Sequence

BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 30.0
# A server up this long before it exits was not crash-looping: the next delay is 1 s again.
STABLE_AFTER_S = 60.0
# This many quick exits in a row is a crash loop, said plainly in the terminal.
CRASH_LOOP_AFTER = 3
# Stopping: SIGTERM, then SIGKILL for what is still there. Sanic waits up to
# 15 s for open connections (the widget's long polls) by itself; 10 s keeps
# the whole stop under the 15 s a process manager should wait.
STOP_GRACE_S = 10.0
# Start-up normally takes 15-50 s here; past this, say so (and keep waiting).
SLOW_START_S = 180.0


# --- Pure decisions -----------------------------------------------------------

def backoff_delay(failures: int) -> float:
    """The wait before restart number `failures` of a run of quick exits: 1, 2, 4, ... 30 s."""
    return min(BACKOFF_FIRST_S * 2 ** (failures - 1), BACKOFF_MAX_S)


@dataclass
class RestartPolicy:
    """When to restart a server that exited, from how long it had been up."""

    failures: int = 0  # quick exits in a row

    def after_exit(self, uptime_s: float) -> float:
        """Record an exit; the delay before starting the server again."""
        if uptime_s >= STABLE_AFTER_S:
            self.failures = 0  # it had recovered: this is a new, single crash
        self.failures += 1
        return backoff_delay(self.failures)

    @property
    def crash_loop(self) -> bool:
        return self.failures >= CRASH_LOOP_AFTER


def describe_exit(code: int) -> str:
    """"exit code 3", or for a signal "exit code -9, killed by SIGKILL" (Popen's
    negative code; a shell would show 128 + 9 = 137)."""
    if code >= 0:
        return f"exit code {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    return f"exit code {code}, killed by {name}"


# --- Processes ----------------------------------------------------------------

@dataclass(frozen=True)
class ServerSpec:
    name: str  # short: the log file is <name>.log
    title: str  # for people: "the action server"
    command: Sequence[str]
    # Answers 200 once the server can serve (None: ready as soon as started).
    ready: Optional[Callable[[], bool]] = None


def _owner_only(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


class ServerProcess:
    """One server in its own process group, its output appended to <log_dir>/<name>.log."""

    def __init__(self, spec: ServerSpec, env: Mapping[str, str], log_dir: Path, cwd: Path):
        self.spec, self.env, self.cwd = spec, dict(env), cwd
        self.log_path = log_dir / f"{spec.name}.log"
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> subprocess.Popen:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        # Owner-only (0600): a log may hold what went wrong in a runner's turn.
        with open(self.log_path, "ab", opener=_owner_only) as log:  # the child keeps its own handle
            os.fchmod(log.fileno(), 0o600)  # a log written by an older version too
            # A new session: its own process group, out of the terminal's reach
            # (Ctrl-C goes to the supervisor, which stops servers in order).
            # umask 077: what the server creates (the conversation store, its
            # write-ahead log) is readable by its owner only.
            self.process = subprocess.Popen(
                list(self.spec.command), cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, umask=0o077,
            )
        return self.process

    def exit_code(self) -> Optional[int]:
        """The exit code once the process has ended (None while it runs, or before any start)."""
        return None if self.process is None else self.process.poll()

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, signum: int) -> None:
        """Signal the server and every process it started. Also called after the
        server itself has exited, to end children it left behind: its group
        keeps the server's pid as its id while any member lives."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signum)
        except ProcessLookupError:
            pass  # nobody left in the group

    def log_tail(self, lines: int = 3) -> list[str]:
        try:
            text = self.log_path.read_bytes()[-4000:].decode("utf-8", "replace")
        except OSError:
            return []
        return [line for line in text.splitlines() if line.strip()][-lines:]


def stop_all(servers: Sequence[ServerProcess], grace_s: float = STOP_GRACE_S) -> None:
    """SIGTERM to every server's group, SIGKILL to whatever is left after `grace_s`."""
    for server in servers:
        if server.running():
            server.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    for server in servers:
        if server.process is None:
            continue
        try:
            server.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        server.signal_group(signal.SIGKILL)  # the server if it hung, and any child it left
        server.process.wait()


@dataclass
class Watched:
    """What the supervisor knows of one server."""

    server: ServerProcess
    policy: RestartPolicy = field(default_factory=RestartPolicy)
    started_at: float = 0.0
    restart_at: Optional[float] = None  # set while it waits to be started again
    down_since: Optional[float] = None  # set from an unexpected exit until it is ready again
    ready: bool = False


class Supervisor:
    """Starts the servers and keeps them up until stop() is called.

    `check()` takes one look at every server (call it every half second or so);
    `clock` and `say` are injectable so tests can drive it with a fake clock
    and read what a person would read.
    """

    def __init__(self, specs: Sequence[ServerSpec], env: Mapping[str, str], log_dir: Path, cwd: Path,
                 clock: Callable[[], float] = time.monotonic, say: Callable[[str], None] = print):
        self.watched = [Watched(ServerProcess(spec, env, log_dir, cwd)) for spec in specs]
        self.clock, self._say = clock, say
        self.stop_requested = False
        self.started_at = 0.0
        self.slow_start_said = False

    def request_stop(self, *_signal_args) -> None:
        """Signal handler: the loop notices and stops (never stops mid-start of a process)."""
        self.stop_requested = True

    def start(self) -> None:
        self.started_at = self.clock()
        for watched in self.watched:
            self._start(watched)

    def all_ready(self) -> bool:
        return all(watched.ready for watched in self.watched)

    def check(self) -> None:
        now = self.clock()
        for watched in self.watched:
            code = watched.server.exit_code()
            if code is not None and watched.restart_at is None:
                self._exited(watched, code, now)
            elif watched.restart_at is not None and now >= watched.restart_at:
                self._start(watched)
            elif not watched.ready and watched.server.running():
                self._check_ready(watched, now)
        if not self.all_ready() and not self.slow_start_said and now - self.started_at > SLOW_START_S:
            self.slow_start_said = True
            self.say(f"Still not ready after {SLOW_START_S:.0f} s; still waiting. The logs in "
                     f"{self.watched[0].server.log_path.parent} say what the servers are doing.")

    def run(self, on_ready: Callable[[], None] = lambda: None, poll_s: float = 0.5) -> None:
        """Start, then watch until a stop is requested; then stop everything."""
        announced = False
        try:
            self.start()
            while not self.stop_requested:
                self.check()
                if not announced and self.all_ready():
                    announced = True
                    on_ready()
                time.sleep(poll_s)
            self._say("\nStopping...")
        finally:
            self.stop()

    def stop(self) -> None:
        stop_all([watched.server for watched in self.watched])

    def say(self, line: str) -> None:
        self._say(f"{time.strftime('%H:%M:%S')} {line}")

    def _start(self, watched: Watched) -> None:
        watched.restart_at = None
        watched.ready = False
        watched.started_at = self.clock()
        watched.server.start()

    def _exited(self, watched: Watched, code: int, now: float) -> None:
        server = watched.server
        server.signal_group(signal.SIGKILL)  # children it left behind would hold its port
        delay = watched.policy.after_exit(now - watched.started_at)
        watched.restart_at = now + delay
        watched.ready = False
        watched.down_since = watched.down_since or now
        title = server.spec.title
        if watched.policy.crash_loop:
            self.say(f"{_capital(title)} keeps crashing: {watched.policy.failures} times in a row, each soon "
                     f"after it started ({describe_exit(code)}). Still trying: next start in {delay:.0f} s. "
                     f"The end of {server.log_path}:")
            for line in server.log_tail():
                self._say(f"    {line}")
        else:
            self.say(f"{_capital(title)} stopped unexpectedly ({describe_exit(code)}); "
                     f"starting it again in {delay:.0f} s. Its log: {server.log_path}")

    def _check_ready(self, watched: Watched, now: float) -> None:
        ready = watched.server.spec.ready
        if ready is not None and not ready():
            return
        watched.ready = True
        if watched.down_since is not None:
            self.say(f"{_capital(watched.server.spec.title)} is back, "
                     f"{now - watched.down_since:.1f} s after it stopped.")
            watched.down_since = None


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]  # str.capitalize() would write "The rasa server"


def stop_on_signals(supervisor: Supervisor) -> None:
    """Ctrl-C (SIGINT), SIGTERM (systemd, docker stop) and SIGHUP (the terminal
    closed) all stop the servers cleanly. Without the SIGHUP handler, closing
    the terminal would end the supervisor and leave the servers, which are in
    their own sessions, running. Under `nohup` SIGHUP stays ignored."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signum == signal.SIGHUP and signal.getsignal(signum) == signal.SIG_IGN:
            continue
        signal.signal(signum, supervisor.request_stop)
