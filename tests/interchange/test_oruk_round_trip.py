"""A lossless round trip, tested on generated services: every valid HSDS 3.0 service, read and
written again, gives back what Linkworker keeps of it field by field (ids included), and reading
the export back changes nothing."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from hypothesis import given, settings

from linkworker.interchange.oruk import merged, with_part_ids
from linkworker.interchange.oruk_json import parse_json, services_json
from tests.interchange.oruk_generated import kept_fields, services
from tests.interchange.oruk_standard import service_errors


@settings(max_examples=100, deadline=None)
@given(services())
def test_a_valid_service_read_and_written_again_keeps_every_field(service: dict[str, Any]) -> None:
    assert service_errors(service) == []
    feed = parse_json(json.dumps(service).encode(), "generated.json")
    assert feed.problems == ()
    (read,) = feed.services
    (exported,) = services_json([read], as_page=False)
    assert service_errors(exported) == []
    assert kept_fields(exported) == kept_fields(service)
    # As the directory keeps it: its terms in order, its parts with their ids.
    terms = tuple(sorted(read.terms, key=lambda term: (term.vocabulary, term.term_id)))
    kept = with_part_ids(replace(read, where="", carried=None, terms=terms))
    (back,) = parse_json(json.dumps(exported).encode(), "export.json").services
    assert merged(kept, back) == kept
