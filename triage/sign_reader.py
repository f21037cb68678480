"""The second reader of warning signs: one that learns from labelled examples.

The lexicon reader (triage/extract.py) knows the words it was given. This one
has read about 2,500 runner messages labelled by people who never saw the
code (triage/data/signs_*.yml, checklist.yml): for each sign, whether the
message says it is present, denies it, is unsure of it, or does not say it.
It judges each clause of a message (and the whole message) with one
logistic regression per sign over the clause's MiniLM sentence embedding.

Why this model: the embedding carries everyday words the lexicon never
listed ("pee like coke", "calf rock solid", "hobbled home"), and a linear
model on it trains in seconds, runs in well under a millisecond per clause
once the clause is embedded, and can be retrained by anyone who adds a line
of data. SetFit would fine-tune the encoder itself (minutes of training, and
a second model in memory); a spaCy textcat sees only the words it was taught.

How the two readers combine is in `combine` (pure): a sign counts when
either reader finds it with confidence, and a disagreement on a sign that
could make the result urgent or an emergency is asked back.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
import yaml

DATA_DIR = Path(__file__).with_name("data")
SIGN_FILES = ("signs_emergency.yml", "signs_urgent.yml", "signs_everyday.yml", "signs_decoys.yml", "signs_plain.yml",
              "checklist.yml")
STATES = ("none", "present", "denied", "uncertain")
# A clause is judged present when this reader is at least this sure; between
# ASK and SURE the sign is asked back when it matters (see combine). At 0.8 it
# took "can't put any weight on my leg" for a leg that cannot be moved (E2).
SURE = 0.9
ASK = 0.7
# Clauses end at punctuation and at words that turn a sentence ("but", "and
# then"): "swollen but not red" is two judgements.
CLAUSE_BREAK = re.compile(r"[.;!?\n]+|,\s*|\s+-\s+|\b(?:but|though|tho|although|however|whereas|except)\b",
                          re.IGNORECASE)
MIN_CLAUSE_CHARS = 3


@dataclass(frozen=True)
class Labelled:
    text: str
    states: dict[str, str]  # sign -> present | denied | uncertain


def load_labelled(files: Iterable[str] = SIGN_FILES, data_dir: Path = DATA_DIR) -> list[Labelled]:
    out = []
    for name in files:
        for item in yaml.safe_load((data_dir / name).read_text(encoding="utf-8")):
            states = {}
            for state in ("denied", "uncertain", "present"):  # present wins a clash
                states.update({sign: state for sign in item.get(state) or []})
            out.append(Labelled(str(item["text"]), states))
    return out


def clauses(text: str) -> list[str]:
    """The message's clauses, and the message itself when it has more than one."""
    parts = [p.strip() for p in CLAUSE_BREAK.split(text) if p and len(p.strip()) >= MIN_CLAUSE_CHARS]
    return parts + [text.strip()] if len(parts) > 1 else [text.strip()] if text.strip() else []


@dataclass
class SignModel:
    """Per sign: the weights of a 4-state logistic regression (none, present, denied, uncertain)."""

    signs: list[str]
    coef: np.ndarray  # (signs, states, dims)
    intercept: np.ndarray  # (signs, states)

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """(clauses, signs, states) probabilities."""
        logits = np.einsum("cd,kxd->ckx", vectors, self.coef) + self.intercept[None]
        logits -= logits.max(axis=2, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=2, keepdims=True)

    def save(self, path: Path) -> None:
        np.savez(path, signs=np.array(self.signs), coef=self.coef, intercept=self.intercept)

    @classmethod
    def load(cls, path: Path) -> "SignModel":
        data = np.load(path)
        return cls([str(s) for s in data["signs"]], data["coef"], data["intercept"])


