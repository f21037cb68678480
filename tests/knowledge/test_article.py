"""The article parses into passages that cover its body exactly once."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from copy import deepcopy

import pytest

from knowledge.article import ArticleError, load_article, load_meta, parse_article, DATA_DIR

SEED = DATA_DIR / "legs-ache-after-running.txt"
PASSAGE_ROLES = {"paragraph", "item", "table_row", "table"}
# Every other kind of line, and why it is not an answer passage.
EXCLUDED_ROLES = {
    "site_title": "page title above the date",
    "date": "publication date",
    "title": "the article's title",
    "heading": "section headings name passages, they are not passages",
    "lead_in": "a line that only introduces the list below it; carried as the items' context",
    "table_header": "column names; carried as each row's context",
    "table_rule": "the markdown rule under the header",
    "not_answer": "listed in article.yml with the reason",
    "references_heading": "the reference list",
    "reference": "the reference list",
    "blank": "nothing",
}


@pytest.fixture(scope="module")
def article():
    return load_article()


@pytest.fixture(scope="module")
def lines():
    return SEED.read_text(encoding="utf-8").split("\n")


def test_front_matter(article):
    assert article.title == "Why Legs Ache After Running (And What You Can Do About It)"
    assert article.date == dt.date(2025, 12, 6)
    assert article.author == "Tony Enrico"


def test_data_file_is_the_seed_unchanged():
    assert SEED.read_bytes() == (SEED.parent / load_meta()["file"]).read_bytes()
    text = SEED.read_text(encoding="utf-8")
    assert text.startswith("7 Ways to Prevent Leg Ache After Running\nSat, Dec 06, 25\n")
    assert "\nReferences\n- American College of Sports Medicine" in text


def test_sections_follow_the_listed_headings_in_order(article):
    meta = load_meta()
    assert article.headings == [article.title] + [h["text"] for h in meta["headings"]]
    assert [s.level for s in article.sections] == [1] + [h["level"] for h in meta["headings"]]


def test_heading_paths_run_from_the_title_to_the_section(article):
    for section in article.sections:
        assert section.heading_path[0] == article.title
        assert section.heading_path[-1] == section.heading
    footwear = next(s for s in article.sections if s.heading == "3. Choose the Right Footwear")
    assert footwear.heading_path == (article.title, "7 Proven Strategies to Prevent Legs Ache After Running", footwear.heading)


def test_every_line_has_exactly_one_known_role(article, lines):
    assert sorted(article.line_roles) == list(range(1, len(lines) + 1))
    assert set(article.line_roles.values()) <= PASSAGE_ROLES | set(EXCLUDED_ROLES)


def test_passages_cover_the_body_exactly_once(article, lines):
    covered: dict[int, str] = {}
    for passage in article.passages:
        for number in passage.lines:
            assert number not in covered, f"line {number} is in {covered.get(number)} and {passage.id}"
            covered[number] = passage.id
    body_lines = {n for n, role in article.line_roles.items() if role in PASSAGE_ROLES}
    assert set(covered) == body_lines


def test_passage_text_is_the_articles_own_words(article, lines):
    for passage in article.passages:
        source = [lines[n - 1] for n in passage.lines]
        if passage.kind == "item":
            assert source == ["- " + passage.text]
        else:
            assert "\n".join(source) == passage.text


def test_body_words_are_passages_plus_listed_exclusions(article, lines):
    """Word for word: nothing between title and references is lost or doubled."""
    title_line = next(n for n, r in article.line_roles.items() if r == "title")
    references_line = next(n for n, r in article.line_roles.items() if r == "references_heading")
    unmark = lambda line: line[2:] if line.startswith("- ") else line
    body = [unmark(line) for line in lines[title_line : references_line - 1]]
    excluded = [
        unmark(lines[n - 1])
        for n, role in article.line_roles.items()
        if title_line < n < references_line and role not in PASSAGE_ROLES
    ]
    kept = [p.text for p in article.passages]
    words = lambda texts: Counter(re.findall(r"\S+", " ".join(texts)))
    assert words(kept + excluded) == words(body)
    assert sum(len(p.text) for p in article.passages) > 0.8 * sum(len(line) for line in body)


def test_byline_further_reading_and_links_are_not_answers(article):
    texts = " ".join(p.text for p in article.passages)
    assert "I'm Tony Enrico" not in texts
    assert "further reading:" not in texts
    assert "Find the right pain relief solution" not in texts
    assert "How to increase muscle recovery fast" not in texts
    assert not any(p.text.startswith("American College of Sports Medicine, Sawka") for p in article.passages)


def test_every_not_answer_rule_matches_one_line(lines):
    for rule in load_meta()["not_answers"]:
        assert sum(line.startswith(rule["starts_with"]) for line in lines) == 1, rule


def test_no_unlisted_line_looks_like_a_heading(article, lines):
    """A body line without closing punctuation that is no list item or table row
    would be a heading article.yml forgot."""
    for number, role in article.line_roles.items():
        if role in ("paragraph", "lead_in"):
            assert lines[number - 1].rstrip()[-1] in ".:?!\"”)", f"line {number} looks like a heading"


def test_list_items_carry_their_lead_in_as_context(article):
    culprits = [p for p in article.passages if p.section == "Common Overuse Injuries Causing Leg Pain" and p.kind == "item"]
    assert len(culprits) == 4
    assert {p.context for p in culprits} == {"Here are some common culprits:"}
    assert all("culprits" not in p.text for p in culprits)


def test_table_rows_are_passages_with_the_header_as_context(article):
    rows = [p for p in article.passages if p.kind == "table_row"]
    assert len(rows) == 6
    assert all(p.section == "Differentiating Soreness from Injury" for p in rows)
    assert all("| Symptom Feature | DOMS (Normal Soreness) | Injury (Red Flag) |" in p.context for p in rows)


def test_whole_table_mode_keeps_the_table_as_one_passage():
    tables = [p for p in load_article(table_mode="whole").passages if p.kind == "table"]
    assert len(tables) == 1
    assert tables[0].text.startswith("| Symptom Feature |") and tables[0].text.endswith("numbness, tingling, weakness |")
    assert len(tables[0].lines) == 8


def test_passage_ids_are_unique_and_readable(article):
    ids = [p.id for p in article.passages]
    assert len(ids) == len(set(ids))
    assert article.passages[0].id == "why-legs-ache-after-running-and-what-you-can-do-about-it-01"
    assert all(re.fullmatch(r"[a-z0-9-]+-\d{2}", i) for i in ids)


def test_a_missing_heading_is_an_error():
    meta = load_meta()
    broken = deepcopy(meta)
    broken["headings"].append({"text": "A Heading The Article Does Not Have", "level": 2})
    with pytest.raises(ArticleError):
        parse_article(SEED.read_text(encoding="utf-8"), broken)


def test_a_wrong_date_is_an_error():
    broken = deepcopy(load_meta())
    broken["date"] = dt.date(2025, 12, 7)
    with pytest.raises(ArticleError):
        parse_article(SEED.read_text(encoding="utf-8"), broken)
