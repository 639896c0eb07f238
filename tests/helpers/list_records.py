"""A stand-in for an index record, with just what the entry list reads."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Record:
    """The attributes of an index record the list reads."""

    path: str
    title: str = ""
    schema: str = "glossary"
    subject: str = ""
    date: str = ""
    severity: str = ""
    error: object | None = None
