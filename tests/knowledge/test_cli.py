"""The command line and the module's import weight."""

from __future__ import annotations

import subprocess
import sys

import pytest

import knowledge.__main__ as cli


def test_importing_the_package_loads_no_heavy_library():
    probe = (
        "import sys, knowledge.article, knowledge.index, knowledge.search, knowledge.lexical, knowledge.evaluate\n"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'faiss', 'bm25s', 'numpy', 'jax') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_ask_prints_ranked_passages_with_scores_and_sections(searcher, monkeypatch, capsys):
    monkeypatch.setattr("knowledge.search.Searcher.load", classmethod(lambda cls, *a, **k: searcher))
    assert cli.main(["ask", "how often should I replace my running shoes", "-k", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("answer (confidence ")
    assert "1. [" in out and "2. [" in out and "3. [" not in out
    assert "3. Choose the Right Footwear" in out
    assert "references: American Council on Exercise, n.d." in out


@pytest.mark.parametrize("question, reason", [
    ("recipe for banana bread", "no telling word of the article"),
    ("are carbon plated racing shoes worth the money", "closer to a question the article does not answer"),
])
def test_ask_says_why_it_has_no_answer(searcher, monkeypatch, capsys, question, reason):
    monkeypatch.setattr("knowledge.search.Searcher.load", classmethod(lambda cls, *a, **k: searcher))
    cli.main(["ask", question])
    out = capsys.readouterr().out
    assert out.startswith("no answer: " + reason)
    assert "nearest off_topic example [" in out


def test_unknown_command_is_refused():
    with pytest.raises(SystemExit):
        cli.main(["teleport"])
