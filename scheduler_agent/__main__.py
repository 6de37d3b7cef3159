"""`python -m scheduler_agent` runs the command line."""

from .cli import main

raise SystemExit(main())
