"""The article as data: sections, answer passages and the references they cite.

Pure and fast to import (PyYAML only): the Rasa actions, the index builder and
the tests all read the article through `load_article()`.

The text file is kept exactly as published. What the text cannot say about
itself (which lines are headings, which lines are not answers, how to read the
date, how to resolve ambiguous citations) lives in data/article.yml.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

import yaml

DATA_DIR = Path(__file__).parent / "data"
ARTICLE_META = DATA_DIR / "article.yml"

LIST_MARKER = "- "
TABLE_MARKER = "|"

# "(Mayo Clinic, 2022)", "(Heiderscheit et al., 2011)", "(American Council on
# Exercise, n.d.)". Requiring a year (or n.d.) after the last comma keeps
# "(e.g., pronation, supination)" and "(Rest, Ice, Compression, Elevation)" out.
CITATION = re.compile(r"\(([^()]+?), (\d{4}|n\.d\.)\)")
REFERENCE_ENTRY = re.compile(r"^(?P<authors>.+?)\.? \((?P<date>\d{4}[^)]*|n\.d\.)\)\. (?P<rest>.+)$")
REFERENCE_TITLE = re.compile(r"^(.+?[.?!])(?:\s|$)")
URL = re.compile(r"https?://\S+")


class ArticleError(ValueError):
    """The text and its metadata disagree; the article cannot be trusted as parsed."""


@dataclass(frozen=True)
class Reference:
    """One entry of the reference list. `label` is the short form the article
    uses in its text ("Mayo Clinic, 2022"), so it matches what the quote shows."""

    label: str
    url: str
    title: str = field(default="", compare=False)


@dataclass(frozen=True)
class Passage:
    """One answer: a paragraph, a list item or a table row, in the article's words.

    `context` is the line that leads into the passage's list or table (for
    example "Here are some common culprits:"); it may help the search but is
    never part of the quote. `lines` are 1-based line numbers in the text file.
    """

    id: str
    section: str
    heading_path: tuple[str, ...]
    text: str
    references: tuple[Reference, ...]
    kind: str  # "paragraph" | "item" | "table_row" | "table"
    lines: tuple[int, ...]
    context: str = ""


@dataclass(frozen=True)
class Section:
    heading: str
    level: int
    heading_path: tuple[str, ...]
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class Article:
    title: str
    date: dt.date
    author: str
    sections: tuple[Section, ...]
    references: tuple[Reference, ...]
    text: str
    # Every line number with what it is ("heading", "lead_in", "not_answer", ...),
    # so the coverage test can account for each line of the file.
    line_roles: dict[int, str]

    @property
    def passages(self) -> list[Passage]:
        return [passage for section in self.sections for passage in section.passages]

    @property
    def headings(self) -> list[str]:
        return [section.heading for section in self.sections]

    def passage(self, passage_id: str) -> Passage:
        for passage in self.passages:
            if passage.id == passage_id:
                return passage
        raise KeyError(passage_id)


@dataclass(frozen=True)
class _Entry:
    """A reference-list entry before the article's own label is known."""

    authors: str
    year: str
    title: str
    url: str


def load_meta(path: Path = ARTICLE_META) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_article(meta_path: Path = ARTICLE_META, table_mode: str = "rows") -> Article:
    meta = load_meta(meta_path)
    text = (meta_path.parent / meta["file"]).read_text(encoding="utf-8")
    return parse_article(text, meta, table_mode=table_mode)


def parse_article(text: str, meta: dict, table_mode: str = "rows") -> Article:
    """`table_mode` "rows" makes each table row a passage; "whole" keeps the table as one."""
    if table_mode not in ("rows", "whole"):
        raise ArticleError(f"unknown table_mode {table_mode!r}")
    lines = text.split("\n")
    roles: dict[int, str] = {}
    date, title_line = _read_front_matter(lines, meta, roles)
    refs_at = _line_number(lines, meta["references_heading"], "references heading")
    roles[refs_at] = "references_heading"
    entries = _parse_reference_entries(lines[refs_at:], refs_at + 1, roles)
    _check_headings(lines, meta)
    _check_byline(lines, meta)

    sections = _split_sections(lines, title_line + 1, refs_at - 1, meta, roles, table_mode)
    sections, labels = _attach_references(sections, entries, meta)
    references = tuple(
        Reference(label=labels.get(entry, _fallback_label(entry)), url=entry.url, title=entry.title)
        for entry in entries
    )
    return Article(
        title=meta["title"],
        date=date,
        author=meta["author"],
        sections=sections,
        references=references,
        text=text,
        line_roles=dict(sorted(roles.items())),
    )


# --- front matter -----------------------------------------------------------


