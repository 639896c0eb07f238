"""Spell checking: the dictionaries, the site's own word list and the per-site settings.

Two engines, the first that has the language wins:

- **Enchant** (``pyenchant``, which uses the system's Hunspell, Aspell or Nuspell
  dictionaries) where it is installed: the dictionaries the rest of the desktop uses.
- **pyspellchecker**, a dependency: pure Python with its word lists in the wheel, so
  checking works right after ``pip install`` on a fresh machine.

Words the site uses legitimately (terms, names) live in a **site dictionary**,
``<folder>/.glossary-editor/dictionary.txt``, one word a line, so the team shares it
through git. It is created by the first "Add to dictionary", seeded with the words of
the glossary's titles that the base dictionary does not know; the current titles'
words are accepted in any case, so a new term is never flagged while it is being
written.

Settings, in ``<folder>/glossary-editor.yaml``::

    spell:
      language: en        # default: en
      fields:             # per-field override on a multilingual site
        title_fr: fr
      enabled: true

Judging a word is cached, so re-checking a 5,000-word answer costs dictionary
lookups only for words not seen before (``bench/bench_spell.py`` measures it).
"""

from __future__ import annotations

import importlib
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml

from editor.content.atomic import atomic_write, create_new
from editor.content.errors import ContentError, WriteError, yaml_error
from editor.content.frontmatter import load_bounded
from editor.content.safe_read import read_text
from editor.content.settings_file import read_settings
from editor.content.spell_words import NORMAL, Word, line_words

log = logging.getLogger(__name__)

SECTION = "spell"
DEFAULT_LANGUAGE = "en"
DICTIONARY_FILE = Path(".glossary-editor") / "dictionary.txt"
DICTIONARY_HEADER = (
    "# Words the spell checker accepts in this site, one a line (shared through git).\n"
)
MAX_SUGGESTIONS = 8
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


class Engine(Protocol):
    """What a dictionary engine answers."""

    name: str

    def known(self, word: str) -> bool: ...

    def suggest(self, word: str) -> list[str]: ...


@dataclass(frozen=True)
class SpellConfig:
    """One content folder's spelling settings."""

    language: str = DEFAULT_LANGUAGE
    fields: Mapping[str, str] = field(default_factory=dict)
    enabled: bool = True

    def language_of(self, field_path: str) -> str:
        """The language of a field (``faq.0.answer`` looks up ``faq.answer`` too)."""
        plain = ".".join(p for p in field_path.split(".") if not p.isdigit())
        return self.fields.get(field_path) or self.fields.get(plain) or self.language


def load_spell_config(folder: Path | None) -> SpellConfig:
    """The ``spell:`` section of the folder's settings file, or the defaults."""
    found = read_settings(folder)
    if found is None:
        return SpellConfig()
    text, path = found
    return parse_spell_config(text, path)


def parse_spell_config(text: str, path: Path | str | None = None) -> SpellConfig:
    """Build the settings from the settings file's text (other sections ignored)."""
    try:
        data = load_bounded(text, yaml.CSafeLoader, Path(path) if path else None)
    except yaml.YAMLError as exc:
        raise yaml_error("settings file", exc, path) from exc
    section = data.get(SECTION) if isinstance(data, dict) else None
    if section is None:
        return SpellConfig()
    if not isinstance(section, dict):
        raise ContentError("'spell' must be a mapping of settings", path)
    unknown = set(section) - {"language", "fields", "enabled"}
    if unknown:
        names = ", ".join(sorted(map(str, unknown)))
        known = "language, fields, enabled"
        raise ContentError(f"unknown spell setting {names} (known: {known})", path)
    language = section.get("language", DEFAULT_LANGUAGE)
    fields = section.get("fields") or {}
    if not isinstance(language, str) or not language.strip():
        raise ContentError("spell.language must be a language code such as en or de_CH", path)
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        raise ContentError("spell.fields must map field keys to language codes", path)
    return SpellConfig(
        language=language.strip(),
        fields={str(k): v.strip() for k, v in fields.items()},
        enabled=bool(section.get("enabled", True)),
    )


