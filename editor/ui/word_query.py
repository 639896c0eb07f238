"""When a filter query may search within the previous query's matches (no Qt).

The entry list and the SEO report both narrow their last answer while the user types
on; this is the one test of when that is sound.
"""

from __future__ import annotations


def refines(new: str, old: str) -> bool:
    """True when every row whose text holds all words of ``new`` holds those of ``old``
    too (each old word is part of a new one, case aside), so ``new`` may search within
    ``old``'s matches: typing on never brings a row back. False for an empty ``old``."""
    old_words = old.lower().split()
    if not old_words:
        return False
    new_words = new.lower().split()
    return all(any(o in n for n in new_words) for o in old_words)
