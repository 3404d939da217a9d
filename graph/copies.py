"""Copies of one notice: one record however many files hold it, and never one text
silently replacing another that claims the same number.

Real batches hold a notice several times: a repost per site, a PDF and its web page, an
attachment copy, sometimes cut off. Those are copies, and the most complete one supplies
the record. A forged or mistaken text that claims the same 发文字号 is not a copy: it says
something else (a different ratio, another date), and both texts are kept as records of
their own, each flagged with the other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

from schema import FACT_FIELDS, Copy, NoticeRecord
from schema.codec import plain

SHINGLE = 5  # characters: long enough that shared shingles mean shared sentences
# Share of the shorter text's shingles the longer one must hold: reposts lose or gain a
# line of site furniture, and cut-off copies hold part of the text, but nearly every
# sentence they do hold is the other's.
NEAR_SAME = 0.85
# Fields two copies must not disagree on where both have a value.
AGREEING_FIELDS = ("title", "issue_date", "effective_date", "status")
CONFLICT_DIGITS = 8  # hex digits of the text's SHA-256 that tell conflicting texts apart
WHERE_READ = ("evidence", "scope")  # a fact's fields that say where it was read, not what it states


@dataclass(frozen=True)
class Occurrence:
    """A notice as read from one file, where the input order puts it."""

    record: NoticeRecord
    position: tuple[int, int]  # the file's position in the run, the notice's in its file


@dataclass(frozen=True)
class Resolved:
    """One record of a claimed id, and the occurrences that are copies of it."""

    record: NoticeRecord  # the most complete copy, with its final id, copies and conflicts
    position: tuple[int, int]
    copies: tuple[Occurrence, ...]


def resolve(claimed_id: str, occurrences: Iterable[Occurrence]) -> list[Resolved]:
    """The records that the occurrences of one claimed id make, in input order: one when
    they are copies of one notice, one per distinct notice otherwise."""
    groups = _group_copies(sorted(occurrences, key=lambda occurrence: occurrence.position))
    primaries = [max(group, key=_completeness) for group in groups]
    ids = [claimed_id] if len(groups) == 1 else [_conflict_id(claimed_id, primary.record) for primary in primaries]
    return [
        Resolved(
            record=replace(
                primary.record,
                id=record_id,
                copies=[_copy(occurrence.record) for occurrence in group if occurrence is not primary],
                conflicts=[other for other in ids if other != record_id],
            ),
            position=primary.position,
            copies=tuple(occurrence for occurrence in group if occurrence is not primary),
        )
        for group, primary, record_id in zip(groups, primaries, ids, strict=True)
    ]


def gathered(records: list[NoticeRecord]) -> list[NoticeRecord]:
    """One file's records as a run over that file alone writes them: a notice the file holds
    more than once is one record, placed where its most complete copy is."""
    by_id: dict[str, list[Occurrence]] = {}
    for number, record in enumerate(records):
        by_id.setdefault(record.id, []).append(Occurrence(record, (0, number)))
    resolved = [found for claimed_id, occurrences in by_id.items() for found in resolve(claimed_id, occurrences)]
    return [found.record for found in sorted(resolved, key=lambda found: found.position)]


def as_read(record: NoticeRecord, claimed_id: str) -> NoticeRecord:
    """A resolved record as its file gave it, before copies were gathered."""
    return replace(record, id=claimed_id, copies=[], conflicts=[])


def _group_copies(occurrences: list[Occurrence]) -> list[list[Occurrence]]:
    """Each occurrence joins the first group whose notice it is a copy of. Identical
    texts are compared once: a file of one notice repeated thousands of times is one text.
    A text's profile is made when another text is first compared with it: most ids held
    by several files have one text, and its profile was a third of the cost of weighing them."""
    groups: list[list[Occurrence]] = []
    by_text: dict[str, list[Occurrence]] = {}
    profiles: dict[str, _Profile] = {}

    def profile(record: NoticeRecord) -> _Profile:
        if record.text not in profiles:
            profiles[record.text] = _Profile.of(record)
        return profiles[record.text]

    for occurrence in occurrences:
        text = occurrence.record.text
        if text in by_text:
            by_text[text].append(occurrence)
            continue
        home = next(
            (group for group in groups if _same_notice(profile(group[0].record), profile(occurrence.record))), None
        )
        if home is None:
            home = []
            groups.append(home)
        home.append(occurrence)
        by_text[text] = home
    return groups


@dataclass(frozen=True)
class _Profile:
    """What telling two texts apart needs, computed once per distinct text."""

    shingles: frozenset[str]
    facts: frozenset[tuple]
    fields: dict[str, object]

    @classmethod
    def of(cls, record: NoticeRecord) -> _Profile:
        fields = {name: getattr(record, name) for name in AGREEING_FIELDS}
        return cls(_shingles(record.text), _fact_values(record), fields)


def _same_notice(a: _Profile, b: _Profile) -> bool:
    """Copies share nearly every sentence, and the shorter states nothing the longer does
    not: a cut-off copy holds fewer facts, a forged one a different fact."""
    shorter, longer = sorted((a, b), key=lambda profile: len(profile.shingles))
    if not shorter.shingles or len(shorter.shingles & longer.shingles) < NEAR_SAME * len(shorter.shingles):
        return False
    if not shorter.facts <= longer.facts:
        return False
    return all(a.fields[name] == b.fields[name] for name in AGREEING_FIELDS if a.fields[name] and b.fields[name])


def _shingles(text: str) -> frozenset[str]:
    compact = "".join(text.split())
    return frozenset(compact[start : start + SHINGLE] for start in range(max(1, len(compact) - SHINGLE + 1)))


def _fact_values(record: NoticeRecord) -> frozenset[tuple]:
    """Each fact as what it states, without where it was read or what the sentence covers."""
    return frozenset(
        (name, tuple(sorted(((key, value) for key, value in plain(fact).items() if key not in WHERE_READ), key=str)))
        for name in FACT_FIELDS
        for fact in getattr(record, name)
    )


def _completeness(occurrence: Occurrence) -> tuple:
    """The longest text, then the most facts; the earliest in input order of equals."""
    record = occurrence.record
    facts = sum(len(getattr(record, name)) for name in FACT_FIELDS)
    file_position, number = occurrence.position
    return len(record.text), facts, -file_position, -number


def _conflict_id(claimed_id: str, record: NoticeRecord) -> str:
    return f"{claimed_id}#{hashlib.sha256(record.text.encode()).hexdigest()[:CONFLICT_DIGITS]}"


def _copy(record: NoticeRecord) -> Copy:
    return Copy(**asdict(record.source))
