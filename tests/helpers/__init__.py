"""Helpers the tests share: typing into widgets (``keys``) and scripted git teams (``git_team``).

Fixtures live in the ``conftest.py`` files; plain functions live here, once.
"""
