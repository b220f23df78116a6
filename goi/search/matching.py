"""Which keyword texts match one challenge as the challenge list's keyword filter reads them, before the index
holds it: the alerts of saved searches are decided in the transaction that publishes the challenge, whose
document reaches the index only after the commit.

The challenge's document, built from the session (so as the transaction sees it), is indexed alone in memory and
each text is parsed and expanded by the search's own query code (goi.search.whoosh_queries) and its match set
read as the list reads it (goi.search.whoosh_reading: a SoftOr's minimum-should-match of content words included);
whether a word gets near spellings is decided by the public vocabulary of the live index together with the new
document's words, as the list would decide it once the document is indexed.

Two things of the list's ranking are left out, as they decide order rather than membership: when no document of
the index holds the minimum of a query's words the list lowers it (an alert still asks the minimum of the new
challenge), and pseudo-relevance feedback (goi.search.feedback) is never applied to an alert.
"""

from collections.abc import Iterable

from whoosh.filedb.filestore import RamStorage
from whoosh.reading import MultiReader

from goi.search.documents import challenge_document
from goi.search.whoosh_backend import WhooshBackend
from goi.search.whoosh_queries import OR_GROUP, VocabularyCheck, parse, terms_in
from goi.search.whoosh_reading import RecentCache, SearcherState
from goi.search.whoosh_schema import build_schema, document_fields


def keyword_texts_matching(session, live: WhooshBackend, challenge_id: int, texts: Iterable[str]) -> set[str]:
    """The texts among texts whose keyword search would list the public challenge challenge_id (none when it is
    not public)."""
    texts = sorted(set(texts))
    document = challenge_document(session, challenge_id)
    if not texts or document is None or "public" not in document.principals:
        return set()
    alone = RamStorage().create_index(build_schema())
    writer = alone.writer()
    writer.add_document(**document_fields(document, ""))
    writer.commit()
    matched = set()
    with alone.searcher() as searcher, live._searcher() as (live_searcher, _state):
        vocabulary = MultiReader([live_searcher.reader(), searcher.reader()])
        for text in texts:
            # Text without a searchable word lists every challenge, as on the list.
            if not terms_in(text):
                matched.add(text)
                continue
            parsed = parse(text, OR_GROUP, VocabularyCheck(vocabulary, text))
            # Not searcher.search(): Whoosh's own matchers ignore the SoftOr's minimum (any one word would do).
            if len(SearcherState(searcher, {}, RecentCache(64)).docs(parsed)):
                matched.add(text)
    return matched
