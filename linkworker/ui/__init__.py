"""The PySide6 window: views build their widgets in code and reach data only through services."""
