"""``python -m linkworker`` runs the same command as ``linkworker``."""

import sys

from linkworker.cli import main

sys.exit(main())
