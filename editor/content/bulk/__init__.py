"""Work across entries: find and replace, bulk set, each previewed and undone as one batch.

Qt-free, like the rest of :mod:`editor.content`: the command line and the window share it.
"""
