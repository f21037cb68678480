"""The dense index: passage embeddings in FAISS, persisted with what built them.

knowledge/index/ holds `passages.faiss` and `manifest.json`. The manifest's
fingerprint covers everything the vectors depend on (article text and metadata,
model package and version, chunking and embedding settings), so `load_or_build`
can tell a stale index from a fresh one without embedding anything.

torch, sentence-transformers and faiss are imported inside the functions that
need them: importing this module stays cheap.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Sequence

from knowledge.article import ARTICLE_META, Article, Passage, load_article, load_meta
from knowledge.settings import Settings, load_settings

if TYPE_CHECKING:
    import numpy as np

INDEX_DIR = Path(__file__).parent / "index"
MANIFEST = "manifest.json"
VECTORS = "passages.faiss"
EXAMPLES = "examples.npz"
# Questions the article answers and questions it does not, in runners' words
# (knowledge/data/*_topic_questions.yml). A question closer to an off-topic
# example than to anything the article answers is declined (see Searcher.confidence).
EXAMPLE_FILES = {
    "on_topic": Path(__file__).parent / "data" / "on_topic_questions.yml",
    "off_topic": Path(__file__).parent / "data" / "off_topic_questions.yml",
}


class Encoder(Protocol):
    """What the index needs from a sentence embedding model."""

    def encode(self, sentences: Sequence[str], **kwargs: Any) -> "np.ndarray": ...


@dataclass
class DenseIndex:
    passages: list[Passage]
    faiss_index: Any  # faiss.IndexFlatIP over L2-normalised vectors: inner product = cosine
    owners: "np.ndarray"  # for each vector, the position of its passage in `passages`
    manifest: dict
    # Example questions and their vectors, by kind (on_topic, off_topic).
    examples: dict[str, "Examples"]

    def scores(self, query_vector: "np.ndarray") -> "np.ndarray":
        """Cosine similarity of the query to every passage (its closest view), in passage order."""
        import numpy as np

        similarities, rows = self.faiss_index.search(query_vector.reshape(1, -1), self.faiss_index.ntotal)
        scores = np.full(len(self.passages), -1.0, dtype=np.float32)
        np.maximum.at(scores, self.owners[rows[0]], similarities[0])
        return scores


@dataclass(frozen=True)
class Examples:
    questions: list[str]
    vectors: "np.ndarray"  # one L2-normalised row per question
    sections: list[str | None]  # the section answering each question (on-topic examples only)

    def similarities(self, query_vector: "np.ndarray") -> "np.ndarray":
        return self.vectors @ query_vector


def load_example_items(files: dict[str, Path] = EXAMPLE_FILES) -> dict[str, list[dict]]:
    """Each example file's questions as written: `q`, and `section` or `topic`."""
    import yaml

    items = {}
    for kind, path in files.items():
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        items[kind] = raw.get("questions", [])
    return items


def load_example_questions(files: dict[str, Path] = EXAMPLE_FILES) -> dict[str, list[str]]:
    return {kind: [item["q"] for item in found] for kind, found in load_example_items(files).items()}


def _examples(items: list[dict], vectors: "np.ndarray") -> Examples:
    return Examples([item["q"] for item in items], vectors, [item.get("section") for item in items])


# --- the model ---------------------------------------------------------------


def load_encoder(settings: Settings | None = None) -> Encoder:
    """The sentence embedding model, from an installed package; never the network."""
    settings = settings or load_settings()
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import torch
    from sentence_transformers import SentenceTransformer

    if settings.torch_threads > 0:
        # Process-wide, on purpose: see embedding.torch_threads in settings.yml.
        torch.set_num_threads(settings.torch_threads)
    model_package = importlib.import_module(settings.model_package)
    return SentenceTransformer(str(model_package.get_model_path()), device="cpu")


