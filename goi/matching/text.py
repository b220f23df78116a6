"""Text affinity between two texts through search's analysis: the same stems, acronyms and thesaurus concepts.

A text becomes a `TextProfile`: the counts of its index terms (as search analyses them: accents folded, stopwords
dropped, Sastrawi then Porter stems, acronyms whole) plus one feature per thesaurus concept whose label it holds,
so that "banjir" and "flood", or "TPA" and "tempat pembuangan akhir", meet. Two profiles' affinity is the cosine of
their weights (sublinear term frequency × inverse document frequency over the texts compared); the features they
share, best first, are the reasons a person reads.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from goi.search import analysis, thesaurus

CONCEPT_PREFIX = "concept:"
# Words that say how much or where, not what: numbers in both languages (digits too) beside search's filler words
# of requests (kota, daerah, solusi, city, solution, ...). They would otherwise be "shared key terms".
_NUMBER_WORDS = """
satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas belas puluh puluhan ratus ratusan ribu ribuan
juta jutaan miliar persen one two three four five six seven eight nine ten eleven twelve hundred hundreds thousand
thousands million millions billion percent
"""


@cache
def ignored_terms() -> frozenset[str]:
    from goi.search.whoosh_queries import filler_terms

    numbers = {term for word in _NUMBER_WORDS.split() for term in analysis.terms(word)}
    return frozenset(numbers | filler_terms())


@dataclass(frozen=True, slots=True)
class TextProfile:
    """The analysed features of a text with their counts, and the word each feature was written as."""

    counts: Mapping[str, int]
    words: Mapping[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.counts)


def _unambiguous_concepts() -> dict[tuple[str, ...], int]:
    """Analysed label → its concept, for labels of exactly one concept (homographs across languages add nothing)."""
    return {
        phrase: next(iter(hits))[0]
        for phrase, hits in thesaurus.label_index().items()
        if len({index for index, _ in hits}) == 1
    }


_CONCEPTS: dict[tuple[str, ...], int] | None = None


def _concepts() -> dict[tuple[str, ...], int]:
    global _CONCEPTS
    if _CONCEPTS is None:
        _CONCEPTS = _unambiguous_concepts()
        _CONCEPTS["__longest__"] = max((len(phrase) for phrase in _CONCEPTS), default=1)  # type: ignore[index]
    return _CONCEPTS


def text_profile(*texts: str) -> TextProfile:
    """The features of the texts together."""
    counts: Counter[str] = Counter()
    surface: dict[str, Counter[str]] = {}
    concepts = _concepts()
    longest = concepts["__longest__"]  # type: ignore[index]
    for text in texts:
        ignored = ignored_terms()
        pairs = [
            (word, term) for word, term in analysis.words(text or "") if term not in ignored and not term.isdigit()
        ]
        terms = [term for _, term in pairs]
        for word, term in pairs:
            counts[term] += 1
            surface.setdefault(term, Counter())[word] += 1
        for start in range(len(terms)):
            for length in range(min(longest, len(terms) - start), 0, -1):
                concept = concepts.get(tuple(terms[start : start + length]))
                if concept is not None:
                    feature = f"{CONCEPT_PREFIX}{concept}"
                    counts[feature] += 1
                    phrase = " ".join(word for word, _ in pairs[start : start + length])
                    surface.setdefault(feature, Counter())[phrase] += 1
                    break
    words = {feature: seen.most_common(1)[0][0] for feature, seen in surface.items()}
    return TextProfile(counts=dict(counts), words=words)


def inverse_document_frequencies(profiles: Iterable[TextProfile]) -> dict[str, float]:
    """Smoothed idf of every feature over the profiles (a feature in all of them still weighs a little)."""
    document_frequency: Counter[str] = Counter()
    total = 0
    for profile in profiles:
        total += 1
        document_frequency.update(profile.counts.keys())
    return {feature: math.log((total + 1) / (frequency + 0.5)) for feature, frequency in document_frequency.items()}


def weights(profile: TextProfile, idf: Mapping[str, float] | None = None, default_idf: float = 1.0) -> dict[str, float]:
    """Sublinear tf × idf of each feature; a feature the idf does not know weighs `default_idf`."""
    idf = idf or {}
    return {
        feature: (1.0 + math.log(count)) * idf.get(feature, default_idf)
        for feature, count in profile.counts.items()
        if idf.get(feature, default_idf) > 0
    }


def norm(vector: Mapping[str, float]) -> float:
    return math.sqrt(sum(value * value for value in vector.values()))


def cosine(left: Mapping[str, float], right: Mapping[str, float]) -> float:
    """Cosine similarity of two weight vectors, 0 when either is empty."""
    if len(left) > len(right):
        left, right = right, left
    dot = sum(value * right[feature] for feature, value in left.items() if feature in right)
    if dot <= 0:
        return 0.0
    return dot / (norm(left) * norm(right))


def affinity(left: TextProfile, right: TextProfile, idf: Mapping[str, float] | None = None) -> float:
    """The cosine of the two profiles' tf × idf weights: 0 (nothing shared) to 1."""
    return cosine(weights(left, idf), weights(right, idf))


def shared_features(
    left: TextProfile, right: TextProfile, idf: Mapping[str, float] | None = None, limit: int = 6
) -> list[str]:
    """The features both profiles hold, by their share of the affinity, best first."""
    left_weights, right_weights = weights(left, idf), weights(right, idf)
    shared = [
        (left_weights[feature] * right_weights[feature], feature)
        for feature in left_weights.keys() & right_weights.keys()
    ]
    shared.sort(key=lambda item: (-item[0], item[1]))
    # A concept already names what its words say: "banjir" is not listed beside the concept "banjir".
    covered = {
        term
        for _, feature in shared
        if feature.startswith(CONCEPT_PREFIX)
        for profile in (left, right)
        for term in analysis.terms(profile.words.get(feature, ""))
    }
    chosen = [feature for _, feature in shared if feature.startswith(CONCEPT_PREFIX) or feature not in covered]
    return chosen[:limit]


def feature_label(feature: str, profile: TextProfile, locale: str = "id") -> str:
    """How to show a feature: a concept's preferred label in the locale, else the word as the text wrote it."""
    if feature.startswith(CONCEPT_PREFIX):
        concept = thesaurus.concepts()[int(feature.removeprefix(CONCEPT_PREFIX))]
        language = "en" if locale.startswith("en") else "id"
        return concept.pref_label(language) or concept.pref_label("id") or profile.words.get(feature, feature)
    return profile.words.get(feature, feature)


def shared_terms(
    left: TextProfile,
    right: TextProfile,
    idf: Mapping[str, float] | None = None,
    limit: int = 6,
    locale: str = "id",
) -> list[str]:
    """The shared key terms as a person reads them, best first, without repeats."""
    labels: list[str] = []
    for feature in shared_features(left, right, idf, limit=limit * 2):
        label = feature_label(feature, right, locale)
        if label not in labels:
            labels.append(label)
        if len(labels) == limit:
            break
    return labels
