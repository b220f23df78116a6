"""Snippets of a hit's text with the matched words marked: the passages Whoosh's highlighter would choose.

Whoosh's highlighter (a ContextFragmenter of 240 characters with 60 around the matches, the basic fragment scorer,
the two best passages) re-analyses the text into token objects and walks them through several generators: about
a fifth of a search page. This does the same walk over plain tuples, with the analysis chain's cached term of each
word (goi.search.analysis.normalize), and gives the same passages; where two passages score the same, the earlier
comes first (Whoosh breaks that tie by the objects' memory addresses). tests/search/test_snippets.py compares the
two on generated texts.
"""

import re
from collections import deque
from html import escape

from goi.search.analysis import TOKEN_PATTERN, normalize

MAX_CHARS = 240
SURROUND = 60
TOP = 2
CHAR_LIMIT = 32768  # Whoosh's default: words past it are not looked at
BETWEEN = " … "
_TOKEN = re.compile(TOKEN_PATTERN)


def snippet(text: str, words: frozenset[str], top: int = TOP) -> str:
    """The best passages of text around the words (index terms), escaped, each matched word in a <mark>; '' when
    no word of text is one of them."""
    passages = _passages(text, words)
    scored = [(_score(matches), -number, start, end, matches) for number, (start, end, matches) in enumerate(passages)]
    best = sorted((passage for passage in scored if passage[0] >= 1), reverse=True)[:top]
    return BETWEEN.join(_format(text, start, end, matches) for _, _, start, end, matches in best)


def _passages(text: str, words: frozenset[str]) -> list[tuple[int, int, list[tuple[int, int, str]]]]:
    """(start, end, matched words) of each passage, as ContextFragmenter.fragment_tokens cuts them."""
    passages = []
    first = None  # where the current passage starts
    before: deque[int] = deque()  # starts of the unmatched words just before, within SURROUND
    countdown = -1  # characters left until the current passage ends; < 0 outside a passage
    matches: list[tuple[int, int, str]] = []
    length = 0
    end = 0
    for found in _TOKEN.finditer(text):
        term = normalize(found.group())
        if term is None:  # a stopword is not a token of the analysis chain
            continue
        start, end = found.span()
        if end > CHAR_LIMIT:
            break
        matched = term in words
        size = end - start
        if countdown < 0 and not matched:
            before.append(start)
            while before and end - before[0] > SURROUND:
                before.popleft()
        elif length + size > MAX_CHARS:
            countdown = 0
        elif matched:
            countdown = SURROUND
            if first is None:
                if before:
                    first = before[0]
                else:
                    first = start
                    countdown += SURROUND
            matches.append((start, end, term))
        if countdown >= 0:
            length += size
            countdown -= size
            if countdown <= 0:
                passages.append((first if first is not None else 0, end, matches))
                matches, before, first, length = [], deque(), None, 0
    if matches:
        passages.append((first if first is not None else 0, end, matches))
    return passages


def _score(matches: list[tuple[int, int, str]]) -> int:
    """BasicFragmentScorer: the matched words, times a hundred per distinct word."""
    return len(matches) * ((len({term for _, _, term in matches}) * 100) or 1)


def _format(text: str, start: int, end: int, matches: list[tuple[int, int, str]]) -> str:
    parts, index = [], start
    for match_start, match_end, _ in matches:
        if match_start < index:
            continue
        if match_start > index:
            parts.append(escape(text[index:match_start], quote=False))
        parts.append(f"<mark>{escape(text[match_start:match_end], quote=False)}</mark>")
        index = match_end
    parts.append(escape(text[index:end], quote=False))
    return "".join(parts)
