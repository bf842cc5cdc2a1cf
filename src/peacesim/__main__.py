"""``python -m peacesim`` is the same as the ``peacesim`` command."""

import sys

from peacesim.cli import main

sys.exit(main())
