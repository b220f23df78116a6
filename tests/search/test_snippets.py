"""Snippets: the passages Whoosh's highlighter chooses, cut and marked the same way (goi.search.snippets)."""

import random

from whoosh import highlight

from goi.search.analysis import analyzer, normalize
from goi.search.snippets import BETWEEN, MAX_CHARS, SURROUND, TOP, snippet

WORDS = (
    *("banjir", "Banjir", "sungai", "Musi", "drainase", "sampah", "pengelolaan", "air", "bersih", "warga", "kota"),
    *("kemacetan", "lalu", "lintas", "UMKM", "PJU", "flooding", "floods", "river", "waste", "collection", "the"),
    *("dan", "yang", "di", "untuk", "of", "and", "a", "Café", "2026", "jalan", "Rp", "<script>", "&", "x"),
)
PUNCTUATION = (" ", " ", " ", ", ", ". ", " — ", "\n", " (", ") ", "; ", ' "', '" ')


class _Mark(highlight.HtmlFormatter):
    def __init__(self):
        super().__init__(between=BETWEEN)

    def format_token(self, text, token, replace=False):
        return f"<mark>{self._text(highlight.get_text(text, token, replace))}</mark>"


def _whoosh_passages(text: str, words: frozenset[str]) -> list:
    """Whoosh's scored passages for text (the highlighter's own steps, as Highlighter.highlight_hit takes them)."""
    tokens = analyzer()(text, positions=True, chars=True, mode="index", removestops=False)
    tokens = highlight.Highlighter._merge_matched_tokens(highlight.set_matched_filter(tokens, words))
    fragments = highlight.ContextFragmenter(maxchars=MAX_CHARS, surround=SURROUND).fragment_tokens(text, tokens)
    scorer = highlight.BasicFragmentScorer()
    return [(scorer(fragment), fragment) for fragment in fragments]


def _text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(WORDS) + rng.choice(PUNCTUATION) for _ in range(length))


def test_snippets_are_the_passages_whoosh_chooses():
    rng = random.Random(11)
    compared = 0
    for _case in range(600):
        text = _text(rng, rng.choice((3, 12, 40, 120, 400)))
        words = frozenset(normalize(word) for word in rng.sample(WORDS, rng.randint(1, 4))) - {None}
        passages = sorted(_whoosh_passages(text, words), key=lambda scored: -scored[0])
        passages = [(score, fragment) for score, fragment in passages if score >= 1]
        if len(passages) > TOP and passages[TOP - 1][0] == passages[TOP][0]:
            continue  # Whoosh breaks this tie by memory address: no single answer to compare with
        expected = {_Mark().format_fragment(fragment) for _, fragment in passages[:TOP]}
        got = snippet(text, words)
        assert set(got.split(BETWEEN)) - {""} == expected, (text, words)
        compared += 1
    assert compared > 400


def test_the_better_passage_comes_first_and_ties_keep_the_text_order():
    filler = " ".join(["jalan"] * 40)
    text = f"banjir {filler} banjir sungai banjir {filler} sungai"
    words = frozenset({normalize("banjir"), normalize("sungai")})
    passages = snippet(text, words).split(BETWEEN)
    assert passages[0].count("<mark>") == 3 and passages[1].count("<mark>") == 1
    assert passages[1].startswith("<mark>banjir</mark>")  # of the two single-word passages, the earlier one


def test_a_snippet_escapes_the_text_and_marks_only_matched_words():
    text = "Warga <script>alert(1)</script> & banjir di kota"
    marked = snippet(text, frozenset({normalize("banjir")}))
    assert "<mark>banjir</mark>" in marked
    assert "<script>" not in marked and "&lt;script&gt;" in marked and "&amp;" in marked
    assert snippet(text, frozenset({normalize("sampah")})) == ""
