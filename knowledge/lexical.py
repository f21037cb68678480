"""The lexical ranker: BM25 (bm25s) over lemmatised passage words.

Words are normalised with spaCy's own lookup tables, read straight from the
installed spacy-lookups-data package: importing spaCy itself costs seconds and
a blank English pipeline would add nothing but the tokeniser.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import yaml

from knowledge.article import Passage

if TYPE_CHECKING:
    import numpy as np

VOCABULARY_FILE = Path(__file__).parent / "data" / "vocabulary.yml"
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)*")
# "R.I.C.E." is one word, the one a runner types as "rice"; letter by letter it
# would be four stopword-sized tokens that no question matches.
DOTTED_ACRONYM = re.compile(r"\b(?:[a-z]\.){2,}")


@dataclass(frozen=True)
class Tokenizer:
    stopwords: frozenset[str]
    norms: dict[str, str]  # UK -> US spelling and a few abbreviations
    lemmas: dict[str, str]

    def __call__(self, text: str) -> list[str]:
        tokens = []
        text = DOTTED_ACRONYM.sub(lambda m: m.group(0).replace(".", "") + " ", text.lower())
        for word in WORD.findall(text.replace("\u2019", "'")):
            if word in self.stopwords:
                continue  # before lemmatising: the lookup table turns "does" into "doe"
            lemma = self._lemma(word)
            if lemma not in self.stopwords:
                tokens.append(lemma)
        return tokens

    def _lemma(self, word: str) -> str:
        word = re.sub(r"'s$", "", word).replace("'", "")
        word = self.norms.get(word, word)
        return self.lemmas.get(word, word)


def load_tokenizer(vocabulary_file: Path = VOCABULARY_FILE) -> Tokenizer:
    import spacy_lookups_data

    with open(vocabulary_file, encoding="utf-8") as handle:
        vocabulary = yaml.safe_load(handle)
    lemmas = _read_lookup(spacy_lookups_data.get_file("en_lemma_lookup.json.gz"))
    # Domain corrections win over the general table ("calves" is not "calve" here);
    # a word the general table lemmatises still reaches the domain table.
    domain = vocabulary["lemmas"]
    lemmas = {word: domain.get(lemma, lemma) for word, lemma in lemmas.items()} | domain
    norms = {k.lower(): v.lower() for k, v in _read_lookup(spacy_lookups_data.get_file("en_lexeme_norm.json.gz")).items()}
    return Tokenizer(stopwords=frozenset(vocabulary["stopwords"]), norms=norms, lemmas=lemmas)


def _read_lookup(path) -> dict[str, str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def import_bm25s():
    """bm25s without its optional jax backend.

    On import, bm25s tries `import jax` only to choose a top-k routine; jax is
    installed here (Rasa needs it) and importing it takes about 3 s, longer than
    the whole start-up budget of the index. We score every passage with
    `get_scores` and never use that top-k, so jax is hidden while bm25s is first
    imported: a None in sys.modules makes `import jax` fail fast. The entry is
    removed at once, so later `import jax` works as usual. If jax is already
    loaded there is nothing to save and nothing is hidden.
    """
    if "bm25s" in sys.modules or "jax" in sys.modules:
        import bm25s

        return bm25s
    sys.modules["jax"] = None  # type: ignore[assignment]
    try:
        import bm25s
    finally:
        if sys.modules.get("jax", "absent") is None:
            del sys.modules["jax"]
    return bm25s


class LexicalIndex:
    """BM25 over the passages; built in milliseconds, so it is not persisted."""

    def __init__(self, passages: Sequence[Passage], documents: Sequence[str], tokenizer: Tokenizer):
        bm25s = import_bm25s()

        self.passages = list(passages)
        self.tokenizer = tokenizer
        self.bm25 = bm25s.BM25()
        self.bm25.index([tokenizer(document) for document in documents], show_progress=False)

    def scores(self, question: str) -> "np.ndarray":
        """BM25 score of every passage for the question, in passage order."""
        import numpy as np

        tokens = [token for token in self.tokenizer(question) if token in self.bm25.vocab_dict]
        if not tokens:
            return np.zeros(len(self.passages), dtype=np.float32)
        return self.bm25.get_scores(tokens).astype(np.float32)
