"""triage.durations: how long it has hurt, in hours, and when it began.

The line that matters is 72 hours (TRIAGE.md S1: "more than 3 days"), so
"over 3 days" must land above it and "nearly 3 days" below it. Weekdays are
measured from a fixed Thursday noon.
"""
from __future__ import annotations

from datetime import datetime

import pytest

from triage.durations import TimeSaid, onset_delay, pain_age_hours, ties_to_the_pain, times_said

NOW = datetime(2026, 11, 26, 12)  # Thursday 26 November 2026, noon


def first_time(text: str, now: datetime = NOW) -> TimeSaid | None:
    """The time phrase the timeline reads first (triage/extract.py `_timeline` takes it)."""
    found = times_said(text, now)
    return found[0] if found else None


def duration_hours(text: str, now: datetime = NOW) -> float | None:
    said = first_time(text, now)
    return said.hours if said else None


def run_age_hours(text: str, now: datetime = NOW) -> float | None:
    """Hours since the run, when the first time dates the run rather than the pain."""
    said = first_time(text, now)
    return said.hours if said and said.dates_run else None


def hours(text: str) -> float | None:
    return duration_hours(text)


EXACT = [
    # A day said beside its rounding in words: the day ("since Monday so almost a week now").
    ("since friday so almost a week now", 144),
    ("since saturday so nearly a week", 120),
    # numbers and units, as typed
    ("48 hrs", 48),
    ("48hrs", 48),
    ("48 hours", 48),
    ("36h", 36),
    ("2d", 48),
    ("3days", 72),
    ("3 dayss", 72),  # a typo in the unit
    ("2 days", 48),
    ("2 Days", 48),
    ("1 wk", 168),
    ("3 wks", 504),
    ("6 weeks", 1008),
    ("2 mo", 1460),
    ("a month", 730),
    ("1.5 days", 36),
    ("90 mins", 1.5),
    # words
    ("an hour", 1),
    ("half an hour", 0.5),
    ("half a day", 12),
    ("a day", 24),
    ("a couple of days", 48),
    ("a couple days", 48),
    ("couple of weeks", 336),
    ("a few days", 72),
    ("few days", 72),
    ("several days", 96),
    ("ten days", 240),
    ("a week", 168),
    ("a fortnight", 336),
    ("about a fortnight", 336),
    ("two nights", 48),
    # halves and ranges (the upper end counts: the safer reading for S1)
    ("a day and a half", 36),
    ("a week and a half", 252),
    ("one and a half weeks", 252),
    ("2-3 days", 72),
    ("4-5 days", 120),
    ("4/5 days", 120),
    ("two or three days", 72),
    ("2 to 3 days", 72),
    ("a day or two", 48),
    ("a week or two", 336),
    # hedges that do not move the number
    ("about 2 weeks", 336),
    ("roughly 3 days", 72),
    ("~3 days", 72),
    ("for the past 3 days", 72),
    ("for the last 48 hours", 48),
    ("3 days now", 72),
    ("sore 3 days in a row", 72),
    ("3 days in and it still hurts", 72),
    # how long ago the run was is about how long it has hurt
    ("I ran 10 miles 2 days ago", 48),
    ("ran a half marathon 3 days ago", 72),
    ("2 days post marathon", 48),
    # relative days
    ("yesterday", 24),
    ("since yesterday", 24),
    ("since yesterday morning", 24),
    ("the day before yesterday", 48),
    ("since last night", 12),
    ("since this morning", 10),
    ("last week", 168),
    ("for ages", 730),
    ("the other day", 48),
    # weekdays, from Thursday noon
    ("since saturday", 120),
    ("since Saturday!", 120),
    ("since sat", 120),
    ("since Sat.", 120),
    ("since sunday", 96),
    ("since sun", 96),
    ("since monday morning", 76),  # three days and four hours before Thursday noon
    ("since tues", 48),
    ("since tuesday's run", 48),
    ("since wednesday", 24),
    ("since wed", 24),
    ("since thursday", 168),  # today is Thursday: last Thursday
    ("since last thursday", 168),
    ("since friday", 144),
    ("started on tuesday", 48),
    ("began last friday", 144),
    ("after saturday's race", 120),
    ("since my long run on saturday", 120),
    ("since the race on sunday", 96),
    ("since the weekend", 120),
    ("over the weekend", 120),
    # dates
    ("since the 20th", 144),
    ("since nov 20", 144),
    ("since 20th november", 144),
    ("since the 30th", 648),  # 30 October
    ("since the 3rd", 552),
    # "day N": N - 1 days
    ("it's day 5", 96),
    ("its the fourth day of soreness", 72),
    ("this is the 3rd day", 48),
    ("3ish days", 72),
    ("since last month", 730),
    # one message, one duration: the first about the pain
    ("ran 18 miles on saturday, pain since sunday", 96),  # "since" says when it began
    ("ran for 2 hours, sore for 3 days", 72),
    ("it started 2 days after the marathon and has lasted 3 days", 72),
]


