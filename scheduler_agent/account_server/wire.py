"""v3 conventions shared by list/get endpoints: `select` field filtering and `metadata` with `metadata_pair`.

v3 indexes only the reserved metadata keys key1..key5 for filtering, so `metadata_pair` accepts only
those; metadata values are strings of at most 500 characters, at most 50 keys per object.
"""

from __future__ import annotations

from typing import Any

from .context import JSONDict
from .http import Query, bad_request

METADATA_KEYS = ("key1", "key2", "key3", "key4", "key5")
_MAX_METADATA_KEYS = 50
_MAX_METADATA_VALUE = 500
_ALWAYS_SELECTED = ("id", "grant_id", "object")


def selected(query: Query, obj: JSONDict) -> JSONDict:
    """Keep only the top-level fields named in `select` (plus the ids every client needs to route on)."""
    fields = query.list("select")
    if not fields:
        return obj
    keep = set(fields) | set(_ALWAYS_SELECTED)
    return {k: v for k, v in obj.items() if k in keep}


def valid_metadata(value: Any) -> dict[str, str]:
    """Metadata as v3 accepts it: a flat object of string values."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise bad_request("metadata must be an object of string values")
    if len(value) > _MAX_METADATA_KEYS:
        raise bad_request(f"metadata holds at most {_MAX_METADATA_KEYS} keys")
    for key, item in value.items():
        if not isinstance(item, str) or len(item) > _MAX_METADATA_VALUE:
            raise bad_request(f"metadata[{key!r}] must be a string of at most {_MAX_METADATA_VALUE} characters")
    return dict(value)


def metadata_filter(query: Query, column: str = "metadata") -> tuple[str, list[str]]:
    """SQL (" AND ..." or "") and parameters for every `metadata_pair=keyN:value` in the query."""
    clauses: list[str] = []
    params: list[str] = []
    for pair in query.list("metadata_pair"):
        key, sep, value = pair.partition(":")
        if not sep or key not in METADATA_KEYS:
            raise bad_request("metadata_pair must look like key1:value, with a key from key1 to key5")
        clauses.append(f" AND json_extract({column}, '$.{key}') = ?")
        params.append(value)
    return "".join(clauses), params
