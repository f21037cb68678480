"""The project's command line: python -m bot run | chat | train | check | test-stories | ...

The Makefile calls these; the README, the tests and CI start the bot the same way.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from bot.settings import ROOT, load_settings, quiet_environment
from bot.training import prepare


def cmd_train(args) -> int:
    from bot.training import train_if_needed

    train_if_needed(load_settings())
    return 0


def cmd_run(args) -> int:
    from bot.servers import supervisor
    from bot.supervisor import stop_on_signals

    from bot.channels.config import ChannelConfigError, plan_channels
    from bot.replicas import haproxy_missing
    from bot.stores import StoreConfigError, check_stores, replica_problem

    settings = load_settings()
    refusal = exposure_refusal(settings)
    if refusal:
        print(f"Cannot start: {refusal}", file=sys.stderr)
        return 2
    os.umask(0o077)  # everything the bot writes (store, logs, credentials) is its owner's only
    if args.replicas is not None:
        settings = replace(settings, replicas=args.replicas)
    try:
        channel_lines = plan_channels(quiet_environment(settings)).status_lines
        problem = replica_problem(settings)
        if problem:
            raise StoreConfigError(problem)
        if settings.replicas > 1 and haproxy_missing():
            raise StoreConfigError("replicas run behind HAProxy, which is not installed: `make haproxy` "
                                   "(or apt-get install haproxy).")
        # Before anything starts: Rasa would wait forever for a database that is down.
        check_stores(settings)
    except (ChannelConfigError, StoreConfigError) as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 2
    prepare(settings)
    for line in channel_lines:
        print(f"Channel {line}", flush=True)
    print(f"Stores: {store_line(settings)}", flush=True)
    what = "the Rasa server" if settings.replicas <= 1 else f"{settings.replicas} Rasa servers behind HAProxy"
    print(f"Starting the action server and {what} (logs in {settings.log_dir})...", flush=True)
    servers = supervisor(settings, say=lambda line: print(line, flush=True))
    stop_on_signals(servers)

    def ready() -> None:
        print(f"Ready. REST: POST {settings.rasa_url}/webhooks/rest/webhook", flush=True)
        print(f"Web widget demo page: {settings.rasa_url}/webhooks/widget/demo", flush=True)
        print("A server that stops unexpectedly is started again. Press Ctrl-C to stop.", flush=True)

    servers.run(on_ready=ready)
    print("Stopped.", flush=True)
    return 0


def exposure_refusal(settings) -> str | None:
    """Why the bot must not listen where it was told to: beyond loopback, the
    REST channel would give anyone on the network every conversation's turns."""
    from bot.settings import is_loopback

    if is_loopback(settings.host) or settings.rest_token:
        return None
    return (f"BOT_HOST={settings.host} listens beyond this machine; set BOT_REST_TOKEN "
            "(REST clients then send 'Authorization: Bearer <token>') or keep BOT_HOST=127.0.0.1.")
def store_line(settings) -> str:
    """Where conversations and locks are kept, without passwords."""
    from urllib.parse import urlsplit

    def bare(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.hostname}:{parts.port or ''}{parts.path}"

    tracker = bare(settings.tracker_store_url) if settings.tracker_store_url else f"SQLite {settings.tracker_db}"
    lock = bare(settings.lock_store_url) if settings.lock_store_url else "in memory"
    return f"conversations in {tracker}; locks {'' if lock == 'in memory' else 'in '}{lock}."


def cmd_health(args) -> int:
    """For process managers: exit 0 when both servers answer their liveness
    endpoints (with --ready: their readiness endpoints), else 1."""
    from bot.servers import is_live, is_ready

    settings = load_settings()
    healthy = is_ready(settings) if args.ready else is_live(settings)
    print("ok" if healthy else "not " + ("ready" if args.ready else "answering"))
    return 0 if healthy else 1


def cmd_chat(args) -> int:
    from bot.terminal_chat import chat

    return chat(load_settings(), url=args.url)


def cmd_check(args) -> int:
    return _rasa(["data", "validate", "--domain", "bot/domain.yml", "--data", "data", "--config", "config.yml", "--fail-on-warnings"])


STORY_REPORTS = ROOT / "reports" / "stories"


def cmd_test_stories(args) -> int:
    """Rasa's test stories, failing on any prediction error; the story report, the failed
    stories and the action confusion matrix land in reports/stories/ either way."""
    import shutil

    from bot.training import model_path

    settings = load_settings()
    prepare(settings)
    shutil.rmtree(STORY_REPORTS, ignore_errors=True)  # no stale report from an earlier run
    test = ["test", "core", "--model", str(model_path(settings)), "--stories", "tests/stories",
            "--endpoints", "bot/endpoints.yml", "--out", str(STORY_REPORTS)]
    returncode = _rasa([*test, "--fail-on-prediction-errors"])
    if returncode != 0:
        # Rasa stops at the first wrong prediction and writes no report; a second
        # run without the flag writes the whole report, with every failed story.
        print(f"A test story failed; writing the full story report to {STORY_REPORTS}/ ...", flush=True)
        _rasa(test)
    _drop_empty_ted_report()
    return returncode