@pytest.mark.parametrize("text, expected", EXACT, ids=[t for t, _ in EXACT])
def test_duration(text, expected):
    assert hours(text) == pytest.approx(expected)


MORE_THAN_THREE_DAYS = [
    "3+ days",
    "3 + days",
    "3 days+",
    "72 hrs+",
    "over 3 days",
    "just over 3 days",
    "more than 3 days",
    "more then 3 days",
    "longer than three days",
    "at least 4 days",
    "3 days or more",
    ">3 days",
    "over a week",
    "more than a couple of weeks",
]


@pytest.mark.parametrize("text", MORE_THAN_THREE_DAYS)
def test_more_than_three_days_crosses_the_line(text):
    assert hours(text) > 72


LESS_THAN_THREE_DAYS = [
    "nearly 3 days",
    "almost 3 days",
    "not quite 3 days",
    "just under 3 days",
    "less than 3 days",
    "under 72 hours",
    "<3 days",
]


@pytest.mark.parametrize("text", LESS_THAN_THREE_DAYS)
def test_nearly_three_days_stays_below_the_line(text):
    assert hours(text) < 72


def test_qualifiers_move_just_across_the_line():
    assert hours("over 3 days") == pytest.approx(73)
    assert hours("nearly 3 days") == pytest.approx(71)
    assert hours("almost a week") == pytest.approx(167)
    assert hours("less than a day") == pytest.approx(23)


NO_DURATION = [
    # no time said, or none that can be measured
    "",
    "   ",
    "my calf hurts",
    "for a while",
    "since the marathon",
    "I ran 10k",
    "my 5k pb",
    "did 20 miles",
    "hand days",
    "and done",  # "and" is not "an d"
    "an dull ache",
    # when the pain began, not how long it has lasted: that is the onset
    "2 days later",
    "12 hours after my run",
    "a couple of days later my hamstrings started aching",
    "20 minutes into my run",
    "an hour in",
    # the run, the training, a race to come
    "I've been running for 3 years",
    "new to running, started c25k 3 wks ago",
    "i stop and walk for a minute and it goes away",
    "been running for ages",
    "calf is rock hard after my first hilly run in ages",  # since the last run, not the pain
    "haven't run in forever and now my legs hurt",
    "ran for 2 hours",
    "did a 2 hour run",
    "I run 5 days a week",
    "i run twice a day",
    "I run five times a week",
    "i'm training for a marathon in 6 weeks",
    "my marathon is a week away",
    "after a good night's sleep",
    "on the 5th mile",
    "need a 16 week marathon plan for sub 4 hrs",  # a finishing time
]


@pytest.mark.parametrize("text", NO_DURATION, ids=[repr(t) for t in NO_DURATION])
def test_no_duration(text):
    assert hours(text) is None


def test_curly_apostrophes_and_caps():
    assert hours("since Tuesday’s run") == 48
    assert hours("SINCE SATURDAY") == 120
    assert hours("Couple Of Days") == 48


def test_long_text_is_fine():
    text = "blah " * 2000 + "sore for 4 days"
    assert hours(text) == 96


def test_weekday_counts_from_now():
    monday = datetime(2026, 11, 23, 9)
    assert duration_hours("since saturday", monday) == 48
    assert duration_hours("since sunday", monday) == 24
    assert duration_hours("since monday", monday) == 168
    assert duration_hours("since monday morning", monday.replace(hour=15)) == 7  # said in the afternoon: today


