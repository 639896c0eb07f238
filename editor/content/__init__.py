"""The content layer: reading, checking and writing entries, in pure Python.

It never imports Qt: the command line and the window both stand on it.
"""
