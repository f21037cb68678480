"""Every in-text citation resolves to its entry in the reference list."""

from __future__ import annotations

import re
from copy import deepcopy

import pytest

from knowledge.article import ArticleError, DATA_DIR, find_citations, load_article, load_meta, parse_article

TEXT = (DATA_DIR / "legs-ache-after-running.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def article():
    return load_article()


def test_reference_list_has_all_sixteen_entries_with_urls(article):
    assert len(article.references) == 16
    assert all(ref.url.startswith("https://") for ref in article.references)
    assert len({ref.url for ref in article.references}) == 16


def test_every_in_text_citation_resolves(article):
    body = TEXT.split("\nReferences\n")[0]
    in_text = find_citations(body)
    # A looser count, independent of the citation pattern: every "2022)" or "n.d.)".
    assert len(in_text) == len(re.findall(r"(?:\d{4}|n\.d\.)\)", body)) == 18
    resolved = [citation for p in article.passages for citation in find_citations(p.text)]
    assert sorted(resolved) == sorted(in_text)  # no citation sits outside a passage
    for passage in article.passages:
        labels = [ref.label for ref in passage.references]
        assert labels == list(dict.fromkeys(find_citations(passage.text)))


def test_every_reference_is_cited_somewhere(article):
    cited = {ref.url for p in article.passages for ref in p.references}
    assert cited == {ref.url for ref in article.references}


@pytest.mark.parametrize(
    "passage_start, label, url_part",
    [
        ("Shin Splints (Medial Tibial Stress Syndrome)", "Mayo Clinic, 2022", "mayoclinic.org/diseases-conditions/shin-splints"),
        ("Increase Your Cadence", "Heiderscheit et al., 2011", "10.1249/MSS.0b013e3181ebedf4"),
        ("Delayed Onset Muscle Soreness (DOMS)", "Toumi & Best, 2003", "pubmed.ncbi.nlm.nih.gov/12617692"),
        ("Shoe Mileage", "American Council on Exercise, n.d.", "acefitness.org"),
        ("R.I.C.E. Method (Rest, Ice, Compression, Elevation)", "NHS, 2021", "nhs.uk/conditions/sprains-and-strains"),
        ("It depends on the type and severity of soreness", "Punsalan, 2020", "runnersworld.com"),
        ("Chronic Venous Insufficiency (CVI)", "Cleveland Clinic, 2022", "16872-chronic-venous-insufficiency-cvi"),
        ("Peripheral Arterial Disease (PAD)", "Cleveland Clinic, 2022", "22046-intermittent-claudication"),
        ("Epsom Salt Baths: Soaking", "Cleveland Clinic, 2023", "does-epsom-salt-work"),
    ],
)
def test_citation_resolves_to_the_right_entry(article, passage_start, label, url_part):
    passage = next(p for p in article.passages if p.text.startswith(passage_start))
    matching = [ref for ref in passage.references if ref.label == label]
    assert len(matching) == 1
    assert url_part in matching[0].url


def test_reference_labels_are_the_articles_in_text_forms(article):
    labels = {ref.label for ref in article.references}
    assert {"NHS, 2021", "Mayo Clinic, 2022", "Toumi & Best, 2003", "Physiopedia, n.d."} <= labels


def test_parenthesised_lists_are_not_citations():
    assert find_citations("shoes that match your foot type (e.g., pronation, supination), arch") == []
    assert find_citations("R.I.C.E. Method (Rest, Ice, Compression, Elevation): This") == []
    assert find_citations("about it (Mayo Clinic, 2022). And (Physiopedia, n.d.)") == ["Mayo Clinic, 2022", "Physiopedia, n.d."]


def test_ambiguous_citation_without_a_choice_rule_is_an_error():
    meta = deepcopy(load_meta())
    meta["citation_choices"] = []
    with pytest.raises(ArticleError, match="Cleveland Clinic, 2022"):
        parse_article(TEXT, meta)


def test_unknown_citation_author_is_an_error():
    meta = deepcopy(load_meta())
    meta["citation_authors"] = {}
    with pytest.raises(ArticleError, match="NHS, 2021"):
        parse_article(TEXT, meta)