class PySpellEngine:
    """pyspellchecker: pure Python, word frequency lists shipped in its wheel."""

    name = "pyspellchecker"

    def __init__(self, language: str) -> None:
        from spellchecker import SpellChecker

        code = re.split(r"[_-]", language, maxsplit=1)[0].lower()
        self._checker = SpellChecker(language=code)

    def known(self, word: str) -> bool:
        return bool(self._checker.known([word.lower()]))

    def suggest(self, word: str) -> list[str]:
        lower = word.lower()
        # Distance 2 over a long word costs ~0.1 s; 1 is plenty there.
        self._checker.distance = 2 if len(lower) <= 10 else 1
        found = self._checker.candidates(lower) or set()
        ranked = sorted(found - {lower}, key=lambda w: (-self._checker.word_usage_frequency(w), w))
        return [_match_case(w, word) for w in ranked[:MAX_SUGGESTIONS]]


class EnchantEngine:
    """Enchant (pyenchant): the system's Hunspell/Aspell/Nuspell dictionaries."""

    name = "enchant"

    def __init__(self, dictionary: Any) -> None:
        self._dict = dictionary

    @classmethod
    def open(cls, language: str) -> EnchantEngine | None:
        """The engine for ``language`` when pyenchant and a dictionary for it are present."""
        try:
            enchant = importlib.import_module("enchant")
        except (ImportError, OSError):  # OSError: pyenchant without the C library
            return None
        tag = language.replace("-", "_")
        for candidate in (tag, f"{tag}_US", f"{tag}_GB", tag.split("_")[0]):
            try:
                if enchant.dict_exists(candidate):
                    return cls(enchant.Dict(candidate))
            except Exception as exc:
                log.info("enchant cannot open %s: %s", candidate, exc)
        return None

    def known(self, word: str) -> bool:
        return bool(self._dict.check(word))

    def suggest(self, word: str) -> list[str]:
        return list(self._dict.suggest(word))[:MAX_SUGGESTIONS]


_ENGINES: dict[str, Engine | None] = {}
_ENGINES_LOCK = threading.Lock()


def cached_engine(language: str) -> Engine | None:
    """One engine per language per process: a word list is read once (~0.5 s), then
    shared by every field, form and window (the engines are only read)."""
    with _ENGINES_LOCK:
        if language not in _ENGINES:
            _ENGINES[language] = open_engine(language)
        return _ENGINES[language]


def engine_loaded(language: str) -> bool:
    return language in _ENGINES


def open_engine(language: str) -> Engine | None:
    """Enchant where the system has a dictionary, else pyspellchecker, else None."""
    engine: Engine | None = EnchantEngine.open(language)
    if engine is not None:
        return engine
    try:
        return PySpellEngine(language)
    except (ImportError, ValueError) as exc:  # ValueError: a language it has no list for
        log.warning("no spelling dictionary for %r: %s", language, exc)
        return None


def _match_case(suggestion: str, word: str) -> str:
    if word[:1].isupper():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


def _norm(word: str) -> str:
    return word.translate(_APOSTROPHES).lower()


# Texts whose words one ``findall`` reads at once (see :func:`words_of`).
WORDS_PIECE = 2000


def words_of(texts: Iterable[str]) -> set[str]:
    """The words of some texts (titles, acronyms included), normalised.

    A big folder's titles are read on a worker while the window paints; every call from
    Qt into Python there waits for the GIL behind the worker's Python. So the words are
    found by ``findall`` over pieces of :data:`WORDS_PIECE` texts joined by newlines
    (a word never spans one), each a C call of ~1 ms, and only the distinct words are
    normalised in Python: 50k titles took 123 ms of Python a word at a time, 50 ms
    this way, and the window stood still 83-114 ms when it overlapped the list's first
    paint (``bench/RESULTS.md``)."""
    found: set[str] = set()
    piece: list[str] = []
    for text in texts:
        piece.append(text)
        if len(piece) == WORDS_PIECE:
            found.update(_WORDS.findall("\n".join(piece)))
            piece.clear()
    found.update(_WORDS.findall("\n".join(piece)))
    return {_norm(w) for w in found if len(w) > 1}


