"""Load conversation tests from YAML and check them before anything runs.

A file is a list of conversations; a conversation has a `name` and `turns`; a
turn is what the runner says (`user:`) or which button they press (`press:`),
plus what is expected of the bot in that turn, written flat on the same level:

    - name: Normal soreness after a long run
      turns:
        - user: my quads are sore after yesterday's long run
          asks: pain_type
        - press: Dull ache or stiffness
          asks: onset

Every name a test uses (levels, rules, slots, article sections) is checked
against the bot's own data, so a typo is a clear error naming the file, the
conversation and the turn, never a test that silently fails or passes.
"""
from __future__ import annotations

import difflib
import glob
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from bot.settings import ROOT
from triage.rules import LEVELS as SEVERITY_ORDER

CONVERSATIONS_DIR = ROOT / "tests" / "conversations"
QUESTIONS_PATH = ROOT / "actions" / "questions.yml"
RULES_PATH = ROOT / "triage" / "rules.yml"

# Least to most urgent: "at least urgent" accepts urgent and emergency.
LEVELS = tuple(reversed(SEVERITY_ORDER))  # least -> most urgent: the one order of triage/rules.py
# Triage citations of rules that are not in the article use this section name.
OUTSIDE_THE_ARTICLE = "Outside the article"
FACTS = ("pain_type", "onset", "location", "spread", "duration_hours")
FACT_ALIASES = {"duration": "duration_hours"}
NOTHING = "nothing"

# Expectation keys as staff write them; "no_answer" and "no-answer" mean "no answer".
EXPECTATION_KEYS = ("triage", "rules", "unknown", "cites", "asks", "no answer", "says", "does not say", "offers")
KEY_ALIASES = {"rule": "rules", "cite": "cites", "say": "says", "does not say": "does not say", "doesnt say": "does not say"}
TURN_INPUTS = ("user", "press")
CONVERSATION_KEYS = ("name", "description", "turns")


class SpecError(ValueError):
    """One or more problems in conversation test files, each on its own line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Expectation:
    """What one turn expects of the bot. Empty fields expect nothing."""

    triage: str | None = None          # a level, or "none" for no triage result
    triage_at_least: bool = False
    rules: tuple[str, ...] = ()        # rule ids that must be among the triage reasons
    unknown: tuple[str, ...] = ()      # facts the triage result must list as unknown
    cites: tuple[str, ...] = ()        # article sections that must be cited
    asks: str | None = None            # the slot asked, or "nothing"
    no_answer: bool | None = None
    says: tuple[str, ...] = ()
    does_not_say: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()       # button titles that must be offered

    def is_empty(self) -> bool:
        return self == Expectation()


@dataclass(frozen=True)
class Turn:
    number: int
    user: str | None = None
    press: str | None = None
    expect: Expectation = field(default_factory=Expectation)

    @property
    def said(self) -> str:
        """How the turn reads in a report: the words, or the button pressed."""
        return f'pressed "{self.press}"' if self.press is not None else f'said "{self.user}"'


@dataclass(frozen=True)
class Conversation:
    name: str
    file: str
    turns: tuple[Turn, ...]
    description: str = ""


# --- the names a test may use, from the bot's own data -------------------------


@dataclass(frozen=True)
class Vocabulary:
    rules: frozenset[str]
    slots: frozenset[str]
    sections: tuple[str, ...]
    unknowns: frozenset[str]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    from knowledge.article import load_article
    from triage.vocabulary import load_vocabulary

    rules = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))["rules"]
    slots = yaml.safe_load(QUESTIONS_PATH.read_text(encoding="utf-8"))["questions"]
    return Vocabulary(
        rules=frozenset(rule["id"] for rule in rules),
        slots=frozenset(slots),
        sections=tuple(load_article().headings) + (OUTSIDE_THE_ARTICLE,),
        unknowns=frozenset(FACTS) | frozenset(load_vocabulary().signs),
    )


# --- YAML that keeps the runner's words ------------------------------------------


class _WordsLoader(yaml.SafeLoader):
    """YAML 1.1 reads `user: no` as False and `user: on` as True; a runner's "no"
    must stay "no". Only true/false are booleans here."""


_WordsLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_WordsLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


# --- loading ----------------------------------------------------------------------


def find_files(paths: list[str] | None = None) -> list[Path]:
    """Files named on the command line (files, folders or globs); default: tests/conversations."""
    files: list[Path] = []
    for given in paths or [str(CONVERSATIONS_DIR)]:
        matches = [Path(p) for p in sorted(glob.glob(given))] or [Path(given)]
        for path in matches:
            if path.is_dir():
                files += sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml"))
            elif path.exists():
                files.append(path)
            else:
                raise SpecError([f"{given}: no such file or folder"])
    return files


def load_files(paths: list[Path]) -> list[Conversation]:
    """Every conversation of every file; all problems of all files in one SpecError."""
    conversations: list[Conversation] = []
    problems: list[str] = []
    for path in paths:
        try:
            conversations += load_file(path)
        except SpecError as error:
            problems += error.problems
    if not conversations and not problems:
        problems.append("no conversations found in " + ", ".join(str(p) for p in paths) if paths else "no conversation files found")
    if problems:
        raise SpecError(problems)
    return conversations


def read_yaml(text: str):
    """YAML as conversation tests read it: the runner's "no" stays "no"."""
    return yaml.load(text, Loader=_WordsLoader)


