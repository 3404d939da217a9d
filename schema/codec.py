"""Records as lines of notices.jsonl and back, by msgspec's C encoder and decoder.

A run writes every record once and reads one back only to gather copies or reuse a cached
result: neither needs a validation pass over text the pipeline itself wrote, and both cost
a tenth of what pydantic's did. Lines are checked against the contract in schema.validate.
"""

from __future__ import annotations

import msgspec

from schema.models import NoticeRecord

_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(NoticeRecord)


def record_json(record: object) -> str:
    """The record, or any part of one, as compact JSON: UTF-8 text, no ASCII escaping."""
    return _ENCODER.encode(record).decode()


def read_record(line: str | bytes) -> NoticeRecord:
    return _DECODER.decode(line)


def plain(value: object) -> object:
    """A record or part of one as JSON's types (dicts, lists, text for dates): what its JSON reads back as."""
    return msgspec.to_builtins(value)
