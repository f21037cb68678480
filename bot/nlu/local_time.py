"""The runner's own clock, when the channel sends it.

"Since 2pm" and "since Friday morning" are counted back from the runner's
local time, not the server's: the web widget sends its browser's clock with
every message, and a REST client may (docs/CONTRACT.md: "metadata":
{"local_time": "2026-12-05T17:00:00+01:00"}). Without it, the server's clock
is used: off by the runner's time zone at most, which moves no rule's line
but can move an onset from "right after" to "the next day". A client's clock
only ever dates its own conversation, so it is taken as sent.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

MAX_CHARS = 40  # "2026-12-05T17:00:00.123456+01:00" is 32


def runner_now(metadata: Any) -> Optional[datetime]:
    """The runner's wall-clock time from a message's metadata, or None."""
    sent = metadata.get("local_time") if isinstance(metadata, dict) else None
    if not isinstance(sent, str) or len(sent) > MAX_CHARS:
        return None
    try:
        when = datetime.fromisoformat(sent.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.replace(tzinfo=None)  # the runner's wall clock is what "this morning" means
