"""What recommendations score against, kept in memory per process and refreshed by what changed.

A corpus (open and past challenges, solver organizations, people with public profiles) holds each row's analysed
text (`text.TextProfile`) and the facts that filter and score it, and a sparse matrix of the rows' normalised
tf × idf weights, so that one matrix-vector product scores every row against a profile (`scores`). Each request
asks the database one cheap question per corpus (how many rows, the latest `updated_at`); only when the answer
changed does it read the rows changed since (and, when rows left, the ids) and rebuild the matrix from the kept
counts, without analysing the unchanged rows again. The corpora live in `app.extensions`, one set per application.
"""

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from flask import current_app
from scipy import sparse
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from goi.matching.text import TextProfile

log = logging.getLogger(__name__)
# A first build of more rows than this runs in a thread of its own when the caller can do without it (the similar
# challenges of a challenge's page): the page is served meanwhile, without them.
BACKGROUND_ABOVE = 2000


@dataclass(slots=True)
class Entry:
    """One row of a corpus: its id, analysed texts and facts."""

    id: int
    profile: TextProfile
    facts: dict[str, Any]
    # A second text some corpora keep apart (what an organization seeks).
    seeking: TextProfile | None = None
    # The profile's features as vocabulary columns with their sublinear term frequencies, made once per entry.
    columns: np.ndarray | None = None
    frequencies: np.ndarray | None = None
    seeking_columns: np.ndarray | None = None
    seeking_frequencies: np.ndarray | None = None


@dataclass
class Corpus:
    """The rows of one kind, their analysed texts and the matrix that scores them."""

    name: str
    model: Any
    condition: Callable[[], ColumnElement[bool]]
    load: Callable[[Session, list[int] | None, datetime | None], list[Entry]]
    entries: dict[int, Entry] = field(default_factory=dict)
    version: tuple[int, datetime | None] | None = None
    # Filled by _build: the rows in matrix order, the vocabulary and idf, the normalised weights.
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    vocabulary: dict[str, int] = field(default_factory=dict)
    idf: np.ndarray = field(default_factory=lambda: np.zeros(0))
    matrix: sparse.csr_matrix | None = None
    seeking_matrix: sparse.csr_matrix | None = None
    position: dict[int, int] = field(default_factory=dict)
    refreshed_in: float = 0.0
    _columns: dict[str, np.ndarray] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    building: bool = False

    def current_version(self, session: Session) -> tuple[int, datetime | None]:
        count, latest = session.execute(
            select(func.count(), func.max(self.model.updated_at)).where(self.condition())
        ).one()
        return count, latest

    def refresh(self, session: Session) -> None:
        """Bring the corpus up to date with the database: one statement when nothing changed."""
        version = self.current_version(session)
        if version == self.version:
            return
        with self.lock:
            # Another thread may have brought it up to date while this one waited.
            version = self.current_version(session)
            if version != self.version:
                self._refresh(session, version)

    def _refresh(self, session: Session, version: tuple[int, datetime | None]) -> None:
        count = version[0]
        started = time.perf_counter()
        if self.version is None or not self.entries:
            self.entries = {entry.id: entry for entry in self.load(session, None, None)}
        else:
            since = self.version[1]
            changed = self.load(session, None, since) if since is not None else self.load(session, None, None)
            for entry in changed:
                self.entries[entry.id] = entry
            if len(self.entries) != count:
                current = set(session.scalars(select(self.model.id).where(self.condition())))
                for gone in set(self.entries) - current:
                    del self.entries[gone]
                missing = sorted(current - set(self.entries))
                if missing:
                    for entry in self.load(session, missing, None):
                        self.entries[entry.id] = entry
        self._build()
        self._columns = {}
        self.version = version
        self.refreshed_in = time.perf_counter() - started

    def _build(self) -> None:
        entries = sorted(self.entries.values(), key=lambda entry: entry.id)
        self.ids = np.array([entry.id for entry in entries], dtype=np.int64)
        self.position = {entry.id: index for index, entry in enumerate(entries)}
        for entry in entries:
            if entry.columns is None:
                entry.columns, entry.frequencies = self._encode(entry.profile)
                entry.seeking_columns, entry.seeking_frequencies = self._encode(entry.seeking)
        width = len(self.vocabulary)
        raw = _matrix([(entry.columns, entry.frequencies) for entry in entries], width)
        document_frequency = np.bincount(raw.indices, minlength=width).astype(float)
        self.idf = np.log((len(entries) + 1) / (document_frequency + 0.5))
        self.matrix = _normalised(_scaled(raw, self.idf))
        if any(entry.seeking for entry in entries):
            seeking = _matrix([(entry.seeking_columns, entry.seeking_frequencies) for entry in entries], width)
            self.seeking_matrix = _normalised(_scaled(seeking, self.idf))
        else:
            self.seeking_matrix = None

    def _encode(self, profile: TextProfile | None) -> tuple[np.ndarray, np.ndarray]:
        """A profile's vocabulary columns and sublinear term frequencies (the vocabulary grows to hold them)."""
        if not profile:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        vocabulary = self.vocabulary
        columns = []
        for feature in profile.counts:
            index = vocabulary.get(feature)
            if index is None:
                index = vocabulary[feature] = len(vocabulary)
            columns.append(index)
        frequencies = [1.0 + math.log(count) for count in profile.counts.values()]
        return np.array(columns, dtype=np.int64), np.array(frequencies)

    def column(self, key: str, transform: Callable[[Any], Any] | None = None, name: str | None = None) -> np.ndarray:
        """One fact of every row in matrix order, as an array kept until the next rebuild."""
        name = name or key
        found = self._columns.get(name)
        if found is None:
            raw = [self.entries[int(row_id)].facts.get(key) for row_id in self.ids]
            found = np.array([transform(value) for value in raw] if transform else raw, dtype=object)
            if transform is not None and all(isinstance(value, (bool, float, int)) for value in found):
                found = found.astype(float if any(isinstance(value, float) for value in found) else bool)
            self._columns[name] = found
        return found

    def idf_map(self) -> dict[str, float]:
        """Feature → idf over this corpus (for the reasons' shared terms)."""
        return {feature: float(self.idf[index]) for feature, index in self.vocabulary.items() if index < len(self.idf)}

    def vector(self, profile: TextProfile) -> np.ndarray:
        """A profile's normalised tf × idf weights over this corpus's vocabulary (unknown features dropped)."""
        vector = np.zeros(len(self.vocabulary))
        for feature, count in profile.counts.items():
            index = self.vocabulary.get(feature)
            if index is not None and index < len(self.idf):
                vector[index] = (1.0 + math.log(count)) * self.idf[index]
        length = np.linalg.norm(vector)
        return vector / length if length > 0 else vector

    def scores(self, profile: TextProfile, *, seeking: bool = False) -> np.ndarray:
        """The cosine of every row (its text, or what it seeks) with the profile, in matrix order."""
        matrix = self.seeking_matrix if seeking else self.matrix
        if matrix is None or not len(self.ids):
            return np.zeros(len(self.ids))
        vector = self.vector(profile)
        if matrix.shape[1] < len(vector):
            matrix = _widened(matrix, len(vector))
        return np.asarray(matrix @ vector[: matrix.shape[1]]).ravel()


