"""The supervisor's decisions with a fake clock, and its process handling with
small fake servers (python -c ...): restarts with backoff, what the terminal
says, and no process left behind."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bot.settings import ROOT
from bot.supervisor import (
    RestartPolicy, ServerProcess, ServerSpec, Supervisor, backoff_delay, describe_exit, stop_all,
)

CRASH = [sys.executable, "-c", "print('starting', flush=True); import sys; sys.exit(3)"]
# Starts a child that would outlive it (writing the child's pid to argv[1]), then waits or exits.
WITH_CHILD = textwrap.dedent("""
    import subprocess, sys, time
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    open(sys.argv[1], "w").write(str(child.pid))
    time.sleep(float(sys.argv[2]))
    sys.exit(3)
""")


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def gone_soon(pid: int, within_s: float = 10.0) -> bool:
    deadline = time.monotonic() + within_s
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


def read_pid(path: Path, within_s: float = 10.0) -> int:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"the fake server never wrote {path}")


# --- Pure decisions ------------------------------------------------------------

def test_the_backoff_doubles_from_1_s_up_to_30_s():
    assert [backoff_delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_server_that_stayed_up_a_minute_starts_the_backoff_again():
    policy = RestartPolicy()
    assert [policy.after_exit(uptime_s=2) for _ in range(4)] == [1, 2, 4, 8]
    assert policy.crash_loop
    assert policy.after_exit(uptime_s=61) == 1
    assert not policy.crash_loop
    assert policy.after_exit(uptime_s=59) == 2  # 59 s is not long enough to count as recovered


def test_exit_codes_are_said_as_a_person_reads_them():
    assert describe_exit(3) == "exit code 3"
    assert describe_exit(-9) == "exit code -9, killed by SIGKILL"
    assert describe_exit(-15) == "exit code -15, killed by SIGTERM"


# --- Restarts, with a fake clock and a server that crashes at once ---------------

def crashing_supervisor(tmp_path, clock, lines, command=CRASH) -> Supervisor:
    spec = ServerSpec("crashy", "the crashy server", command)
    return Supervisor([spec], {}, tmp_path, ROOT, clock=clock, say=lines.append)


def next_exit(supervisor: Supervisor) -> None:
    """Let the fake server die (in real time), then let the supervisor notice it."""
    supervisor.watched[0].server.process.wait(timeout=30)
    supervisor.check()


def last_exit(lines: list[str]) -> str:
    return next(line for line in reversed(lines) if "exit code" in line)


def said_delay(line: str) -> float:
    return float(re.search(r"(?:starting it again|next start) in (\d+) s", line).group(1))


def test_a_crash_loop_backs_off_1_2_4_up_to_30_s_says_each_exit_code_and_keeps_trying(tmp_path):
    clock, lines = FakeClock(), []
    supervisor = crashing_supervisor(tmp_path, clock, lines)
    supervisor.start()
    delays = []
    for _ in range(7):
        next_exit(supervisor)
        delay = said_delay(last_exit(lines))
        delays.append(delay)
        clock.now += delay - 0.01
        supervisor.check()
        assert supervisor.watched[0].server.exit_code() is not None, "started again before its delay"
        clock.now += 0.01
        supervisor.check()  # the delay is over: started again
    supervisor.watched[0].server.process.wait(timeout=30)  # the eighth start ran
    supervisor.stop()

    assert delays == [1, 2, 4, 8, 16, 30, 30]
    exits = [line for line in lines if "exit code" in line]
    assert len(exits) == 7 and all("exit code 3" in line for line in exits)
    # The first two look like single crashes; from the third on, the terminal says it is a loop.
    assert all("stopped unexpectedly" in line for line in exits[:2])
    assert all("keeps crashing" in line and "Still trying" in line for line in exits[2:])
    assert "starting" in lines[-1]  # with the end of its log
    # Eight starts in all: the first and seven restarts.
    assert (tmp_path / "crashy.log").read_text().count("starting") == 8


def test_after_a_minute_up_the_next_crash_waits_1_s_again(tmp_path):
    clock, lines = FakeClock(), []
    supervisor = crashing_supervisor(tmp_path, clock, lines)
    supervisor.start()
    for _ in range(3):
        next_exit(supervisor)
        clock.now += 60
        supervisor.check()
    # Three quick exits (the fake clock moved on only after each was noticed)...
    assert said_delay(last_exit(lines)) == 4
    clock.now += 61  # ...then the restarted server stays up a minute before it exits
    next_exit(supervisor)
    supervisor.stop()
    assert said_delay(last_exit(lines)) == 1 and "stopped unexpectedly" in last_exit(lines)


def test_a_server_is_not_started_again_before_it_exited(tmp_path):
    clock, lines = FakeClock(), []
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    supervisor = crashing_supervisor(tmp_path, clock, lines, command=sleeper)
    supervisor.start()
    first = supervisor.watched[0].server.process.pid
    clock.now += 3600
    supervisor.check()
    assert supervisor.watched[0].server.process.pid == first and lines == []
    supervisor.stop()
    assert not alive(first)


# --- Processes: nothing left behind ----------------------------------------------

def test_a_crashed_servers_own_children_are_ended_with_it(tmp_path):
    clock, lines = FakeClock(), []
    child_file = tmp_path / "child.pid"
    supervisor = crashing_supervisor(tmp_path, clock, lines, [sys.executable, "-c", WITH_CHILD, str(child_file), "0"])
    supervisor.start()
    child = read_pid(child_file)
    next_exit(supervisor)
    supervisor.stop()
    assert "exit code 3" in lines[0]
    assert gone_soon(child), "the crashed server's child is still running"


def test_stopping_ends_the_servers_and_their_children(tmp_path):
    child_file = tmp_path / "child.pid"
    server = ServerProcess(ServerSpec("parent", "a server with a child",
                                      [sys.executable, "-c", WITH_CHILD, str(child_file), "60"]), {}, tmp_path, ROOT)
    process = server.start()
    child = read_pid(child_file)
    stop_all([server], grace_s=5)
    assert process.returncode == -signal.SIGTERM
    assert gone_soon(child)


def test_a_server_that_ignores_sigterm_is_killed_after_the_grace_time(tmp_path):
    stubborn = [sys.executable, "-c",
                "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True); time.sleep(60)"]
    server = ServerProcess(ServerSpec("stubborn", "a stubborn server", stubborn), {}, tmp_path, ROOT)
    process = server.start()
    deadline = time.monotonic() + 10
    while "up" not in server.log_path.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)  # its SIGTERM handler is in place
    stop_all([server], grace_s=0.5)
    assert process.returncode == -signal.SIGKILL


SUPERVISED_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from bot.supervisor import ServerSpec, Supervisor, stop_on_signals

    tmp = Path(sys.argv[1])
    specs = [ServerSpec(f"s{n}", f"server {n}", [sys.executable, "-c", sys.argv[2], str(tmp / f"child{n}.pid"), "600"])
             for n in (1, 2)]
    supervisor = Supervisor(specs, {}, tmp, Path.cwd())
    stop_on_signals(supervisor)
    supervisor.run(on_ready=lambda: print("ready", flush=True), poll_s=0.1)
    print("stopped", flush=True)
""")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_ctrl_c_sigterm_and_a_closed_terminal_stop_every_server_and_child(tmp_path, signum):
    runner = subprocess.Popen([sys.executable, "-c", SUPERVISED_SCRIPT, str(tmp_path), WITH_CHILD],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert runner.stdout.readline().strip() == "ready"
    children = [read_pid(tmp_path / f"child{n}.pid") for n in (1, 2)]
    servers = [int(pid) for pid in subprocess.check_output(["pgrep", "-P", str(runner.pid)], text=True).split()]
    assert len(servers) == 2

    runner.send_signal(signum)
    assert runner.wait(timeout=15) == 0
    assert "stopped" in runner.stdout.read()
    for pid in servers + children:
        assert gone_soon(pid), f"process {pid} outlived the supervisor"
