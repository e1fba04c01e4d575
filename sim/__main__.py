"""``python -m sim`` is the ``parity`` command, and ``parity`` starts here too.

The command line is imported inside ``main`` so that a Ctrl-C while modules
are still loading is one line and exit status 130, like a Ctrl-C later on.
"""

import sys


def main() -> int:
    """Entry point of ``parity`` and ``python -m sim``."""
    try:
        from sim.cli import interrupted
        from sim.cli import main as command_line
    except KeyboardInterrupt:
        print("interrupted; nothing was written", file=sys.stderr)
        return 130
    try:
        return command_line()
    except KeyboardInterrupt:  # after main's own handler: while printing its last line
        return interrupted(quiet=True)


if __name__ == "__main__":
    raise SystemExit(main())
