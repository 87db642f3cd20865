"""The needs taxonomy shipped in resources/needs.json, and the checks made when it is read."""

from __future__ import annotations

import json

import pytest

from linkworker import catalogues
from linkworker.catalogues import CatalogueError, Need, load_needs
from linkworker.domain.errors import ValidationError

# The needs every PCN records (issue 2), by the words a link worker would look for.
EXPECTED_LABELS = [
    "Loneliness and isolation",
    "Low mood and anxiety",
    "Physical activity",
    "Weight",
    "Debt and money",
    "Benefits",
    "Housing",
    "Employment",
    "Carer support",
    "Bereavement",
    "Long-term condition self-management",
    "Substance use",
    "Digital inclusion",
    "Food",
    "Transport",
]


def test_the_shipped_taxonomy_holds_the_needs_a_pcn_records():
    labels = [need.label for need in catalogues.needs()]
    for expected in EXPECTED_LABELS:
        assert expected in labels
    assert len(labels) > len(EXPECTED_LABELS)  # and a few more


def test_every_shipped_need_has_a_stored_code_a_label_and_a_description():
    needs = catalogues.needs()
    assert len(set(needs.codes())) == len(needs)
    for need in needs:
        assert isinstance(need, Need)
        assert need.code.islower() and " " not in need.code and len(need.code) <= 40
        assert need.label and need.description.endswith(".")


def test_a_need_is_found_by_code_and_an_unknown_code_is_a_validation_error():
    needs = catalogues.needs()
    assert needs.get("loneliness").label == "Loneliness and isolation"
    assert "loneliness" in needs and "astrology" not in needs
    with pytest.raises(ValidationError) as refused:
        needs.get("astrology", field="needs[2]")
    assert refused.value.field == "needs[2]"


def test_the_catalogue_is_frozen():
    need = catalogues.needs().needs[0]
    with pytest.raises(AttributeError):
        need.label = "changed"  # type: ignore[misc]


def _write(tmp_path, content):
    path = tmp_path / "needs.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


def test_a_well_formed_file_loads_in_order(tmp_path):
    path = _write(
        tmp_path,
        {
            "needs": [
                {"code": "b_need", "label": "B", "description": "b."},
                {"code": "a_need", "label": "A", "description": "a."},
            ]
        },
    )
    assert [need.code for need in load_needs(path)] == ["b_need", "a_need"]


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("{not json", "cannot be read"),
        ({"needs": []}, "non-empty list"),
        ([], "non-empty list"),
        ({"needs": ["loneliness"]}, "must be an object"),
        ({"needs": [{"code": "x1", "label": "X"}]}, "no description"),
        ({"needs": [{"code": "Bad Code", "label": "X", "description": "x."}]}, "lower case"),
        (
            {
                "needs": [
                    {"code": "same", "label": "One", "description": "x."},
                    {"code": "same", "label": "Two", "description": "x."},
                ]
            },
            "code 'same' is used more than once",
        ),
        (
            {
                "needs": [
                    {"code": "one", "label": "Same", "description": "x."},
                    {"code": "two", "label": "Same", "description": "x."},
                ]
            },
            "label 'Same' is used more than once",
        ),
    ],
)
def test_a_broken_file_is_refused_naming_the_file_and_the_problem(tmp_path, content, complaint):
    path = _write(tmp_path, content)
    with pytest.raises(CatalogueError) as refused:
        load_needs(path)
    assert str(path) in str(refused.value)
    assert complaint in str(refused.value)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CatalogueError):
        load_needs(tmp_path / "absent.json")
