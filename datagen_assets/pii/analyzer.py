"""An offline Presidio analyzer: pattern recognizers plus a name-pool recognizer, no downloads.

Presidio's default `AnalyzerEngine()` loads spaCy's `en_core_web_lg` and downloads it when it is
missing, and its e-mail recognizer validates domains through `tldextract`, whose default
extractor fetches the public suffix list from the internet. DataGen runs on workers without
network access, so the engine here is assembled by hand:

- the NLP engine is a blank spaCy pipeline (a tokenizer, nothing to download); a spaCy NER
  model is used only when one is already installed (`en_core_web_sm`/`md`/`lg`/`trf`);
- the recognizers are Presidio's pattern recognizers (e-mail, phone, card, IBAN, IP, URL, US
  SSN, dates, crypto wallets, MAC addresses, medical licences), with e-mail validation done by
  a `TLDExtract` built on the suffix-list snapshot bundled in the wheel (`suffix_list_urls=()`);
- person names, which without NER no pattern can find, come from `NamePoolRecognizer`: a
  dictionary of the first and last names Faker (and so DataGen's name pools) draws from. Many
  places share a name with a person (`Virginia`, `Washington`, `Chad`, `West Nathan`), so
  the recognizer also knows the places Faker (and so DataGen) names: a value that is exactly a
  state, country, region or city of the locale is no person, and neither is a lone name in
  capitals of up to three letters (an airport or currency code) or one glued to digits.
  `PlaceVocabulary` also gives the scan (`pii.detect`) the shapes of generated place names.

The engine is built once per process and locale (`lru_cache`): building it imports spaCy and
compiles the patterns, about a second.
"""

from __future__ import annotations

import calendar
import contextlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import spacy
import tldextract
from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    LocalRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    CryptoRecognizer,
    DateRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    MacAddressRecognizer,
    MedicalLicenseRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
    UrlRecognizer,
    UsSsnRecognizer,
)

from datagen_assets.generate.pools import DEFAULT_LOCALE, faker_pool

LANGUAGE = "en"  # Presidio's recognizers are registered for one language; patterns don't care
NER_MODELS = ("en_core_web_trf", "en_core_web_lg", "en_core_web_md", "en_core_web_sm")
PERSON = "PERSON"

# Scores of the name recognizer: a first name followed by a last name (or a value made only of
# names) is a person; a lone name inside other text, or one that is also an everyday word
# ("Rose", "Long"), is too weak to count at the default threshold of 0.4.
FULL_NAME_SCORE = 0.85
NAME_VALUE_SCORE = 0.6
WEAK_NAME_SCORE = 0.3

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------- tldextract


@lru_cache(maxsize=1)
def offline_tld_extractor() -> tldextract.TLDExtract:
    """A `TLDExtract` that never fetches: no suffix-list URLs, no disk cache (which could hold a
    list fetched by some other program), the snapshot bundled in the wheel."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer with domain validation through the offline extractor (the
    stock one calls `tldextract.extract`, whose module-level extractor may go online)."""

    def validate_result(self, pattern_text: str) -> bool:
        return offline_tld_extractor()(pattern_text).fqdn != ""


# ---------------------------------------------------------------------------- NLP engine


class BlankSpacyNlpEngine(SpacyNlpEngine):
    """Presidio's spaCy engine over an already-loaded pipeline, so `load()` never calls
    `spacy.cli.download`. With a blank pipeline there are tokens but no entities, which is
    all the pattern recognizers need."""

    def __init__(self, nlp: spacy.language.Language):
        super().__init__(models=[{"lang_code": LANGUAGE, "model_name": nlp.meta["name"]}])
        self._pipeline = nlp
        self.nlp = {LANGUAGE: nlp}

    def load(self) -> None:
        self.nlp = {LANGUAGE: self._pipeline}


@lru_cache(maxsize=1)
def installed_ner_model() -> str | None:
    """The best spaCy English NER model installed in this environment, if any (never fetched;
    looked up once per process: each lookup scans the installed packages' metadata)."""
    for name in NER_MODELS:
        if spacy.util.is_package(name):
            return name
    return None


