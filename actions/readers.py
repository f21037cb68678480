"""The answer reader in the action server: built once, on the article search's model.

Pure logic lives in triage/answer_reader.py; this module only wires it to the
MiniLM model the action server already holds for the article search, and keeps
the example vectors in var/cache so a restart does not embed them again.
"""
from __future__ import annotations

import logging
import os
from functools import lru_cache

from actions.answer import searcher
from knowledge.embedder import CACHE_DIR
from triage.answer_reader import UNKNOWN, AnswerReader, load_examples
from triage.sign_reader import ASK, SignReader, load_or_train

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


@lru_cache(maxsize=1)
def sign_reader() -> SignReader | None:
    """The learned sign reader (triage/sign_reader.py) on the same MiniLM model;
    its weights come from var/cache, where the NLU's training left them."""
    try:
        embedder = searcher().embedder
        return SignReader(load_or_train(lambda texts: embedder.many(texts, CACHE_DIR), CACHE_DIR), embedder.few)
    except Exception:  # the lexicon and the yes/no reading still answer a check
        logger.exception("Sign reader not available")
        sign_reader.cache_clear()
        return None


def signs_leaned_to(text: str) -> frozenset[str]:
    """The signs the learned reader leans to (>= ASK) in `text`."""
    if sign_reader() is None or not text.strip():
        return frozenset()
    return _leaned(text[:2000])


@lru_cache(maxsize=64)
def _leaned(text: str) -> frozenset[str]:
    # One turn reads the same reply for the signs it reports and for whether
    # it ends the checklist: the reader embeds it once.
    return frozenset(sign for sign, p in sign_reader().read(text).present.items() if p >= ASK)


def leans_to(sign: str, text: str) -> bool:
    """Asked about this very sign, does the reply describe it, as the learned
    reader reads it? The question is the context that makes a leaning (ASK)
    enough: "my wee was the colour of flat coke" answers "is your pee dark?"."""
    return sign in signs_leaned_to(text)


# The action server sets this: both readers built before the first runner's turn.
if os.environ.get("ACTIONS_WARM_UP") == "1":
    answer_reader()
    sign_reader()
