"""The project's command line: python -m bot run | chat | train | check | test-stories | ...

The Makefile calls these; the README, the tests and CI start the bot the same way.
"""
from __future__ import annotations

import argparse
import subprocess
import sys

from bot.settings import ROOT, load_settings, quiet_environment
from bot.training import prepare


def cmd_train(args) -> int:
    from bot.training import train_if_needed

    train_if_needed(load_settings())
    return 0


def cmd_run(args) -> int:
    from bot.servers import running_bot, wait_for_signal

    from bot.channels.config import ChannelConfigError, plan_channels

    settings = load_settings()
    try:
        channel_lines = plan_channels(quiet_environment(settings)).status_lines
    except ChannelConfigError as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 2
    prepare(settings)
    for line in channel_lines:
        print(f"Channel {line}", flush=True)
    print(f"Starting the action server and the Rasa server (logs in {settings.log_dir})...", flush=True)
    with running_bot(settings) as processes:
        print(f"Ready. REST: POST {settings.rasa_url}/webhooks/rest/webhook", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        wait_for_signal(processes)
    return 0


def cmd_chat(args) -> int:
    from bot.terminal_chat import chat

    return chat(load_settings(), url=args.url)


def cmd_check(args) -> int:
    return _rasa(["data", "validate", "--domain", "bot/domain.yml", "--data", "data", "--config", "config.yml", "--fail-on-warnings"])


def cmd_test_stories(args) -> int:
    from bot.training import model_path

    settings = load_settings()
    prepare(settings)
    return _rasa([
        "test", "core", "--model", str(model_path(settings)), "--stories", "tests/stories",
        "--endpoints", "bot/endpoints.yml", "--fail-on-prediction-errors", "--out", "reports/stories",
    ])


def cmd_eval(args) -> int:
    """Triage vignettes over REST against a bot of its own, then retrieval quality."""
    import tempfile
    from pathlib import Path

    from bot import evaluate_triage
    from bot.servers import running_bot
    from bot.settings import isolated_settings

    base = load_settings()
    prepare(base)
    with tempfile.TemporaryDirectory() as scratch:
        settings = isolated_settings(Path(scratch), 5505, 5555)
        with running_bot(settings):
            triage_rc = evaluate_triage.main(["--url", settings.rasa_url, "--report", "reports/triage_eval.md"])
    retrieval_rc = subprocess.run([sys.executable, "-m", "knowledge", "eval"], cwd=ROOT, env=quiet_environment(base)).returncode
    return triage_rc or retrieval_rc


def cmd_bench(args) -> int:
    from bot.bench import main as bench

    return bench()


def _rasa(arguments: list[str]) -> int:
    settings = load_settings()
    return subprocess.run([sys.executable, "-m", "rasa", *arguments], cwd=ROOT, env=quiet_environment(settings)).returncode


COMMANDS = {
    "run": (cmd_run, "train if needed, then start both servers in the foreground"),
    "chat": (cmd_chat, "talk to the bot in this terminal (starts it if it is not running)"),
    "train": (cmd_train, "train the Rasa model if its data or config changed"),
    "check": (cmd_check, "validate the Rasa training data and domain"),
    "test-stories": (cmd_test_stories, "run Rasa's test stories, failing on any prediction error"),
    "eval": (cmd_eval, "quality: triage vignettes over REST, retrieval on the question dev set"),
    "bench": (cmd_bench, "speed and memory figures, with the machine they came from"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (func, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text)
        command.set_defaults(func=func)
        if name == "chat":
            command.add_argument("--url", help="talk to a bot already running at this URL")
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
