"""The Rasa credentials file, built at start-up from bot/channels.yml and the environment.

A messaging platform is on only when its variables are set, so a developer's
`make run` needs no tokens, and a half-configured platform stops the start
with the name of what is missing instead of failing on the first message.
Pure: no Rasa import; servers.py writes the result where `rasa run` reads it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Optional

import yaml

CHANNELS_FILE = Path(__file__).resolve().parent.parent / "channels.yml"


class ChannelConfigError(ValueError):
    """A platform has some of its required variables set but not all."""


@dataclass(frozen=True)
class ChannelPlan:
    credentials: dict = field(default_factory=dict)
    # One line per platform for the start-up output: on, or off and why.
    status_lines: list[str] = field(default_factory=list)


def plan_channels(env: Mapping[str, str], spec: dict | None = None) -> ChannelPlan:
    check_values(env)
    spec = spec if spec is not None else load_spec()
    credentials = {connector: dict(values or {}) for connector, values in (spec.get("always") or {}).items()}
    lines = []
    for name, platform in (spec.get("platforms") or {}).items():
        connector_credentials = _platform_credentials(name, platform, env)
        if connector_credentials is None:
            variables = ", ".join(platform["required"].values())
            lines.append(f"{name}: off (set {variables} to turn it on)")
        else:
            credentials[platform["connector"]] = connector_credentials
            lines.append(f"{name}: on, webhook {platform['webhook']}" if platform.get("webhook") else f"{name}: on")
    return ChannelPlan(credentials, lines)


def _platform_credentials(name: str, platform: dict, env: Mapping[str, str]) -> dict | None:
    required = platform["required"]
    present = {key: env[var] for key, var in required.items() if env.get(var, "").strip()}
    if not present:
        return None
    missing = [var for key, var in required.items() if key not in present]
    if missing:
        raise ChannelConfigError(f"The {name} channel is half configured: set {', '.join(missing)} too, or unset its other variables.")
    optional = {key: env[var] for key, var in (platform.get("optional") or {}).items() if env.get(var, "").strip()}
    return {**(platform.get("fixed") or {}), **present, **optional}


def check_values(env: Mapping[str, str]) -> None:
    """Values a channel would refuse at start, checked before any server starts,
    so the reason reaches the terminal and not only the Rasa server's log."""
    from bot.channels.widget_protocol import parse_origins  # pure: no Rasa

    try:
        parse_origins(env.get("WIDGET_ALLOWED_ORIGINS"))
        sms_limit(env.get("TWILIO_SMS_MAX_CHARS"))
    except ValueError as error:
        raise ChannelConfigError(str(error)) from None


def sms_limit(value: Any) -> Optional[int]:
    """TWILIO_SMS_MAX_CHARS: a whole number from 70 up (one UCS-2 segment), or unset."""
    if value in (None, ""):
        return None
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if limit < 70:
        raise ValueError(f"TWILIO_SMS_MAX_CHARS must be a whole number of at least 70, not {value!r}")
    return limit


def load_spec(path: Path = CHANNELS_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def write_credentials(plan: ChannelPlan, path: Path) -> Path:
    """Written readable by its owner only: it holds the platforms' tokens and secrets."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(yaml.safe_dump(plan.credentials, sort_keys=False), encoding="utf-8")
    return path
