"""`python -m loaders check FILE [--json]`: see loaders/check.py."""
import sys

from loaders.check import main

sys.exit(main())
