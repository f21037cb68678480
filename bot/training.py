"""Train the Rasa model only when its inputs changed."""
from __future__ import annotations

import hashlib
import re
import subprocess
import sys
import time
from pathlib import Path

from bot.settings import ROOT, Settings, quiet_environment

MODEL_NAME = "assistant"
# Everything `rasa train` reads. The FactExtractor is not trained, so its
# lexicon can change without retraining.
TRAINING_INPUTS = ("config.yml", "bot/domain.yml", "data")


EPOCHS = re.compile(r"Epochs:\s+\d+%\|[^|]*\|\s*(\d+/\d+)")


def model_path(settings: Settings) -> Path:
    return settings.models_dir / f"{MODEL_NAME}.tar.gz"


def fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(_input_files()):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _input_files() -> list[Path]:
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = ROOT / name
        files += sorted(path.rglob("*.yml")) if path.is_dir() else [path]
    return files


def needs_training(settings: Settings) -> bool:
    stamp = _stamp(settings)
    return not model_path(settings).exists() or not stamp.exists() or stamp.read_text() != fingerprint()


def train_if_needed(settings: Settings) -> None:
    if not needs_training(settings):
        print("Model is up to date.", flush=True)
        return
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    log_path = settings.log_dir / "train.log"
    print(f"Training the Rasa model (about 2 minutes on 2 cores; log: {log_path})", flush=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "rasa", "train", "--config", "config.yml", "--domain", "bot/domain.yml",
             "--data", "data", "--out", str(settings.models_dir), "--fixed-model-name", MODEL_NAME],
            cwd=ROOT, env=quiet_environment(settings), stdout=log, stderr=subprocess.STDOUT,
        )
        _show_progress(process, log_path)
    if process.returncode != 0:
        sys.exit(f"Training failed; the end of {log_path} says why.")
    _stamp(settings).write_text(fingerprint())


def _show_progress(process: subprocess.Popen, log_path: Path) -> None:
    """One updating line: elapsed time and the latest epoch progress rasa logged."""
    started = time.monotonic()
    while process.poll() is None:
        time.sleep(1)
        epochs = EPOCHS.findall(log_path.read_bytes()[-4000:].decode("utf-8", "replace"))
        where = f", DIET epochs {epochs[-1]}" if epochs else ""
        print(f"\r  {time.monotonic() - started:5.0f} s{where}   ", end="", flush=True)
    print(f"\r  done in {time.monotonic() - started:.0f} s" + " " * 30, flush=True)


def _stamp(settings: Settings) -> Path:
    return settings.models_dir / f"{MODEL_NAME}.fingerprint"


def prepare(settings: Settings) -> None:
    """Everything a running bot needs that may be stale: the model and the article index."""
    from knowledge.index import load_or_build

    train_if_needed(settings)
    load_or_build(progress=True)
