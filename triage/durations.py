"""How long the pain has lasted, from what a runner types, in hours.

Pure and deterministic: relative phrases ("since Saturday", "yesterday") are
measured from the `now` the caller passes in.
"""
from __future__ import annotations

import re
from datetime import datetime

HOURS_PER_UNIT = {
    "minute": 1 / 60, "min": 1 / 60, "hour": 1, "hr": 1, "h": 1,
    "day": 24, "d": 24, "night": 24, "week": 168, "wk": 168, "w": 168,
    "fortnight": 336, "month": 730, "mo": 730, "year": 8760, "yr": 8760,
}
WORD_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11,
    "twelve": 12, "fourteen": 14, "twenty": 20, "thirty": 30, "forty": 40,
    "a couple of": 2, "a couple": 2, "couple of": 2, "couple": 2, "a few": 3,
    "few": 3, "several": 4, "a half": 0.5, "half a": 0.5, "half": 0.5,
}
WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
    "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4,
    "friday": 4, "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
# Fixed phrases, longest first so "the day before yesterday" wins over
# "yesterday". "since this morning" is taken as a few hours.
RELATIVE_HOURS = {
    "day before yesterday": 48, "yesterday": 24, "last night": 12,
    "this morning": 6, "today": 6, "this afternoon": 3, "tonight": 2,
    "last week": 168, "the weekend": None, "ages": 730, "forever": 730,
}
# A bare number-and-unit that describes *when* the pain began relative to
# the run ("2 days later", "12 hours after my run") is onset, not duration.
ONSET_FOLLOWERS = re.compile(r"^\s*(later|after\b|post\b|into\b|in\b)")
MORE_THAN = re.compile(r"(over|more than|more then|longer than|at least|past|upwards of|beyond)\s*$")
LESS_THAN = re.compile(r"(nearly|almost|under|less than|not quite|just under)\s*$")

# Digits may touch their unit ("48hrs"); words may not ("and" is not "an d").
_NUMBER = r"(\d+(?:\.\d+)?(?=\s*[a-z])|(?:" + "|".join(sorted(map(re.escape, WORD_NUMBERS), key=len, reverse=True)) + r")(?=\s))"
_UNIT = r"(" + "|".join(sorted(HOURS_PER_UNIT, key=len, reverse=True)) + r")s?"
AMOUNT = re.compile(
    rf"(?<![\w-]){_NUMBER}(?:\s*(?:-|to|or)\s*(\d+(?:\.\d+)?))?\s*(\+|plus)?\s*(?:and a half\s*)?{_UNIT}(?!\w)"
)
WEEKDAY = re.compile(
    r"\b(?:since|from|on|started|start|began|begun|last)\s+(?:on\s+|last\s+|the\s+)?("
    + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\b"
)
WEEKEND = re.compile(r"\b(?:since|over|at|on)\s+(?:the\s+|last\s+)?weekend\b")


def duration_hours(text: str, now: datetime) -> float | None:
    """Hours the pain has lasted according to `text`, or None if it says not."""
    lowered = text.lower().replace("’", "'")
    return (
        _from_amount(lowered)
        or _from_weekday(lowered, now)
        or _from_weekend(lowered, now)
        or _from_relative(lowered)
    )


def _from_amount(text: str) -> float | None:
    for match in AMOUNT.finditer(text):
        if ONSET_FOLLOWERS.match(text[match.end():]):
            continue
        number, upper, plus, unit = match.group(1), match.group(2), match.group(3), match.group(4)
        value = float(upper) if upper else _number(number)
        hours = value * HOURS_PER_UNIT[unit]
        if "and a half" in match.group(0):
            hours += 0.5 * HOURS_PER_UNIT[unit]
        return _qualified(hours, text[: match.start()], bool(plus))
    return None


def _qualified(hours: float, before: str, plus: bool) -> float:
    """'over 3 days' must cross the 3-day line; 'nearly 3 days' must not."""
    if plus or MORE_THAN.search(before):
        return hours + 1
    if LESS_THAN.search(before):
        return hours - 1
    return hours


def _number(word: str) -> float:
    return float(word) if word[0].isdigit() else float(WORD_NUMBERS[word])


def _from_weekday(text: str, now: datetime) -> float | None:
    match = WEEKDAY.search(text)
    if not match:
        return None
    days_back = (now.weekday() - WEEKDAYS[match.group(1)]) % 7 or 7
    return days_back * 24.0


def _from_weekend(text: str, now: datetime) -> float | None:
    if not WEEKEND.search(text):
        return None
    days_back = (now.weekday() - WEEKDAYS["saturday"]) % 7 or 7
    return days_back * 24.0


def _from_relative(text: str) -> float | None:
    for phrase, hours in RELATIVE_HOURS.items():
        if hours is not None and re.search(rf"\b{re.escape(phrase)}\b", text):
            return float(hours)
    return None