def load_file(path: Path) -> list[Conversation]:
    shown = _shown_path(path)
    try:
        data = read_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SpecError([f"{shown}: not valid YAML: {error}"]) from None
    except UnicodeDecodeError:
        raise SpecError([f"{shown}: not a text file in UTF-8; save it as UTF-8 and run again"]) from None
    return parse_conversations(data, shown)


def parse_conversations(data, file: str) -> list[Conversation]:
    if not isinstance(data, list) or not data:
        raise SpecError([f"{file}: the file must be a list of conversations, each starting with '- name:'"])
    problems: list[str] = []
    conversations = []
    names: set[str] = set()
    for index, item in enumerate(data, 1):
        conversation = _parse_conversation(item, file, index, problems)
        if conversation is None:
            continue
        if conversation.name in names:
            problems.append(f'{file}, conversation "{conversation.name}": another conversation in this file has the same name')
        names.add(conversation.name)
        conversations.append(conversation)
    if problems:
        raise SpecError(problems)
    return conversations


def _parse_conversation(item, file: str, index: int, problems: list[str]) -> Conversation | None:
    where = f"{file}, conversation {index}"
    if not isinstance(item, dict):
        problems.append(f"{where}: expected 'name:' and 'turns:', got {_shown(item)}")
        return None
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: every conversation needs a 'name:'")
        return None
    where = f'{file}, conversation "{name}"'
    for key in item:
        if key not in CONVERSATION_KEYS:
            problems.append(f"{where}: unknown key '{key}'{_did_you_mean(str(key), CONVERSATION_KEYS)}; a conversation has name, description and turns")
    turns = item.get("turns")
    if not isinstance(turns, list) or not turns:
        problems.append(f"{where}: 'turns:' must be a list of turns, each starting with '- user:' or '- press:'")
        return None
    parsed = [_parse_turn(turn, f"{where}, turn {number}", number, problems) for number, turn in enumerate(turns, 1)]
    return Conversation(name=name.strip(), file=file, turns=tuple(t for t in parsed if t), description=str(item.get("description") or ""))


