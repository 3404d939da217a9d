"""The contract's check of a record: every constraint of notice.schema.json, by pydantic.

A run does not call it (schema.codec says why); tests and programs that take records from
elsewhere do. pydantic is imported on first use: its import and the schema it builds from
the records' annotations cost 0.1 s.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from schema.models import NoticeRecord

if TYPE_CHECKING:
    from pydantic import TypeAdapter


def validated(line: str | bytes) -> NoticeRecord:
    """The record a line of notices.jsonl holds; pydantic.ValidationError says what breaks the contract."""
    return _adapter().validate_json(line)


def validated_object(value: dict) -> NoticeRecord:
    """The record of a decoded JSON object, as `validated` checks it."""
    return _adapter().validate_python(value)


def json_schema() -> dict:
    return _adapter().json_schema(mode="serialization")


@cache
def _adapter() -> TypeAdapter[NoticeRecord]:
    from pydantic import TypeAdapter

    return TypeAdapter(NoticeRecord)