def train(examples: list[Labelled], vectors: np.ndarray, regularisation: float = 4.0) -> SignModel:
    """One multinomial logistic regression per sign, on the whole messages."""
    from sklearn.linear_model import LogisticRegression

    signs = sorted({sign for e in examples for sign in e.states})
    coef = np.zeros((len(signs), len(STATES), vectors.shape[1]), dtype=np.float32)
    intercept = np.full((len(signs), len(STATES)), -30.0, dtype=np.float32)  # a state never seen stays impossible
    for k, sign in enumerate(signs):
        y = np.array([STATES.index(e.states.get(sign, "none")) for e in examples])
        if len(set(y.tolist())) < 2:
            continue
        model = LogisticRegression(C=regularisation, max_iter=2000, class_weight="balanced").fit(vectors, y)
        if len(model.classes_) == 2:  # one weight vector: P(second) = sigmoid(w.x + b), a softmax over (0, w.x + b)
            first, second = model.classes_
            coef[k, first], intercept[k, first] = 0.0, 0.0
            coef[k, second], intercept[k, second] = model.coef_[0], model.intercept_[0]
            continue
        for row, state in enumerate(model.classes_):
            coef[k, state], intercept[k, state] = model.coef_[row], model.intercept_[row]
    return SignModel(signs, coef, intercept)


@dataclass(frozen=True)
class SignReading:
    """What the learned reader makes of one message, per sign."""

    present: dict[str, float]  # the highest P(present) over the clauses
    doubt: dict[str, float]  # the highest P(present or uncertain)


class SignReader:
    def __init__(self, model: SignModel, embed_many: Callable[[Sequence[str]], np.ndarray]):
        self.model = model
        self.embed_many = embed_many

    def read(self, text: str) -> SignReading:
        parts = clauses(text)
        if not parts:
            return SignReading({}, {})
        probabilities = self.model.probabilities(self.embed_many(parts))
        present = probabilities[:, :, STATES.index("present")].max(axis=0)
        doubt = (probabilities[:, :, STATES.index("present")] + probabilities[:, :, STATES.index("uncertain")]).max(axis=0)
        return SignReading(dict(zip(self.model.signs, present.tolist())), dict(zip(self.model.signs, doubt.tolist())))


@dataclass(frozen=True)
class Combined:
    present: frozenset[str]  # signs the learned reader adds, sure of them
    to_check: tuple[str, ...]  # signs to ask back about


def combine(lexicon: dict[str, bool], learned: SignReading, checkable: frozenset[str]) -> Combined:
    """The safety rule of two readers.

    - The lexicon's own readings stand (a sign it finds present counts).
    - A sign the learned reader is sure of, which the lexicon did not see,
      counts if it cannot make the result urgent or an emergency ("legs like
      lead"; the action server counts it in answer to the checklist only); if
      it can, the readers disagree on a sign that
      matters, and it is asked back before it counts ("Just to check: is your
      pee like tea or cola?"), so that a statistical model alone never calls
      an emergency, and never misses one the runner confirms.
    - Asked back too: a checkable sign the lexicon read as denied while the
      learned reader is sure of it, and one the learned reader half-believes.
    """
    added, check = set(), []
    for sign, probability in learned.present.items():
        said = lexicon.get(sign)
        if said is True:
            continue
        if probability >= SURE and said is None and sign not in checkable:
            added.add(sign)
        elif sign in checkable and (probability >= SURE or (said is None and learned.doubt[sign] >= ASK)):
            check.append(sign)
    # One question back per message at most, the likeliest: more would bury the runner.
    return Combined(frozenset(added), tuple(sorted(check, key=lambda s: -learned.doubt[s])[:1]))


def load_or_train(embed_many: Callable[[Sequence[str]], np.ndarray], cache_dir: Path) -> SignModel:
    """The trained model for the current data, from `cache_dir` when these exact
    examples were trained on before (the vectors are cached by the embedder)."""
    import hashlib

    examples = load_labelled()
    digest = hashlib.sha256(repr([(e.text, sorted(e.states.items())) for e in examples]).encode()).hexdigest()[:24]
    path = cache_dir / f"sign-model-{digest}.npz"
    if path.exists():
        return SignModel.load(path)
    model = train(examples, embed_many([e.text for e in examples]))
    cache_dir.mkdir(parents=True, exist_ok=True)
    model.save(path)
    return model


def signs_in_rules(levels: Iterable[str] = ("emergency", "urgent")) -> frozenset[str]:
    """Signs that some rule of these levels reads: the ones worth asking back."""
    from triage.rules import load_rules

    found: set[str] = set()

    def walk(condition) -> None:
        if hasattr(condition, "sign"):
            found.add(condition.sign)
        for child in getattr(condition, "children", ()):
            walk(child)

    for rule in load_rules():
        if rule.level in levels:
            walk(rule.when)
    return frozenset(found)