def _drop_empty_ted_report() -> None:
    """Rasa writes an entity report for TEDPolicy even when the config has none: drop the empty one."""
    report = STORY_REPORTS / "TEDPolicy_report.json"
    if report.exists() and report.read_text(encoding="utf-8").strip() in ("{}", ""):
        report.unlink()
        (STORY_REPORTS / "TEDPolicy_confusion_matrix.png").unlink(missing_ok=True)


def cmd_eval(args) -> int:
    """One quality report (reports/quality/report.md): triage vignettes (dev and held-out) over
    REST against a bot of its own, retrieval (dev and held-out), intents (held-out split and
    cross-validation); it also keeps reports/triage_eval.md and reports/retrieval.md."""
    from bot.quality_run import run

    base = load_settings()
    prepare(base)
    return run(base)


def cmd_bench(args) -> int:
    from bot.bench import main as bench

    return bench(load_seconds=args.load_seconds, concurrency=args.concurrency, load_only=args.load_only)


def cmd_conversations(args) -> int:
    """Conversation tests (tests/conversations/*.yml) against the live bot; HTML report."""
    from bot.conversations.command import run_conversations

    return run_conversations(args.paths, args.url, Path(args.report))


def _conversations_arguments(command) -> None:
    command.add_argument("paths", nargs="*", help="test files, folders or globs (default: tests/conversations)")
    command.add_argument("--url", help="test a bot already running at this URL instead of starting one")
    command.add_argument("--report", default="reports/conversations.html", help="where to write the HTML report")


def cmd_export_conversation(args) -> int:
    from bot.conversations.command import export_conversation

    return export_conversation(args.sender_id, args.out, args.db)


def _export_arguments(command) -> None:
    command.add_argument("sender_id", help="the conversation id (the REST 'sender') to export")
    command.add_argument("--out", help="write the test file here (default: print it)")
    command.add_argument("--db", help="the conversation store (default: TRACKER_DB, var/conversations.db)")


def cmd_forget(args) -> int:
    """Delete conversations idle longer than --older-than (default: RETENTION_DAYS days)."""
    from bot.privacy import parse_age
    from bot.retention import forget_idle

    settings = load_settings()
    age = args.older_than or f"{settings.retention_days:g}d"
    try:
        max_idle_s = parse_age(age)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    # --db names a SQLite file; otherwise the store the bot runs on (PostgreSQL when TRACKER_STORE_URL is set).
    deleted = forget_idle(Path(args.db) if args.db else (settings.tracker_store_url or settings.tracker_db), max_idle_s)
    print(f"Deleted {deleted} conversation{'s' if deleted != 1 else ''} idle for more than {age}.")
    return 0


def _rasa(arguments: list[str]) -> int:
    settings = load_settings()
    return subprocess.run([sys.executable, "-m", "rasa", *arguments], cwd=ROOT, env=quiet_environment(settings)).returncode


COMMANDS = {
    "run": (cmd_run, "train if needed, then start both servers in the foreground"),
    "health": (cmd_health, "exit 0 when both servers answer (--ready: can serve a turn), for process managers"),
    "chat": (cmd_chat, "talk to the bot in this terminal (starts it if it is not running)"),
    "train": (cmd_train, "train the Rasa model if its data or config changed"),
    "check": (cmd_check, "validate the Rasa training data and domain"),
    "test-stories": (cmd_test_stories, "run Rasa's test stories, failing on any prediction error"),
    "eval": (cmd_eval, "the quality report: triage, intents, retrieval on dev and held-out sets"),
    "bench": (cmd_bench, "speed and memory figures, with the machine they came from"),
    "conversations": (cmd_conversations, "conversation tests from tests/conversations against the live bot, with an HTML report"),
    "export-conversation": (cmd_export_conversation, "turn a stored conversation into a conversation test file"),
    "forget": (cmd_forget, "delete conversations idle longer than the retention period (RETENTION_DAYS, 30)"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (func, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text)
        command.set_defaults(func=func)
        if name == "chat":
            command.add_argument("--url", help="talk to a bot already running at this URL")
        if name == "run":
            command.add_argument("--replicas", type=int, help="Rasa servers behind HAProxy (default: REPLICAS or 1)")
        if name == "bench":
            command.add_argument("--load-seconds", type=float, default=60, help="length of each load test (default 60)")
            command.add_argument("--concurrency", type=int, default=64, help="runners at once in the load test (default 64)")
            command.add_argument("--load-only", action="store_true", help="only the load test (three set-ups)")
        if name == "health":
            command.add_argument("--ready", action="store_true", help="readiness instead of liveness")
        if name == "conversations":
            _conversations_arguments(command)
        if name == "export-conversation":
            _export_arguments(command)
        if name == "forget":
            command.add_argument("--older-than", help="an idle time such as 30d, 12h or 90m (default: RETENTION_DAYS days)")
            command.add_argument("--db", help="the conversation store (default: TRACKER_DB, var/conversations.db)")
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
