"""Linkworker: a case tool for social prescribing link workers in NHS primary care networks."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("linkworker")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
