"""The examples in docs/conversation-tests.md are valid conversation tests,
so staff who copy them start from something that loads."""
from __future__ import annotations

import re

import pytest

from bot.conversations.spec import parse_conversations, read_yaml
from bot.settings import ROOT

GUIDE = ROOT / "docs" / "conversation-tests.md"
EXAMPLES = re.findall(r"```yaml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)


def test_the_guide_has_examples():
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_example_loads(example):
    conversations = parse_conversations(read_yaml(example), "docs/conversation-tests.md")
    assert conversations and all(c.turns for c in conversations)
