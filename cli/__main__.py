"""``python -m cli``: the same as the ``brink`` console script."""

from __future__ import annotations

from cli.main import main

raise SystemExit(main())
