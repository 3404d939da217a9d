"""Records as lines of notices.jsonl and back, by msgspec's C encoder and decoder.

A run writes every record once and reads one back only to gather copies or reuse a cached
result: neither needs a validation pass over text the pipeline itself wrote, and both cost
a tenth of what pydantic's did. Lines are checked against the contract in schema.validate.

A run keeps a line as the UTF-8 bytes msgspec writes, from the worker to the cache, the
database and notices.jsonl: as text, each line was decoded once and encoded again at every
step, which cost more than encoding the record.
"""

from __future__ import annotations

import msgspec

from schema.models import NoticeRecord

_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(NoticeRecord)


def record_line(record: object) -> bytes:
    """The record, or any part of one, as compact JSON in UTF-8, no ASCII escaping: a line of notices.jsonl."""
    return _ENCODER.encode(record)


def read_record(line: str | bytes) -> NoticeRecord:
    return _DECODER.decode(line)


def plain(value: object) -> object:
    """A record or part of one as JSON's types (dicts, lists, text for dates): what its JSON reads back as."""
    return msgspec.to_builtins(value)
