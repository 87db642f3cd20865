"""The letter to the GP as a PDF: read back with pypdf, as a GP practice's document system would."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date

import pypdf
import pytest
from reportlab.lib.pagesizes import A4

from linkworker.domain.referrals import CaseStatus, ClosingReason
from linkworker.reports import gp_letter
from linkworker.reports.gp_letter import render
from linkworker.services.cases.gp_record import EpisodeStatus, GpLetter
from tests.reports.letters import EMPTY, LETTER, long_letter

# The sections of the PRSB "message back to GP and referrer", as the letter heads them.
SECTIONS = [
    "Referral",
    "What matters to the person",
    "Support offered",
    "Services connected and referrals made",
    "Wellbeing outcome measures",
    "Status of the episode",
    "Codes for the GP record",
    "Link worker",
]
FOOTER_TOP = 17 * 72 / 25.4  # the rule above the footer, in points


def read(letter: GpLetter) -> pypdf.PdfReader:
    content = render(letter)
    assert content.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(content))


def text(reader: pypdf.PdfReader) -> str:
    """The letter's words with line breaks and runs of spaces made single spaces."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def lines(page: pypdf.PageObject) -> list[tuple[float, str]]:
    """Each piece of text on the page with its height from the foot of the page, in points."""
    found: list[tuple[float, str]] = []

    def visit(fragment: str, cm: list[float], tm: list[float], _font: object, _size: object) -> None:
        if fragment.strip():
            found.append((cm[5] + tm[5] * cm[3], fragment.strip()))

    page.extract_text(visitor_text=visit)
    return found


@pytest.fixture(scope="module")
def full() -> pypdf.PdfReader:
    return read(LETTER)


@pytest.fixture(scope="module")
def long() -> pypdf.PdfReader:
    return read(long_letter())


def test_the_letter_is_a4_titled_and_says_who_made_it(full):
    assert len(full.pages) >= 1
    for page in full.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.01)
    metadata = full.metadata
    assert metadata is not None
    assert metadata.title == "Social prescribing: message back to the GP and referrer"
    assert metadata.author == "Wren Worker"
    assert metadata.subject == "Social prescribing episode LW-000042, Test Valley PCN"
    assert metadata["/Creator"] == "Linkworker"


def test_every_word_is_set_in_a_font_that_travels_inside_the_file(full):
    """Embedded fonts: the letter looks the same on every PC, and names such as Łucja print."""
    used: dict[str, pypdf.generic.DictionaryObject] = {}

    def visit(fragment: str, _cm: object, _tm: object, font: object, _size: object) -> None:
        if fragment.strip() and isinstance(font, pypdf.generic.DictionaryObject):
            used[str(font["/BaseFont"])] = font

    for page in full.pages:
        page.extract_text(visitor_text=visit)
    assert used
    for name, font in used.items():
        assert "Vera" in name
        descriptor = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        assert "/FontFile2" in descriptor["/FontDescriptor"], name


def test_it_is_addressed_to_the_gp_and_copied_to_the_referrer(full):
    words = text(full)
    assert "To: The GP, Riverside Surgery (G99001)" in words
    assert "Copy to: Nurse Kay Lamb (Practice nurse), Hilltop Practice (G99002)" in words
    assert "4 May 2026" in words and "Our reference LW-000042" in words


def test_the_person_is_identified_by_name_nhs_number_and_date_of_birth(full):
    words = text(full)
    assert "Łucja O'Testley-Smith" in words
    assert "999 070 0028" in words
    assert "23 Nov 1949" in words


def test_every_prsb_section_is_there_in_order(full):
    words = text(full)
    positions = [words.index(section) for section in SECTIONS]
    assert positions == sorted(positions)


def test_the_referral_what_matters_and_the_support_offered(full):
    words = text(full)
    assert "Received 12 January 2026" in words
    assert "Referred by Practice nurse: Nurse Kay Lamb, Hilltop Practice (G99002)" in words
    assert "Urgency Soon" in words
    assert "Loneliness and isolation Debt and money" in words
    # Typed text keeps its characters: markup-like text is printed, not interpreted.
    assert "Getting out more since her husband died. Singing again <if it's friendly> & soon." in words
    assert "Their goals Join a group that meets weekly." in words
    assert "Actions agreed Try the community choir on Tuesdays." in words
    assert "Plan reviewed with them on 24 Feb 2026, 20 Apr 2026." in words
    assert (
        "4 contacts recorded between 15 January 2026 and 20 April 2026, 2 hours 15 minutes in all." in words
    )
    assert "Contacts by kind: phone 3, home visit 1." in words


def test_the_services_connected_with_their_outcome_and_date(full):
    words = text(full)
    assert "Tuesday Community Choir Valley Arts Trust Attended 3 Feb 2026" in words
    assert "Debt and Money Advice Citizens Advice Test Valley Referred 3 Feb 2026" in words


