"""Every setting the bot reads from the environment, with its default, in one place."""
from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    host: str
    rasa_port: int
    action_port: int
    tracker_db: Path
    models_dir: Path
    log_dir: Path
    # Files the bot writes while it runs (the credentials built from the environment).
    var_dir: Path
    # Conversations idle longer than this are deleted by `python -m bot forget`.
    retention_days: float = 30.0
    # When set, the REST channel needs "Authorization: Bearer <token>" (bot/channels/edge.py).
    rest_token: str = ""
    # Shared stores (bot/stores.py): None keeps conversations in the SQLite file
    # `tracker_db` and locks in memory, which only one Rasa server may use.
    tracker_store_url: Optional[str] = None
    lock_store_url: Optional[str] = None
    # How many Rasa servers `python -m bot run` starts behind HAProxy (bot/replicas.py).
    replicas: int = 1

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://{self.host}:{self.action_port}"

    @property
    def credentials_path(self) -> Path:
        return self.var_dir / "credentials.yml"

    @property
    def endpoints_path(self) -> Path:
        return self.var_dir / "endpoints.yml"

    def replica_ports(self) -> list[int]:
        """The Rasa servers' own ports when several run behind the balancer on
        rasa_port: the ports just above it (5006, 5007 ... by default)."""
        return [self.rasa_port + 1 + i for i in range(self.replicas)]


def load_settings() -> Settings:
    return Settings(
        host=os.environ.get("BOT_HOST", "127.0.0.1"),
        rasa_port=int(os.environ.get("RASA_PORT", "5005")),
        action_port=int(os.environ.get("ACTION_PORT", "5055")),
        tracker_db=Path(os.environ.get("TRACKER_DB", ROOT / "var" / "conversations.db")),
        models_dir=Path(os.environ.get("MODELS_DIR", ROOT / "models")),
        log_dir=Path(os.environ.get("LOG_DIR", ROOT / "var" / "log")),
        var_dir=Path(os.environ.get("VAR_DIR", ROOT / "var")),
        retention_days=float(os.environ.get("RETENTION_DAYS", "30")),
        rest_token=os.environ.get("BOT_REST_TOKEN", ""),
        tracker_store_url=os.environ.get("TRACKER_STORE_URL") or None,
        lock_store_url=os.environ.get("LOCK_STORE_URL") or None,
        replicas=int(os.environ.get("REPLICAS") or "1"),
    )


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def isolated_settings(scratch: Path, rasa_port: int, action_port: int) -> Settings:
    """A bot of its own: other ports, and its conversations (SQLite) and logs in
    `scratch`, so tests, eval and bench never disturb a bot started by `make run`."""
    return replace(
        load_settings(),
        rasa_port=rasa_port,
        action_port=action_port,
        tracker_db=scratch / "conversations.db",
        log_dir=scratch / "log",
        var_dir=scratch,
        # Never a production database or lock store exported for `make run`:
        # whoever wants shared stores or replicas sets them on the result.
        tracker_store_url=None,
        lock_store_url=None,
        replicas=1,
    )


def quiet_environment(settings: Settings) -> dict[str, str]:
    """The environment of every process the bot starts.

    Telemetry and error reporting off (a health product sends conversations
    nowhere), models strictly offline, and start-up noise from TensorFlow,
    SQLAlchemy and pkg_resources kept out of the runner's way.
    """
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONWARNINGS="ignore",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
        SANIC_HOST=settings.host,
        ACTION_ENDPOINT_URL=f"{settings.action_url}/webhook",
        TRACKER_DB=str(settings.tracker_db),
        # The channels' delivery log follows the lock store (bot/channels/deliveries.py).
        LOCK_STORE_URL=settings.lock_store_url or "",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    )
    return env