def _matrix(rows: list[tuple[np.ndarray, np.ndarray]], width: int) -> sparse.csr_matrix:
    """The rows' (columns, values) as a CSR matrix of that width."""
    lengths = np.array([len(columns) for columns, _ in rows], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    columns = np.concatenate([columns for columns, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
    values = np.concatenate([values for _, values in rows]) if rows else np.zeros(0)
    return sparse.csr_matrix((values, columns, indptr), shape=(len(rows), width))


def _scaled(matrix: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    scaled = matrix.copy()
    scaled.data = scaled.data * idf[scaled.indices]
    return scaled


def _normalised(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    lengths = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    lengths[lengths == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / lengths) @ matrix)


def _widened(matrix: sparse.csr_matrix, columns: int) -> sparse.csr_matrix:
    if matrix.shape[1] >= columns:
        return matrix
    return sparse.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], columns))


def corpora() -> dict[str, Corpus]:
    """This application's corpora, made on first use."""
    found = current_app.extensions.get("matching_corpora")
    if found is None:
        from goi.matching.sources import make_corpora

        found = current_app.extensions["matching_corpora"] = make_corpora()
    return found


def fresh(session: Session, name: str) -> Corpus:
    """The named corpus, brought up to date."""
    corpus = corpora()[name]
    corpus.refresh(session)
    return corpus


def fresh_if_ready(session: Session, name: str) -> Corpus | None:
    """The named corpus up to date; or None while its first build of many rows runs in the background (started by
    this call), for a caller that can do without it."""
    corpus = corpora()[name]
    if corpus.version is not None:
        corpus.refresh(session)
        return corpus
    if corpus.building:
        return None
    if corpus.current_version(session)[0] <= BACKGROUND_ABOVE:
        corpus.refresh(session)
        return corpus
    corpus.building = True
    app = current_app._get_current_object()

    def build() -> None:
        from goi.core.transactions import reading
        from goi.extensions import db

        try:
            with app.app_context():
                # A read transaction: the build never holds, nor waits for, the write lock.
                with reading():
                    corpus.refresh(db.session)
                db.session.remove()
        except Exception:  # the next request tries again
            log.exception("building the matching corpus %s failed", name)
        finally:
            corpus.building = False

    threading.Thread(target=build, name=f"matching-{name}", daemon=True).start()
    return None


def top(scores: np.ndarray, allowed: np.ndarray, limit: int) -> list[int]:
    """Positions of the `limit` best allowed scores, best first (ties by position, so by id)."""
    candidates = np.flatnonzero(allowed & (scores > 0))
    if not len(candidates):
        return []
    if len(candidates) > limit:
        chosen = candidates[np.argpartition(-scores[candidates], limit - 1)[:limit]]
    else:
        chosen = candidates
    return sorted(chosen.tolist(), key=lambda position: (-scores[position], position))
