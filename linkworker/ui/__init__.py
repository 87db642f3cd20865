"""The PySide6 window: views build their widgets in code and reach data only through services.

Importing this package loads Qt and turns off one thing PySide6 does on every later import: to
support ``from __feature__ import snake_case``, it reads the whole source of each module imported
after it (``inspect.getsource``) and keeps it in ``linecache``. Linkworker uses no ``__feature__``,
so that read only costs: measured at the Today view, 34 MiB of kept source and 0.2 s of start
(docs/architecture.md, "Start time"). A PySide6 that renames the hook leaves it on, and
tests/ui/test_start.py says so.
"""

import sys

import PySide6.QtCore  # noqa: F401  (loads shibokensupport.feature, whose hook is turned off)


def _no_module_uses_pyside_features(module: object) -> bool:
    return False


_feature = sys.modules.get("shibokensupport.feature")
if _feature is not None and hasattr(_feature, "_mod_uses_pyside"):
    _feature.__dict__["_mod_uses_pyside"] = _no_module_uses_pyside_features
