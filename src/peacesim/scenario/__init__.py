"""The scenario language: what users write, validated before anything runs."""

from .schema import Scenario

__all__ = ["Scenario"]
