"""Shared fixtures: the real model and a real index, built once per test session
in a temporary folder (the developer's knowledge/index/ is left alone)."""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("USE_TF", "0")


class HashEncoder:
    """A stand-in model for index bookkeeping tests: deterministic vectors, counted calls."""

    dimensions = 8

    def __init__(self):
        self.calls = 0

    def encode(self, sentences, **kwargs):
        self.calls += 1
        vectors = np.array(
            [np.frombuffer(hashlib.sha256(s.encode()).digest()[: self.dimensions * 4], dtype=np.uint32) for s in sentences],
            dtype=np.float32,
        )
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.fixture
def hash_encoder():
    return HashEncoder()


@pytest.fixture(scope="session")
def encoder():
    from knowledge.index import load_encoder

    return load_encoder()


@pytest.fixture(scope="session")
def searcher(encoder, tmp_path_factory):
    from knowledge.search import Searcher

    return Searcher.load(index_dir=tmp_path_factory.mktemp("index"), encoder=encoder)
