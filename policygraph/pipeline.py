"""A run: every input file through ingest and extraction, then the graph and the outputs.

One bad file never stops a batch: whatever goes wrong with a file becomes its entry in
the manifest, and the run goes on.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from graph.build import build_graph
from graph.export import graphml, node_link_json
from ingest.decode import MAX_BYTES, TOO_LARGE, DecodeError, decode_bytes
from policygraph.inputs import InputFile, collect
from policygraph.outputs import json_text, write_atomically
from policygraph.records import notice_records
from schema import NoticeRecord

MANIFEST_VERSION = "1"


@dataclass
class FileOutcome:
    file: str
    sha256: str | None
    status: str  # ok, failed, skipped
    error: str | None = None
    notices: list[NoticeRecord] = field(default_factory=list)

    def manifest_entry(self) -> dict:
        return {
            "path": self.file,
            "sha256": self.sha256,
            "status": self.status,
            "error": self.error,
            "notices": [record.id for record in self.notices],
        }


@dataclass(frozen=True)
class RunSummary:
    files: int
    notices: int
    facts: int
    failed: int
    skipped: int
    seconds: float

    def line(self) -> str:
        return (
            f"{self.files} files, {self.notices} notices, {self.facts} facts, "
            f"{self.failed} failed, {self.skipped} skipped in {self.seconds:.1f} s"
        )


def process_file(item: InputFile) -> FileOutcome:
    if item.skip_reason:
        return FileOutcome(item.shown_as, None, "skipped", item.skip_reason)
    try:
        size = item.path.stat().st_size
        if size > MAX_BYTES:
            return FileOutcome(item.shown_as, None, "failed", TOO_LARGE.format(size=size, limit=MAX_BYTES))
        data = item.path.read_bytes()
    except OSError as error:
        return FileOutcome(item.shown_as, None, "failed", f"cannot read file: {error.strerror or error}")
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        source = decode_bytes(data, item.path.name)
        records = notice_records(source.text, item.shown_as, sha256)
    except DecodeError as error:
        return FileOutcome(item.shown_as, sha256, "failed", str(error))
    except Exception as error:  # one bad file must not stop the batch
        return FileOutcome(item.shown_as, sha256, "failed", f"internal error: {type(error).__name__}: {error}")
    if not records:
        return FileOutcome(item.shown_as, sha256, "failed", "no notice text found in the file")
    return FileOutcome(item.shown_as, sha256, "ok", notices=records)


def run(inputs: list[str], out: Path, progress: bool = False) -> RunSummary:
    started = time.perf_counter()
    items = collect(inputs)
    outcomes = [process_file(item) for item in tqdm(items, disable=not progress, unit="file", leave=False)]
    records = [record for outcome in outcomes for record in outcome.notices]
    _write_outputs(out, outcomes, records)
    return RunSummary(
        files=len(outcomes),
        notices=len(records),
        facts=sum(_fact_count(record) for record in records),
        failed=sum(outcome.status == "failed" for outcome in outcomes),
        skipped=sum(outcome.status == "skipped" for outcome in outcomes),
        seconds=time.perf_counter() - started,
    )


def _write_outputs(out: Path, outcomes: list[FileOutcome], records: list[NoticeRecord]) -> None:
    """Notices and graph first, the manifest last: a manifest vouches for complete outputs."""
    graph = build_graph(records)
    lines = "".join(record.model_dump_json() + "\n" for record in records)
    write_atomically(out / "notices.jsonl", lines)
    write_atomically(out / "graph.json", node_link_json(graph))
    write_atomically(out / "graph.graphml", graphml(graph))
    manifest = {"manifest_version": MANIFEST_VERSION, "files": [outcome.manifest_entry() for outcome in outcomes]}
    write_atomically(out / "manifest.json", json_text(manifest))


def _fact_count(record: NoticeRecord) -> int:
    return sum(
        len(getattr(record, name))
        for name in ("procurement_periods", "prepayments", "self_pay_adjustments", "price_caps", "references")
    )
