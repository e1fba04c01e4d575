"""``python -m sim`` is the ``parity`` command, and ``parity`` starts here too.

The command line is imported inside ``main`` so that a Ctrl-C while modules
are still loading is one line and exit status 130, like a Ctrl-C later on.

Parity uses no linear algebra, and runs ensembles in one process per core: numpy's
BLAS threads, started on import, only spend CPU (a third of numpy's import) and
would oversubscribe the cores. They are set to one unless the user chose.
"""

import gc
import os
import sys

for _threads in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_threads, "1")


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
    finally:
        gc.freeze()  # what is alive now dies with the process: no last collection over it


if __name__ == "__main__":
    raise SystemExit(main())