# ---------------------------------------------------------------------------- names


class NamePoolRecognizer(LocalRecognizer):
    """PERSON from a dictionary of first and last names (a deny-list recognizer with scoring).

    Tokens are whole words (not glued to a digit or another letter, so `2LE` holds none)
    starting with a capital (or in a script without case, such as Japanese kana and kanji); a
    token is a name when its case-folded form is in the first- or last-name set. Scores follow
    how likely the match is a person rather than a word or a place: see the module constants.
    A value made only of names is a full name when a first name comes before a last name, or
    after one and a comma (`Lopez, Maria`); `West Nathan` (a last name before a first name) is
    a town. A value that is exactly a known place (`places`) is never a person. Set lookups
    instead of one huge regex alternation keep it fast."""

    TOKEN = re.compile(r"(?<!\w)[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*(?!\w)")
    CODE_LETTERS = 3  # a lone name in capitals up to this long is a code: KIM, JOY, LEE

    def __init__(
        self,
        first_names: Iterable[str],
        last_names: Iterable[str],
        common_words: Iterable[str] = (),
        supported_language: str = LANGUAGE,
        places: Iterable[str] = (),
    ):
        self.first_names = frozenset(n.casefold() for n in first_names if n)
        self.last_names = frozenset(n.casefold() for n in last_names if n)
        self.common_words = frozenset(w.casefold() for w in common_words)
        self.places = frozenset(p.casefold() for p in places if p)
        super().__init__(
            supported_entities=[PERSON],
            name="NamePoolRecognizer",
            supported_language=supported_language,
        )

    def load(self) -> None:
        pass

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and PERSON not in entities:
            return []
        if place_key(text) in self.places:
            return []  # Virginia, Washington, Chad, Virginia 3: the place, as a whole value
        tokens = [m for m in self.TOKEN.finditer(text) if _capitalised_or_uncased(m.group())]
        if not tokens:
            return []
        names = self.first_names | self.last_names
        hits = [m for m in tokens if m.group().casefold() in names]
        if not hits:
            return []
        words = [m.group().casefold() for m in hits]
        if len(hits) == len(self.TOKEN.findall(text)) and len(hits) <= 4:
            # the value is made of names only: "Maria", "John Smith", "Smith, John"
            if len(hits) == 1:
                token = hits[0].group()
                code = token.isupper() and len(token) <= self.CODE_LETTERS
                score = NAME_VALUE_SCORE if self._strong(words) and not code else WEAK_NAME_SCORE
            else:
                person = self._first_then_last(text, hits, words) and self._strong(words)
                score = FULL_NAME_SCORE if person else WEAK_NAME_SCORE
            return [self._result(hits[0].start(), hits[-1].end(), score)]
        results, skip = [], False
        for i, match in enumerate(hits):
            if skip:
                skip = False
                continue
            following = hits[i + 1] if i + 1 < len(hits) else None
            if (
                following is not None
                and words[i] in self.first_names
                and words[i + 1] in self.last_names
                and self._strong(words[i : i + 2])
                and text[match.end() : following.start()].strip() == ""
            ):
                results.append(self._result(match.start(), following.end(), FULL_NAME_SCORE))
                skip = True
            else:
                results.append(self._result(match.start(), match.end(), WEAK_NAME_SCORE))
        return results

    def _first_then_last(self, text: str, hits: list[re.Match], words: list[str]) -> bool:
        """Some first name is followed by a last name (`Maria Lopez`, `Mary Ann Smith`), or
        comes after a last name and a comma (`Lopez, Maria`)."""
        for i in range(len(hits) - 1):
            between = text[hits[i].end() : hits[i + 1].start()]
            if words[i] in self.first_names and words[i + 1] in self.last_names:
                return True
            if words[i] in self.last_names and words[i + 1] in self.first_names and "," in between:
                return True
        return False

    def _strong(self, words: list[str]) -> bool:
        """At least one of the names is not also an everyday word."""
        return any(w not in self.common_words for w in words)

    def _result(self, start: int, end: int, score: float) -> RecognizerResult:
        return RecognizerResult(
            PERSON,
            start,
            end,
            score,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )


