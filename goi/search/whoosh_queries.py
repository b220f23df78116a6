"""The user's text as a Whoosh query: parsed, each word in every text field and OR-ed with its glossary
equivalents and, when the public vocabulary lacks it, its near spellings; and the "did you mean" suggestion.

Queries are read by Whoosh's QueryParser over one pseudo-field with the analyzer of goi.search.analysis, so
"quoted phrases", -exclusions and AND/OR/NOT work; text the parser cannot read is taken as plain words.
"""

import re
from functools import cache

from whoosh import query
from whoosh.fields import TEXT, Schema
from whoosh.qparser import OrGroup, QueryParser, plugins

from goi.search.analysis import acronyms, analyzer, terms, words
from goi.search.glossary import equivalents, longest_phrase
from goi.search.types import SearchQuery
from goi.search.whoosh_schema import TEXT_FIELDS, VOCABULARY_FIELD, WORDS_FIELD

# Words are OR-ed, and a document matching more of them ranks higher (coordination).
OR_GROUP = OrGroup.factory(0.9)
# A glossary equivalent (a translation, a variant spelling) counts a little less than the word as typed, as a near
# spelling does: otherwise a rare English equivalent ("waste" in a mostly Indonesian index) outranks documents
# that hold the words the user wrote. Judged set (tests/search/test_relevance.py): mean nDCG@10 0.904 at 1.0,
# 0.915–0.918 anywhere from 0.5 to 0.9.
EQUIVALENT_BOOST = 0.8
_EXCLUSION = re.compile(r'(?:(?<=\s)|^)-(?=[\w"])')
_OPERATOR_WORDS = re.compile(r"\b(AND|OR|NOT|ANDNOT|ANDMAYBE)\b")
_EXPLICIT_OR = re.compile(r"\bOR\b")
# Two or more single letters typed apart ("u m k m"), and a single letter alone; outside quotes only.
_SPACED_LETTERS = re.compile(r'(?<![\w"-])[^\W\d_](?:\s+[^\W\d_])+(?![\w"])')
_LONE_LETTER = re.compile(r'(?<![\w"-])[^\W\d_](?![\w"])')

# Words of a question or request that say nothing of its subject, beyond the analysis chain's stopwords (which
# already drop bagaimana, cara, apa, agar, supaya, kami, how, do, we, can, our, ...): removed from a query when a
# content word remains, never from documents. A query made only of them is searched as typed.
_FILLER_TEXT = """
bagaimanakah gimana gmn gmana caranya carane tolong mohon minta bantu bantuan dong sih deh kah kak pak bu ya yg
kota kabupaten kab daerah wilayah pemda pemkot pemkab solusi ide gagasan tips saran contoh
city cities town regency municipality municipal local please help way ways tip tips idea ideas solution solutions
solve example examples best good better
"""


@cache
def filler_terms() -> frozenset[str]:
    """The index terms of the filler words (analysed as queries are)."""
    return frozenset(term for word in _FILLER_TEXT.split() for term in terms(word))


