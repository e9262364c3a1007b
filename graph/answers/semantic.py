"""A semantic signal for link suggestions that needs no downloaded weights: latent semantic analysis
(LSA) trained on the records' own text when the index is built.

Each record of the data (actions, themes, plans, drivers with their drivers-document summaries, ...)
is a document of the corpus; a truncated SVD of its TF-IDF term-document matrix puts terms that
occur in the same records near each other, so "breakfast clubs" and "cost of the school day" can
meet "child poverty" although they share no word. A text's vector is the sum of its terms' vectors
(weighted by TF-IDF), normalised; similarity is the cosine.

The model is small (a few thousand terms x ``dims``), built in well under a second on the bundled
data, and deterministic (numpy's SVD is exact; signs are fixed so that each component's largest
entry is positive). numpy is its only dependency.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np


@dataclass
class Space:
    """Term vectors of an LSA space: ``terms[t]`` is the row of ``vectors`` for term ``t``."""

    terms: dict[str, int]
    idf: np.ndarray
    vectors: np.ndarray  # (terms, dims), rows not normalised

    def embed(self, tf: dict[str, float]) -> np.ndarray | None:
        """The unit vector of a weighted bag of terms; None when no term is known to the space."""
        rows, weights = [], []
        for t, f in tf.items():
            i = self.terms.get(t)
            if i is not None and f > 0:
                rows.append(i)
                weights.append((1 + math.log(f)) if f >= 1 else f)
        if not rows:
            return None
        w = np.asarray(weights) * self.idf[rows]
        v = w @ self.vectors[rows]
        n = float(np.linalg.norm(v))
        return v / n if n > 0 else None

    def embed_many(self, bags: list[dict[str, float]]) -> np.ndarray:
        """Unit vectors of many bags, one row each (a zero row where no term is known)."""
        out = np.zeros((len(bags), self.vectors.shape[1]))
        for k, tf in enumerate(bags):
            v = self.embed(tf)
            if v is not None:
                out[k] = v
        return out


def train(docs: list[dict[str, float]], dims: int = 100, min_df: int = 2, power: float = 1.0) -> Space | None:
    """An LSA space from ``docs`` (each a bag of term -> weight). Terms in fewer than ``min_df``
    documents are dropped; ``power`` scales each dimension by its singular value to that power
    (1: classic LSA term vectors U·S; 0: U alone). None when the corpus is too small for a space."""
    df = Counter(t for d in docs for t, f in d.items() if f > 0)
    vocab = sorted(t for t, n in df.items() if n >= min_df)
    if len(vocab) < 3 or len(docs) < 3:
        return None
    terms = {t: i for i, t in enumerate(vocab)}
    n = len(docs)
    idf = np.array([math.log(1 + n / df[t]) for t in vocab])
    X = np.zeros((len(vocab), n))
    for j, d in enumerate(docs):
        for t, f in d.items():
            i = terms.get(t)
            if i is not None and f > 0:
                X[i, j] = (1 + math.log(f)) if f >= 1 else f
    X *= idf[:, None]
    norms = np.linalg.norm(X, axis=0)
    X /= np.where(norms > 0, norms, 1.0)
    # the SVD of the smaller side: eigenvectors of X^T X give V, and U = X V / s
    G = X.T @ X
    vals, V = np.linalg.eigh(G)
    order = np.argsort(vals)[::-1]
    vals, V = vals[order], V[:, order]
    keep = int(min(dims, int((vals > 1e-9).sum())))
    if keep < 1:
        return None
    s = np.sqrt(vals[:keep])
    U = (X @ V[:, :keep]) / s
    # fix each component's sign so that the space does not depend on the eigensolver's choice
    flip = np.sign(U[np.abs(U).argmax(axis=0), range(keep)])
    U *= np.where(flip == 0, 1.0, flip)
    return Space(terms, idf, U * (s ** power))


def cosine_rows(matrix: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Cosine of ``v`` (a unit vector) with each (unit or zero) row of ``matrix``."""
    return matrix @ v


def train_cooccurrence(sequences: list[list[str]], dims: int = 100, window: int = 4, min_count: int = 2,
                       ) -> Space | None:
    """Word vectors from the corpus itself: positive PMI of words within ``window`` of each other,
    reduced by SVD (vectors U·sqrt(S)). ``embed`` then sums a text's word vectors by TF-IDF."""
    counts = Counter(w for seq in sequences for w in seq)
    vocab = sorted(w for w, c in counts.items() if c >= min_count)
    if len(vocab) < 3:
        return None
    terms = {t: i for i, t in enumerate(vocab)}
    n = len(vocab)
    C = np.zeros((n, n))
    docs_with = Counter()
    for seq in sequences:
        ids = [terms.get(w) for w in seq]
        docs_with.update({w for w in seq if w in terms})
        for i, a in enumerate(ids):
            if a is None:
                continue
            for b in ids[i + 1:i + 1 + window]:
                if b is not None and b != a:
                    C[a, b] += 1
                    C[b, a] += 1
    total = C.sum()
    if total == 0:
        return None
    row = C.sum(axis=1)
    col = row ** 0.75
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log((C * col.sum()) / (row[:, None] * col[None, :]))
    P = np.where(np.isfinite(pmi) & (pmi > 0), pmi, 0.0)
    vals, V = np.linalg.eigh(P)
    order = np.argsort(np.abs(vals))[::-1][:dims]
    vals, V = vals[order], V[:, order]
    flip = np.sign(V[np.abs(V).argmax(axis=0), range(V.shape[1])])
    V *= np.where(flip == 0, 1.0, flip)
    idf = np.array([math.log(1 + len(sequences) / docs_with[t]) for t in vocab])
    return Space(terms, idf, V * np.sqrt(np.abs(vals)))
