"""Text relevance, the same for every database: the backends find candidates with their
indexes, and this module decides how well each one matches, so SQLite and PostgreSQL rank
alike.

A query term scores against the words of a text: 1.0 for the whole word, 0.9 for a word it
begins, 0.8 for a substring (how Chinese, written without spaces, matches) or a longer form of
a word (``sneakers`` → ``sneaker``), and for a typo
the share of the term's trigrams found in the best word (``sneker`` → ``sneakers``: 4 of
7), scaled below any exact match. A text's score is the mean over the query's terms.
"""

from __future__ import annotations

from app.search.query import normalize

TYPO_THRESHOLD = 0.5  # share of a term's trigrams that a word must contain
TYPO_WEIGHT = 0.7
MIN_STEM = 4
BODY_WEIGHT = 0.5  # a match in the description counts half of one in the title


def trigrams(word: str) -> set[str]:
    """pg_trgm-style trigrams: the word padded with two spaces in front and one behind."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def term_score(term: str, text: str, words: list[str]) -> float:
    if term in words:
        return 1.0
    if any(word.startswith(term) for word in words):
        return 0.9
    if term in text:
        return 0.8
    if any(len(word) >= MIN_STEM and term.startswith(word) for word in words):
        return 0.8  # a plural or longer form of a word ("sneakers" finds "sneaker")
    wanted = trigrams(term)
    best = max((len(wanted & trigrams(word)) / len(wanted) for word in words), default=0.0)
    return best * TYPO_WEIGHT if best >= TYPO_THRESHOLD else 0.0


def text_score(query: str, text: str) -> float:
    """How well ``text`` matches the (normalised) ``query``, from 0 to 1."""
    text = normalize(text)
    if not text:
        return 0.0
    words = text.split()
    terms = query.split()
    return sum(term_score(term, text, words) for term in terms) / len(terms)


def relevance(query: str, title: str, body: str = "") -> float:
    """The relevance of a result, rounded so that equally good matches tie (and the other
    ranking signals decide between them)."""
    return round(max(text_score(query, title), BODY_WEIGHT * text_score(query, body)), 2)
