"""`python -m demo`: serve the demo sites."""
import sys

from demo.server import main

sys.exit(main())