_COUNTER = re.compile(r"[\s_#-]*\d+$")


def place_key(text: str) -> str:
    """A value as looked up among places: spaces collapsed, case folded, a trailing counter
    (`Virginia 3`, how a unique column repeats a vocabulary) dropped."""
    return _COUNTER.sub("", " ".join(text.split())).casefold()


def _capitalised_or_uncased(word: str) -> bool:
    first = word[0]
    return first.isupper() or not (first.islower() or first.isupper())


def name_lists(locale: str = DEFAULT_LOCALE) -> tuple[frozenset[str], frozenset[str]]:
    """First and last names of a locale: every name Faker's person provider can return (the
    universe DataGen's pools sample from, so any seed is covered), plus the pool itself."""
    import faker  # a quarter second; only when the analyzer is built

    fake = faker.Faker(locale)
    first: set[str] = set()
    last: set[str] = set()
    for provider in fake.providers:
        if "person" not in type(provider).__module__:
            continue
        for attribute, target in (
            ("first_names", first),
            ("first_romanized_names", first),
            ("last_names", last),
            ("last_romanized_names", last),
        ):
            target.update(_strings(getattr(provider, attribute, ())))
    for provider, target in (("first_name", first), ("last_name", last)):
        with contextlib.suppress(ValueError):  # a locale without that provider
            target.update(_strings(faker_pool(provider, locale).to_list()))
    return frozenset(first), frozenset(last)


@dataclass(frozen=True)
class PlaceVocabulary:
    """The places of a locale as Faker (and so DataGen) names them, case-folded: `places` are
    whole values (states, countries, regions, counties, cities...); `prefixes` start a
    generated town name (`West`, `Lake`, `Port`), `suffixes` end one glued to a name
    (`-ville`, `-borough`) and `trailing_words` end a street or town name (`Lane`, `Park`)."""

    places: frozenset[str]
    prefixes: frozenset[str]
    suffixes: frozenset[str]
    trailing_words: frozenset[str]


PLACE_LISTS = ("states", "countries", "cities", "towns", "prefectures", "regions",
               "departments", "counties", "provinces", "administrative_units")  # fmt: skip
PREFIX_LISTS = ("city_prefixes", "street_prefixes")
SUFFIX_LISTS = ("city_suffixes",)
TRAILING_LISTS = ("street_suffixes", "street_suffixes_long", "street_suffixes_short",
                  "city_suffixes", "company_suffixes")  # fmt: skip


@lru_cache(maxsize=8)
def place_vocabulary(locale: str = DEFAULT_LOCALE) -> PlaceVocabulary:
    """Places of `locale` and of DataGen's default locale, from Faker's address and company
    providers (their lists, not draws, so every seed is covered)."""
    import faker

    lists = {"places": PLACE_LISTS, "prefixes": PREFIX_LISTS, "suffixes": SUFFIX_LISTS,
             "trailing": TRAILING_LISTS}  # fmt: skip
    found: dict[str, set[str]] = {target: set() for target in lists}
    for code in dict.fromkeys([locale, DEFAULT_LOCALE]):
        for provider in faker.Faker(code).providers:
            module = type(provider).__module__
            if "address" not in module and "company" not in module:
                continue
            for target, names in lists.items():
                for name in names:
                    found[target].update(
                        v.casefold().strip() for v in _values(getattr(provider, name, ()))
                    )
    words = {w for w in found["trailing"] if re.fullmatch(r"[^\W\d_]+\.?", w)}
    return PlaceVocabulary(
        frozenset(found["places"]),
        frozenset(w for w in found["prefixes"] if w),
        frozenset(w.lstrip("-") for w in found["suffixes"] if w.strip("-")),
        frozenset(w.rstrip(".") for w in words),
    )


def _values(source) -> list[str]:
    """Strings of a Faker list, tuple or weighted dict."""
    items = source.keys() if isinstance(source, dict) else source
    return [v for v in items if isinstance(v, str)] if isinstance(items, Iterable) else []


