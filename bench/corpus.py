"""A generated glossary corpus for benchmarks, with its own count of what is wrong in it.

``generate(folder, n, seed)`` writes ``n`` entries of both schemas in the exact shape
of the bundled sample content (glossary) and of a Q&A article (``_schema: default``,
folded ``>-`` values indented by 4, ``seo`` by 2, an answer with literal ``\\n``
sequences, ``related_articleN`` blocks, body ``&nbsp;`` without a final newline),
~3.2 KB each. Most Q&A entries share the site's generic SEO title ``QuickTakes |
<Subject>`` (as the real files do: duplicate groups of thousands), some entries lack SEO
fields and ~0.2 % are broken; the returned
:class:`Expected` counts them independently of the checker, so a benchmark can verify
the check's numbers. The text is made from invented words, never copied content.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

SUBJECTS = (
    "Negotiation", "Diplomacy", "Mathematics", "Computer Science", "Economics",
    "Business and Management", "Engineering", "Chemistry", "Sociology", "Digital Media",
    "Criminal or Civil Law", "Physics", "Statistics", "Linguistics", "Public Policy",
    "Biology", "Psychology", "History", "Philosophy", "Environmental Science",
)  # fmt: skip
# The real Q&A files nearly all share the site's generic SEO title, ``QuickTakes |
# <Subject>``: a score of duplicate groups of thousands of entries each, which the
# corpus rules must handle in linear time.
QA_SHARED_TITLE = 0.9
COMMON = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "a",
    "that",
    "for",
    "it",
    "as",
    "with",
    "be",
    "on",
    "by",
    "this",
    "are",
    "or",
    "an",
    "can",
    "which",
    "from",
    "its",
    "their",
    "more",
    "than",
    "other",
    "when",
    "each",
    "how",
    "what",
    "where",
    "parties",
    "between",
    "both",
    "may",
    "often",
    "value",
    "process",
    "power",
    "outcome",
    "system",
    "model",
    "method",
    "result",
    "rules",
    "changes",
    "helps",
    "allows",
    "used",
    "makes",
    "rather",
    "while",
    "because",
    "however",
    "therefore",
    "example",
    "agreement",
    "analysis",
    "data",
    "approach",
    "practice",
    "question",
    "answer",
    "important",
    "common",
    "different",
    "specific",
    "general",
    "structure",
    "measure",
    "level",
    "based",
    "depends",
    "given",
    "include",
    "consider",
    "several",
    "within",
    "across",
]
SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "ca",
    "co",
    "cu",
    "da",
    "de",
    "di",
    "do",
    "fa",
    "fe",
    "fi",
    "fo",
    "ga",
    "ge",
    "go",
    "ka",
    "ke",
    "ki",
    "ko",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "mu",
    "na",
    "ne",
    "ni",
    "no",
    "nu",
    "pa",
    "pe",
    "pi",
    "po",
    "pu",
    "ra",
    "re",
    "ri",
    "ro",
    "ru",
    "sa",
    "se",
    "si",
    "so",
    "su",
    "ta",
    "te",
    "ti",
    "to",
    "tu",
    "va",
    "ve",
    "vi",
    "vo",
    "za",
    "ze",
    "zo",
    "tra",
    "pre",
    "sto",
    "gra",
    "ble",
    "tion",
    "ment",
    "ism",
    "ric",
    "ary",
    "ous",
    "ive",
    "al",
]
BROKEN_KINDS = ("unclosed-flow", "duplicate-key", "bad-indent", "no-closing", "bad-utf8")


@dataclass
class Expected:
    """What the generator put in the corpus, counted as it wrote it."""

    entries: int = 0
    glossary: int = 0
    default: int = 0
    broken: int = 0
    title_missing: int = 0
    description_missing: int = 0
    keywords_missing: int = 0
    bytes: int = 0
    broken_kinds: dict[str, int] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)  # a few titles, for search benchmarks


class _Words:
    def __init__(self, rng: random.Random) -> None:
        invented = {
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(9000)
        }
        self.terms = sorted(invented)
        vocabulary = COMMON * 12 + self.terms  # common words come up far more often
        self.rng = rng
        self.sentences = [self._sentence(vocabulary) for _ in range(6000)]

    def _sentence(self, vocabulary: list[str]) -> str:
        words = self.rng.choices(vocabulary, k=self.rng.randint(9, 24))
        if self.rng.random() < 0.15:
            words.insert(self.rng.randrange(len(words)), "1,250")
        return " ".join(words).capitalize() + "."

    def text(self, sentences: int, term: str = "") -> str:
        chosen = self.rng.choices(self.sentences, k=sentences)
        if term:
            chosen[0] = f"{term} {chosen[0][0].lower()}{chosen[0][1:]}"
        return " ".join(chosen)

    def title(self, k: int) -> str:
        return " ".join(w.capitalize() for w in self.rng.sample(self.terms, k))


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _seo_lines(title: str | None, description: str | None, keywords: str | None) -> list[str]:
    lines = ["seo:"]
    if title is not None:
        lines.append(f"  title: {title}" if title else '  title: ""')
    if description is not None:
        lines += (
            ["  page_description: >-", f"    {description}"]
            if description
            else ["  page_description:"]
        )
    if keywords is not None:
        lines += ["  page_keywords: >-", f"    {keywords}"] if keywords else ['  page_keywords: ""']
    return lines


def _maybe(rng: random.Random, present: str, rate: float) -> str | None:
    """The value, or (at ``rate``) a missing key (None) or an empty value ("")."""
    if rng.random() >= rate:
        return present
    return None if rng.random() < 0.5 else ""


def _glossary(i: int, w: _Words, rng: random.Random, urls: list[str], seo: list[str]) -> str:
    term = w.title(rng.choice((1, 2, 2, 3)))
    faq = []
    for _ in range(rng.randint(2, 4)):
        faq += [
            f"    - question: >-\n          What does {term} mean in {w.text(1).lower()}",
            f"      answer: >-\n          {w.text(rng.randint(2, 3), term)}",
        ]
    related = rng.sample(urls, min(len(urls), rng.randint(1, 3)))
    lines = [
        "---", "_schema: glossary", f"id: {10000 + i}",
        f"date: {2023 + i % 3}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "title: >-", f"    {term}",
        "pronunciation: >-", f"    /{term.lower()}/",
        "definition: >-", f"    {w.text(1, term)}",
        "what_is: >-", f"    {w.text(rng.randint(3, 5), term)}",
        "why_it_matters: >-", f"    {w.text(rng.randint(2, 4), term)}",
        "context: >-", f"    {w.text(rng.randint(2, 4))}",
        "faq:", *faq, *seo,
        f"  focus_keyphrase: {term.lower()}",
        f"subject: {rng.choice(SUBJECTS)}", f"url: /glossary/{_slug(term)}-{i}",
        "related:", *(f"    - {u}" for u in related), "---", "",
        "## In practice", "", w.text(rng.randint(2, 4)), "",
    ]  # fmt: skip
    return "\n".join(lines)


def _answer(w: _Words, rng: random.Random, term: str) -> str:
    parts = [w.text(rng.randint(3, 4), term), "### Key aspects:"]
    parts += [f"{n}. **{w.title(1)}**: {w.text(rng.randint(1, 2))}" for n in range(1, 4)]
    parts.append(f"In summary, {w.text(2).lower()}")
    return "\\n\\n".join(parts)


def _qa(i: int, w: _Words, rng: random.Random, related: list[tuple[int, str, str, str]],
        seo: list[str], subject: str, question: str) -> str:  # fmt: skip
    lines = [
        "---", "_schema: default", f"id: {10000 + i}",
        f"date: {2024 + i % 2}-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "title: >-", f"    {question}", "article_title: >-", f"    {question}",
        "date_format: MMM DD, YYYY", "post_on_text: Posted on", *seo, "author: QuickTakes",
        "question: >-", f"    {question}",
        "answer: >-", f"    {_answer(w, rng, question.split()[2])}",
        f"subject: {subject}", f"file_name: {_slug(question)}-{i}.md",
        f"url: /learn/{_slug(subject)}/questions/{_slug(question)}-{i}",
    ]  # fmt: skip
    if rng.random() < 0.8:
        lines.append(f"score: {rng.choice(('-1.0', '0.5', '1.0', '2.25'))}")
    for n, (rid, rtitle, rsubject, rurl) in enumerate(related, 1):
        lines += [
            f"related_article{n}:", f"    id: {rid}", "    title: >-", f"        {rtitle}",
            f"    subject: {rsubject}", f"    url: {rurl}",
        ]  # fmt: skip
    lines += ["---", "", "&nbsp;"]
    return "\n".join(lines)


def _break(text: str, kind: str) -> bytes:
    if kind == "unclosed-flow":
        text = text.replace("\nsubject: ", "\nsubject: [unclosed ", 1)
    elif kind == "duplicate-key":
        text = text.replace("\nsubject: ", "\nsubject: Twice\nsubject: ", 1)
    elif kind == "bad-indent":
        text = text.replace("\nsubject: ", "\n   subject: ", 1)
    elif kind == "no-closing":
        head, _, tail = text.partition("\n---\n")
        text = head + "\n" + tail
    data = text.encode("utf-8")
    if kind == "bad-utf8":
        cut = data.index(b"\nsubject: ") + 10
        data = data[:cut] + b"\xff" + data[cut:]
    return data


def generate(folder: Path, n: int, seed: int = 1) -> Expected:
    """Write ``n`` entries under ``folder`` (in subfolders of 1000) and count them."""
    rng = random.Random(seed)
    words = _Words(rng)
    expected = Expected(broken_kinds=dict.fromkeys(BROKEN_KINDS, 0))
    urls: list[str] = ["/glossary/seed"]
    articles: list[tuple[int, str, str, str]] = [(1, "Seed article", "Mathematics", "/seed")]
    for i in range(n):
        sub = folder / f"part-{i // 1000:03d}"
        if i % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        subject = rng.choice(SUBJECTS)
        glossary = rng.random() < 0.5
        question = f"How does {words.title(2)} {rng.choice(('work', 'matter', 'change'))}?"
        # the site's generic title, duplicated on purpose (rarely on glossary entries)
        shared = rng.random() < (0.002 if glossary else QA_SHARED_TITLE)
        if shared and rng.random() < 0.05:  # subjects vary in case ("Computer science")
            subject = subject[0] + subject[1:].lower()
        seo_title = f"QuickTakes | {subject}" if shared else f"{question[:-1]} | QuickTakes"
        title = _maybe(rng, seo_title, 0.03)
        description = _maybe(rng, words.text(2), 0.03)
        keywords = _maybe(rng, ", ".join(rng.sample(words.terms, 8)).lower(), 0.03)
        seo = _seo_lines(title, description, keywords)
        if glossary:
            text = _glossary(i, words, rng, urls[-200:], seo)
        else:
            related = rng.sample(articles[-200:], min(len(articles), rng.randint(0, 5)))
            text = _qa(i, words, rng, related, seo, subject, question)
        broken = rng.random() < 0.002
        if broken:
            kind = rng.choice(BROKEN_KINDS)
            expected.broken_kinds[kind] += 1
            expected.broken += 1
            data = _break(text, kind)
        else:
            data = text.encode("utf-8")
            expected.title_missing += not title
            expected.description_missing += not description
            expected.keywords_missing += not keywords
            if glossary:
                urls.append(text.split("\nurl: ", 1)[1].split("\n", 1)[0])
            else:
                url = text.split("\nurl: ", 1)[1].split("\n", 1)[0]
                articles.append((10000 + i, question, subject, url))
        if i % 997 == 0 and len(expected.terms) < 20:
            expected.terms.append(question)
        expected.entries += 1
        expected.glossary += glossary
        expected.default += not glossary
        expected.bytes += len(data)
        (sub / f"entry-{i:06d}.md").write_bytes(data)
    return expected


def main(argv: list[str] | None = None) -> int:
    """``python bench/corpus.py FOLDER [-n N] [--seed S]``: write a corpus and say what is in it."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="corpus.py",
        description="Write a generated glossary corpus for the benchmarks (invented text).",
    )
    parser.add_argument("folder", type=Path, help="where to write it (subfolders of 1000)")
    parser.add_argument("-n", "--entries", type=int, default=1000, help="how many (1000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
    args = parser.parse_args(argv)
    if args.entries < 0:
        parser.error("the number of entries cannot be negative")
    expected = generate(args.folder, args.entries, args.seed)
    print(
        f"{expected.entries} entries ({expected.glossary} glossary, {expected.default} Q&A, "
        f"{expected.broken} broken), {expected.bytes / 1e6:.1f} MB in {args.folder}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
