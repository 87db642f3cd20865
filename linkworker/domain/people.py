"""Vocabularies about a person: sex, NHS ethnic category, how they like to be contacted."""

from __future__ import annotations

from enum import StrEnum


class Sex(StrEnum):
    """NHS Data Dictionary "person stated sex" values."""

    FEMALE = "female"
    MALE = "male"
    INDETERMINATE = "indeterminate"
    NOT_KNOWN = "not_known"


class EthnicGroup(StrEnum):
    """The top-level groups reports use."""

    WHITE = "White"
    MIXED = "Mixed or multiple ethnic groups"
    ASIAN = "Asian or Asian British"
    BLACK = "Black or Black British"
    OTHER = "Other ethnic group"
    NOT_STATED = "Not stated"
    NOT_KNOWN = "Not known"


class EthnicCategory(StrEnum):
    """NHS Data Dictionary ETHNIC CATEGORY codes (2001 census based)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"
    G = "G"
    H = "H"
    J = "J"
    K = "K"
    L = "L"
    M = "M"
    N = "N"
    P = "P"
    R = "R"
    S = "S"
    Z = "Z"
    NOT_KNOWN = "99"

    @property
    def label(self) -> str:
        return _ETHNIC_LABELS[self][1]

    @property
    def group(self) -> EthnicGroup:
        return _ETHNIC_LABELS[self][0]


_ETHNIC_LABELS: dict[EthnicCategory, tuple[EthnicGroup, str]] = {
    EthnicCategory.A: (EthnicGroup.WHITE, "White: British"),
    EthnicCategory.B: (EthnicGroup.WHITE, "White: Irish"),
    EthnicCategory.C: (EthnicGroup.WHITE, "White: any other White background"),
    EthnicCategory.D: (EthnicGroup.MIXED, "Mixed: White and Black Caribbean"),
    EthnicCategory.E: (EthnicGroup.MIXED, "Mixed: White and Black African"),
    EthnicCategory.F: (EthnicGroup.MIXED, "Mixed: White and Asian"),
    EthnicCategory.G: (EthnicGroup.MIXED, "Mixed: any other mixed background"),
    EthnicCategory.H: (EthnicGroup.ASIAN, "Asian or Asian British: Indian"),
    EthnicCategory.J: (EthnicGroup.ASIAN, "Asian or Asian British: Pakistani"),
    EthnicCategory.K: (EthnicGroup.ASIAN, "Asian or Asian British: Bangladeshi"),
    EthnicCategory.L: (EthnicGroup.ASIAN, "Asian or Asian British: any other Asian background"),
    EthnicCategory.M: (EthnicGroup.BLACK, "Black or Black British: Caribbean"),
    EthnicCategory.N: (EthnicGroup.BLACK, "Black or Black British: African"),
    EthnicCategory.P: (EthnicGroup.BLACK, "Black or Black British: any other Black background"),
    EthnicCategory.R: (EthnicGroup.OTHER, "Other ethnic groups: Chinese"),
    EthnicCategory.S: (EthnicGroup.OTHER, "Other ethnic groups: any other ethnic group"),
    EthnicCategory.Z: (EthnicGroup.NOT_STATED, "Not stated"),
    EthnicCategory.NOT_KNOWN: (EthnicGroup.NOT_KNOWN, "Not known"),
}


class ContactMethod(StrEnum):
    PHONE = "phone"
    TEXT = "text"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"