def test_the_measures_with_their_dates_each_ons4_answer_banded_never_summed(full):
    words = text(full)
    assert "Baseline 22 Jan 2026 Follow-up 20 Apr 2026" in words
    assert "Life satisfaction 4 low 7 high" in words
    assert "Things done in life are worthwhile 5 medium 8 high" in words
    assert "Happiness yesterday 3 low 9 very high" in words
    assert "Anxiety yesterday 7 high 1 very low" in words
    assert "never added up" in words
    assert "19 " not in words.split("Wellbeing outcome measures")[1].split("SWEMWBS")[0]  # 4+5+3+7
    assert "Raw score (7 to 35) 17 27" in words
    assert "Metric score 16.88 24.11" in words


def test_the_status_the_codes_and_the_link_worker(full):
    words = text(full)
    assert "Closed on 20 April 2026. Reason: Goals met." in words
    assert "871731000000106 Referral to social prescribing service 15 Jan 2026 Entered 16 Jan 2026" in words
    assert "Wren Worker, social prescribing link worker, Test Valley PCN." in words
    assert "quote our reference LW-000042" in words
    assert "Prepared by Wren Worker on 4 May 2026." in words


def test_an_open_episode_with_a_code_not_yet_entered():
    letter = replace(
        LETTER,
        status=EpisodeStatus(CaseStatus.CONNECTED, date(2026, 2, 3), None),
        codes=(replace(LETTER.codes[0], entered_on=None, entered_by=None),),
    )
    words = text(read(letter))
    assert "Open. Connected to services since 3 February 2026." in words
    assert "15 Jan 2026 Not yet entered" in words


def test_a_referral_code_entered_before_the_person_declined_is_listed_as_staying_in_the_record():
    entered = LETTER.codes[0]
    declined = replace(
        entered,
        code="871711000000103",
        term="Social prescribing declined",
        due_on=date(2026, 3, 2),
        entered_on=None,
        entered_by=None,
    )
    letter = replace(
        LETTER,
        status=EpisodeStatus(CaseStatus.DECLINED, date(2026, 3, 2), ClosingReason.DECLINED),
        codes=(replace(entered, due_on=None), declined),
    )
    words = text(read(letter))
    assert "871731000000106 Referral to social prescribing service No longer due Entered 16 Jan 2026" in words
    assert "871711000000103 Social prescribing declined 2 Mar 2026 Not yet entered" in words
    assert (
        "871731000000106 was entered in the GP record before the person declined social "
        "prescribing. It stays there as entered; the declined code is the one due now."
    ) in words


def test_an_episode_just_begun_says_what_is_not_yet_known():
    words = text(read(EMPTY))
    assert "NHS number Not known" in words
    assert "Copy to: The referrer (Self-referral), Hilltop Practice (G99002)" in words
    assert "Reasons for referral None recorded" in words
    assert "No personalised support plan has been recorded yet." in words
    assert "No contacts have been recorded yet." in words
    assert "No services have been suggested or referred to yet." in words
    assert "No wellbeing measures have been recorded yet." in words
    assert "Open. Referred, not yet contacted since 12 January 2026." in words
    assert "No SNOMED CT codes are due yet" in words
    assert "No link worker is assigned to this person at present" in words


def test_every_page_carries_the_identifiers_and_its_number(long):
    total = len(long.pages)
    assert total >= 3
    for number, page in enumerate(long.pages, start=1):
        words = " ".join(page.extract_text().split())
        assert f"Page {number} of {total}" in words
        assert "Łucja O'Testley-Smith · NHS number 999 070 0028 · Born 23 Nov 1949" in words
        assert "Confidential: personal information. LW-000042" in words
        assert len(re.findall(r"Page \d+ of \d+", words)) == 1


def test_a_long_letter_keeps_every_measure_date_and_every_service(long):
    words = text(long)
    letter = long_letter()
    for result in letter.ons4:
        assert gp_letter.short_date(result.taken_on) in words
    for index in range(len(letter.connections)):
        assert f"Community service number {index + 1} " in words
    # A table that runs onto the next page repeats its header there.
    assert words.count("Service Organisation Outcome Date") >= 2


def test_no_heading_is_left_alone_at_the_foot_of_a_page(long, full):
    for reader in (long, full):
        for page in reader.pages:
            found = lines(page)
            for height, fragment in found:
                if fragment in SECTIONS:
                    below = [h for h, _f in found if FOOTER_TOP + 5 < h < height - 5]
                    assert below, f"{fragment!r} ends a page"


def test_a_page_is_not_left_mostly_empty_before_a_long_section(long):
    """The long plan starts under its heading on the first page, not on the next one."""
    first = text_of_page(long.pages[0])
    assert "What matters to them She wants to feel part of the village again" in first


def text_of_page(page: pypdf.PageObject) -> str:
    return " ".join(page.extract_text().split())
