"""The ``linkworker`` command, the outermost layer: no arguments opens the app (``command``);
its subcommands do batch work: import, export and report (``batch``, with ``populations`` and
``icb``), backup, restore and recovery (``data``), the audit trail's check (``audit``), and the
self-test of an installation (``selftest``). Nothing below imports it (docs/architecture.md)."""

from linkworker.cli.command import main

__all__ = ["main"]
