"""How long the pain has lasted, from what a runner types, in hours.

Pure and deterministic: relative phrases ("since Saturday", "yesterday") are
measured from the `now` the caller passes in.

Runners type many numbers that are not how long it has hurt: the length of a
run ("a 2 hour run"), how often they run ("5 days a week"), a race to come
("a marathon in 6 weeks") and when the pain began relative to the run ("2 days
later", "12 hours after my run"). The first three are skipped; the last is
returned by `onset_delay` instead, because it is the onset, not a duration.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

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
    "few": 3, "several": 4, "a half": 0.5, "half a": 0.5, "half an": 0.5, "half": 0.5,
}
WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "weds": 2,
    "wednesday": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4,
    "friday": 4, "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}
MONTHS = {
    name: number
    for number, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december")],
        start=1,
    )
    for name in names
}
# Fixed phrases, longest first so "the day before yesterday" wins over
# "yesterday". Guesses, since the time of day is unknown: runners write in
# the afternoon or evening, so "since this morning" is taken as about 10 hours.
RELATIVE_HOURS = {
    "day before yesterday": 48, "the other day": 48, "yesterday": 24, "last night": 12,
    "this morning": 10, "today": 6, "this afternoon": 3, "tonight": 2,
    # As typed on a phone.
    "day before yday": 48, "yday": 24, "yest": 24, "ystday": 24, "yesterdy": 24, "last nite": 12,
    "this mornin": 10, "2day": 6, "this arvo": 3, "tonite": 2, "2nite": 2,
    "since waking up": 10, "since getting up": 10,
    # "since she woke up": a parent or partner writing.
    **{f"since {who} {verb} up": 10 for who in ("i", "she", "he", "they", "we", "you", "u") for verb in ("woke", "got")},
    "last week": 168, "last month": 730, "ages": 730, "forever": 730,
    # A season is months back; any guess is far over three days, all a rule reads.
    **{f"since {the}{season}": 2190 for the in ("", "the ") for season in ("spring", "summer", "autumn", "fall", "winter")},
}
# A unit without a number: "months tbh", "for weeks", "weeks now". A guess
# (two weeks, three months, two years), and like the seasons far over three days.
BARE_UNIT_HOURS = {"weeks": 336, "wks": 336, "months": 2190, "years": 17520, "yrs": 17520}
BARE_UNIT = re.compile(rf"^\W*(?:like\s+|about\s+|for\s+)?({'|'.join(BARE_UNIT_HOURS)})\b"
                       rf"|\b(?:for|over)\s+({'|'.join(BARE_UNIT_HOURS)})\b(?!\s+(?:ago|before|away|of\s+running))"
                       rf"|\b({'|'.join(BARE_UNIT_HOURS)})\s+now\b")
# These also name the time the runner writes in ("my legs are sore today"):
# they date the pain only after a word that starts it ("since this morning",
# "woke up with it today", "it came on tonight"). Otherwise the duration is
# still to be asked.
TIME_OF_WRITING = ("today", "tonight", "this morning", "this afternoon", "this mornin", "2day", "this arvo",
                   "tonite", "2nite")
# Nothing before a time but words like these, and it is typed alone: "just today".
ALONE = re.compile(r"^(?:\W|just|only|like|um+|erm+|probably|prob|maybe|about|roughly|since|from)*$")
STARTS_THE_PAIN = re.compile(
    r"\b(?:since|started|starting|start|began|begun|from|woke|woken|waking|noticed|came\s+on|kicked\s+in|"
    r"appeared|first\s+felt|got\s+up)\b[^.!?]*$"
)

# What follows an amount that makes it the onset: "2 days later", "12 hours
# after my run", and, for less than a run's length, "20 minutes into my run"
# ("3 days in and it still hurts" is a duration).
# "2 days later", "an hour after", "within an hour of finishing", "a few hours o finishin".
ONSET_AFTER = re.compile(r"\s*(?:or\s+so\s+|-?ish\s+)?(?:later|after|afterwards|efter|"
                         r"(?:of|o)\s+(?:finish\w*|stopp\w*|getting\s+(?:home|in|back)|the\s+end))\b")
DURING_AFTER = re.compile(r"\s*(?:into|in\b(?!\s+a\s+row)|of\s+(?:running|jogging|my\s+run|the\s+run|the\s+race))\b")
LONGEST_RUN_HOURS = 12
# What follows an amount that is not about the pain: how often ("5 days a
# week"), the run itself ("a 2 hour run"), a date to come ("a week away"), or
# someone's age ("my 12 year old", "a 14-year-old", "she's 9 years of age").
NOT_PAIN_AFTER = re.compile(
    r"\s*(?:a|per|each|every|in\s+a)\s+(?:week|wk|month|fortnight|day)\b"
    r"|[\s-]*(?:old|of\s+age)\b"
    r"|\s*(?:run|jog|race|long\s+run|session|workout|hike|ride|marathon|training|of\s+running|of\s+training)\b"
    r"|\s*(?:away|to\s+go|until|till|before\s+(?:my|the)\s+(?:race|marathon))\b"
)
# What comes just before an amount that is not about the pain: running for a
# time ("ran for 2 hours", "been running for 3 years"), how often ("twice a
# week"), or a date to come ("a marathon in 6 weeks").
NOT_PAIN_BEFORE = re.compile(
    # ("on every run for six weeks" is how long the pain has come with each run)
    r"(?:(?<!every )(?<!each )\b(?:run|runs|ran|running|jog|jogged|jogging|raced|racing|trained|training|did|every|in)"
    r"(?:\s+(?:for|since|about|around|roughly|nearly|over|almost|like))*"
    r"|(?:\b|(?<=\d))(?:once|twice|times|x|days?|miles?|mi|km|k))\s*$"  # "5 days a week", "40 miles a week"
    r"|\b(?:sub|target|goal|pb|pr)\s*$"  # a finishing time: "marathon plan for sub 4 hrs"
)
AGO_AFTER = re.compile(r"\s*ago\b")
MORE_THAN = re.compile(r"(?:\bover|\bmore than|\bmore then|\blonger than|\bat least|\bupwards of|\bbeyond|>)\s*$")
LESS_THAN = re.compile(r"(?:\bnearly|\balmost|\bunder|\bless than|\bnot quite|\bjust under|<)\s*$")
AFTER_UNIT_MORE = re.compile(r"\s*(?:\+|plus\b|or more\b|or longer\b|and counting\b)")

_WORDS = "|".join(sorted(map(re.escape, WORD_NUMBERS), key=len, reverse=True))
# Digits may touch their unit ("48hrs"); words may not ("and" is not "an d").
_NUMBER = rf"(?:\d+(?:\.\d+)?(?:ish)?|(?:{_WORDS})(?![\w']))"  # "3ish days"
_UNIT = "|".join(sorted(HOURS_PER_UNIT, key=len, reverse=True))
AMOUNT = re.compile(
    rf"(?<![\w.])(?!2day\b)(?P<number>{_NUMBER})"  # "2day" is today, as typed on a phone
    rf"(?:\s*(?:-|–|to|or|/)\s*(?P<upper>{_NUMBER}))?"  # "2-3 days", "two or three days"
    rf"(?P<half_before>\s+and\s+(?:a\s+)?half)?"  # "one and a half weeks", "1 and half days"
    rf"\s*(?P<plus>\+|plus\b)?"  # "3+ days"
    rf"\s*(?P<unit>{_UNIT})s{{0,2}}(?![\w'’])"  # "3 dayss": a typo is still days
    rf"(?:\s+or\s+(?P<upper_after>{_NUMBER})(?!\s*(?:{_UNIT})s?\b))?"  # "a day or two"
    rf"(?P<half_after>\s+and\s+(?:a\s+)?half)?"  # "a day and a half", "1 day and half"
)
_WEEKDAY_NAMES = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
# "since Sunday" says when the pain began; "on Saturday" may be the run.
# The first kind wins: "ran 18 miles on saturday, pain since sunday".
WEEKDAY_SINCE = re.compile(
    r"\b(?:since|from|started|start|began|begun)\s+(?:on\s+|last\s+|the\s+)?"
    rf"({_WEEKDAY_NAMES})\b"
)
WEEKDAY = re.compile(rf"\b(?:on|last|after)\s+(?:last\s+|the\s+)?({_WEEKDAY_NAMES})\b")
_WEEKEND = r"(?:weekend|wkend|wknd|w/e)"
WEEKEND = re.compile(rf"\b(?:since|over|at|on|after)\s+(?:the\s+|last\s+)?{_WEEKEND}(?!\w)")
# "the monday before last", "the weekend before last": a week further back.
BEFORE_LAST = re.compile(r"\s+before\s+last\b")
# A reply that is only a day ("tues", "last weekend", "since sat I think"):
# found at the start of the message, it answers "How long have you had it?".
DAY_ALONE = re.compile(rf"^\W*(?:since\s+|from\s+)?(?:the\s+|last\s+)?(?:({_WEEKDAY_NAMES})|{_WEEKEND})(?!\w)")
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
            "eighth": 8, "ninth": 9, "tenth": 10, "1st": 1, "2nd": 2, "3rd": 3}
_NUMERALS = "|".join(sorted([*ORDINALS, *WORD_NUMBERS], key=len, reverse=True))
# "it's day 5", "this is the fourth day": on day N the pain is N - 1 days old.
DAY_NUMBER = re.compile(
    rf"\b(?:it'?s|it is|now|today is|this is|i'?m on|we'?re on)\s+(?:the\s+)?"
    rf"(?:day\s+(\d+|{_NUMERALS})|(\d+)(?:th|rd|nd|st)\s+day|({_NUMERALS})\s+day)\b"
)
# The part of a day said after it, and the hour it stands for.
PART_HOURS = {"morning": 8, "mornin": 8, "am": 8, "lunchtime": 12, "lunch": 12, "afternoon": 15, "arvo": 15,
              "pm": 15, "evening": 19, "eve": 19, "night": 20, "nite": 20, "tea": 18, "teatime": 18}
PART_OF_DAY = re.compile(rf"\s*(?:-|\s)?\s*({'|'.join(sorted(PART_HOURS, key=len, reverse=True))})\b")
# Bare, only the names no other word shares ("sat down", "the sun", "c'mon" are no days).
RUN_DAY = re.compile(rf"\b({'|'.join(sorted((d for d in WEEKDAYS if d not in ('sat', 'sun', 'mon')), key=len, reverse=True))})\b")
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?\b"
DATE = re.compile(
    r"\b(?:since|from|started on|began on)\s+(?:the\s+)?"
    rf"(?:{_DAY}(?:\s+of)?(?:\s+({_MONTH_NAMES})\b)?"  # "the 20th", "20th of november"
    rf"|({_MONTH_NAMES})\s+(?:the\s+)?{_DAY})"  # "nov 20"
    # "the 5th mile", "since 3 month" and "from 30 to 45k a week" are not dates
    r"(?!\s*(?:mile|k|km|min|hour|hr|day|week|wk|month|mo|year|yr|am|pm|:|(?:to|-|–)\s*\d))"
)


# A clock time the pain began at: "since about 9.20 this morning", "since
# 2pm", "from quarter past 9", "since 7 this morning", "since about 11". A bare
# hour needs "since" or "from" before it, and no unit after it ("since 2 days").
_HOUR_WORDS = "|".join(sorted((w for w, n in WORD_NUMBERS.items() if isinstance(n, int) and 1 <= n <= 12
                               and " " not in w and w not in ("a", "an", "few", "couple", "several")),
                              key=len, reverse=True))
_CLOCK_PART = r"this\s+morning|this\s+mornin|this\s+afternoon|this\s+arvo|this\s+evening|tonight|today|last\s+night"
CLOCK = re.compile(
    r"\b(?:since|from|started\s+(?:at|around|about)|began\s+(?:at|around|about))\s+"
    r"(?:about\s+|around\s+|roughly\s+|approx\.?\s+|approximately\s+|just\s+(?:after|before)\s+|like\s+)?"
    # "quarter past 9", "half 8" (British: half past eight)
    rf"(?:(?P<fraction>quarter\s+(?=past|after|to)|half\s+)(?:(?P<side>past|after|to)\s+)?(?P<of>\d{{1,2}}|{_HOUR_WORDS})\b"
    r"|(?P<hour>\d{1,2})(?!\d)(?:[:.](?P<minute>[0-5]\d))?)"
    r"(?:\s*(?P<meridiem>am|pm|a\.m\.?|p\.m\.?|o'?clock|ish)(?![a-z]))?"
    rf"(?:\s+(?:in\s+the\s+(?P<part>morning|afternoon|evening)|(?P<day_part>{_CLOCK_PART})))?"
    # "since 2 days", "from 30 to 45k", "since 3rd": amounts and dates, not clocks
    r"(?![.:]\d)(?!\s*(?:st|nd|rd|th|mile|mi\b|k\b|km|min|hour|hr|h\b|day|d\b|night|week|wk|w\b|fortnight|month|mo\b|year|yr"
    r"|x\b|/|%|-|–|to\s+\d|or\s+\d))"
)
# Parts of the day that put a clock time said before them after noon ("since 2 this afternoon").
AFTERNOON_PARTS = ("afternoon", "evening", "tonight", "arvo")


# What the finders return: hours, and where the time phrase starts and ends.
Found = tuple[float, int, int]

# The run, named in the clause before a time ("after hill reps yesterday",
# "went for a run in new shoes yesterday") or right after it ("yesterday's
# parkrun"): then the time dates the run, and the pain came at or after it.
# The run or another bout of exercise ("the bleep test", "football").
_EXERCISE = (r"run|race|parkrun|session|workout|jog|reps|intervals|tempo|lsr|long run|xc|cross country|"
             r"cross-country|sports day|fartlek|ultra|"
             r"bleep test|beep test|pe|football|match|game|practice|class|gym|hill reps|track")
RUN_EVENT = re.compile(
    r"\b(?:ran|runs|running|jogged|jogging|raced|racing|"
    rf"marathon|half|\d+k|\d+km|trail|hike|hill|hills|miles|km|training|sprints?|speedwork|dash|fun run|relay|{_EXERCISE})\b"
)
RUN_AFTER = re.compile(rf"(?:'s|s')?(?:\s+(?!after\b|since\b|from\b)[a-z']+){{0,2}}?\s+(?:{_EXERCISE})\b")
# Words that date the pain itself: "sore since my run yesterday", "it started
# on saturday", "for 2 days".
PAIN_SINCE = re.compile(r"\b(?:since|started|start|began|begun|lasted)\b|\b(?:for|been)\s+(?:about\s+|around\s+)?$")
PAIN_DATED = re.compile(
    r"\b(?:since|started|start|began|begun|noticed|woke up|came on|come on|kicked in|appeared|first felt|"
    r"been (?:sore|aching|hurting|painful)|sore for|hurt(?:ing)? for|ached for|aching for|"
    r"for (?:about |around |over )?(?:a|an|a few|a couple of|\d+|two|three|four|five|six) (?:hours?|days?|nights?|weeks?|months?))\b"
)
# Just before a time, words that make it the pain's age ("going on six days").
LASTED_JUST_BEFORE = re.compile(r"\b(?:going on|it'?s been|been|lasting|lasted)\s+(?:about\s+|around\s+|nearly\s+)?$")
# A time a change is measured against dates nothing: "better than it was on wednesday".
# ("less than a day", "more than a week" are amounts, not comparisons.)
COMPARED_WITH = re.compile(r"(?<!less )(?<!more )(?<!longer )(?<!fewer )(?<!shorter )(?<!rather )"
                           r"\bthan\s+(?:it\s+was\s+|they\s+were\s+|i\s+was\s+)?(?:on\s+|at\s+|last\s+)?$")
# Before an amount, words that make it how long the pain has lasted.
LASTED_FOR = re.compile(r"\b(?:since|for|last|past)\s+(?:the\s+)?(?:last\s+|past\s+)?$")
# "It's been more like 2 weeks", "had it a week", "going on 5 days": the pain, called "it".
IT_HAS_LASTED = re.compile(r"\b(?:it'?s been|it has been|it'?s|it has|it is|had it|had this|going on|lasting|lasted|"
                           r"happening|happened)\b")
# After an amount, words that make it the time so far: "sore heel, 3 weeks now".
SO_FAR = re.compile(r"^\s*(?:now|so far|and counting|already|straight|running|in a row)\b")
IT_LASTED = re.compile(r"\b(?:it'?s\s+(?:\w+\s+){0,2}?been|it has\s+(?:\w+\s+)?been|had it|had this|going on)\b")
# "Started c25k 3 wks ago", "started running 2 months ago": when the running began.
RUNNING_BEGAN = re.compile(r"\bstart(?:ed)?\s+(?:running|jogging|c25k|couch\s*to\s*5k|training|the\s+plan|a\s+plan|"
                           r"my\s+plan|the\s+program\w*|parkrun|the\s+club|a\s+club|marathon\s+training)\b[^,.;!?]*$")
RUNNING_FOR = re.compile(r"\b(?:run|runs|ran|running|jog\w*|train\w*|rac\w+)\s+(?:for|about|around|over)\s*$")
# "my first hilly run in ages", "haven't run in forever": how long since the
# last run, not how long it has hurt.
FIRST_IN_AGES = re.compile(r"\bin\s+(?:ages|forever)$")
# Words that tell of the pain itself, for telling which of two day words dates it.
PAIN_WORD = re.compile(r"\b(?:sore|soreness|ache|aches|aching|achy|hurt|hurts|hurting|pain|painful|stiff|tight|"
                       r"throbb?ing|burning|cramp\w*|woke up|noticed|since|doms)\b")
CLAUSE_START = re.compile(r"[,.;!?]|\bbut\b")
# How long after the run each onset began, for dating a pain from its run.
ONSET_DELAY_HOURS = {"during_run": 0, "right_after": 0, "next_day": 24}


@dataclass(frozen=True)
class OnsetDelay:
    """When the pain began, relative to the run, and where the text says so."""

    hours: float  # hours after the run finished; 0 with `during` set
    during: bool  # "20 minutes into my run"
    start: int
    end: int


def _dates_the_run(text: str, start: int, end: int) -> bool:
    """Does the time phrase at text[start:end] date the run ("after the race
    yesterday", "yesterday's parkrun") rather than the pain ("sore since my
    run on saturday")?"""
    clause = CLAUSE_START.split(text[:start])[-1]
    if PAIN_SINCE.search(clause) or PAIN_SINCE.search(text[start:end]) or LASTED_JUST_BEFORE.search(_before(text, start)):
        return False  # "race was last sunday so going on six days now": the pain's age
    runs = list(RUN_EVENT.finditer(clause))
    if runs and PAIN_WORD.search(clause[runs[-1].end():]):
        return False  # "did my run on thurs night and my legs are achy yesterday": the pain's day
    return bool(runs or RUN_AFTER.match(text, end))


def pain_age_hours(duration: float | None, run_age: float | None, onset: str | None) -> float | None:
    """How old the pain is, when all the runner dated was the run.

    "Hill reps yesterday" and "it came on this morning" (next day) make a pain
    of today, not of 24 hours. Only a duration that is the run's age is moved;
    one the runner gave for the pain itself stays as said."""
    if duration is None or run_age is None or duration != run_age or onset not in ONSET_DELAY_HOURS:
        return duration
    # A pain that began today ("run yesterday, sore since I woke up") is taken
    # as old as "since this morning".
    return min(run_age, max(run_age - ONSET_DELAY_HOURS[onset], RELATIVE_HOURS["this morning"]))


# Hours between the run and the start of the pain: below the first it began
# right after, up to the second the next day (DOMS's 12 to 24 hours), else days later.
RIGHT_AFTER_HOURS, NEXT_DAY_HOURS = 6, 36


def onset_after(hours: float) -> str:
    """The onset value for a pain that began `hours` after the run."""
    if hours < RIGHT_AFTER_HOURS:
        return "right_after"
    return "next_day" if hours <= NEXT_DAY_HOURS else "days_later"


def onset_from_ages(run_age: float | None, pain_age: float | None) -> str | None:
    """'Ran yesterday morning' and 'it started this morning': the onset from
    how long ago the run was and how long ago the pain began, when both are known
    and the pain is not older than the run."""
    if run_age is None or pain_age is None or pain_age > run_age:
        return None
    return onset_after(run_age - pain_age)


def ties_to_the_pain(text: str, start: int, end: int) -> bool:
    """Does the time phrase at text[start:end] stand with the pain or a run, in
    its clause ("sore for 2 days", "since sunday", "2 days after my long run")?
    "71 years young" or "I am 38 years" tell of the writer, and a time alone
    in a reply is read as its question's answer (actions/assessment.py)."""
    parts = _clause_parts(_lower(text), start, end)
    return (any(pattern.search(part) for pattern in (PAIN_SINCE, PAIN_WORD, RUN_EVENT, IT_HAS_LASTED) for part in parts)
            or bool(SO_FAR.match(parts[2])))


def _clause_parts(lowered: str, start: int, end: int) -> tuple[str, str, str]:
    """The clause around the phrase at lowered[start:end]: its words before, the phrase, its words after."""
    return CLAUSE_START.split(lowered[:start])[-1], lowered[start:end], CLAUSE_START.split(lowered[end:])[0]


def dates_the_pain_at(text: str, start: int, end: int) -> bool:
    """Does the time phrase at text[start:end] say when the pain was there
    first: in a clause with a pain word, a day or date ("legs sooo achy
    yesterday") or a time the pain began ("stiff since friday", "the ache
    started wednesday")? A length said of soreness in general ("thought DOMS
    only lasted a couple days") does not, nor the start of a sign alone
    ("since 2 days it is swelled")."""
    lowered = _lower(text)
    clause = "".join(_clause_parts(lowered, start, end))
    amount = AMOUNT.match(lowered, start)
    a_length = amount is not None and not AGO_AFTER.match(lowered, amount.end())
    return bool(PAIN_WORD.search(clause)) and (not a_length or bool(PAIN_DATED.search(clause)))


def tells_of_pain(text: str) -> bool:
    """A pain word anywhere ("how long should my legs hurt, its been 3 days"), a
    time the pain began, or "it" that has lasted ("actually it's been more like
    2 weeks", said of the pain being asked about)."""
    lowered = _lower(text)
    return bool(PAIN_WORD.search(lowered) or PAIN_DATED.search(lowered) or IT_LASTED.search(lowered))


def dates_the_pain(text: str) -> bool:
    """The message says when the pain itself began ("noticed it this morning",
    "sore since Monday"), not merely when something else happened."""
    return bool(PAIN_DATED.search(_lower(text)))


@dataclass(frozen=True)
class TimeSaid:
    """One time phrase: how many hours ago, where it stands, and whether it dates the run."""

    hours: float
    start: int
    end: int
    dates_run: bool


# More times than this in one message are a story, not a timeline.
MAX_TIMES = 4


def times_said(text: str, now: datetime) -> list[TimeSaid]:
    """Every time phrase in `text`, in the order `_time_said` prefers them:
    "did a long run thursday, legs stiff since friday morning" dates the run
    and the pain, and the two give the onset (`onset_from_ages`)."""
    lowered = _lower(text)
    masked, found = lowered, []
    while len(found) < MAX_TIMES and (said := _time_said(masked, now)) is not None:
        hours, start, end = said
        if not COMPARED_WITH.search(_before(lowered, start)):  # "not much better than it was on wednesday"
            found.append(TimeSaid(hours, start, end, _dates_the_run(lowered, start, end)))
        masked = masked[:start] + " " * (end - start) + masked[end:]  # the next finder sees what is left
    return found


def times_of_writing(text: str) -> list[TimeSaid]:
    """'this morning', 'today': times that may only say when the runner writes."""
    lowered = _lower(text)
    return sorted((TimeSaid(float(RELATIVE_HOURS[phrase]), m.start(), m.end(), False)
                   for phrase in TIME_OF_WRITING for m in re.finditer(rf"\b{re.escape(phrase)}\b", lowered)),
                  key=lambda t: t.start)


def _time_said(text: str, now: datetime) -> tuple[float, int, int] | None:
    """The first time phrase the finders agree on: (hours, start, end). An
    amount in words ("almost a week") is a rounding of a day or date said
    beside it ("since Monday so almost a week now"): the day wins."""
    finders = (_from_clock, _from_amount, _from_weekday, _from_weekend, _from_date, _from_day_number, _from_relative,
               _from_day_alone, _from_run_day, _from_bare_unit)
    said = ((finder, found) for finder in finders if (found := finder(text, now)) is not None)
    finder, first = next(said, (None, None))
    if finder is not _from_amount or re.search(r"\d", text[first[1]:first[2]]):
        return first  # none, a day or date, or an amount with a number
    _, beside = next(said, (None, None))
    if beside is not None and 0.5 * first[0] <= beside[0] <= 1.5 * first[0]:
        return beside
    return first


def onset_delay(text: str) -> OnsetDelay | None:
    """'2 days later', '12 hours after my run', '20 minutes into the run'."""
    lowered = _lower(text)
    for match in AMOUNT.finditer(lowered):
        if _not_pain_before(lowered, match.start()) or LASTED_FOR.search(_before(lowered, match.start())):
            continue  # "paining since last 6 days after I increased running" is how long, not when
        if follower := ONSET_AFTER.match(lowered, match.end()):
            return OnsetDelay(_hours(match), False, match.start(), follower.end())
        if _during_run(lowered, match):
            follower = DURING_AFTER.match(lowered, match.end())
            return OnsetDelay(0.0, True, match.start(), follower.end())
    return None


def _during_run(text: str, match: re.Match) -> bool:
    return bool(DURING_AFTER.match(text, match.end())) and _hours(match) < LONGEST_RUN_HOURS


def _lower(text: str) -> str:
    return text.lower().replace("’", "'")


def _from_amount(text: str, now: datetime) -> Found | None:
    del now  # amounts do not depend on the date
    for match in AMOUNT.finditer(text):
        if not _about_the_pain(text, match):
            continue
        before = _before(text, match.start())
        more = bool(match.group("plus")) or bool(AFTER_UNIT_MORE.match(text, match.end()))
        ago = AGO_AFTER.match(text, match.end())
        return _qualified(_hours(match), before, more), match.start(), ago.end() if ago else match.end()
    return None


def _about_the_pain(text: str, match: re.Match) -> bool:
    """False for onsets, run lengths, training frequency, dates to come and when the running began."""
    if RUNNING_BEGAN.search(_before(text, match.start())):
        return False
    if AGO_AFTER.match(text, match.end()):
        return True  # "ran 10 miles 2 days ago": the pain is about as old
    if HOURS_PER_UNIT[match.group("unit")] < 1 and _hours(match) < 1:
        # A few minutes describe the run ("10 mins in", "eases after a couple
        # of mins", "walk for a minute"), not how long it has hurt; "90 mins" still counts.
        return False
    if LASTED_FOR.search(_before(text, match.start())) and not _not_pain_before(text, match.start()):
        return True  # "sore for 2 days after the game"
    if ONSET_AFTER.match(text, match.end()) or NOT_PAIN_AFTER.match(text, match.end()):
        return False
    if _during_run(text, match):
        return False
    return not _not_pain_before(text, match.start())


def _before(text: str, start: int) -> str:
    """The few words before `start`: all the look-behind patterns need, in constant time."""
    return text[max(0, start - 40) : start]


def _not_pain_before(text: str, start: int) -> bool:
    return bool(NOT_PAIN_BEFORE.search(_before(text, start)))


def _hours(match: re.Match) -> float:
    per_unit = HOURS_PER_UNIT[match.group("unit")]
    upper = match.group("upper") or match.group("upper_after")
    value = _number(upper) if upper else _number(match.group("number"))
    if match.group("half_before") or match.group("half_after"):
        value += 0.5
    return value * per_unit


def _qualified(hours: float, before: str, more: bool) -> float:
    """'over 3 days' must cross the 3-day line; 'nearly 3 days' must not."""
    if more or MORE_THAN.search(before):
        return hours + 1
    if LESS_THAN.search(before):
        return hours - 1
    return hours


def _number(word: str) -> float:
    return float(word.removesuffix("ish")) if word[0].isdigit() else float(WORD_NUMBERS[word])


def _from_clock(text: str, now: datetime) -> Found | None:
    """'since about 9.20 this morning', 'since 2pm': hours back to the latest
    such time of day not after now (yesterday's, when today's is still to
    come). `now` is the runner's clock when the channel sent it
    (bot/nlu/local_time.py), else the server's."""
    match = CLOCK.search(text)
    if match is None:
        return None
    clock = _clock_hours(match)
    if clock is None:
        return None
    part = re.sub(r"\s+", " ", match.group("part") or match.group("day_part") or "")
    meridiem = (match.group("meridiem") or "").replace(".", "")
    if clock < 12 and (meridiem == "pm" or any(word in part for word in AFTERNOON_PARTS)
                       or (part == "last night" and clock >= 5)):
        dial = [clock + 12]
    elif meridiem == "am" or "morn" in part:
        dial = [clock % 12]
    else:
        dial = [clock, clock + 12] if clock < 12 else [clock]  # "since 2": whichever was last
    now_hours = now.hour + now.minute / 60
    ago = min((now_hours - at) % 24 for at in dial)
    return max(0.5, ago), match.start(), match.end()


def _clock_hours(match: re.Match) -> float | None:
    """The hour the clock phrase names, on a 12-hour dial ("quarter to 9" is 8.75)."""
    if match.group("fraction"):
        of = match.group("of")
        hour = int(of) if of.isdigit() else WORD_NUMBERS[of]
        offset = 0.25 if match.group("fraction").startswith("quarter") else 0.5
        clock = hour - offset if match.group("side") == "to" else hour + offset
    else:
        clock = int(match.group("hour")) + int(match.group("minute") or 0) / 60
        if not (match.group("minute") or match.group("meridiem") or match.group("part") or match.group("day_part")):
            if clock > 12:
                return None  # "since 15" is no clock time anyone says without more
    return clock if 0 <= clock < 24 else None


def _from_weekday(text: str, now: datetime) -> Found | None:
    match = WEEKDAY_SINCE.search(text) or WEEKDAY.search(text)
    if not match:
        return None
    return _weekday_hours(text, match, now)


def _weekday_hours(text: str, match: re.Match, now: datetime) -> Found:
    """Hours back to a weekday, to its part of the day when one follows ("wed
    night" is less than three days before a Saturday afternoon), a week more
    for "the monday before last"."""
    hours = _days_back_to(match.group(1), now) * 24.0
    if earlier := BEFORE_LAST.match(text, match.end()):
        hours += 7 * 24
        match = earlier
    part = PART_OF_DAY.match(text, match.end())
    if part is None:
        return hours, match.start(), match.end()
    clock, at = now.hour + now.minute / 60, PART_HOURS[part.group(1)]
    if hours == 7 * 24 and clock > at:
        hours = 0.0  # "since saturday morning", said on a Saturday afternoon: today
    return max(1.0, hours + clock - at), match.start(), part.end()


def _from_day_alone(text: str, now: datetime) -> Found | None:
    match = DAY_ALONE.match(text)
    if not match:
        return None
    return _days_back_to(match.group(1) or "saturday", now) * 24.0, match.start(), match.end()


def _from_run_day(text: str, now: datetime) -> Found | None:
    """A bare day after the run it dates ("did a long run thursday", "race was
    wed evening") or after the pain it dates ("started hurting friday morning",
    "started moaning friday morning")."""
    for match in RUN_DAY.finditer(text):
        clause = CLAUSE_START.split(text[:match.start()])[-1]
        if RUN_EVENT.search(clause) or PAIN_WORD.search(clause) or PAIN_SINCE.search(clause):
            return _weekday_hours(text, match, now)
    return None


def _days_back_to(weekday: str, now: datetime) -> int:
    """Days since the last such weekday; today's own name means a week ago."""
    return (now.weekday() - WEEKDAYS[weekday]) % 7 or 7


def _from_weekend(text: str, now: datetime) -> Found | None:
    match = WEEKEND.search(text)
    if not match:
        return None
    hours, end = _days_back_to("saturday", now) * 24.0, match.end()
    if earlier := BEFORE_LAST.match(text, end):
        hours, end = hours + 7 * 24, earlier.end()
    return hours, match.start(), end


def _from_date(text: str, now: datetime) -> Found | None:
    """'since the 20th', 'since 20th November', 'since Nov 20': the latest such day not after today."""
    match = DATE.search(text)
    if not match:
        return None
    day = int(match.group(1) or match.group(4))
    month_name = match.group(2) or match.group(3)
    month = MONTHS[month_name] if month_name else now.month
    try:
        when = date(now.year, month, day)
        if when > now.date():
            when = date(now.year - 1, month, day) if month_name else _month_before(now.date(), day)
    except ValueError:
        return None  # "the 31st" of a short month
    return (now.date() - when).days * 24.0, match.start(), match.end()


def _month_before(today: date, day: int) -> date:
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return date(year, month, day)


def _from_day_number(text: str, now: datetime) -> Found | None:
    del now  # counted from the first day, not from the date
    match = DAY_NUMBER.search(text)
    if not match:
        return None
    word = next(group for group in match.groups() if group)
    day = int(word) if word.isdigit() else ORDINALS.get(word) or WORD_NUMBERS.get(word)
    return ((day - 1) * 24.0, match.start(), match.end()) if day and day >= 1 else None


def _from_relative(text: str, now: datetime) -> Found | None:
    """A day word ("yesterday", "this morning"). When one dates the run and
    another the pain ("since this morning ... after a trail run yesterday"),
    the pain's own wins; "ran yesterday" alone dates the run (`TimeSaid.dates_run`
    tells it apart; the pain is no older)."""
    del now  # fixed guesses, see RELATIVE_HOURS
    found = []
    for phrase, hours in RELATIVE_HOURS.items():
        match = re.search(rf"\b{re.escape(phrase)}\b", text)
        if not match:
            continue
        before = _before(text, match.start())
        # "this morning" typed alone answers "How long?"; in "legs sore today" it is only when they write.
        if phrase in TIME_OF_WRITING and not STARTS_THE_PAIN.search(before) and not ALONE.match(text[:match.start()]):
            continue
        # "been running for ages" is not about the pain.
        if not RUNNING_FOR.search(before) and not FIRST_IN_AGES.search(before + phrase):
            found.append((float(hours), match.start(), match.end()))
    pains = [f for f in found if not _dates_the_run(text, f[1], f[2])]
    # Of two, the one in a sentence about the pain and not the run: "yesterday
    # I did my long run. Today my legs are very sore" is a pain of today.
    told = [f for f in pains if _sentence_tells_of_pain(text, f[1])]
    return min(told or pains or found, key=lambda f: f[1], default=None)


def _from_bare_unit(text: str, now: datetime) -> Found | None:
    del now
    match = BARE_UNIT.search(text)
    if match is None:
        return None
    unit = next(group for group in match.groups() if group)
    if RUNNING_FOR.search(_before(text, match.start(match.groups().index(unit) + 1))):
        return None  # "been running for years" is not about the pain
    return float(BARE_UNIT_HOURS[unit]), match.start(), match.end()


def _sentence_tells_of_pain(text: str, at: int) -> bool:
    start = max(text.rfind(mark, 0, at) for mark in ".!?\n") + 1
    ends = [i for i in (text.find(mark, at) for mark in ".!?\n") if i >= 0]
    sentence = text[start:min(ends, default=len(text))]
    return bool(PAIN_WORD.search(sentence)) and not RUN_EVENT.search(sentence)