def test_date_in_an_earlier_year():
    new_year = datetime(2027, 1, 5, 12)
    assert duration_hours("since the 30th", new_year) == 6 * 24  # 30 December
    assert duration_hours("since 28 december", new_year) == 8 * 24


def test_impossible_date_is_no_duration():
    assert duration_hours("since the 31st", datetime(2026, 12, 2, 12)) is None  # no 31 November


ONSET_DELAYS = [
    ("12 hours after my run", 12, False),
    ("2 days later", 48, False),
    ("about 24 hours later", 24, False),
    ("a couple of days later my hamstrings started aching", 48, False),
    ("came on 3 days after the marathon", 72, False),
    ("an hour after my run", 1, False),
    ("20 minutes into my run", 0, True),
    ("an hour in", 0, True),
]


@pytest.mark.parametrize("text, delay, during", ONSET_DELAYS, ids=[t for t, _, _ in ONSET_DELAYS])
def test_onset_delay(text, delay, during):
    found = onset_delay(text)
    assert found is not None
    assert (found.hours, found.during) == (pytest.approx(delay), during)
    assert text[found.start:found.end].strip()


@pytest.mark.parametrize("text", [
    "sore for 2 days",
    "3 days in and it still hurts",
    "I ran 2 hours after work",  # "ran" makes it the run, not the pain
    "",
])
def test_no_onset_delay(text):
    assert onset_delay(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("hammies are wrecked after hill reps yesterday", 24),
        ("went for a run in my new sneakers yesterday", 24),
        ("tempo run two days ago and now my hamstrings ache", 48),
        ("yesterday's parkrun wrecked me", 24),
        ("quads are sore after yesterday's hill session", 24),
        ("my legs are sore after my run yesterday", 24),
        ("sore since my run yesterday", None),  # the pain dates itself
        ("my calves have ached since saturday's long run", None),
        ("legs sore for 2 days", None),
        ("it started yesterday after my run", None),
        ("noticed it this morning", None),
    ],
)
def test_run_age_is_the_time_that_dates_the_run_not_the_pain(text, expected):
    assert run_age_hours(text, NOW) == expected
    if expected is not None:
        assert hours(text) == expected  # the duration is then only an upper bound


@pytest.mark.parametrize(
    "duration, run_age, onset, expected",
    [
        (48, 48, "next_day", 24),  # run 2 days ago, pain from the next day
        (24, 24, "next_day", 10),  # run yesterday, pain since this morning
        (48, 48, "right_after", 48),
        (48, 48, "unknown", 48),  # no onset: the run's age is all there is
        (72, 96, "next_day", 72),  # the runner dated the pain: kept as said
        (6, 6, "next_day", 6),  # never older than the run
        (None, 24, "next_day", None),
    ],
)
def test_pain_age_counts_from_the_onset_when_only_the_run_was_dated(duration, run_age, onset, expected):
    assert pain_age_hours(duration, run_age, onset) == expected


@pytest.mark.parametrize(
    "text, dated",
    [
        ("noticed it this morning", True),
        ("it has hurt for a week", True),
        ("sore for 3 days", True),
        ("went for a walk this morning and it hurt", False),  # dates the walk, not the pain
        ("i tried to jog today and it hurt", False),
    ],
)
def test_a_message_dates_the_pain_only_when_it_says_when_the_pain_began(text, dated):
    from triage.durations import dates_the_pain

    assert dates_the_pain(text) is dated


@pytest.mark.parametrize("text, hours, run_age", [
    # One day word dates the run, another the pain: the pain's own is its duration.
    ("Since this morning I have muscle ache in both upper legs after a trail run yesterday", 10, None),
    ("woke up this morning with sore legs after parkrun yesterday", 10, None),
    # One day word that dates the run stays the run's age.
    ("hammies wrecked after hill reps yesterday", 24, 24),
    # "Today" or "this morning" with no word that starts the pain is when the
    # runner writes: the pain is dated by the run, and the duration still asked.
    ("yesterday i did my first 18 km long run. today all my legs muscles are very sore", 24, None),
    ("did a long run yesterday. this morning my quads are stiff", 24, 24),
    ("legs sore this morning after parkrun yesterday", 24, 24),
])
def test_of_two_day_words_the_one_that_dates_the_pain_is_its_duration(text, hours, run_age):
    now = datetime(2026, 12, 5, 16, 0)
    assert duration_hours(text, now) == hours and run_age_hours(text, now) == run_age


