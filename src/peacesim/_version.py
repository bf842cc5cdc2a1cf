"""The package version, kept in one place and read without importing anything heavy."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("peacesim")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
