"""``python -m sim`` is the ``parity`` command."""

from sim.cli import main

raise SystemExit(main())
