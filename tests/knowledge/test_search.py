"""The search contract, on the real model and a real index built for the session."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.article import load_article
from knowledge.search import Answer, Hit, citation

HEADINGS = set(load_article().headings)


def test_search_returns_k_hits_best_first(searcher):
    hits = searcher.search("how often should I replace my running shoes", k=3)
    assert len(hits) == 3
    assert all(isinstance(hit, Hit) and isinstance(hit.score, float) for hit in hits)
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert hits[0].passage.section == "3. Choose the Right Footwear"
    assert "300 to 500 miles" in hits[0].passage.text


@pytest.mark.parametrize("k", [1, 5, 10])
def test_search_honours_k(searcher, k):
    hits = searcher.search("sore calves after a long run", k=k)
    assert len(hits) == k
    assert len({hit.passage.id for hit in hits}) == k


def test_search_rejects_k_below_one(searcher):
    with pytest.raises(ValueError):
        searcher.search("shin splints", k=0)


def test_blank_question_finds_nothing(searcher):
    assert searcher.search("   ") == []
    assert searcher.answer("") is None


def test_every_method_ranks_all_passages(searcher):
    scores = searcher.scores("what is DOMS", method="fused")
    for method in ("dense", "lexical", "rrf", "fused"):
        ranked = searcher.rank(scores, method)
        assert len(ranked) == len(searcher.passages)
        assert [h.score for h in ranked] == sorted((h.score for h in ranked), reverse=True)
    with pytest.raises(ValueError):
        searcher.rank(scores, "telepathy")


def test_citation_has_exactly_the_contract_shape(searcher):
    passage = next(p for p in searcher.passages if p.text.startswith("Shin Splints"))
    assert citation(passage) == {
        "section": "Common Overuse Injuries Causing Leg Pain",
        "passage": passage.id,
        "quote": passage.text,
        "references": [
            {
                "label": "Mayo Clinic, 2022",
                "url": "https://www.mayoclinic.org/diseases-conditions/shin-splints/symptoms-causes/syc-20354105",
            }
        ],
    }


def test_citations_name_real_headings(searcher):
    for hit in searcher.search("pain at rest and swelling in my calf", k=10):
        cited = citation(hit.passage)
        assert set(cited) == {"section", "passage", "quote", "references"}
        assert cited["passage"] == hit.passage.id
        assert cited["section"] in HEADINGS
        assert all(set(ref) == {"label", "url"} for ref in cited["references"])


@pytest.mark.parametrize(
    "question, sections",
    [
        ("how often should I replace my running shoes", {"3. Choose the Right Footwear"}),
        ("what causes shin splints", {"Why do my shins hurt after running?", "Common Overuse Injuries Causing Leg Pain"}),
        ("how much should I increase my weekly mileage", {"5. Implement Smart Training Principles"}),
        ("is it ok to run with sore legs", {"Is it okay to run with sore legs?"}),
        ("how long does DOMS last after a run", {"Delayed Onset Muscle Soreness (DOMS) vs. Acute Soreness"}),
    ],
)
def test_clear_in_scope_questions_are_answered(searcher, question, sections):
    answer = searcher.answer(question)
    assert isinstance(answer, Answer)
    assert answer.score >= searcher.settings.threshold
    assert answer.hits[0].passage.section in sections
    assert 1 <= len(answer.hits) <= searcher.settings.max_citations


@pytest.mark.parametrize("question", ["legs sore", "muscle pain", "pain after running", "why do my legs hurt", "tired legs"])
def test_short_plain_leg_questions_are_answered(searcher, question):
    """Few words, all of them everyday ones: the lexical floor must not stop these."""
    assert searcher.answer(question) is not None


@pytest.mark.parametrize(
    "question",
    [
        "recipe for banana bread",
        "what's the weather tomorrow",
        "best diet for weight loss",
        "how do I qualify for the Boston marathon",
        "how do i get rid of a side stitch",
        "should I go running with a cold",
        "how do I treat blisters on my feet",
        "what pace should I run my marathon at",
    ],
)
def test_clear_out_of_scope_questions_are_declined(searcher, question):
    assert searcher.answer(question) is None


def test_a_question_sharing_no_telling_word_is_declined_however_close(searcher):
    scores = searcher.scores("should i run with a cold")
    assert float(scores.lexical.max()) < searcher.settings.lexical_floor
    assert searcher.confidence(scores) == 0.0


def test_answer_payload_matches_the_contract(searcher):
    payload = searcher.answer("does foam rolling help sore legs").payload()
    assert set(payload) == {"answer"}
    assert set(payload["answer"]) == {"citations", "score"}
    assert isinstance(payload["answer"]["score"], float)
    assert payload["answer"]["citations"]
    for cited in payload["answer"]["citations"]:
        assert cited["section"] in HEADINGS
        assert cited["quote"]


def test_answer_scores_are_deterministic(searcher):
    first = searcher.search("epsom salt bath", k=5)
    second = searcher.search("epsom salt bath", k=5)
    assert [(h.passage.id, round(h.score, 5)) for h in first] == [(h.passage.id, round(h.score, 5)) for h in second]


@pytest.mark.parametrize("question", ["do my hamstrings need rest?", "Shin pain 🏃 après la course", "x" * 3000])
def test_the_fast_question_embedding_equals_the_models_encode(searcher, question):
    # Searcher.embed skips encode()'s batching for speed; the index is built with
    # encode(), so the two must give the same vector or the scores drift.
    expected = searcher.encoder.encode([question], normalize_embeddings=True, convert_to_numpy=True)[0]
    assert np.allclose(searcher.embed(question), expected, atol=1e-5)


def test_the_question_embedding_runs_the_compiled_transformer(searcher):
    """MiniLM is a plain transformer + mean pooling + normalise model, so the
    TorchScript path is taken (the test above holds it to the same vectors)."""
    searcher.embed("warm up")
    assert searcher._compiled_transformer() is not None


@pytest.mark.parametrize(
    "question, spelled",
    [
        ("what is the RICE method?", True),
        ("what does rice stand for", True),
        ("is R.I.C.E. still a thing", True),
        ("is rice good before a marathon", False),  # food, not the method
        ("carbs like rice and pasta", False),
    ],
)
def test_acronyms_are_spelled_out_only_where_they_name_the_method(question, spelled):
    from knowledge.search import spell_out_acronyms

    assert ("compression, elevation" in spell_out_acronyms(question)) is spelled


def test_the_rice_method_is_answered_from_a_passage_that_spells_it_out(searcher):
    answer = searcher.answer("what is the RICE method?")
    assert answer is not None and "Compression" in answer.hits[0].passage.text
