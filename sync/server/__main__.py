"""`python -m sync.server …` is `lunarfront-server …` (for a tree without the console script)."""

from sync.server.cli import main

raise SystemExit(main())
