"""Errors a user can act on: each carries a one-line reason."""


class InputError(ValueError):
    """Unusable input: empty, binary, unreadable or not a notice."""
