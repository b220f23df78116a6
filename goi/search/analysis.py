"""The one text analysis chain of search and matching, used alike for indexing and for queries.

Tokens are words of letters and digits. Each token is accent-folded, then:

- an acronym (all capitals, 2–6 letters, in the source; or any word in the glossary's acronym list) is kept as
  a token, lowercased and never stemmed, so "UMKM", "umkm" and "Umkm" meet;
- a stopword (Sastrawi's Indonesian list less the domain's content words it holds, plus a short English list) is
  dropped;
- any other word is lowercased and stemmed: Sastrawi (Indonesian) first; when Sastrawi leaves the word as it was
  and the word is not an Indonesian root in Sastrawi's dictionary, it looks English and gets the Porter stem.
  So "kemacetan" → "macet", "persampahan" → "sampah", "flooding" → "flood", while "jalan" stays "jalan".
"""

import re
import unicodedata
from functools import cache, lru_cache

from whoosh.analysis import Filter, RegexTokenizer
from whoosh.lang.porter import stem as porter_stem

TOKEN_PATTERN = r"[^\W_]+"  # noqa: S105 (a regular expression, not a password)
_ACRONYM_SHAPE = re.compile(r"^[A-Z]{2,6}$")

_ENGLISH_STOPWORDS_TEXT = """
a about above after again against all am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers
herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on
once only or other our ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were what when where which
while who whom why will with would you your yours yourself yourselves
"""
ENGLISH_STOPWORDS = frozenset(_ENGLISH_STOPWORDS_TEXT.split())

# Words of Sastrawi's stopword list that carry meaning in the platform's texts, so kept: without them the
# thesaurus's "tempat pembuangan akhir" (TPA) was read as "buang", "usaha kecil" as "usaha", "kerja bakti" as
# "bakti", and "kali" (a river, as in Kali Ciliwung) was lost. The negations (tidak, tak) stay stopwords: they are
# among the commonest words of the texts, and kept they made "rumah tidak layak huni" six times slower at 100,000
# documents (p95 9 -> 61 ms, bench/search.py) for no measured gain in relevance.
# Changing this list changes the index's terms: run `flask goi search rebuild` after deploying it.
_KEPT_INDONESIAN_TEXT = """
akhir antar atas bawah baru besar biasa dini dua empat guna hari ibu jauh kali kecil kerja khusus kurang lama
langsung lanjut lima luar mata naik nyata orang panjang pertama satu sementara setempat tempat tiga
"""
KEPT_INDONESIAN = frozenset(_KEPT_INDONESIAN_TEXT.split())


@cache
def _sastrawi():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    # The plain stemmer: lru_cache below caches per token, Sastrawi's own cache would only repeat that.
    return StemmerFactory().create_stemmer().delegatedStemmer


@cache
def indonesian_stopwords() -> frozenset[str]:
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    return frozenset(StopWordRemoverFactory().get_stop_words()) - KEPT_INDONESIAN


@cache
def stopwords() -> frozenset[str]:
    return indonesian_stopwords() | ENGLISH_STOPWORDS


@cache
def acronyms() -> frozenset[str]:
    """Lowercased acronyms from the glossary's "acronym" lines: kept whole and unstemmed, whatever their case."""
    from goi.search.glossary import glossary_acronyms

    return frozenset(glossary_acronyms())


def fold_accents(text: str) -> str:
    """ "Café" → "Cafe": letters without their combining marks."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of a lowercase word: Sastrawi; then Porter for words that look English."""
    stemmer = _sastrawi()
    stemmed = stemmer.stem(word) or word
    if stemmed != word or not word.isalpha() or stemmer.dictionary.contains(word):
        return stemmed
    return porter_stem(word)


@lru_cache(maxsize=200_000)
def normalize(token: str) -> str | None:
    """The index term of one raw token, or None for a stopword (kept per token: snippets analyse the same words of
    the same documents again on every page of results)."""
    token = fold_accents(token)
    lower = token.lower()
    if lower in acronyms() or (_ACRONYM_SHAPE.match(token) and lower not in stopwords()):
        return lower
    if lower in stopwords() or not lower:
        return None
    if lower.isdigit():
        return lower
    return stem(lower)


class GoiFilter(Filter):
    """Acronyms, accent folding, lowercasing, stopwords and stemming, in one step (it needs the original case)."""

    def __eq__(self, other):
        return other is not None and type(self) is type(other)

    def __call__(self, tokens):
        for token in tokens:
            term = normalize(token.text)
            if term is None:
                continue
            token.text = term
            yield token


class SurfaceFilter(Filter):
    """Words as written (accent-folded, lowercased, stopwords dropped): "did you mean" offers real words."""

    def __eq__(self, other):
        return other is not None and type(self) is type(other)

    def __call__(self, tokens):
        for token in tokens:
            word = surface(token.text)
            if word is None:
                continue
            token.text = word
            yield token


def surface(token: str) -> str | None:
    """The lowercased, accent-folded word, or None for a stopword."""
    word = fold_accents(token).lower()
    return None if not word or word in stopwords() else word


def surface_analyzer():
    """Tokens as words, not stems: the vocabulary that typo correction searches."""
    return RegexTokenizer(TOKEN_PATTERN) | SurfaceFilter()


def analyzer():
    """The Whoosh analyzer of every text field (picklable: it is stored in the index's schema)."""
    return RegexTokenizer(TOKEN_PATTERN) | GoiFilter()


def words(text: str) -> list[tuple[str, str]]:
    """(surface word, index term) of each word of text that is not a stopword."""
    found = []
    for match in re.findall(TOKEN_PATTERN, text or ""):
        term = normalize(match)
        if term is not None:
            found.append((fold_accents(match).lower(), term))
    return found


def terms(text: str) -> list[str]:
    """The index terms of text, in order."""
    return [term for term in (normalize(match) for match in re.findall(TOKEN_PATTERN, text or "")) if term]
