"""The one check every configuration section makes of its fields."""

from __future__ import annotations

from reuse.errors import ConfigError

__all__ = ["check"]


def check(condition: bool, message: str) -> None:
    """Raise :class:`reuse.errors.ConfigError` with ``message`` unless ``condition``."""
    if not condition:
        raise ConfigError(message)