def minimum_should_match(groups: int) -> int:
    """The content groups a document must hold: one of up to five, then a third (two of six, three of nine).

    Scaled by length as Lucene's and Elasticsearch's minimum_should_match is; a third, not Elasticsearch's usual
    75%, because the judged sets measured it (tests/search/judged_hard/ nDCG@10 0.661 at 75%, 0.675 at half, 0.709
    at a third, 0.711 at one; tests/search/judged/ 0.924–0.925 for all): relevant documents of longer and
    question-like queries hold only some of their words. Documents holding every group rank first anyway."""
    return max(1, groups // 3)


class SoftOr(query.Or):
    """The query's content groups (a typed word with its equivalents and near spellings is one group): a document
    matches when it holds at least minmatch of them, and scores the BM25F sum times the share it holds. Documents
    holding every group are lifted above the others when lifts."""

    lifts = True


def _parse_schema() -> Schema:
    return Schema(all=TEXT(analyzer=analyzer(), multitoken_query="and"))


def restriction(search_query: SearchQuery) -> query.Query | None:
    parts = []
    if search_query.types:
        parts.append(query.Or([query.Term("type", kind) for kind in search_query.types]))
    for name, value in sorted(search_query.filters.items()):
        parts.append(query.Term(name, value))
    return query.And(parts) if parts else None


class VocabularyCheck:
    """Which query terms the public vocabulary holds, and the nearest written words of those it lacks."""

    def __init__(self, reader, text: str, cache: dict | None = None):
        self.reader = reader
        # False: words the vocabulary lacks get no near spellings (the query exactly as typed; "did you mean").
        self.near = True
        self.surface = {term: word for word, term in words(text)}
        # Per searcher generation when given: lookups of earlier queries are reused until the index changes.
        cache = {} if cache is None else cache
        self.nearest_cache: dict[str, list[str]] = cache.setdefault("nearest", {})
        self.known_cache: dict[str, bool] = cache.setdefault("known", {})

    def knows(self, term: str) -> bool:
        if term not in self.known_cache:
            self.known_cache[term] = self.reader.doc_frequency(VOCABULARY_FIELD, term) > 0
        return self.known_cache[term]

    def knows_any(self, phrase: tuple[str, ...]) -> bool:
        if len(phrase) == 1 and self.knows(phrase[0]):
            return True
        return any(all(self.knows(word) for word in other) for other in equivalents(phrase))

    def near_words(self, term: str) -> list[str]:
        """Public words within the allowed edits of the word the user typed, closest and commonest first."""
        word = self.surface.get(term, term)
        if word not in self.nearest_cache:
            maxdist = fuzzy_distance(word)
            candidates = []
            if maxdist:
                # One more edit than allowed, then a swap of two neighbours counts as one edit.
                for found in self.reader.terms_within(WORDS_FIELD, word, maxdist + 1, prefix=1):
                    distance = _edit_distance(word, found)
                    if distance <= maxdist:
                        candidates.append((distance, -self.reader.doc_frequency(WORDS_FIELD, found), found))
            self.nearest_cache[word] = [found for _distance, _frequency, found in sorted(candidates)]
        return self.nearest_cache[word]

    def nearest(self, term: str) -> str | None:
        found = self.near_words(term)
        return found[0] if found else None


def fuzzy_distance(term: str) -> int:
    """Edits allowed for a word the vocabulary lacks: none below 4 letters, 1 up to 7, 2 from 8."""
    if len(term) < 4 or term.isdigit():
        return 0
    return 1 if len(term) <= 7 else 2


def _edit_distance(left: str, right: str) -> int:
    """Edits from left to right: insertions, deletions, substitutions and swaps of neighbours."""
    rows = [list(range(len(right) + 1))]
    for i in range(1, len(left) + 1):
        row = [i] + [0] * len(right)
        for j in range(1, len(right) + 1):
            cost = left[i - 1] != right[j - 1]
            row[j] = min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and left[i - 1] == right[j - 2] and left[i - 2] == right[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def terms_in(text: str) -> bool:
    return bool(terms(text))


def _parser(group) -> QueryParser:
    parser = QueryParser("all", _parse_schema(), group=group)
    for plugin_class in (
        plugins.FieldsPlugin,
        plugins.WildcardPlugin,
        plugins.RangePlugin,
        plugins.BoostPlugin,
        plugins.EveryPlugin,
    ):
        parser.remove_plugin_class(plugin_class)
    return parser


_PARSERS: dict = {}


def join_letters(text: str, known: VocabularyCheck) -> str:
    """Single letters typed apart read as the acronym they spell when the index or the glossary knows it ("u m k m"
    → "umkm"); other single letters dropped, so that they never match every document."""

    def joined(match: re.Match) -> str:
        word = "".join(match.group(0).split())
        if word.lower() in acronyms():
            return word
        # Capitalised, an acronym's shape keeps it whole and unstemmed, as the index holds "APILL".
        for candidate in (word.upper(), word):
            word_terms = terms(candidate)
            if len(word_terms) == 1 and known.knows_any((word_terms[0],)):
                return candidate
        return " "

    return _LONE_LETTER.sub(" ", _SPACED_LETTERS.sub(joined, text))


def parse(text: str, group, known: VocabularyCheck) -> query.Query:
    """The user's query read by the parser and expanded; text the parser cannot read is taken as plain words.

    Read as typed with the implicit group (no explicit OR), the words form a SoftOr of content groups with
    Elasticsearch's minimum-should-match; quoted phrases stay required and -exclusions excluded; filler words are
    dropped when a content word remains."""
    parser = _PARSERS.get(group) or _PARSERS.setdefault(group, _parser(group))
    text = join_letters(text, known)
    soft = not _EXPLICIT_OR.search(text)
    prepared = _EXCLUSION.sub("NOT ", text)
    try:
        parsed = parser.parse(prepared)
        expanded = _expand(_without_filler(parsed), known, soft)
    except Exception:  # any query text must give results, never an error page
        expanded = None
    if expanded is None or expanded is query.NullQuery:
        plain = [query.Term("all", term) for term in terms(text)]
        expanded = _expand(_without_filler(group.qclass(plain)), known, soft) if plain else query.NullQuery
    return expanded


def _without_filler(node: query.Query) -> query.Query:
    """The top group without its filler words, when a word that is not filler remains."""
    if not isinstance(node, query.Or):
        return node
    filler = filler_terms()
    content = [child for child in node.subqueries if not (isinstance(child, query.Term) and child.text in filler)]
    if len(content) == len(node.subqueries) or not any(not isinstance(child, query.Not) for child in content):
        return node
    return type(node)(content, boost=node.boost, scale=node.scale)


def soft_node(node: query.Query) -> SoftOr | None:
    """The query's SoftOr (at the top, or beside its phrases and exclusions), or None."""
    if isinstance(node, SoftOr):
        return node
    if isinstance(node, query.AndNot):
        return soft_node(node.a)
    if isinstance(node, query.And):
        return next((found for child in node.subqueries if (found := soft_node(child)) is not None), None)
    return None


def _term_alternatives(phrase: tuple[str, ...], known: VocabularyCheck) -> list[query.Query]:
    """The phrase in every text field, its glossary equivalents, and near spellings of an unknown word."""
    alternatives: list[query.Query] = []
    alternatives.extend(_in_fields(phrase))
    for candidate in sorted(equivalents(phrase)):
        alternatives.extend(_in_fields(candidate, EQUIVALENT_BOOST))
    if len(phrase) == 1 and known.near and not known.knows_any(phrase):
        near_terms = dict.fromkeys(term for word in known.near_words(phrase[0])[:5] for term in terms(word))
        for term in near_terms:
            alternatives.extend(query.Term(field, term, boost=0.8) for field in TEXT_FIELDS)
        maxdist = fuzzy_distance(phrase[0])
        if maxdist:
            alternatives.extend(
                query.FuzzyTerm(field, phrase[0], maxdist=maxdist, prefixlength=1, boost=0.8) for field in TEXT_FIELDS
            )
    return alternatives


def _in_fields(phrase: tuple[str, ...], boost: float = 1.0) -> list[query.Query]:
    if len(phrase) == 1:
        return [query.Term(field, phrase[0], boost=boost) for field in TEXT_FIELDS]
    return [query.Phrase(field, list(phrase), boost=boost) for field in TEXT_FIELDS]


def _expand(node: query.Query, known: VocabularyCheck, soft: bool = False) -> query.Query:
    """The parsed query over title, summary and body, each word OR-ed with its equivalents; the top group soft
    (see parse) when soft."""
    if isinstance(node, query.Term):
        return query.Or(_term_alternatives((node.text,), known))
    if isinstance(node, query.Phrase):
        if len(node.words) == 1:
            return query.Or(_term_alternatives((node.words[0],), known))
        return query.Or([query.Phrase(field, list(node.words), slop=node.slop) for field in TEXT_FIELDS])
    if isinstance(node, query.Not):
        return query.Not(_expand(node.query, known))
    if isinstance(node, query.Or):
        # "a b -c" read as OR must still exclude c from every result.
        excluded = [child.query for child in node.subqueries if isinstance(child, query.Not)]
        kept = [child for child in node.subqueries if not isinstance(child, query.Not)]
        if soft and kept:
            grouped = _soft_group(kept, known)
        else:
            grouped = query.Or(_expand_group(kept, known), scale=node.scale) if kept else query.Every()
        if excluded:
            return query.AndNot(grouped, query.Or([_expand(child, known) for child in excluded]))
        return grouped
    if isinstance(node, query.And):
        return query.And(_expand_group(list(node.subqueries), known))
    if isinstance(node, query.AndNot):
        return query.AndNot(_expand(node.a, known), _expand(node.b, known))
    if isinstance(node, query.AndMaybe):
        return query.AndMaybe(_expand(node.a, known), _expand(node.b, known))
    if node is query.NullQuery or isinstance(node, query.Every):
        return node
    words = [text for _field, text in node.iter_all_terms()]
    return query.And([_expand(query.Term("all", word), known) for word in words]) if words else query.NullQuery


def _soft_group(children: list[query.Query], known: VocabularyCheck) -> query.Query:
    """Phrases required, the other groups in a SoftOr with its minimum-should-match."""
    phrases = [child for child in children if isinstance(child, query.Phrase) and len(child.words) > 1]
    hard = {id(phrase) for phrase in phrases}
    groups = _expand_group([child for child in children if id(child) not in hard], known, split=True)
    parts = [_expand(phrase, known) for phrase in phrases]
    if len(groups) > 1:
        parts.append(SoftOr(groups, minmatch=minimum_should_match(len(groups))))
    else:
        parts.extend(groups)
    return parts[0] if len(parts) == 1 else query.And(parts)


def _expand_group(children: list[query.Query], known: VocabularyCheck, split: bool = False) -> list[query.Query]:
    """Children expanded; runs of words that form a glossary phrase ("air bersih") also match its equivalents: as
    one group (the words all required, or an equivalent), or when split each word its own group, every one also
    matched by the equivalents at a k-th of their boost (a document holding "air quality" holds every group of
    "kualitas udara", one holding "udara" alone one of them)."""
    expanded: list[query.Query] = []
    index_ = 0
    while index_ < len(children):
        matched = 0
        for length in range(min(longest_phrase(), len(children) - index_), 1, -1):
            run = children[index_ : index_ + length]
            if all(isinstance(child, query.Term) for child in run):
                phrase = tuple(child.text for child in run)
                if equivalents(phrase) and split:
                    for child in run:
                        shared = [
                            alt
                            for other in sorted(equivalents(phrase))
                            for alt in _in_fields(other, EQUIVALENT_BOOST / length)
                        ]
                        expanded.append(query.Or([_expand(child, known), *shared]))
                    matched = length
                    break
                if equivalents(phrase):
                    words = query.And([_expand(child, known) for child in run])
                    others = [
                        alt for other in sorted(equivalents(phrase)) for alt in _in_fields(other, EQUIVALENT_BOOST)
                    ]
                    expanded.append(query.Or([words, *others]))
                    matched = length
                    break
        if matched:
            index_ += matched
            continue
        expanded.append(_expand(children[index_], known))
        index_ += 1
    return expanded


def suggestion(text: str, known: VocabularyCheck) -> str | None:
    """The query with each unknown word replaced by the closest public vocabulary word, when there is one."""
    changed = False
    words = []
    for raw in _OPERATOR_WORDS.sub(" ", text).split():
        word_terms = terms(raw.strip('"-'))
        replacement = None
        if len(word_terms) == 1 and not known.knows_any((word_terms[0],)):
            replacement = known.nearest(word_terms[0])
        if replacement:
            words.append(replacement)
            changed = True
        else:
            words.append(raw)
    return " ".join(words) if changed else None
