"""The answer reader in the action server: built once, on the article search's model.

Pure logic lives in triage/answer_reader.py; this module only wires it to the
MiniLM model the action server already holds for the article search, and keeps
the example vectors in var/cache so a restart does not embed them again.
"""
from __future__ import annotations

import logging
from functools import lru_cache

from actions.answer import searcher
from knowledge.embedder import CACHE_DIR
from triage.answer_reader import UNKNOWN, AnswerReader, load_examples

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def answer_reader() -> AnswerReader | None:
    try:
        embedder = searcher().embedder
        examples = load_examples()
        # A reply misread as "stop" or a question is read before the form's own
        # reading of it: its vector is computed once for both.
        embed_one = lru_cache(maxsize=64)(embedder.one)
        return AnswerReader(examples, embedder.many([e.text for e in examples], CACHE_DIR), embed_one)
    except Exception:  # the lexicon still reads answers; the question is asked again
        logger.exception("Answer reader not available")
        answer_reader.cache_clear()
        return None


def reply_as_answer(slot: str, text: str) -> str | None:
    """The option of `slot`'s question that the reply names, or None when the
    reader cannot say (or is not available). A reply that reads like "idk" or
    "why?" is None too: it gets the one re-ask; only the lexicon's explicit
    "not sure" leaves a fact unknown at once."""
    reader = answer_reader()
    found = reader.read(slot, text) if reader is not None else None
    if found is None or found.value == UNKNOWN:
        return None
    return found.value
