"""Synthetic demo and benchmark data: ``build_demo`` fills an empty database with one PCN
(to try the app) or a whole integrated care board (for benchmarks)."""

from linkworker.demo.build import SCALES, build_demo
from linkworker.demo.credentials import DemoAccount, DemoCredentials
from linkworker.demo.opening import open_demo
from linkworker.demo.sizes import DemoSizes

__all__ = ["SCALES", "DemoAccount", "DemoCredentials", "DemoSizes", "build_demo", "open_demo"]
