"""Questions in, article passages out: ranked hits, a confident answer or None.

    searcher = Searcher.load()            # loads the model; index from disk
    searcher.search("shin pain after runs", k=3)   -> [Hit(passage, score), ...]
    searcher.answer("best diet for weight loss")   -> None (not in the article)
    citation(hit.passage)                 -> the contract's citation dict
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from knowledge.article import Passage
from knowledge.embedder import Embedder
from knowledge.index import INDEX_DIR, DenseIndex, Encoder, load_encoder, load_or_build, passage_document
from knowledge.settings import RANKING_METHODS, Settings, load_settings

if TYPE_CHECKING:
    import numpy as np

    from knowledge.lexical import LexicalIndex


ACRONYMS_FILE = Path(__file__).parent / "data" / "acronyms.yml"
NOT_DISCUSSED_FILE = Path(__file__).parent / "data" / "not_discussed.yml"
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


@lru_cache(maxsize=1)
def _not_discussed() -> tuple[tuple["re.Pattern", str], ...]:
    import yaml

    entries = yaml.safe_load(NOT_DISCUSSED_FILE.read_text(encoding="utf-8")) or []
    return tuple((re.compile(r"\b(" + "|".join(re.escape(n) for n in entry["names"]) + r")\b", re.IGNORECASE),
                  entry["say"]) for entry in entries)


def not_discussed(question: str) -> str | None:
    """What the question names that the article does not discuss (data/not_discussed.yml), if anything."""
    return next((say for pattern, say in _not_discussed() if pattern.search(question)), None)


@lru_cache(maxsize=1)
def _acronyms() -> tuple[tuple["re.Pattern", str], ...]:
    import yaml

    table = yaml.safe_load(ACRONYMS_FILE.read_text(encoding="utf-8")) or {}
    return tuple((re.compile(entry["when"], re.IGNORECASE), entry["spelled_out"]) for entry in table.values())


def spell_out_acronyms(question: str) -> str:
    """The question with each acronym it uses spelled out after it (data/acronyms.yml)."""
    added = [spelled for pattern, spelled in _acronyms() if pattern.search(question)]
    return " ".join([question, *added])


@dataclass(frozen=True)
class Hit:
    passage: Passage
    # dense: cosine similarity; lexical: BM25; fused: cosine + weight * BM25;
    # rrf: reciprocal-rank score
    score: float


@dataclass(frozen=True)
class Answer:
    hits: tuple[Hit, ...]  # the passages to cite, best first
    score: float  # confidence: the best passage's score that the threshold was applied to
    # Up to two more sections the ranking found near the question, offered as
    # "More on: ..." (not quoted: a question seldom needs them).
    related: tuple[str, ...] = ()

    def citations(self) -> list[dict]:
        return [citation(hit.passage) for hit in self.hits]

    def payload(self) -> dict:
        """The contract's `custom` payload for an answer from the article."""
        return {"answer": {"citations": self.citations(), "score": round(self.score, 4)}}


def citation(passage: Passage) -> dict:
    """A passage as the contract's citation: section, quote and cited references."""
    return {
        "section": passage.section,
        "passage": passage.id,
        "quote": passage.text,
        "references": [{"label": ref.label, "url": ref.url} for ref in passage.references],
    }


@dataclass(frozen=True)
class Scores:
    """Every passage's scores for one question, in passage order."""

    dense: "np.ndarray"
    lexical: "np.ndarray | None"
    # Similarity to each example question, by kind (on_topic, off_topic).
    examples: dict[str, "np.ndarray"]
    words: int = 0  # how many words the question has

    def nearest_example(self, kind: str) -> float:
        found = self.examples.get(kind)
        return float(found.max()) if found is not None and len(found) else -1.0


