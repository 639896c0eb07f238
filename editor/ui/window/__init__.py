"""The main window and its parts: actions, saving, disk sync, status, session, the entry
pane and files, folder lock, raw view, banner, and the indexing and journal workers."""