def _read_front_matter(lines: list[str], meta: dict, roles: dict[int, str]) -> tuple[dt.date, int]:
    """The publication date and the title's line number."""
    roles[_line_number(lines, meta["site_title"], "site title")] = "site_title"
    roles[_line_number(lines, meta["date_line"], "date line")] = "date"
    title_line = _line_number(lines, meta["title"], "title")
    roles[title_line] = "title"
    date = dt.datetime.strptime(meta["date_line"], meta["date_format"]).date()
    if date != meta["date"]:
        raise ArticleError(f"date line says {date}, article.yml says {meta['date']}")
    return date, title_line


def _line_number(lines: list[str], wanted: str, what: str) -> int:
    found = [number for number, line in enumerate(lines, start=1) if line.strip() == wanted]
    if len(found) != 1:
        raise ArticleError(f"{what} {wanted!r} found on {len(found)} lines, expected exactly one")
    return found[0]


def _check_headings(lines: list[str], meta: dict) -> None:
    for heading in meta["headings"]:
        _line_number(lines, heading["text"], "heading")


def _check_byline(lines: list[str], meta: dict) -> None:
    if not any(line.startswith(meta["byline_starts_with"]) for line in lines):
        raise ArticleError("no byline line names the author")
    if meta["author"] not in meta["byline_starts_with"]:
        raise ArticleError("the byline does not name the author given in article.yml")


# --- sections and passages --------------------------------------------------


def _split_sections(
    lines: list[str], first: int, last: int, meta: dict, roles: dict[int, str], table_mode: str
) -> tuple[Section, ...]:
    """Walk body lines `first..last` (1-based, inclusive), grouping them under headings."""
    levels = {heading["text"]: heading["level"] for heading in meta["headings"]}
    path: list[tuple[int, str]] = [(1, meta["title"])]
    groups: list[tuple[tuple[str, ...], int, list[int]]] = [((meta["title"],), 1, [])]
    for number in range(first, last + 1):
        line = lines[number - 1].strip()
        if not line:
            roles[number] = "blank"
        elif line in levels:
            roles[number] = "heading"
            level = levels[line]
            path = [entry for entry in path if entry[0] < level] + [(level, line)]
            groups.append((tuple(text for _, text in path), level, []))
        elif _is_not_answer(line, meta):
            roles[number] = "not_answer"
        else:
            groups[-1][2].append(number)
    return tuple(
        Section(
            heading=heading_path[-1],
            level=level,
            heading_path=heading_path,
            passages=tuple(_passages_of(heading_path, numbers, lines, roles, table_mode)),
        )
        for heading_path, level, numbers in groups
    )


def _is_not_answer(line: str, meta: dict) -> bool:
    return any(line.startswith(rule["starts_with"]) for rule in meta["not_answers"])


def _passages_of(
    heading_path: tuple[str, ...], numbers: list[int], lines: list[str], roles: dict[int, str], table_mode: str
) -> Iterable[Passage]:
    section = heading_path[-1]
    content = {number: lines[number - 1].strip() for number in numbers}
    drafts = [draft for block in _blocks(numbers, content) for draft in _drafts(block, content, roles, table_mode)]
    for index, (kind, line_numbers, context) in enumerate(drafts, start=1):
        yield Passage(
            id=f"{slugify(section)}-{index:02d}",
            section=section,
            heading_path=heading_path,
            text=_passage_text(kind, [content[n] for n in line_numbers]),
            references=(),
            kind=kind,
            lines=line_numbers,
            context=context,
        )


@dataclass
class _Block:
    kind: str  # "paragraph" | "list" | "table"
    lines: list[int]
    lead_in: int | None = None  # the line that introduces a list or table


def _blocks(numbers: list[int], content: dict[int, str]) -> list[_Block]:
    """Group a section's lines into paragraphs, lists and tables."""
    blocks: list[_Block] = []
    for number in numbers:
        kind = _line_kind(content[number])
        previous = blocks[-1] if blocks else None
        if previous and kind != "paragraph" and previous.kind == kind:
            previous.lines.append(number)
        elif previous and kind != "paragraph" and _is_lead_in(previous, content):
            # A paragraph that only introduces the list or table below it is no
            # answer on its own; the list's items carry it as context instead.
            blocks[-1] = _Block(kind, [number], lead_in=previous.lines[0])
        else:
            blocks.append(_Block(kind, [number]))
    return blocks


def _line_kind(line: str) -> str:
    if line.startswith(LIST_MARKER):
        return "list"
    if line.startswith(TABLE_MARKER):
        return "table"
    return "paragraph"


def _is_lead_in(block: _Block, content: dict[int, str]) -> bool:
    return block.kind == "paragraph" and content[block.lines[0]].endswith(":")