def _strings(values: Iterable) -> list[str]:
    found: list[str] = []
    for value in values:
        items = value if isinstance(value, tuple) else (value,)
        found.extend(word for v in items if isinstance(v, str) for word in v.split())
    return found


def common_words(nlp: spacy.language.Language) -> frozenset[str]:
    """Everyday words that are also names ("Will", "Rose", "Long"): a lone one is a weak hit.
    Taken from Faker's English lorem words and colours, spaCy's stop words, month and day names
    and the vocabulary DataGen's product names are made of."""
    from faker.providers.color.en_US import Provider as Colors
    from faker.providers.lorem.en_US import Provider as Lorem

    from datagen_assets.generate.generators import ProductName

    words = set(Lorem.word_list) | set(nlp.Defaults.stop_words)
    words |= {*calendar.month_name[1:], *calendar.day_name}  # "August", "June": a month
    words |= {w for name in Colors.all_colors for w in re.findall(r"[A-Z][a-z]+|[a-z]+", name)}
    for vocabulary in ("ADJECTIVES", "MATERIALS", "NOUNS"):
        words |= set(getattr(ProductName, vocabulary, ()))
    from datagen_assets.generate.meanings.vocabularies import TITLE_WORDS

    words |= TITLE_WORDS  # what titles of films, albums, events and places are made of
    return frozenset(w.casefold() for w in words)


# ---------------------------------------------------------------------------- the engine


def phone_regions(locale: str) -> tuple[str, ...]:
    """Regions phone numbers are parsed for: the locale's country, then the US and the UK.
    Numbers written with a `+` country code are found whatever the region; each region tried
    costs a full parse (Presidio's default tries eight), the bulk of a scan's time."""
    country = locale.split("_")[-1].upper() if "_" in locale else ""
    regions = [country] if len(country) == 2 and country.isalpha() else []
    return tuple(dict.fromkeys([*regions, "US", "GB"]))


def pattern_recognizers(locale: str = DEFAULT_LOCALE) -> list[EntityRecognizer]:
    """Presidio's pattern recognizers DataGen uses (all offline)."""
    return [
        OfflineEmailRecognizer(),
        PhoneRecognizer(supported_regions=phone_regions(locale)),
        CreditCardRecognizer(),
        IbanRecognizer(),
        IpRecognizer(),
        UrlRecognizer(),
        UsSsnRecognizer(),
        DateRecognizer(),
        CryptoRecognizer(),
        MacAddressRecognizer(),
        MedicalLicenseRecognizer(),
    ]


@lru_cache(maxsize=8)
def analyzer(locale: str = DEFAULT_LOCALE) -> AnalyzerEngine:
    """The process-wide offline analyzer for a dataset locale (names differ by locale).
    Analyse with `language="en"` (`LANGUAGE`) whatever the locale."""
    model = installed_ner_model()
    if model:
        nlp = spacy.load(model)
        logger.info("PII analyzer uses the installed spaCy model %s for NER", model)
    else:
        nlp = spacy.blank(LANGUAGE)
    first, last = name_lists(locale)
    recognizers = pattern_recognizers(locale)
    places = place_vocabulary(locale).places
    recognizers.append(NamePoolRecognizer(first, last, common_words(nlp), places=places))
    engine = BlankSpacyNlpEngine(nlp)
    if model:
        recognizers.append(SpacyRecognizer(supported_entities=engine.get_supported_entities()))
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=[LANGUAGE])
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=[LANGUAGE])


def name_recognizer(locale: str = DEFAULT_LOCALE) -> NamePoolRecognizer:
    """The name recognizer inside the locale's analyzer."""
    return next(
        r for r in analyzer(locale).registry.recognizers if isinstance(r, NamePoolRecognizer)
    )


def supported_entities(locale: str = DEFAULT_LOCALE) -> frozenset[str]:
    """Every entity type the analyzer can report."""
    return frozenset(analyzer(locale).get_supported_entities(LANGUAGE))
