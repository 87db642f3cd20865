"""How a referral or signposting was made: every method has its words, one is needed on the
form, "another way" needs a note, and a note is checked as all case text is."""

from __future__ import annotations

import pytest

from linkworker.domain.case_entries import TEXT_MAX
from linkworker.domain.connection_methods import ConnectionMethod, parse_method, parse_note
from linkworker.domain.errors import ValidationError


def test_every_method_has_its_label_and_its_short_name() -> None:
    for method in ConnectionMethod:
        assert method.label and method.short == method.short.lower()
        assert parse_method(method.value) is method
    assert len({method.short for method in ConnectionMethod}) == len(ConnectionMethod)


@pytest.mark.parametrize("chosen", [None, "", "fax", "Email", 3])
def test_a_method_is_one_of_the_list(chosen: object) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_method(chosen)  # type: ignore[arg-type]
    assert (refused.value.field, refused.value.message) == (
        "method",
        "Choose how you referred or signposted them.",
    )


def test_a_caller_that_does_not_know_the_method_may_leave_it_unsaid() -> None:
    assert parse_method(None, required=False) is None
    with pytest.raises(ValidationError):
        parse_method("fax", required=False)


def test_a_note_is_trimmed_and_needed_only_to_say_another_way() -> None:
    assert parse_note(ConnectionMethod.EMAIL, "  Sent to the coordinator.  ") == "Sent to the coordinator."
    assert parse_note(ConnectionMethod.EMAIL, "  ") is None
    assert parse_note(None, None) is None
    with pytest.raises(ValidationError) as refused:
        parse_note(ConnectionMethod.OTHER, " ")
    assert (refused.value.field, refused.value.message) == (
        "note",
        "Say in the note how you referred or signposted them.",
    )
    assert parse_note(ConnectionMethod.OTHER, "Through her daughter") == "Through her daughter"


@pytest.mark.parametrize("note", ["x" * (TEXT_MAX + 1), "Call \u202eback", "nul\x00byte"])
def test_a_note_too_long_or_with_a_hidden_character_is_refused(note: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_note(ConnectionMethod.PHONE, note)
    assert refused.value.field == "note"