# Thursday 26 November: a day typed alone, or a time that stands with nothing
# of the pain, is measured, and counts only as the answer to "How long have you
# had it?" (ties_to_the_pain is False; see triage/extract.py ANSWER_ONLY).
@pytest.mark.parametrize("text, expected, tied", [
    ("wednesday", 24, False),
    ("tues", 48, False),
    ("since last wkend", 120, True),
    ("last weekend i think", 120, False),
    ("3 weeks", 504, False),
    ("71 years young and the wife says I should ask", 71 * 8760, False),
    ("Hola, I am trail runner, 38 years.", 38 * 8760, False),
    ("sore for 3 days", 72, True),
    ("calves sore after we ran yday", 24, True),
    ("hill reps 2 days ago", 48, True),
    ("this morning", 10, False),
    ("sore for 2 days after the game", 48, True),
    ("my right shin is paining since last 6 days after I increased running", 144, True),
    ("calves hurt after the bleep test at school yday", 24, True),
    ("actually it's been more like 2 weeks", 336, True),
    ("since i woke up", 10, True),
])
def test_a_time_tied_to_nothing_of_the_pain_is_only_an_answer(text, expected, tied):
    said = first_time(text)
    hours_said, start, end = said.hours, said.start, said.end
    assert hours_said == expected
    assert ties_to_the_pain(text, start, end) is tied


@pytest.mark.parametrize("text", ["2day when i got up", "sore since 2day"])
def test_2day_is_today_not_two_days(text):
    assert hours(text) in (None, 6)


# A clock time the pain began at, counted back from Thursday noon: to the
# latest such time not after now (yesterday's, when today's is still to come).
CLOCK_TIMES = [
    ("since about 9.20 this morning", 2 + 40 / 60),
    ("since 7 this morning", 5),
    ("since about quarter past 9", 2.75),
    ("since half 8 this morning", 3.5),
    ("since 8:45", 3.25),
    ("since about 11", 1),
    ("since 2pm", 22),  # today's 2pm is still to come: yesterday's
    ("since 9pm last night", 15),
    ("started at 6am", 6),
    ("since about 10 in the morning", 2),
]


@pytest.mark.parametrize("text, expected", CLOCK_TIMES, ids=[t for t, _ in CLOCK_TIMES])
def test_a_clock_time_counts_back_to_its_latest_past(text, expected):
    assert hours(text) == pytest.approx(expected)


@pytest.mark.parametrize("text, expected", [
    ("since 2 days", 48),  # an amount, not 2 o'clock
    ("since 1.5 weeks", 252),
    ("since the 7th", 19 * 24),  # a date, not 7 o'clock
])
def test_amounts_and_dates_are_not_clock_times(text, expected):
    assert hours(text) == pytest.approx(expected)


@pytest.mark.parametrize("text, expected", [
    ("since the monday before last", 10 * 24),
    ("since the weekend before last", 12 * 24),
    ("months tbh, since the summer", 2190),
    ("for weeks", 336),
    ("weeks now", 336),
    ("my legs have ached for months", 2190),
    ("sore heel, 3 weeks now", 504),
    ("it's been happening on every run for about six weeks", 1008),
])
def test_weeks_back_and_units_without_a_number(text, expected):
    assert hours(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["been running for years", "i've been training for months", "in the winter months",
                                  "from 30 to 45k a week"])
def test_running_for_years_is_no_duration(text):
    assert hours(text) is None


@pytest.mark.parametrize("text, expected", [
    ("started hurting friday morning", 6 * 24 + 4),  # Thursday noon back to last Friday 8am
    ("he was fine wednesday night, started moaning thursday morning at breakfast", 4),
])
def test_a_bare_day_after_the_pain_dates_it(text, expected):
    assert hours(text) == pytest.approx(expected)
