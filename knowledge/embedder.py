"""Sentence vectors from the MiniLM model, fast for one sentence and cached for many.

    embedder = Embedder(load_encoder())
    embedder.one("do my hamstrings need rest?")      -> unit vector (384,)
    embedder.many(["calf is rock hard", "pee like coke"], cache_dir=...) -> (2, 384)

Used by the article search and by the triage readers that learn from examples
(triage/answer_reader.py, triage/sign_reader.py), so every part of the bot
embeds text the same way, with one model loaded per process.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger(__name__)
# Where vectors of example sets (and models trained on them) are kept between runs.
CACHE_DIR = Path(__file__).resolve().parents[1] / "var" / "cache"


class Embedder:
    def __init__(self, encoder: Any, batch_size: int = 32):
        self.encoder = encoder
        self.batch_size = batch_size
        self._compiled = None  # the TorchScript transformer; False: not possible for this model

    def one(self, text: str) -> "np.ndarray":
        """One text's vector (see few)."""
        return self.few([text])[0]

    def few(self, texts: Sequence[str]) -> "np.ndarray":
        """A handful of texts (a question, a message's clauses) through the
        model's own steps (tokenizer, transformer, mean pooling, normalisation)
        in one padded pass, without encode()'s batching machinery, and with the
        transformer compiled by TorchScript where it can be: the same vectors
        (a test holds them equal), in about 12 ms instead of 17 for one
        question on the 2-core AMD EPYC machine."""
        import numpy as np
        import torch

        features = self.encoder.preprocess(list(texts))
        with torch.inference_mode():
            compiled = self.compiled_transformer()
            if compiled is None:
                vectors = self.encoder(features)["sentence_embedding"]
            else:
                tokens = compiled(features["input_ids"], features["attention_mask"], features["token_type_ids"])
                vectors = _mean_pooled_unit_vectors(tokens, features["attention_mask"])
        return np.asarray(vectors.numpy(), dtype=np.float32)

    def many(self, texts: Sequence[str], cache_dir: Path | None = None) -> "np.ndarray":
        """Unit vectors of many texts, read from `cache_dir` when these exact
        texts were embedded before by the same model."""
        import numpy as np

        texts = list(texts)
        cache = cache_dir / f"vectors-{self._digest(texts)}.npy" if cache_dir else None
        if cache is not None and cache.exists():
            return np.load(cache)
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        vectors = self.encoder.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                      convert_to_numpy=True, show_progress_bar=False).astype(np.float32)
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.save(cache, vectors)
        return vectors

    @property
    def dimensions(self) -> int:
        return int(self.encoder.get_sentence_embedding_dimension())

    def _digest(self, texts: list[str]) -> str:
        digest = hashlib.sha256(repr(self.encoder).encode())  # the model's modules and settings
        for text in texts:
            digest.update(text.encode("utf-8", "surrogatepass") + b"\0")
        return digest.hexdigest()[:24]

    def compiled_transformer(self):
        """The model's transformer traced and frozen by TorchScript, once; None
        when the model is not the plain transformer + mean pooling + normalise
        pipeline this was checked for (then encode's own modules run)."""
        if self._compiled is None:
            self._compiled = _compile_transformer(self.encoder) or False
        return self._compiled or None


def _compile_transformer(encoder):
    """TorchScript of a sentence-transformers [Transformer, mean Pooling,
    Normalize] model's transformer, or None for any other model or on failure."""
    import torch
    from sentence_transformers.models import Normalize, Pooling, Transformer

    modules = list(getattr(encoder, "_modules", {}).values())
    if [type(m) for m in modules] != [Transformer, Pooling, Normalize] or getattr(modules[1], "pooling_mode", "") != "mean":
        return None

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                              return_dict=False)[0]

    try:
        example = encoder.preprocess(["a question to trace the model with"])
        with torch.inference_mode():
            traced = torch.jit.trace(TokenEmbeddings(modules[0].auto_model.eval()),
                                     (example["input_ids"], example["attention_mask"], example["token_type_ids"]),
                                     check_trace=False)
            compiled = torch.jit.optimize_for_inference(torch.jit.freeze(traced.eval()))
            # TorchScript profiles the first runs before it optimises: do them now,
            # not on a runner's first questions.
            for _ in range(3):
                compiled(example["input_ids"], example["attention_mask"], example["token_type_ids"])
            return compiled
    except Exception as error:  # noqa: BLE001 - any failure: the plain path still works
        logger.warning("TorchScript not used for sentence embeddings: %s", error)
        return None


def _mean_pooled_unit_vectors(tokens, attention_mask):
    """What the model's Pooling (mean) and Normalize modules compute."""
    import torch

    mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
    pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(pooled, p=2, dim=1)
