"""Sparse text features of our own, for the components that learn from text outside Rasa's
featurizers (the safety detector, the second-question finder): character n-grams (2–5, inside word
boundaries), words, word stems and word pairs of the Turkish-folded text, as sublinear TF-IDF."""
from __future__ import annotations

import re
from typing import Dict, Iterable, List

import numpy as np
import scipy.sparse

from casinra_contracts.text import fold_words


def ngrams(text: str) -> List[str]:
    """Character n-grams (2–5, inside word boundaries) and word uni/bigrams of the folded text."""
    words = re.findall(r"\w+", fold_words(text))
    stems = [w[:5] for w in words]  # Turkish is agglutinative: the first letters carry the root
    grams = [f"w:{w}" for w in words] + [f"w:{a} {b}" for a, b in zip(words, words[1:])]
    grams += [f"s:{s}" for s in stems] + [f"s:{a} {b}" for a, b in zip(stems, stems[1:])]
    for word in words:
        padded = f" {word} "
        for n in range(2, 6):
            grams += [padded[i:i + n] for i in range(max(1, len(padded) - n + 1))]
    return grams


class Vectoriser:
    """Sublinear TF-IDF over `ngrams`, rows scaled to unit length."""

    def __init__(self, terms: Iterable[str], idf: np.ndarray) -> None:
        self.index = {term: i for i, term in enumerate(terms)}
        self.idf = idf

    @classmethod
    def fit(cls, texts: List[str], min_df: int = 2) -> "Vectoriser":
        df: Dict[str, int] = {}
        for text in texts:
            for gram in set(ngrams(text)):
                df[gram] = df.get(gram, 0) + 1
        terms = sorted(t for t, n in df.items() if n >= min_df)
        counts = np.array([df[t] for t in terms], dtype=np.float64)
        return cls(terms, np.log((1.0 + len(texts)) / (1.0 + counts)) + 1.0)

    def transform(self, texts: List[str]) -> scipy.sparse.csr_matrix:
        rows, cols, values = [], [], []
        for row, text in enumerate(texts):
            counts: Dict[int, int] = {}
            for gram in ngrams(text):
                col = self.index.get(gram)
                if col is not None:
                    counts[col] = counts.get(col, 0) + 1
            if not counts:
                continue
            weights = np.array([(1.0 + np.log(c)) * self.idf[col] for col, c in counts.items()])
            weights /= np.linalg.norm(weights)
            rows += [row] * len(counts)
            cols += list(counts)
            values += list(weights)
        return scipy.sparse.csr_matrix((values, (rows, cols)), shape=(len(texts), len(self.index)))



class SparseModel:
    """Multinomial logistic regression over `Vectoriser` features, kept as plain arrays (saved
    with `np.savez`, loaded without pickle)."""

    def __init__(self, arrays: Dict[str, np.ndarray]) -> None:
        self.arrays = arrays
        self.vectoriser = Vectoriser(arrays["terms"], arrays["idf"])
        self.classes = [str(c) for c in arrays["classes"]]

    @classmethod
    def fit(cls, texts: List[str], labels: List[str], C: float) -> "SparseModel":
        from sklearn.linear_model import LogisticRegression

        vectoriser = Vectoriser.fit(texts)
        model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced",
                                   multi_class="multinomial", solver="lbfgs")
        model.fit(vectoriser.transform(texts), labels)
        return cls({
            "terms": np.array(sorted(vectoriser.index, key=vectoriser.index.get), dtype=str),
            "idf": vectoriser.idf, "coef": model.coef_, "intercept": model.intercept_,
            "classes": np.array(model.classes_, dtype=str),
        })

    def probabilities(self, text: str) -> Dict[str, float]:
        scores = np.asarray(self.vectoriser.transform([text]) @ self.arrays["coef"].T + self.arrays["intercept"])[0]
        if len(self.classes) == 2:  # scikit-learn keeps one row of weights for two classes
            scores = np.array([0.0, scores[0]])
        exp = np.exp(scores - scores.max())
        return dict(zip(self.classes, (exp / exp.sum()).tolist()))