def _parse_turn(item, where: str, number: int, problems: list[str]) -> Turn | None:
    if not isinstance(item, dict):
        problems.append(f"{where}: expected 'user: <what the runner says>' or 'press: <button title>', got {_shown(item)}")
        return None
    inputs = [key for key in TURN_INPUTS if key in item]
    if len(inputs) != 1:
        problems.append(f"{where}: a turn needs exactly one of 'user:' (what the runner types) or 'press:' (a button's title)")
        return None
    said = item[inputs[0]]
    if said is None or isinstance(said, (dict, list)) or not str(said).strip():
        problems.append(f"{where}: '{inputs[0]}:' needs some words")
        return None
    fields: dict = {}
    for key, value in item.items():
        if key in TURN_INPUTS:
            continue
        canonical = _canonical_key(str(key))
        if canonical not in EXPECTATION_KEYS:
            problems.append(f"{where}: unknown expectation '{key}'{_did_you_mean(canonical, EXPECTATION_KEYS)}. "
                            f"Expectations are: {', '.join(EXPECTATION_KEYS)}")
            continue
        _parse_expectation(canonical, value, where, fields, problems)
    return Turn(number=number, expect=Expectation(**fields), **{inputs[0]: str(said)})


def _parse_expectation(key: str, value, where: str, fields: dict, problems: list[str]) -> None:
    names = vocabulary()
    if key == "triage":
        level, at_least = _parse_level(value)
        if level is None:
            problems.append(f"{where}: triage '{value}' is not a level; write one of {', '.join(LEVELS)}, "
                            f"'at least <level>', or 'none'{_did_you_mean(str(value), LEVELS)}")
        else:
            fields.update(triage=level, triage_at_least=at_least)
    elif key == "rules":
        fields["rules"] = _names(value, names.rules, "rule", where, problems, upper=True)
    elif key == "unknown":
        fields["unknown"] = tuple(FACT_ALIASES.get(n, n) for n in _names(value, names.unknowns | set(FACT_ALIASES), "fact", where, problems))
    elif key == "cites":
        fields["cites"] = _names(value, names.sections, "article section", where, problems)
    elif key == "asks":
        slot = _one_word(value)
        if slot not in names.slots | {NOTHING}:
            problems.append(f"{where}: asks '{value}' is not a question the bot asks; write one of "
                            f"{', '.join(sorted(names.slots))}, or 'nothing'{_did_you_mean(slot, names.slots)}")
        else:
            fields["asks"] = slot
    elif key == "no answer":
        answer = _yes_no(value)
        if answer is None:
            problems.append(f"{where}: 'no answer:' takes yes or no, got {_shown(value)}")
        fields["no_answer"] = answer
    else:  # says, does not say, offers: free text
        texts = _texts(value)
        if not texts:
            problems.append(f"{where}: '{key}:' needs some text (one line, or a list of lines)")
        fields[key.replace(" ", "_")] = texts


def _parse_level(value) -> tuple[str | None, bool]:
    words = str(value).strip().lower().replace("-", " ").replace("_", " ")
    at_least = words.startswith("at least ")
    level = _one_word(words.removeprefix("at least ")) if at_least else _one_word(words)
    if level == "none" and not at_least:
        return "none", False
    return (level, at_least) if level in LEVELS else (None, False)


def _names(value, allowed, kind: str, where: str, problems: list[str], upper: bool = False) -> tuple[str, ...]:
    found = []
    for name in _texts(value):
        name = name.upper() if upper else name
        if name in allowed:
            found.append(name)
            continue
        near = _did_you_mean(name, allowed)
        listing = "" if near or len(allowed) > 40 else f"; known: {', '.join(sorted(allowed))}"
        problems.append(f"{where}: '{name}' is not a known {kind}{near}{listing}")
    if not _texts(value):
        problems.append(f"{where}: a {kind} is missing")
    return tuple(found)


def _texts(value) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(str(item).strip() for item in items if item is not None and str(item).strip())


def _one_word(value) -> str:
    return re.sub(r"[\s-]+", "_", str(value).strip().lower())


def _yes_no(value) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"yes": True, "no": False, "y": True, "n": False}.get(str(value).strip().lower())


def _canonical_key(key: str) -> str:
    words = re.sub(r"[\s_-]+", " ", key.strip().lower().replace("'", ""))
    return KEY_ALIASES.get(words, words)


def _did_you_mean(given: str, choices) -> str:
    close = difflib.get_close_matches(given, list(choices), n=1, cutoff=0.6)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _shown(value) -> str:
    return repr(value) if not isinstance(value, str) else f'"{value}"'


def _shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)