def embed(encoder: Encoder, texts: Sequence[str], batch_size: int = 16, progress: bool = False) -> "np.ndarray":
    import numpy as np
    from tqdm import tqdm

    batches = [texts[start : start + batch_size] for start in range(0, len(texts), batch_size)]
    vectors = [
        encoder.encode(list(batch), normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        for batch in tqdm(batches, desc="embedding passages", unit="batch", disable=not progress)
    ]
    return np.vstack(vectors).astype(np.float32)


def passage_document(passage: Passage, fields: Sequence[str]) -> str:
    """The passage as one text: the quote, optionally led by its section and lead-in."""
    parts = {"section": passage.section, "context": passage.context, "text": passage.text}
    return "\n".join(parts[name] for name in fields if parts[name])


def passage_views(passage: Passage, settings: Settings) -> list[str]:
    """The texts embedded for one passage; the passage scores as its closest view.

    A long passage's vector blurs its sentences together, so a question about one
    sentence can miss it: each sentence may get a vector of its own as well.
    """
    views = [passage_document(passage, settings.embedding_fields)]
    if settings.sentence_views:
        sentences = split_sentences(passage.text)
        if len(sentences) > 1:
            views += sentences
    return views


# A sentence ends at . ! or ? followed by a capital, except after abbreviations.
SENTENCE_END = re.compile(r"(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bDr\.)(?<!\bvs\.)(?<=[.!?])\s+(?=[A-Z\"\u201c(])")


def split_sentences(text: str) -> list[str]:
    return [sentence for sentence in SENTENCE_END.split(text.strip()) if sentence]


# --- fingerprint ---------------------------------------------------------------


def fingerprint(settings: Settings, meta_path: Path = ARTICLE_META) -> str:
    meta = load_meta(meta_path)
    digest = hashlib.sha256()
    digest.update((meta_path.parent / meta["file"]).read_bytes())
    digest.update(meta_path.read_bytes())  # headings and exclusions change the passages
    digest.update(json.dumps(model_identity(settings), sort_keys=True).encode())
    digest.update(json.dumps(settings.index_identity(), sort_keys=True).encode())
    for path in EXAMPLE_FILES.values():
        digest.update(path.read_bytes())
    return digest.hexdigest()


def model_identity(settings: Settings) -> dict:
    return {
        "package": settings.model_package,
        "version": importlib.metadata.version(settings.model_package),
    }


# --- build, save, load ------------------------------------------------------


def build_index(
    article: Article,
    encoder: Encoder,
    settings: Settings,
    index_dir: Path = INDEX_DIR,
    progress: bool = False,
    meta_path: Path = ARTICLE_META,
) -> DenseIndex:
    import faiss
    import numpy as np

    passages = article.passages
    views = [passage_views(passage, settings) for passage in passages]
    documents = [view for per_passage in views for view in per_passage]
    owners = np.repeat(np.arange(len(passages)), [len(per_passage) for per_passage in views])
    vectors = embed(encoder, documents, settings.batch_size, progress=progress)
    faiss_index = faiss.IndexFlatIP(vectors.shape[1])
    faiss_index.add(vectors)
    examples = {kind: _examples(items, embed(encoder, [item["q"] for item in items], settings.batch_size))
                for kind, items in load_example_items().items()}
    manifest = {
        "fingerprint": fingerprint(settings, meta_path),
        "model": model_identity(settings),
        "settings": settings.index_identity(),
        "dimensions": int(vectors.shape[1]),
        "passage_ids": [passage.id for passage in passages],
        "vector_owners": owners.tolist(),
        "examples": {kind: len(found.questions) for kind, found in examples.items()},
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    _save(index_dir, faiss_index, examples, manifest)
    return DenseIndex(passages=passages, faiss_index=faiss_index, owners=owners, manifest=manifest, examples=examples)


def _save(index_dir: Path, faiss_index: Any, examples: dict[str, Examples], manifest: dict) -> None:
    import faiss
    import numpy as np

    index_dir.mkdir(parents=True, exist_ok=True)
    # Write the vectors first and the manifest last: a build cut short leaves no
    # manifest that vouches for half-written vectors.
    (index_dir / MANIFEST).unlink(missing_ok=True)
    faiss.write_index(faiss_index, str(index_dir / VECTORS))
    np.savez(index_dir / EXAMPLES, **{kind: found.vectors for kind, found in examples.items()})
    (index_dir / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def read_manifest(index_dir: Path = INDEX_DIR) -> dict | None:
    try:
        return json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def load_index(article: Article, settings: Settings, index_dir: Path = INDEX_DIR, meta_path: Path = ARTICLE_META) -> DenseIndex | None:
    """The saved index, or None when it is missing, stale or does not match the passages."""
    import faiss
    import numpy as np

    manifest = read_manifest(index_dir)
    if manifest is None or manifest.get("fingerprint") != fingerprint(settings, meta_path):
        return None
    passages = article.passages
    if manifest.get("passage_ids") != [passage.id for passage in passages]:
        return None
    try:
        faiss_index = faiss.read_index(str(index_dir / VECTORS))
    except RuntimeError:  # faiss reports a missing or corrupt file this way
        return None
    owners = np.asarray(manifest.get("vector_owners", []), dtype=np.int64)
    if faiss_index.ntotal != len(owners) or set(owners.tolist()) != set(range(len(passages))):
        return None
    examples = _load_examples(index_dir, faiss_index.d)
    if examples is None:
        return None
    return DenseIndex(passages=passages, faiss_index=faiss_index, owners=owners, manifest=manifest, examples=examples)


def _load_examples(index_dir: Path, dimensions: int) -> dict[str, Examples] | None:
    """The saved example vectors, or None when any is missing or does not fit its questions."""
    import zipfile

    import numpy as np

    try:
        with np.load(index_dir / EXAMPLES) as saved:
            vectors = {kind: saved[kind] for kind in saved.files}
    except (OSError, ValueError, zipfile.BadZipFile):  # missing, truncated or not an npz
        return None
    examples = {}
    for kind, items in load_example_items().items():
        found = vectors.get(kind)
        if found is None or found.shape != (len(items), dimensions):
            return None
        examples[kind] = _examples(items, found)
    return examples


def load_or_build(
    index_dir: Path = INDEX_DIR,
    encoder: Encoder | None = None,
    settings: Settings | None = None,
    progress: bool = False,
    meta_path: Path = ARTICLE_META,
) -> DenseIndex:
    """The index for the current article and settings, rebuilt if missing or stale.

    The encoder is loaded only when a build is needed and none was given.
    """
    settings = settings or load_settings()
    article = load_article(meta_path, table_mode=settings.table_mode)
    index = load_index(article, settings, index_dir, meta_path)
    if index is not None:
        return index
    encoder = encoder or load_encoder(settings)
    return build_index(article, encoder, settings, index_dir, progress=progress, meta_path=meta_path)
