"""A small BM25 index per room over its FAQs and the product-fact kinds.

Each document is a bag of terms (:func:`app.faq.tokens.tokenize`); document frequencies
and lengths are kept as documents come and go, so adding, changing or removing one FAQ
updates the index in place (:meth:`BM25Index.put`, :meth:`BM25Index.remove`) instead of
rebuilding it. Scores are Okapi BM25 (k1 = 1.2, b = 0.75, the Lucene idf that never goes
negative).

BM25 scores are not comparable across queries, so the decision to answer uses a
**confidence** in [0, 1] as well: the share of the query's information (the idf of its
terms, terms the index has never seen counting as the rarest) that the best document
contains. A question whose key words appear in no FAQ ("do you ship to Mars?") covers
little even when "ship" matches, and stays unanswered.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field

K1 = 1.2
B = 0.75


@dataclass(frozen=True, slots=True)
class Hit:
    key: Hashable
    score: float
    confidence: float


@dataclass
class BM25Index:
    docs: dict[Hashable, Counter[str]] = field(default_factory=dict)
    lengths: dict[Hashable, int] = field(default_factory=dict)
    df: Counter[str] = field(default_factory=Counter)
    total_length: int = 0

    def __len__(self) -> int:
        return len(self.docs)

    def put(self, key: Hashable, terms: list[str]) -> None:
        """Add the document ``key`` or replace it."""
        self.remove(key)
        bag = Counter(terms)
        self.docs[key] = bag
        self.lengths[key] = len(terms)
        self.total_length += len(terms)
        self.df.update(bag.keys())

    def remove(self, key: Hashable) -> None:
        bag = self.docs.pop(key, None)
        if bag is None:
            return
        self.total_length -= self.lengths.pop(key)
        self.df.subtract(bag.keys())
        for term in bag:
            if self.df[term] <= 0:
                del self.df[term]

    def idf(self, term: str) -> float:
        n = len(self.docs)
        return math.log(1 + (n - self.df.get(term, 0) + 0.5) / (self.df.get(term, 0) + 0.5))

    def search(self, query: list[str], limit: int = 3) -> list[Hit]:
        """The best documents for ``query`` terms, best first (only those that match)."""
        if not self.docs or not query:
            return []
        n = len(self.docs)
        avg = self.total_length / n or 1.0
        terms = Counter(query)
        weights = {t: self.idf(t) for t in terms}
        unseen = math.log(1 + (n + 0.5) / 0.5)  # a term no document has: the rarest
        info = sum((weights[t] if t in self.df else unseen) * min(c, 2) for t, c in terms.items())
        hits: list[Hit] = []
        for key, bag in self.docs.items():
            score = 0.0
            covered = 0.0
            norm = K1 * (1 - B + B * self.lengths[key] / avg)
            for term, count in terms.items():
                tf = bag.get(term, 0)
                if tf:
                    score += weights[term] * tf * (K1 + 1) / (tf + norm) * count
                    covered += weights[term] * min(count, 2)
            if score > 0:
                hits.append(Hit(key, score, covered / info if info else 0.0))
        hits.sort(key=lambda h: (-h.score, -h.confidence))
        return hits[:limit]
