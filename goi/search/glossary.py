"""The Indonesian–English domain glossary (goi/data/glossary.tsv) as query expansions."""

import re
from collections import defaultdict
from functools import cache
from importlib import resources

# A glossary side written as one word with two or more capitals ("UMKM", "IoT") is an acronym.
_ACRONYM = re.compile(r"^(?=(?:.*[A-Z]){2})[A-Za-z]{2,8}$")


@cache
def glossary_pairs() -> tuple[tuple[str, str], ...]:
    """The (left, right) pairs of the glossary file, as written."""
    text = resources.files("goi.data").joinpath("glossary.tsv").read_text(encoding="utf-8")
    pairs = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        left, _, right = line.partition("\t")
        if left.strip() and right.strip():
            pairs.append((left.strip(), right.strip()))
    return tuple(pairs)


@cache
def glossary_acronyms() -> tuple[str, ...]:
    """The glossary's acronyms, lowercased."""
    return tuple(sorted({side.lower() for pair in glossary_pairs() for side in pair if _ACRONYM.match(side)}))


@cache
def equivalents_map() -> dict[tuple[str, ...], frozenset[tuple[str, ...]]]:
    """Analyzed phrase → the analyzed phrases the glossary makes equivalent to it (both directions)."""
    from goi.search.analysis import terms

    found: dict[tuple[str, ...], set[tuple[str, ...]]] = defaultdict(set)
    for left, right in glossary_pairs():
        left_terms, right_terms = tuple(terms(left)), tuple(terms(right))
        if not left_terms or not right_terms or left_terms == right_terms:
            continue
        found[left_terms].add(right_terms)
        found[right_terms].add(left_terms)
    return {key: frozenset(value) for key, value in found.items()}


def equivalents(phrase: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """The glossary equivalents of an analyzed phrase (a one-term phrase for a word)."""
    return equivalents_map().get(tuple(phrase), frozenset())


@cache
def longest_phrase() -> int:
    return max((len(key) for key in equivalents_map()), default=1)
