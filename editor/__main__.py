"""``python -m editor`` runs the command line."""

import sys

from editor.cli import main

sys.exit(main())
