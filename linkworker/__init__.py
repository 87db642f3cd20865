"""Linkworker: a case tool for social prescribing link workers in NHS primary care networks."""

# The one place the version is written: pyproject.toml reads it from here (setuptools' dynamic
# version), so the app needs no package metadata lookup at start, frozen or not.
__version__ = "0.1.0"