class Searcher:
    citation = staticmethod(citation)

    def __init__(self, index: DenseIndex, encoder: Encoder, settings: Settings):
        self.index = index
        self.encoder = encoder
        self.settings = settings
        self._lexical: LexicalIndex | None = None
        self._sections_matrix: "np.ndarray | None" = None
        self.embedder = Embedder(encoder)

    @classmethod
    def load(cls, index_dir: Path = INDEX_DIR, encoder: Encoder | None = None, settings: Settings | None = None) -> "Searcher":
        """Load the model (unless given) and the index, building it if missing or stale."""
        settings = settings or load_settings()
        encoder = encoder or load_encoder(settings)
        index = load_or_build(index_dir, encoder=encoder, settings=settings)
        searcher = cls(index, encoder, settings)
        if settings.method != "dense":
            _ = searcher.lexical  # build now, so the first question is not the slow one
        return searcher

    @property
    def passages(self) -> list[Passage]:
        return self.index.passages

    @property
    def lexical(self) -> "LexicalIndex":
        # Built on first use: the dense-only path never pays for importing bm25s.
        if self._lexical is None:
            from knowledge.lexical import LexicalIndex, load_tokenizer

            documents = [passage_document(p, self.settings.lexical_fields) for p in self.passages]
            self._lexical = LexicalIndex(self.passages, documents, load_tokenizer())
        return self._lexical

    # --- ranking --------------------------------------------------------------

    def scores(self, question: str, method: str | None = None) -> Scores:
        """Every passage's scores for the question; lexical ones unless the method is dense."""
        method = method or self.settings.method
        question = spell_out_acronyms(question)
        vector = self.embed(question)
        dense = self.index.scores(vector)
        lexical = self.lexical.scores(question) if method != "dense" else None
        examples = {kind: found.similarities(vector) for kind, found in self.index.examples.items()}
        return Scores(dense=dense, lexical=lexical, examples=examples, words=len(WORD.findall(question)))

    def embed(self, question: str) -> "np.ndarray":
        """One question's vector (see knowledge.embedder: the model's own steps, faster)."""
        return self.embedder.one(question)

    def _compiled_transformer(self):
        return self.embedder.compiled_transformer()

    def ranking_scores(self, scores: Scores, method: str | None = None) -> "np.ndarray":
        """Each passage's score under a ranking method, in passage order."""
        method = method or self.settings.method
        if method == "dense":
            return scores.dense
        if method == "lexical":
            return scores.lexical
        if method == "fused":
            return self.fused_scores(scores) + self.settings.example_weight * self.section_evidence(scores)
        if method == "rrf":
            return reciprocal_rank_fusion([scores.dense, scores.lexical], self.settings.rrf_k)
        raise ValueError(f"unknown ranking method {method!r}, expected one of {RANKING_METHODS}")

    def fused_scores(self, scores: Scores) -> "np.ndarray":
        return scores.dense + self.settings.lexical_weight * scores.lexical

    def section_evidence(self, scores: Scores) -> "np.ndarray":
        """Per passage, the similarity of the question to the closest on-topic
        example question answered by the passage's section (0 if none is close).
        A runner's wording is often nearer another runner's question than the
        article's prose: "how many miles before i bin my trainers" is near "how
        long do running shoes last", which names its section."""
        import numpy as np

        similarities = scores.examples.get("on_topic")
        if similarities is None or not len(similarities):
            return np.zeros(len(self.passages), dtype=np.float32)
        by_section = np.where(self._example_sections, similarities[:, None], 0.0)
        return np.maximum(by_section.max(axis=0), 0.0).astype(np.float32)

    @property
    def _example_sections(self) -> "np.ndarray":
        """examples x passages: True where the example's section is the passage's."""
        if self._sections_matrix is None:
            import numpy as np

            sections = self.index.examples["on_topic"].sections
            self._sections_matrix = np.array([[p.section == s for p in self.passages] for s in sections], dtype=bool)
        return self._sections_matrix

    def confidence_scores(self, scores: Scores, method: str | None = None) -> "np.ndarray":
        """The scores the answer threshold applies to: the fused score without the
        example evidence (which ranks sections, not how well a passage answers).
        Reciprocal-rank scores only say which passage is first, not how close it
        is, so rrf falls back to cosine."""
        method = method or self.settings.method
        if method == "rrf":
            return scores.dense
        return self.fused_scores(scores) if method == "fused" else self.ranking_scores(scores, method)

    def confidence(self, scores: Scores, method: str | None = None) -> float:
        """How sure the search is that the article answers: the best passage's
        confidence score, or 0 when the question shares no telling word with the
        article (its best BM25 score is under lexical_floor). The dense model
        alone finds "should i run with a cold" close to the warm-up passages."""
        method = method or self.settings.method
        if method != "dense" and self.below_lexical_floor(scores):
            return 0.0
        if self.off_topic(scores):
            return 0.0
        best = float(self.confidence_scores(scores, method).max())
        if self.settings.example_margin is None:
            return best
        # A runner's question close to one the article is known to answer
        # ("gf did her first half sunday, can barely walk down stairs tuesday,
        # is that normal") is evidence too, where the article's prose is far
        # from the runner's words.
        return max(best, scores.nearest_example("on_topic") - self.settings.example_margin)

    def below_lexical_floor(self, scores: Scores) -> bool:
        """Does the question share no telling word with the article?"""
        return float(scores.lexical.max()) < self.settings.lexical_floor

    def off_topic(self, scores: Scores) -> bool:
        """Is the question closer to an example the article does not answer than
        to any passage or any example it does answer? Near-topic questions
        ("how do i stop chafing", "are carbon plated shoes worth it") sit close
        to some passage; they sit closer still to their own kind. A margin below
        zero declines a little sooner (answer.off_topic_margin in settings.yml)."""
        margin = self.settings.off_topic_margin
        if margin is None:
            return False
        if scores.words <= self.settings.topic_words:
            margin = self.settings.topic_margin
        evidence = max(float(scores.dense.max()), scores.nearest_example("on_topic"))
        return scores.nearest_example("off_topic") > evidence + margin

    def rank(self, scores: Scores, method: str | None = None) -> list[Hit]:
        """All passages, best first, by the given method's score."""
        import numpy as np

        ranking = self.ranking_scores(scores, method)
        # Stable sort, ties broken by article order, so results are reproducible.
        order = np.argsort(-ranking, kind="stable")
        return [Hit(self.passages[i], float(ranking[i])) for i in order]

    def search(self, question: str, k: int = 3, method: str | None = None) -> list[Hit]:
        if not question.strip():
            return self.top(None, k)
        return self.top(self.scores(question, method), k, method)

    def top(self, scores: Scores | None, k: int, method: str | None = None) -> list[Hit]:
        """The k best passages for a question already scored (None: a blank question, no passages)."""
        if k < 1:
            raise ValueError("k must be at least 1")
        return [] if scores is None else self.rank(scores, method)[:k]

    # --- answering ------------------------------------------------------------

    def answer(self, question: str) -> Answer | None:
        """The best passages if the article answers the question confidently, else None."""
        if not question.strip():
            return None
        return self.answer_from(self.scores(question))

    def answer_from(self, scores: Scores) -> Answer | None:
        """`answer` for a question already scored."""
        confidence = self.confidence(scores)
        if confidence < self.settings.threshold:
            return None
        hits = self._cited_hits(scores)
        return Answer(hits=tuple(hits), score=confidence, related=self._related(scores, hits))

    def _related(self, scores: Scores, cited: list[Hit], count: int = 2) -> tuple[str, ...]:
        """The next sections down the ranking, after those already cited."""
        shown = {hit.passage.section for hit in cited}
        related = []
        for hit in self.rank(scores)[: self.settings.related_depth]:
            if hit.passage.section not in shown and hit.passage.section not in related:
                related.append(hit.passage.section)
        return tuple(related[:count])

    def section_answer(self, heading: str) -> Answer | None:
        """What a "More on" button asks for: the opening passages of one section."""
        passages = [p for p in self.passages if p.section == heading][: self.settings.max_citations]
        return Answer(hits=tuple(Hit(p, 1.0) for p in passages), score=1.0) if passages else None

    def _cited_hits(self, scores: Scores) -> list[Hit]:
        """The best hit, plus runners-up nearly as confident as it."""
        confidence = self.confidence_scores(scores)
        ranked = self.rank(scores)
        position = {passage.id: i for i, passage in enumerate(self.passages)}
        floor = max(self.settings.threshold, float(confidence.max()) - self.settings.citation_margin)
        cited = [ranked[0]]
        for hit in ranked[1 : self.settings.max_citations]:
            if confidence[position[hit.passage.id]] >= floor:
                cited.append(hit)
        return cited


def reciprocal_rank_fusion(score_lists: list["np.ndarray"], k: int = 60) -> "np.ndarray":
    """Sum of 1 / (k + rank) over rankers; rank 1 is best. Scales of the scores do not matter."""
    import numpy as np

    fused = np.zeros_like(score_lists[0], dtype=np.float64)
    for scores in score_lists:
        ranks = np.empty(len(scores), dtype=np.int64)
        ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
        fused += 1.0 / (k + ranks)
    return fused.astype(np.float32)
