"""Open Referral UK JSON: read a page of ``/services`` or a list of service objects, and write
the directory back as either.

A feed saved from an ORUK API is one of: a page (``{"contents": [...], "total_items": ...}``),
a list of services as ``/services/{id}`` returns them, or one such service on its own. Each
service's place is given as a JSON path (``$.contents[3]``), so a problem can be found in the file.

A page's items are summaries, the others full records (``interchange.oruk`` says what each
updates). A file of other ORUK documents (an organisation, a location, a page of taxonomies) is
refused whole with what it is and what an import reads.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from linkworker.interchange.oruk import (
    Feed,
    FeedError,
    FeedReader,
    OrukService,
    hsds_service,
    not_services,
    page,
    record_kind,
    write_atomically,
)

PAGE_FORM = "JSON page of services"
LIST_FORM = "JSON list of services"
ONE_FORM = "JSON service"


def read_json(path: Path) -> Feed:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FeedError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise FeedError(f"{path} is a folder, not a JSON file.") from None
    except OSError as error:
        raise FeedError(f"{path} cannot be read: {error.strerror or error}.") from None
    return parse_json(data, path.name)


def parse_json(data: bytes, name: str) -> Feed:
    """Every service of a JSON feed, with the problems found; ``FeedError`` if it is not a feed."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise FeedError(f"{name} is not UTF-8 text, so it is not an ORUK JSON file.") from None
    except json.JSONDecodeError as error:
        raise FeedError(
            f"{name} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    reader = FeedReader(name)
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        for index, item in enumerate(document["contents"]):
            reader.read(item, f"$.contents[{index}]", summary=True)
        return reader.feed(PAGE_FORM)
    if isinstance(document, list):
        for index, item in enumerate(document):
            reader.read(item, f"$[{index}]")
        return reader.feed(LIST_FORM)
    kind = record_kind(document) if isinstance(document, dict) else None
    if kind is not None:
        raise FeedError(not_services(name, {kind: 1}))
    if isinstance(document, dict) and "name" in document and "id" in document:
        reader.read(document, "$")
        return reader.feed(ONE_FORM)
    raise FeedError(
        f"{name} is JSON but not a directory feed: expected a page of services "
        '({"contents": [...]}) or a list of services.'
    )


def services_json(services: Sequence[OrukService], *, as_page: bool) -> Any:
    """The services as HSDS 3.0 objects: a list, or one page of ``/services`` holding them all."""
    objects = [hsds_service(service) for service in services]
    return page(objects) if as_page else objects


def write_json(path: Path, services: Sequence[OrukService], *, as_page: bool = False) -> None:
    document = services_json(services, as_page=as_page)

    def write(stream: TextIO) -> None:
        json.dump(document, stream, ensure_ascii=False, indent=2)
        stream.write("\n")

    write_atomically(path, write)
