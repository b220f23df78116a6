"""The domain thesaurus (goi/data/thesaurus.txt): one concept a line, with labels per language, acronyms, sectors and
broader/related concepts, SKOS-like.

File format (UTF-8; `#` starts a comment line; a `[sector]` line sets the sector of the concepts below it):

    id | Indonesian labels | English labels | acronyms | broader ids | related ids | more sectors

Fields are separated by `|`, values inside a field by `;`; trailing fields may be left out. The first label of a
language is the concept's preferred label, the others are its alternative labels (synonyms, regional, informal and
old spellings). Acronyms belong to no language. A label written with a leading `~` is an intentional ambiguity: the
same word is a label of another concept in the same language (English "waste" is both `sampah` and `limbah`).

Query expansion (`expansions`) is language-aware. An analysed phrase that is a label of one concept only, or of
several concepts in one and the same language (an intentional ambiguity such as English "waste"), expands to every
label of those concepts, in both languages, and their acronyms. A phrase that is a label of several concepts in
different languages (a homograph across languages; acronyms count as a language of their own) does not expand at
all, since a query does not say its language: Indonesian `air` (water) never brings English `water`, nor English
`air` brings `udara` or `atmosphere`. Nor is such a homograph ever added as an expansion of another word: since the
index does not know a word's language either, adding `air` to English `water` would also find English texts about
the air (udara). Broader and related concepts are data for later use
(matching); queries do not expand to them.
"""

from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

LANGUAGES = ("id", "en")
ACRONYM = "acr"  # the acronyms of a concept: a "language" of their own


@dataclass(frozen=True)
class Concept:
    id: str
    sectors: tuple[str, ...]
    labels: dict  # language ("id", "en", "acr") → tuple of labels as written (without the ambiguity mark)
    ambiguous: frozenset[str]  # labels written with "~"
    broader: tuple[str, ...]
    related: tuple[str, ...]

    def pref_label(self, language: str) -> str | None:
        labels = self.labels.get(language, ())
        return labels[0] if labels else None

    def all_labels(self):
        """(language, label) of every label, preferred labels first."""
        for language in (*LANGUAGES, ACRONYM):
            for label in self.labels.get(language, ()):
                yield language, label


def _values(field: str) -> list[str]:
    return [value.strip() for value in field.split(";") if value.strip()]


def parse(text: str) -> tuple[Concept, ...]:
    """The concepts of a thesaurus file's text; a malformed line raises ValueError with its number."""
    concepts = []
    sector = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            sector = line[1:-1].strip()
            continue
        fields = [field.strip() for field in line.split("|")]
        if len(fields) < 3 or len(fields) > 7 or not fields[0] or sector is None:
            raise ValueError(f"thesaurus line {number}: {raw!r}")
        fields += [""] * (7 - len(fields))
        concept_id, id_labels, en_labels, acronyms, broader, related, more = fields
        labels, ambiguous = {}, set()
        for language, field in (("id", id_labels), ("en", en_labels), (ACRONYM, acronyms)):
            values = []
            for value in _values(field):
                if value.startswith("~"):
                    value = value[1:].strip()
                    ambiguous.add(value)
                values.append(value)
            if values:
                labels[language] = tuple(values)
        concepts.append(
            Concept(
                id=concept_id,
                sectors=(sector, *_values(more.replace(",", ";"))),
                labels=labels,
                ambiguous=frozenset(ambiguous),
                broader=tuple(_values(broader)),
                related=tuple(_values(related)),
            )
        )
    return tuple(concepts)


@cache
def concepts() -> tuple[Concept, ...]:
    text = resources.files("goi.data").joinpath("thesaurus.txt").read_text(encoding="utf-8")
    return parse(text)


@cache
def acronyms() -> tuple[str, ...]:
    """Every acronym of the thesaurus, lowercased: search keeps them whole and unstemmed."""
    return tuple(sorted({label.lower() for concept in concepts() for label in concept.labels.get(ACRONYM, ())}))


@cache
def label_index() -> dict[tuple[str, ...], frozenset[tuple[int, str]]]:
    """Analysed label → the (concept index, language) pairs it is a label of."""
    from goi.search.analysis import terms

    found: dict[tuple[str, ...], set[tuple[int, str]]] = defaultdict(set)
    for index, concept in enumerate(concepts()):
        for language, label in concept.all_labels():
            phrase = tuple(terms(label))
            if phrase:
                found[phrase].add((index, language))
    return {phrase: frozenset(value) for phrase, value in found.items()}


@cache
def _analysed_labels(index: int) -> dict[str, frozenset[tuple[str, ...]]]:
    """The analysed labels of one concept, per language."""
    from goi.search.analysis import terms

    concept = concepts()[index]
    result = {}
    for language in (*LANGUAGES, ACRONYM):
        phrases = {tuple(terms(label)) for label in concept.labels.get(language, ())}
        result[language] = frozenset(phrase for phrase in phrases if phrase)
    return result


@cache
def expansions_map() -> dict[tuple[str, ...], frozenset[tuple[str, ...]]]:
    """Analysed phrase → the analysed phrases a query may add for it (the language-aware rule of the module doc)."""
    homographs = {
        phrase
        for phrase, hits in label_index().items()
        if len({index for index, _ in hits}) > 1 and len({language for _, language in hits}) > 1
    }
    result = {}
    for phrase, hits in label_index().items():
        found: set[tuple[str, ...]] = set()
        if phrase in homographs:
            continue  # which language was meant is unknown: no expansion
        for index in {index for index, _ in hits}:
            for phrases in _analysed_labels(index).values():
                found |= phrases
        found.discard(phrase)
        found -= homographs
        if found:
            result[phrase] = frozenset(found)
    return result


def expansions(phrase: tuple[str, ...]) -> frozenset[tuple[str, ...]]:
    return expansions_map().get(tuple(phrase), frozenset())


def sector_counts() -> dict[str, int]:
    """Concepts per sector (a concept in several sectors counts in each)."""
    counts: dict[str, int] = defaultdict(int)
    for concept in concepts():
        for sector in concept.sectors:
            counts[sector] += 1
    return dict(counts)


if __name__ == "__main__":  # python -m goi.search.thesaurus: concepts per sector
    for code, count in sorted(sector_counts().items()):
        print(f"{code:20} {count:5}")
    print(f"{'total':20} {len(concepts()):5}")
