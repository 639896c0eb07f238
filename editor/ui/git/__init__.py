"""The window's git views; the window installs them with :func:`install_git`."""

from editor.ui.git.panel import GitPanel, install_git

__all__ = ["GitPanel", "install_git"]