def _drafts(block: _Block, content: dict[int, str], roles: dict[int, str], table_mode: str):
    """Yield (kind, lines, context) for each passage of a block, and note each line's role."""
    lead_in = content[block.lead_in] if block.lead_in else ""
    if block.lead_in:
        roles[block.lead_in] = "lead_in"
    if block.kind == "paragraph":
        roles[block.lines[0]] = "paragraph"
        yield "paragraph", tuple(block.lines), ""
    elif block.kind == "list":
        for number in block.lines:
            roles[number] = "item"
            yield "item", (number,), lead_in
    elif table_mode == "whole":
        roles.update({number: "table" for number in block.lines})
        yield "table", tuple(block.lines), lead_in
    else:
        header, rule, *rows = block.lines
        if not set(content[rule]) <= set("|-: "):
            raise ArticleError(f"table on line {header} has no rule line under its header")
        roles.update({header: "table_header", rule: "table_rule"})
        for number in rows:
            roles[number] = "table_row"
            yield "table_row", (number,), "\n".join(filter(None, [lead_in, content[header]]))


def _passage_text(kind: str, source: list[str]) -> str:
    """The quote: the source lines as written, without the list marker."""
    if kind == "item":
        return source[0][len(LIST_MARKER) :]
    return "\n".join(source)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --- references -------------------------------------------------------------


def _parse_reference_entries(lines: list[str], first_number: int, roles: dict[int, str]) -> list[_Entry]:
    entries = []
    for number, line in enumerate(lines, start=first_number):
        if not line.strip():
            roles[number] = "blank"
            continue
        if not line.startswith(LIST_MARKER):
            raise ArticleError(f"line {number} in the reference list is not an entry: {line[:60]!r}")
        roles[number] = "reference"
        entries.append(_parse_reference_entry(line[len(LIST_MARKER):], number))
    return entries


def _parse_reference_entry(line: str, number: int) -> _Entry:
    match = REFERENCE_ENTRY.match(line)
    urls = URL.findall(line)
    if not match or not urls:
        raise ArticleError(f"reference on line {number} has no author, date or URL: {line[:60]!r}")
    date = match["date"]
    title = REFERENCE_TITLE.match(match["rest"])
    return _Entry(
        authors=match["authors"].strip(),
        year=date if date == "n.d." else date[:4],
        title=(title[1] if title else match["rest"]).rstrip("."),
        url=urls[-1].rstrip(".,;"),
    )


def find_citations(text: str) -> list[str]:
    """In-text citations in order, as written inside the parentheses: "NHS, 2021"."""
    found = []
    for match in CITATION.finditer(text):
        for author in match[1].split(";"):
            found.append(f"{author.strip()}, {match[2]}")
    return found


def _attach_references(
    sections: tuple[Section, ...], entries: list[_Entry], meta: dict
) -> tuple[tuple[Section, ...], dict[_Entry, str]]:
    labels: dict[_Entry, str] = {}
    resolved_sections = []
    for section in sections:
        passages = []
        for passage in section.passages:
            refs = []
            for citation in find_citations(passage.text):
                entry = resolve_citation(citation, passage.text, entries, meta)
                labels.setdefault(entry, citation)
                reference = Reference(label=citation, url=entry.url, title=entry.title)
                if reference not in refs:
                    refs.append(reference)
            passages.append(replace(passage, references=tuple(refs)))
        resolved_sections.append(replace(section, passages=tuple(passages)))
    return tuple(resolved_sections), labels


def resolve_citation(citation: str, passage_text: str, entries: list[_Entry], meta: dict) -> _Entry:
    author, year = citation.rsplit(", ", 1)
    key = _citation_key(author, meta)
    candidates = [e for e in entries if e.year == year and e.authors.casefold().startswith(key.casefold())]
    if len(candidates) > 1:
        candidates = _choose_among(citation, passage_text, candidates, meta)
    if len(candidates) != 1:
        raise ArticleError(f"citation ({citation}) matches {len(candidates)} references, expected one")
    return candidates[0]


def _citation_key(author: str, meta: dict) -> str:
    """The name a reference entry starts with: first author, alias applied."""
    first = re.split(r" et al\.?| & | and ", author)[0].strip()
    return meta.get("citation_authors", {}).get(first, first)


def _choose_among(citation: str, passage_text: str, candidates: list[_Entry], meta: dict) -> list[_Entry]:
    for rule in meta.get("citation_choices", []):
        if rule["citation"] == citation and passage_text.startswith(rule["passage_starts_with"]):
            return [e for e in candidates if e.title.startswith(rule["reference_title_starts_with"])]
    return candidates


def _fallback_label(entry: _Entry) -> str:
    """For an entry the text never cites: first author's name and the year."""
    return f"{entry.authors.split(',')[0]}, {entry.year}"
