"""The article "Why Legs Ache After Running" as the bot's knowledge: passages,
references, a dense + lexical index over them, and search with citations.

Public API (no Rasa imports; heavy libraries load only when a model or index does):

    knowledge.article.load_article() -> Article           # title, date, author, sections, references
    Article.passages -> list[Passage]                      # id, section, heading_path, text, references
    knowledge.search.Searcher.load(index_dir=..., encoder=None, settings=None) -> Searcher
    Searcher.search(question, k=3) -> list[Hit]            # Hit(passage, score), best first
    Searcher.answer(question) -> Answer | None             # None: not confident, say "I don't know"
    Answer.payload() -> {"answer": {"citations": [...], "score": float}}
    knowledge.search.citation(passage) -> {"section", "quote", "references": [{"label", "url"}]}
    knowledge.index.load_or_build(index_dir=...) -> DenseIndex   # rebuilds when missing or stale

Command line: python -m knowledge ask "question" | build | eval | bench
"""
