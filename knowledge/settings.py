"""Search settings from settings.yml, in one typed place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

SETTINGS_FILE = Path(__file__).parent / "settings.yml"
RANKING_METHODS = ("dense", "lexical", "rrf", "fused")
EMBEDDING_FIELDS = ("section", "context", "text")


@dataclass(frozen=True)
class Settings:
    chunking_version: int
    table_mode: str
    model_package: str
    embedding_fields: tuple[str, ...]
    sentence_views: bool
    batch_size: int
    torch_threads: int
    method: str
    lexical_fields: tuple[str, ...]
    lexical_weight: float
    example_weight: float
    rrf_k: int
    threshold: float
    lexical_floor: float
    off_topic_margin: float | None  # None: no example check
    topic_words: int  # a question of at most this many words is a topic typed alone ...
    topic_margin: float  # ... and its example check declines only past this margin
    example_margin: float | None  # an on-topic example this close (less the margin) is evidence too; None: off
    max_citations: int
    citation_margin: float
    related_depth: int

    def index_identity(self) -> dict:
        """What the built index depends on besides the article and the model."""
        return {
            "chunking_version": self.chunking_version,
            "table_mode": self.table_mode,
            "embedding_fields": list(self.embedding_fields),
            "sentence_views": self.sentence_views,
        }


def load_settings(path: Path = SETTINGS_FILE) -> Settings:
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    settings = Settings(
        chunking_version=int(raw["chunking"]["version"]),
        table_mode=raw["chunking"]["table"],
        model_package=raw["embedding"]["package"],
        embedding_fields=tuple(raw["embedding"]["fields"]),
        sentence_views=bool(raw["embedding"]["sentence_views"]),
        batch_size=int(raw["embedding"]["batch_size"]),
        torch_threads=int(raw["embedding"]["torch_threads"]),
        method=raw["ranking"]["method"],
        lexical_fields=tuple(raw["ranking"]["lexical_fields"]),
        lexical_weight=float(raw["ranking"]["lexical_weight"]),
        example_weight=float(raw["ranking"].get("example_weight", 0.0)),
        rrf_k=int(raw["ranking"]["rrf_k"]),
        threshold=float(raw["answer"]["threshold"]),
        lexical_floor=float(raw["answer"]["lexical_floor"]),
        off_topic_margin=_optional_float(raw["answer"].get("off_topic_margin")),
        topic_words=int(raw["answer"].get("topic_words", 0)),
        topic_margin=float(raw["answer"].get("topic_margin", 0.0)),
        example_margin=_optional_float(raw["answer"].get("example_margin")),
        max_citations=int(raw["answer"]["max_citations"]),
        citation_margin=float(raw["answer"]["citation_margin"]),
        related_depth=int(raw["answer"].get("related_depth", 8)),
    )
    _check(settings)
    return settings


def _optional_float(value) -> float | None:
    return None if value is None else float(value)


def _check(settings: Settings) -> None:
    if settings.method not in RANKING_METHODS:
        raise ValueError(f"ranking.method must be one of {RANKING_METHODS}, not {settings.method!r}")
    for fields in (settings.embedding_fields, settings.lexical_fields):
        if set(fields) - set(EMBEDDING_FIELDS) or "text" not in fields:
            raise ValueError(f"passage fields must include text and only {EMBEDDING_FIELDS}, not {fields}")
