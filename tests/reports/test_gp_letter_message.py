"""The link worker's short personal message in the letter to the GP: placed under the opening
paragraph, written as typed (markup shown as text, its line breaks kept), and refused when too
long or holding a hidden character, by the one rule the preview checks too."""

from __future__ import annotations

import io

import pypdf
import pytest

from linkworker.domain.errors import ValidationError
from linkworker.reports.gp_letter import MESSAGE_MAX, personal_message, render
from tests.reports.letters import LETTER
from tests.reports.test_gp_letter import SECTIONS


def words(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_message_comes_under_the_opening_paragraph_as_typed() -> None:
    typed = "Dear Dr Patel,\nAnne asked me to say she is doing well <b>& enjoying</b> the choir."
    shown = words(render(LETTER, typed))
    opening = shown.index("They agreed to share this information with their GP.")
    note = shown.index("A note from the link worker")
    assert opening < note < shown.index("Referral Received")
    assert "Dear Dr Patel, Anne asked me to say she is doing well <b>& enjoying</b> the choir." in shown


def test_without_a_message_the_letter_is_as_before() -> None:
    for nothing in (None, "", "   \n "):
        assert "A note from the link worker" not in words(render(LETTER, nothing))


def test_a_message_is_short_and_plain() -> None:
    assert personal_message("  Thank you.  ") == "Thank you."
    assert personal_message(" ") is None
    assert personal_message("x" * MESSAGE_MAX) == "x" * MESSAGE_MAX
    with pytest.raises(ValidationError) as refused:
        personal_message("x" * (MESSAGE_MAX + 1))
    assert refused.value.field == "message"
    assert (
        refused.value.message
        == f"The message is too long: {MESSAGE_MAX:,} characters at most ({MESSAGE_MAX + 1:,} typed)."
    )
    with pytest.raises(ValidationError) as hidden:
        personal_message("Fine\u202eenif")  # a right-to-left override hides what is printed
    assert hidden.value.field == "message"
    with pytest.raises(ValidationError):
        render(LETTER, "x" * (MESSAGE_MAX + 1))


def test_the_longest_message_leaves_every_section_in_place() -> None:
    longest = " ".join(["Anne has found the walking group a real help."] * 40)[:MESSAGE_MAX]
    shown = words(render(LETTER, longest))
    places = [shown.index(heading) for heading in ("A note from the link worker", *SECTIONS)]
    assert places == sorted(places)
