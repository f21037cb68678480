"""Train the Rasa model only when its inputs changed."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from bot.settings import ROOT, Settings, quiet_environment

MODEL_NAME = "assistant"
# Everything `rasa train` reads. The FactExtractor is not trained, so its
# lexicon can change without retraining.
TRAINING_INPUTS = ("config.yml", "bot/domain.yml", "data")


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
    print("Training the Rasa model (about a minute on 2 cores)...", flush=True)
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--config", "config.yml", "--domain", "bot/domain.yml",
         "--data", "data", "--out", str(settings.models_dir), "--fixed-model-name", MODEL_NAME],
        cwd=ROOT, env=quiet_environment(settings), check=True,
    )
    _stamp(settings).write_text(fingerprint())


def _stamp(settings: Settings) -> Path:
    return settings.models_dir / f"{MODEL_NAME}.fingerprint"