class SiteDictionary:
    """The site's word list: ``.glossary-editor/dictionary.txt`` plus the titles' words."""

    def __init__(self, folder: Path | None) -> None:
        self.path = folder / DICTIONARY_FILE if folder is not None else None
        self._words: set[str] = set()
        self._seed: set[str] = set()
        self.reload()

    def reload(self) -> None:
        self._words = set()
        if self.path is None:
            return
        try:
            text = read_text(self.path)
        except FileNotFoundError:
            return
        except (OSError, ContentError) as exc:
            log.warning("cannot read the site dictionary %s: %s", self.path, exc)
            return
        self._words = {
            _norm(line.strip()) for line in text.splitlines() if line.strip()[:1] not in ("", "#")
        }

    def seed(self, words: Iterable[str]) -> None:
        """Words accepted without being in the file (the current titles' words)."""
        self.take_seed({_norm(w) for w in words})

    def take_seed(self, words: set[str]) -> None:
        """:meth:`seed` with words already normalised (:func:`words_of`'s), kept as given."""
        self._seed = words

    def __contains__(self, word: str) -> bool:
        key = _norm(word)
        return key in self._words or key in self._seed

    def add(self, word: str, seed: Iterable[str] = ()) -> None:
        """Add a word to the file (created with ``seed`` words); ``WriteError`` if it fails."""
        key = _norm(word)
        self._words.add(key)
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            text = read_text(self.path)
        except FileNotFoundError:
            words = sorted({key, *(_norm(w) for w in seed)})
            create_new(self.path, (DICTIONARY_HEADER + "".join(f"{w}\n" for w in words)).encode())
            self._words.update(words)
            return
        except (OSError, ContentError) as exc:
            # Not written back mangled: a file that is not UTF-8 text is left as it is.
            raise WriteError(f"cannot read the site dictionary: {exc}", self.path) from exc
        if text and not text.endswith("\n"):
            text += "\n"
        atomic_write(self.path, (text + key + "\n").encode("utf-8"))


class Speller:
    """Judges words for one content folder: the engines per language plus the site list.

    Engines load lazily (pyspellchecker's English list takes ~0.5 s) into a per-process
    cache, so the window can warm one up on a worker thread and check on the GUI thread.
    """

    def __init__(self, folder: Path | None, config: SpellConfig | None = None) -> None:
        self.folder = folder
        self.config = config or SpellConfig()
        self.site = SiteDictionary(folder)
        self._verdicts: dict[tuple[str, str], bool] = {}

    @classmethod
    def for_folder(cls, folder: Path | None) -> Speller:
        try:
            config = load_spell_config(folder)
        except ContentError as exc:
            log.warning("%s", exc)
            config = SpellConfig()
        return cls(folder, config)

    def engine(self, language: str | None = None) -> Engine | None:
        return cached_engine(language or self.config.language)

    def is_ready(self, language: str | None = None) -> bool:
        """Whether checking ``language`` costs no dictionary load now."""
        return engine_loaded(language or self.config.language)

    def set_titles(self, titles: Iterable[str]) -> None:
        """Accept the words of the glossary's titles and terms."""
        self.set_title_words(words_of(titles))

    def set_title_words(self, words: set[str]) -> None:
        """Accept these words of the titles (:func:`words_of`'s; 50k titles take it
        0.3-0.8 s, so the window makes them on a worker and hands them in here)."""
        self.site.take_seed(words)
        self._verdicts.clear()

    def is_correct(self, word: str, language: str | None = None) -> bool:
        language = language or self.config.language
        key = (language, word)
        verdict = self._verdicts.get(key)
        if verdict is None:
            engine = self.engine(language)
            verdict = (
                engine is None
                or word in self.site
                or engine.known(word.translate(_APOSTROPHES))
                or engine.known(word)
            )
            self._verdicts[key] = verdict
        return verdict

    def misspelt_in_line(
        self, line: str, state: int = NORMAL, language: str | None = None
    ) -> tuple[list[Word], int]:
        """The misspelt words of one line and the state the next line starts in."""
        if not self.config.enabled:
            return [], state
        words, state = line_words(line, state)
        return [w for w in words if not self.is_correct(w.text, language)], state

    def misspelt(self, text: str, language: str | None = None) -> list[tuple[int, int, str]]:
        """(start, end, word) of every misspelt word in ``text``."""
        found: list[tuple[int, int, str]] = []
        state, offset = NORMAL, 0
        for line in text.split("\n"):
            words, state = self.misspelt_in_line(line, state, language)
            found.extend((offset + w.start, offset + w.end, w.text) for w in words)
            offset += len(line) + 1
        return found

    def suggestions(self, word: str, language: str | None = None) -> list[str]:
        engine = self.engine(language)
        return engine.suggest(word) if engine is not None else []

    def add_to_dictionary(self, word: str) -> None:
        """Accept ``word`` from now on and write it to the site dictionary file."""
        seed_words = [w for w in self.site._seed if not self._base_knows(w)]
        self.site.add(word, seed_words)
        self._verdicts = {k: v for k, v in self._verdicts.items() if _norm(k[1]) != _norm(word)}

    def _base_knows(self, word: str) -> bool:
        engine = self.engine()
        return engine is None or engine.known(word)
