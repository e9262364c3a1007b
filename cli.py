"""The ``drivers`` command: parses options, calls ``graph``, prints. No logic lives here.

The commands are in ``graph/commands/`` (one module per stage of the data flow); this file is the
entry point named by the design (``drivers = "cli:main"``).

Exit codes: 0 ok; 1 a finding (validation failed, nothing matched); 2 the input or environment
is wrong (bad data, unreadable file, bad option).
"""

from graph.commands import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
