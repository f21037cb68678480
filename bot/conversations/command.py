"""`python -m bot conversations` and `python -m bot export-conversation`: the glue
between the command line, the bot's servers and the pure parts of this package."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bot.conversations.report import write_report
from bot.conversations.runner import failure_text, run_all, summary_line
from bot.conversations.spec import SpecError, find_files, load_files
from bot.rest_client import RestClient
from bot.settings import ROOT

# A bot of its own for `make conversations`, clear of make run (5005/5055),
# the e2e tests (5105-5355) and eval (5505/5555).
RASA_PORT, ACTION_PORT = 5805, 5855
DEFAULT_REPORT = ROOT / "reports" / "conversations.html"


def run_conversations(paths: list[str] | None, url: str | None, report: Path = DEFAULT_REPORT) -> int:
    """0 when every conversation passes, 1 when one fails, 2 when a test file is wrong."""
    try:
        conversations = load_files(find_files(paths))
    except SpecError as error:
        print("The conversation tests cannot run; fix these first:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    print(f"{len(conversations)} conversations", flush=True)
    if url:
        return _run_and_report(conversations, url, report)
    return _with_own_bot(lambda bot_url: _run_and_report(conversations, bot_url, report))


def _with_own_bot(run) -> int:
    from bot.servers import running_bot
    from bot.settings import isolated_settings, load_settings
    from bot.training import prepare

    prepare(load_settings())
    with tempfile.TemporaryDirectory() as scratch:
        settings = isolated_settings(Path(scratch), RASA_PORT, ACTION_PORT)
        print(f"Starting a bot of its own on {settings.rasa_url} (logs go with it)...", flush=True)
        with running_bot(settings):
            return run(settings.rasa_url)


def _run_and_report(conversations, url: str, report: Path) -> int:
    def show(result):
        print(summary_line(result), flush=True)
        if not result.passed:
            print(failure_text(result), flush=True)

    results = run_all(RestClient(url), conversations, on_result=show)
    failed = sum(not r.passed for r in results)
    written = write_report(results, url, report)
    print(f"\n{len(results) - failed} passed, {failed} failed. Report: {_shown(written)}")
    return 1 if failed else 0


def export_conversation(sender: str, out: str | None, db: str | None) -> int:
    from bot.conversations.export import ExportError, export_yaml
    from bot.settings import load_settings

    database = Path(db) if db else load_settings().tracker_db
    try:
        text = export_yaml(database, sender)
    except ExportError as error:
        print(f"Cannot export: {error}", file=sys.stderr)
        return 2
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
        print(f"Wrote {out}. Read it through, fix the name and any expectation that is wrong, then keep it.")
    else:
        sys.stdout.write(text)
    return 0


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
