"""`python -m bot` is the `minga` command."""

from bot.cli import main

raise SystemExit(main())
