"""Bulk work in the window: Find and Replace, Set Field on selected entries, one-step undo."""
