"""Pseudo-relevance feedback in the style of RM3 (Lavrenko and Croft's relevance model, interpolated with the
query as Anserini's RM3 does it), applied only when the first pass is weak.

A plain-word query (no phrase, exclusion or explicit operator) is weak when it finds fewer than WEAK_TOTAL
documents the viewer may see, or when none of them holds every content word. Its best FEEDBACK_DOCS documents are
then read again (their stored title, summary and body through the search's analysis chain); each term gets the
relevance model's weight, the sum over those documents of its share of the document's terms times the
document's share of their scores, multiplied by its idf, so that words common to the whole index do not win. The
FEEDBACK_TERMS best terms that the query does not hold are OR-ed beside the query, the best at FEEDBACK_BOOST and
the others in proportion: always below the words as typed (1.0) and their thesaurus equivalents (0.8).

Sorted pages (deadline, newest), the alerts of saved searches and the challenge list's keyword filter sorted by
date do not use it: it changes a ranking, and those are not ranked by relevance.
"""

from collections import Counter
from math import log

import numpy as np
from whoosh import query

from goi.search import scoring as scoring_
from goi.search.analysis import terms
from goi.search.whoosh_queries import SoftOr, filler_terms
from goi.search.whoosh_reading import intersect
from goi.search.whoosh_schema import TEXT_FIELDS

ENABLED = True
WEAK_TOTAL = 5
FEEDBACK_DOCS = 5
FEEDBACK_TERMS = 10
FEEDBACK_BOOST = 0.2
MAX_SHARE = 0.1
FEEDBACK_MATCH = 2


class FeedbackOr(SoftOr):
    """The feedback terms: a document outside the query's own matches must hold FEEDBACK_MATCH of them; holding
    all of them does not lift a document above the others (see SoftOr)."""

    lifts = False


def plain(parsed: query.Query) -> bool:
    """A query of words only: a SoftOr of groups, or one group (a word and its alternatives)."""
    if isinstance(parsed, SoftOr):
        return True
    # A word's group holds the word itself (a Term) beside its equivalents; a quoted phrase's Or holds phrases only.
    children = parsed.subqueries if type(parsed) is query.Or else []
    return any(type(child) is query.Term for child in children) and all(
        isinstance(child, query.Term | query.FuzzyTerm | query.Phrase) for child in children
    )


def weak(state, parsed: query.Query, matched: np.ndarray) -> bool:
    if len(matched) < WEAK_TOTAL:
        return True
    if isinstance(parsed, SoftOr) and len(parsed.subqueries) > 1:
        # Set operations on the groups' cached match sets: no scoring.
        holding_all = matched
        for group in parsed.subqueries:
            holding_all = intersect(holding_all, state.docs(group))
            if not len(holding_all):
                return True
    return False


def expansion(searcher, state, parsed: query.Query, matched: np.ndarray) -> list[tuple[str, float]]:
    """The feedback terms and their boosts (empty when nothing distinctive is found)."""
    ranked = scoring_.top(state, parsed, matched, scoring_.document_boosts(state, matched), FEEDBACK_DOCS)
    if not ranked or not ranked[0]:
        return []
    top_n, _docterms = ranked
    total_score = sum(score for score, _docnum in top_n) or 1.0
    typed = {text for _field, text in parsed.iter_all_terms()}
    weights: Counter = Counter()
    for score, docnum in top_n:
        fields = searcher.stored_fields(docnum)
        counts = Counter(term for field in TEXT_FIELDS for term in terms(fields.get(field) or ""))
        length = sum(counts.values()) or 1
        for term, count in counts.items():
            weights[term] += (count / length) * (score / total_score)
    doc_count = searcher.doc_count_all() or 1
    filler = filler_terms()
    reader = searcher.reader()
    scored = []
    for term, weight in weights.items():
        if term in typed or term in filler or len(term) < 3 or term.isdigit():
            continue
        frequency = max(reader.doc_frequency(field, term) for field in TEXT_FIELDS)
        if frequency < 2 or frequency > MAX_SHARE * doc_count:
            # A word of one document only says nothing of the others; one of many documents says nothing at all.
            continue
        scored.append((weight * log(doc_count / frequency), term))
    scored.sort(key=lambda item: (-item[0], item[1]))
    best = [(term, weight) for weight, term in scored[:FEEDBACK_TERMS] if weight > 0]
    if not best:
        return []
    top_weight = best[0][1]
    return [(term, FEEDBACK_BOOST * weight / top_weight) for term, weight in best]


def with_feedback(searcher, state, parsed: query.Query, matched: np.ndarray) -> query.Query | None:
    """The query with its feedback terms beside it, or None when the first pass is not weak (or gives nothing)."""
    if not len(matched) or not plain(parsed) or not weak(state, parsed, matched):
        return None
    found = expansion(searcher, state, parsed, matched)
    if not found:
        return None
    groups = [query.Or([query.Term(field, term, boost=boost) for field in TEXT_FIELDS]) for term, boost in found]
    extra = FeedbackOr(groups, minmatch=min(FEEDBACK_MATCH, len(groups)))
    return query.Or([parsed, extra])
