"""Errors the rules raise; their messages are written for a link worker to read."""

from __future__ import annotations

from collections.abc import Callable


class ValidationError(ValueError):
    """One field's value breaks a rule. ``field`` names the field the message belongs beside."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class FormErrors(ValueError):
    """Every field's problem in a form or a CSV row at once, so all can be shown together."""

    def __init__(self, errors: list[ValidationError]) -> None:
        super().__init__("; ".join(f"{error.field}: {error.message}" for error in errors))
        self.errors = errors

    def for_field(self, field: str) -> str | None:
        return next((error.message for error in self.errors if error.field == field), None)


def accepts(parse: Callable[[str], object], text: str) -> bool:
    """Whether ``parse`` takes ``text`` without a ValidationError: for filters and quick checks."""
    try:
        parse(text)
    except ValidationError:
        return False
    return True
