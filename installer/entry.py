"""PyInstaller's entry script: the bundle runs the same `main` as the `lunarfront` command."""

from desktop.main import main

raise SystemExit(main())
