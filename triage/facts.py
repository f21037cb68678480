"""What the runner told us, in canonical names: the only input of the triage engine."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from triage.vocabulary import load_vocabulary

UNKNOWN = "unknown"  # the runner said "not sure"

CATEGORICAL_FIELDS = ("pain_type", "onset", "location", "spread")
FIELD_NAMES = CATEGORICAL_FIELDS + ("duration_hours",)

# Only clear answers count. Anything else ("not sure", "none", "maybe") leaves a
# sign unknown, because reading it as "no" could hide a red flag.
_YES = {"yes", "y", "true", "present", "1"}
_NO = {"no", "n", "false", "absent", "0"}


@dataclass(frozen=True)
class Facts:
    pain_type: str | None = None      # canonical value from vocabulary.yml, UNKNOWN, or None (not asked yet)
    onset: str | None = None
    location: str | None = None
    spread: str | None = None          # widespread | one_spot | UNKNOWN | None
    duration_hours: float | str | None = None   # hours, UNKNOWN or None
    signs: Mapping[str, bool] = field(default_factory=dict)  # True present, False denied; absent key = unknown

    def __post_init__(self) -> None:
        # Copy, so a caller changing its own dict later cannot change these facts.
        object.__setattr__(self, "signs", dict(self.signs or {}))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> "Facts":
        """Facts from slots or JSON, forgiving about form, strict about meaning.

        Unknown keys are ignored. A word that is not a canonical value becomes
        UNKNOWN (so it is reported as unknown instead of silently matching no
        rule). Signs may sit under "signs" or at the top level, as Rasa slots do.
        """
        d = dict(d or {})
        vocabulary = load_vocabulary()
        values = {
            name: _canonical_value(d.get(name), vocabulary.values_of(name))
            for name in CATEGORICAL_FIELDS
        }
        duration = d.get("duration_hours", d.get("duration"))
        return cls(
            **values,
            duration_hours=_hours(duration),
            signs=_signs(d, vocabulary.signs),
        )

    def to_dict(self) -> dict:
        """JSON-ready; Facts.from_dict(f.to_dict()) == f."""
        out: dict[str, Any] = {name: getattr(self, name) for name in FIELD_NAMES}
        out["signs"] = {name: bool(value) for name, value in sorted(self.signs.items())}
        return out


def _slug(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _canonical_value(raw: Any, canonical: Mapping[str, str]) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str):
        return UNKNOWN
    slug = _slug(raw)
    if slug == "":
        return None
    if slug in canonical:
        return slug
    # Accept the label the question offered ("sharp pain" for sharp) as well.
    by_label = {_slug(label): value for value, label in canonical.items()}
    return by_label.get(slug, UNKNOWN)


def _hours(raw: Any) -> float | str | None:
    """Hours as a float. Anything that is not a plain number of hours is UNKNOWN:
    turning "since Saturday" into hours is the normaliser's job, not a guess here."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return UNKNOWN
    if isinstance(raw, (int, float)):
        number = float(raw)
    elif isinstance(raw, str):
        if raw.strip() == "":
            return None
        try:
            number = float(raw.strip())
        except ValueError:
            return UNKNOWN
    else:
        return UNKNOWN
    if math.isnan(number) or math.isinf(number) or number < 0:
        return UNKNOWN
    return number


def _sign_answer(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str):
        slug = _slug(raw)
        if slug in _YES:
            return True
        if slug in _NO:
            return False
    return None  # "not sure", None or anything odd: the sign stays unknown


def _signs(d: Mapping[str, Any], known_signs: Mapping[str, str]) -> dict[str, bool]:
    nested = d.get("signs") if isinstance(d.get("signs"), Mapping) else {}
    answers: dict[str, bool] = {}
    for source in (nested, d):
        for name, raw in source.items():
            if name not in known_signs:
                continue
            answer = _sign_answer(raw)
            if answer is None:
                continue
            # When the two places disagree, "present" wins: over-triage beats a missed red flag.
            answers[name] = answers.get(name, False) or answer
    return answers
