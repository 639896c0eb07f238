"""The window: widgets and Qt models over the content layer, in rooms.

The rooms: form, entries, report, window, preview, git, bulk.
"""
