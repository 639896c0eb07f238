"""Glossary Editor: a desktop authoring app for Markdown + YAML front matter glossaries."""

__version__ = "0.1.0"
