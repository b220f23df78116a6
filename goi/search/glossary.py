"""Query expansion from the domain thesaurus (goi/data/thesaurus.txt, read by goi/search/thesaurus.py).

The names are the glossary's of old: the query engine asks for the equivalents of an analysed phrase (its
translations, spellings and acronyms, language-aware) and the analysis chain for the acronyms it keeps whole.
"""

from functools import cache

from goi.search import thesaurus


def glossary_acronyms() -> tuple[str, ...]:
    """The thesaurus's acronyms, lowercased."""
    return thesaurus.acronyms()


def equivalents(phrase: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    """The equivalents of an analysed phrase (a one-term phrase for a word): labels of the same concept."""
    return thesaurus.expansions(phrase)


@cache
def longest_phrase() -> int:
    return max((len(key) for key in thesaurus.expansions_map()), default=1)
