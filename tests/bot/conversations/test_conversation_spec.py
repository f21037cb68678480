"""Loading conversation tests: what staff write, and the errors they get when it is wrong."""
from __future__ import annotations

import textwrap

import pytest

from bot.conversations.spec import SpecError, find_files, load_file, load_files


def write(tmp_path, text: str, name: str = "t.yml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(tmp_path, text: str) -> str:
    with pytest.raises(SpecError) as error:
        load_file(write(tmp_path, text))
    return str(error.value)


def test_a_full_turn_is_read(tmp_path):
    [conversation] = load_file(write(tmp_path, """
        - name: Swollen calf
          description: why it matters
          turns:
            - user: my calf is swollen
              asks: pain_type
            - press: Throbbing
              triage: at least urgent
              rules: [u1, S4]
              unknown: [duration, swelling]
              cites: Signs of a More Serious Condition
              no answer: no
              says: [today, doctor]
              does not say: normal soreness
              offers: Not sure
    """))
    first, second = conversation.turns
    assert conversation.name == "Swollen calf" and conversation.description == "why it matters"
    assert first.user == "my calf is swollen" and first.expect.asks == "pain_type"
    assert second.press == "Throbbing"
    expect = second.expect
    assert (expect.triage, expect.triage_at_least) == ("urgent", True)
    assert expect.rules == ("U1", "S4")
    assert expect.unknown == ("duration_hours", "swelling")
    assert expect.cites == ("Signs of a More Serious Condition",)
    assert expect.no_answer is False
    assert expect.says == ("today", "doctor") and expect.does_not_say == ("normal soreness",)
    assert expect.offers == ("Not sure",)


def test_the_runners_yes_and_no_stay_words(tmp_path):
    """YAML would read `user: no` as False; a runner's "no" must be sent as "no"."""
    [conversation] = load_file(write(tmp_path, """
        - name: Short answers
          turns:
            - user: no
            - user: Yes
            - user: off
            - user: 48
              no answer: yes
    """))
    assert [t.user for t in conversation.turns] == ["no", "Yes", "off", "48"]
    assert conversation.turns[3].expect.no_answer is True


def test_spaced_underscored_and_dashed_keys_mean_the_same(tmp_path):
    [conversation] = load_file(write(tmp_path, """
        - name: Keys
          turns:
            - user: hi
              no_answer: yes
              does-not-say: hello
              triage: see doctor
    """))
    expect = conversation.turns[0].expect
    assert expect.no_answer is True and expect.does_not_say == ("hello",) and expect.triage == "see_doctor"


@pytest.mark.parametrize("turn, message", [
    ("- user: hi\n      asks: durration", "asks 'durration' is not a question the bot asks"),
    ("- user: hi\n      asks: durration", 'did you mean "duration"?'),
    ("- user: hi\n      triage: urgant", 'triage \'urgant\' is not a level'),
    ("- user: hi\n      triage: urgant", 'did you mean "urgent"?'),
    ("- user: hi\n      triage: at most urgent", "is not a level"),
    ("- user: hi\n      rules: U9", "'U9' is not a known rule"),
    ("- user: hi\n      cites: Signs of a More Serius Condition", 'did you mean "Signs of a More Serious Condition"?'),
    ("- user: hi\n      unknown: colour", "'colour' is not a known fact"),
    ("- user: hi\n      no answer: maybe", "'no answer:' takes yes or no"),
    ("- user: hi\n      says:", "'says:' needs some text"),
    ("- user: hi\n      expect triage: urgent", "unknown expectation 'expect triage'"),
    ("- user: hi\n      ask: onset", 'did you mean "asks"?'),
    ("- user: hi\n      press: Not sure", "exactly one of 'user:'"),
    ("- asks: onset", "exactly one of 'user:'"),
    ("- user:", "'user:' needs some words"),
    ("- my calf hurts", "expected 'user: <what the runner says>'"),
])
def test_mistakes_are_named_with_file_conversation_and_turn(tmp_path, turn, message):
    text = problems(tmp_path, f"""
- name: First
  turns:
    - user: fine
- name: Broken one
  turns:
    - user: fine
    {turn}
""")
    assert 't.yml, conversation "Broken one", turn 2: ' in text
    assert message in text


@pytest.mark.parametrize("text, message", [
    ("name: not a list\nturns: []\n", "the file must be a list of conversations"),
    ("", "the file must be a list of conversations"),
    ("- turns:\n    - user: hi\n", "conversation 1: every conversation needs a 'name:'"),
    ("- name: No turns\n", "'turns:' must be a list of turns"),
    ("- name: A\n  turns: [{user: hi}]\n  steps: []\n", "unknown key 'steps'"),
    ("- name: Same\n  turns: [{user: hi}]\n- name: Same\n  turns: [{user: hi}]\n", "same name"),
    ("- name: [unclosed\n", "not valid YAML"),
])
def test_file_level_mistakes(tmp_path, text, message):
    assert message in problems(tmp_path, text)


def test_every_problem_of_every_file_is_reported_at_once(tmp_path):
    good = write(tmp_path, "- name: Good\n  turns: [{user: hi}]\n", "good.yml")
    bad1 = write(tmp_path, "- name: A\n  turns:\n    - user: hi\n      asks: nope\n    - user: hi\n      triage: nope\n", "bad1.yml")
    bad2 = write(tmp_path, "[]", "bad2.yml")
    with pytest.raises(SpecError) as error:
        load_files([good, bad1, bad2])
    assert len(error.value.problems) == 3
    assert "bad1.yml" in error.value.problems[0] and "bad2.yml" in error.value.problems[2]


def test_files_folders_and_globs(tmp_path):
    write(tmp_path, "- name: A\n  turns: [{user: hi}]\n", "a.yml")
    (tmp_path / "sub").mkdir()
    write(tmp_path, "- name: B\n  turns: [{user: hi}]\n", "sub/b.yaml")
    write(tmp_path, "not a test", "notes.txt")
    assert [p.name for p in find_files([str(tmp_path)])] == ["a.yml", "b.yaml"]
    assert [p.name for p in find_files([str(tmp_path / "*.yml")])] == ["a.yml"]
    with pytest.raises(SpecError, match="no such file or folder"):
        find_files([str(tmp_path / "missing.yml")])


def test_the_shipped_conversations_load():
    conversations = load_files(find_files())
    assert len(conversations) >= 40
    assert all(c.file.startswith("tests/conversations/") for c in conversations)


def test_a_file_that_is_not_utf8_is_a_clear_error(tmp_path):
    path = tmp_path / "latin1.yml"
    path.write_bytes("- name: café\n  turns:\n    - user: hi\n".encode("latin-1"))
    with pytest.raises(SpecError, match="UTF-8"):
        load_file(path)
