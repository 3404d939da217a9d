"""The SQLite database beside a run's outputs: notices, facts, references, edges, files.

Compliance officers query it without code (`policygraph show`, `implementers`, …); the
JSON files stay the interface for machines. Full-text search uses FTS5 trigrams, which
find any substring of three characters or more without segmenting Chinese into words.
Migrations are numbered SQL scripts applied in order, and the database records the last
one applied.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # only for hints: the query commands open the database without them
    from graph.copies import Occurrence
    from schema import NoticeRecord, Region
    from schema.models import Fact

DATABASE_NAME = "policygraph.sqlite"
INSERT_BATCH = 256  # files
IN_LIST_SIZE = 500  # values bound in one query, within the 999 that older SQLite builds allow
# SQLite's primary result code for a schema's faults (a table or column already there, or
# missing), which a database this version made does not have; a lock, a read-only file or a
# full disk have codes of their own.
SQLITE_ERROR = 1
FACT_TYPES = ("procurement_periods", "prepayments", "self_pay_adjustments", "price_caps")
# Typed columns every fact type may fill; the whole fact is kept as JSON beside them.
FACT_COLUMNS = (
    "months", "extension_months", "ratio", "mode", "population", "basis", "multiplier", "amount_yuan", "target",
)

MIGRATIONS: list[str] = [
    """
    CREATE TABLE files (path TEXT PRIMARY KEY, sha256 TEXT, status TEXT NOT NULL, error TEXT);
    CREATE TABLE notices (
        id TEXT PRIMARY KEY, file TEXT NOT NULL, doc_number TEXT, title TEXT, issuers TEXT NOT NULL,
        status TEXT NOT NULL, script TEXT NOT NULL, issue_date TEXT, effective_date TEXT,
        text TEXT NOT NULL, record TEXT NOT NULL
    );
    CREATE INDEX notices_file ON notices (file);
    CREATE INDEX notices_doc_number ON notices (doc_number);
    CREATE INDEX notices_issue_date ON notices (issue_date);
    CREATE TABLE facts (
        notice_id TEXT NOT NULL REFERENCES notices (id) ON DELETE CASCADE, type TEXT NOT NULL,
        months INTEGER, extension_months INTEGER, ratio REAL, mode TEXT, population TEXT, basis TEXT,
        multiplier REAL, amount_yuan REAL, target TEXT, scope TEXT,
        quote TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, fact TEXT NOT NULL
    );
    CREATE INDEX facts_type ON facts (type, notice_id);
    CREATE TABLE "references" (
        notice_id TEXT NOT NULL REFERENCES notices (id) ON DELETE CASCADE, relation TEXT NOT NULL,
        doc_number TEXT, title TEXT, code TEXT, quote TEXT NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL
    );
    CREATE INDEX references_notice ON "references" (notice_id);
    CREATE TABLE documents (
        node TEXT PRIMARY KEY, in_corpus INTEGER NOT NULL, doc_number TEXT, title TEXT, code TEXT
    );
    CREATE INDEX documents_doc_number ON documents (doc_number);
    CREATE TABLE edges (
        source TEXT NOT NULL, target TEXT NOT NULL, relation TEXT NOT NULL,
        quote TEXT, start INTEGER, "end" INTEGER, PRIMARY KEY (source, target, relation)
    );
    CREATE INDEX edges_target ON edges (target, relation);
    CREATE VIRTUAL TABLE notice_words USING fts5 (id UNINDEXED, title, text, tokenize = 'unicode61');
    """,
    # Trigrams instead of jieba words: substring search needs no segmentation, which cost
    # more than extraction itself (2.3 s of 5.7 s on 400 notices).
    """
    DROP TABLE notice_words;
    CREATE VIRTUAL TABLE notice_words USING fts5 (id UNINDEXED, title, text, tokenize = 'trigram');
    INSERT INTO notice_words SELECT id, coalesce(title, ''), text FROM notices;
    """,
    # Deleting a file's rows scanned the whole facts table and the whole text index per
    # file, which made a re-run over changed files quadratic. Facts get an index on their
    # notice, and each notice's index row shares the notice's rowid.
    """
    CREATE INDEX facts_notice ON facts (notice_id);
    DELETE FROM notice_words;
    INSERT INTO notice_words (rowid, id, title, text) SELECT rowid, id, coalesce(title, ''), text FROM notices;
    """,
    # The graph is resolved in the database rather than in memory, so that a run's
    # memory stays flat however large the batch. Resolution follows input order, which
    # files and notices now record, and documents and edges keep the order they were
    # found in. Their rows are kept, in the order they were written, so that a database
    # answers queries before its next run.
    """
    ALTER TABLE files ADD COLUMN position INTEGER;
    ALTER TABLE notices ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE ordered_documents (
        node TEXT PRIMARY KEY, position INTEGER NOT NULL, in_corpus INTEGER NOT NULL,
        doc_number TEXT, title TEXT, code TEXT
    );
    INSERT INTO ordered_documents SELECT node, rowid, in_corpus, doc_number, title, code FROM documents;
    DROP TABLE documents;
    ALTER TABLE ordered_documents RENAME TO documents;
    CREATE INDEX documents_doc_number ON documents (doc_number);
    CREATE TABLE ordered_edges (
        source TEXT NOT NULL, target TEXT NOT NULL, relation TEXT NOT NULL, position INTEGER NOT NULL,
        quote TEXT, start INTEGER, "end" INTEGER, PRIMARY KEY (source, target, relation)
    );
    INSERT INTO ordered_edges SELECT source, target, relation, rowid, quote, start, "end" FROM edges;
    DROP TABLE edges;
    ALTER TABLE ordered_edges RENAME TO edges;
    CREATE INDEX edges_target ON edges (target, relation);
    """,
    # The text index folds case itself (fold_case, also applied to queries) and asks FTS5
    # not to, and merges its segments less eagerly: indexing 10,000 notices took 1.0 s,
    # now 0.7 s, for the same answers and the same query speed.
    """
    DROP TABLE notice_words;
    CREATE VIRTUAL TABLE notice_words USING fts5 (
        id UNINDEXED, title, text, tokenize = 'trigram case_sensitive 1'
    );
    INSERT INTO notice_words (notice_words, rank) VALUES ('automerge', 8);
    INSERT INTO notice_words (rowid, id, title, text)
        SELECT rowid, id, fold_case(coalesce(title, '')), fold_case(text) FROM notices;
    """,
    # The text index gathers 16 MB of terms in memory before writing them out, not 1 MB:
    # fewer, larger segments to write and merge made indexing 10,000 notices 0.75 s → 0.55 s.
    """
    INSERT INTO notice_words (notice_words, rank) VALUES ('hashsize', 16777216);
    """,
    # The text index keeps no copy of the text (contentless): a search joins notices on
    # the rowid they share, and the notices table holds the text already. 40 MB of a 200 MB
    # database per 10,000 notices. A row is removed by repeating what was indexed.
    """
    DROP TABLE notice_words;
    CREATE VIRTUAL TABLE notice_words USING fts5 (
        title, text, tokenize = 'trigram case_sensitive 1', content = ''
    );
    INSERT INTO notice_words (notice_words, rank) VALUES ('automerge', 8);
    INSERT INTO notice_words (notice_words, rank) VALUES ('hashsize', 16777216);
    INSERT INTO notice_words (rowid, title, text)
        SELECT rowid, fold_case(coalesce(title, '')), fold_case(text) FROM notices;
    """,
    # Copies of one notice are one record: a notice keeps the id its file claimed (its
    # number) beside the id it was given, and every other file's copy is kept, as read,
    # so that the copies can be weighed again when a file changes or leaves the run.
    """
    ALTER TABLE notices ADD COLUMN copies TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE notices ADD COLUMN conflicts TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE notices ADD COLUMN claimed_id TEXT;
    UPDATE notices SET claimed_id = id;
    CREATE INDEX notices_claimed_id ON notices (claimed_id);
    CREATE TABLE copies (
        claimed_id TEXT NOT NULL, record_id TEXT, file TEXT NOT NULL, number INTEGER NOT NULL, line TEXT NOT NULL
    );
    CREATE INDEX copies_claimed_id ON copies (claimed_id);
    CREATE INDEX copies_file ON copies (file);
    """,
    # Where each issuer's notices apply, a row per record region in the record's order (the
    # first is the lead issuer's, the notice's own), so that a rollout reads provinces and
    # cities without parsing records. A document is also named by its procurement code, as
    # written in any case.
    """
    CREATE TABLE regions (
        notice_id TEXT NOT NULL REFERENCES notices (id) ON DELETE CASCADE, position INTEGER NOT NULL,
        level TEXT, province TEXT, city TEXT, county TEXT, element TEXT, quote TEXT, start INTEGER, "end" INTEGER
    );
    CREATE INDEX regions_notice ON regions (notice_id, position);
    CREATE INDEX regions_place ON regions (province, city);
    INSERT INTO regions
        SELECT n.id, region.key, json_extract(region.value, '$.level'), json_extract(region.value, '$.province'),
               json_extract(region.value, '$.city'), json_extract(region.value, '$.county'),
               json_extract(region.value, '$.evidence.element'), json_extract(region.value, '$.evidence.quote'),
               json_extract(region.value, '$.evidence.start'), json_extract(region.value, '$.evidence.end')
        FROM notices n, json_each(n.record, '$.regions') AS region;
    CREATE INDEX documents_code ON documents (code COLLATE NOCASE);
    """,
    # Each file's size and modification time when it was seen, and the digest of the
    # pipeline its rows came from: a re-run takes a file whose path, size and time are as
    # recorded, under the same pipeline, as the file those rows came from, without opening
    # it. A database from before has none of them, and its files are read.
    """
    ALTER TABLE files ADD COLUMN size INTEGER;
    ALTER TABLE files ADD COLUMN mtime_ns INTEGER;
    ALTER TABLE files ADD COLUMN pipeline TEXT;
    """,
    # The keys that identify each notice as a document (graph.identity), kept as the notice
    # is written: resolving the graph registered them by deriving them again from every
    # notice, 4 s of a day's increment beside 100,000. A notice written before has none
    # until graph.build derives them, once.
    """
    CREATE TABLE notice_keys (node TEXT NOT NULL, key TEXT NOT NULL, strong INTEGER NOT NULL);
    CREATE INDEX notice_keys_node ON notice_keys (node);
    """,
    # Documents and edges are read in the order the graph found them: resolving references,
    # and writing the graph's files. Without an index on their position, each of those reads
    # sorted the whole table first, references' quotes and all, in memory a run's peak felt.
    """
    CREATE INDEX documents_position ON documents (position);
    CREATE INDEX edges_position ON edges (position);
    """,
    # The index of keys the graph's resolution leaves behind (graph.build), which were
    # temporary tables: with it, and how far resolution numbered documents and edges, a run
    # that only appends notices resolves theirs alone, not the 100,000 before them again.
    # The weak keys that decided a reference (none or one node had them) are kept: a notice
    # appended with one could change what an earlier reference resolved to.
    """
    CREATE TABLE strong_keys (key TEXT PRIMARY KEY, node TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE weak_keys (key TEXT NOT NULL, node TEXT NOT NULL, PRIMARY KEY (key, node)) WITHOUT ROWID;
    CREATE TABLE decisive_weak_keys (key TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TABLE resolution (
        notices INTEGER NOT NULL, next_position INTEGER NOT NULL, next_edge_position INTEGER NOT NULL
    );
    """,
    # Each output file's size and modification time when written, as make and rsync judge
    # change (a copy that keeps them is the same file), and where each of its parts begins
    # and ends, as its writer marked them (graph.export): a run that finds one so, and only
    # appended notices, copies what it holds of the earlier notices (650 MB of notices.jsonl
    # beside 100,000) rather than writing it again from the rows.
    """
    CREATE TABLE outputs (
        name TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, marks TEXT NOT NULL DEFAULT '[]'
    );
    """,
    # What the manifest reads of each notice, in an index of its own: read from the table,
    # those columns come after the notice's text and record, and the manifest of 100,000
    # files walked 700 MB of rows to reach them (0.83 s of the query, now 0.49 s).
    """
    CREATE INDEX notices_manifest ON notices (file, position, id, conflicts);
    """,
]


class UnusableDatabase(sqlite3.DatabaseError):
    """A database no migration brings to this version: corrupt, foreign, made by a newer
    policygraph, or half-made by an older one. The database is derived data: a run sets it
    aside and builds it again."""


def connect(path: Path) -> sqlite3.Connection:
    """The database, migrated; UnusableDatabase when it cannot be."""
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    connection.create_function("fold_case", 1, fold_case, deterministic=True)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        migrate(connection)
    except sqlite3.Error as error:
        connection.close()
        if unusable(error) and not isinstance(error, UnusableDatabase):
            raise UnusableDatabase(str(error)) from error
        raise
    return connection


def unusable(error: sqlite3.Error) -> bool:
    """Whether the fault is the database file's rather than the machine's: a file that is
    not a database or is damaged, or a schema the migrations do not expect, and not a
    database that is locked, read-only or on a full disk. Python 3.10 does not tell a
    schema's errors from the machine's; there they are taken for the machine's."""
    if isinstance(error, sqlite3.OperationalError):
        code = getattr(error, "sqlite_errorcode", None)
        return code is not None and code & 0xFF == SQLITE_ERROR
    return isinstance(error, sqlite3.DatabaseError)


def fold_case(text: str) -> str:
    """Text as the full-text index holds it and queries look for it."""
    return text.lower()


def migrate(connection: sqlite3.Connection) -> int:
    """Apply the migrations the database has not seen; returns its version after.

    They are one transaction, the new version included (SQLite's schema changes and
    user_version are transactional): migrating killed or failing midway leaves the
    database as it was, where a migration committed a statement at a time left one that
    no later run could migrate. One commit, not one per migration, also makes a new
    database in 40 ms rather than 160 (a commit waits for the disk)."""
    version = _version(connection)
    if version == len(MIGRATIONS):
        return version
    pending = "\n".join(MIGRATIONS[version:])
    try:
        connection.executescript(f"BEGIN;\n{pending}\nPRAGMA user_version = {len(MIGRATIONS)};\nCOMMIT;")
    except sqlite3.Error:
        connection.rollback()
        raise
    return len(MIGRATIONS)


def _version(connection: sqlite3.Connection) -> int:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise UnusableDatabase(f"made by a newer policygraph: version {version}, this one knows {len(MIGRATIONS)}")
    return version


NOTICE_COLUMNS = (
    "id", "file", "doc_number", "title", "issuers", "status", "script", "issue_date", "effective_date", "text",
    "record", "copies", "conflicts",
)  # fmt: skip
FILE, TITLE, TEXT, RECORD = (NOTICE_COLUMNS.index(name) for name in ("file", "title", "text", "record"))
# A record's line, and a fact's JSON, arrive as UTF-8 bytes and are kept as text, as they
# were before (a cast from bytes to text is no work for SQLite: both are the same bytes).
AS_TEXT = "CAST(? AS TEXT)"
INSERTS = (
    f"INSERT INTO notices (rowid, {', '.join(NOTICE_COLUMNS)}, position, claimed_id) "
    f"VALUES (?, {', '.join(AS_TEXT if name == 'record' else '?' for name in NOTICE_COLUMNS)}, ?, ?)",
    "INSERT INTO notice_words (rowid, title, text) VALUES (?, ?, ?)",
    f"INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, {AS_TEXT})",
    'INSERT INTO "references" VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    f"INSERT INTO copies VALUES (?, ?, ?, ?, {AS_TEXT})",
    "INSERT INTO regions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "INSERT INTO notice_keys VALUES (?, ?, ?)",
)


@dataclass(frozen=True)
class NoticeRows:
    """A notice as database rows, made where the record is made (in a worker), so that the
    process writing the database only inserts them. The text index's row is made by that
    process: folding case is cheaper than sending the text a second time."""

    notice: tuple  # NOTICE_COLUMNS
    facts: list[tuple]
    references: list[tuple]
    regions: list[tuple]
    keys: list[tuple]  # (node, key, strong): what identifies the notice as a document


def notice_rows(record: NoticeRecord, line: bytes) -> NoticeRows:
    """`line` is the record as JSON in UTF-8, as notices.jsonl holds it. The codec is
    imported here, where records are: the query commands open the database without it."""
    from schema.codec import record_line

    issuers = json.dumps(record.issuers, ensure_ascii=False)
    return NoticeRows(
        notice=(
            record.id, record.source.file, record.doc_number, record.title, issuers, record.status, record.script,
            _iso(record.issue_date), _iso(record.effective_date), record.text, line,
            json.dumps([copy.file for copy in record.copies], ensure_ascii=False), json.dumps(record.conflicts),
        ),
        facts=[_fact_row(record.id, kind, fact, record_line(fact))
               for kind in FACT_TYPES for fact in getattr(record, kind)],
        references=[
            (record.id, ref.relation, ref.doc_number, ref.title, ref.code, ref.evidence.quote, ref.evidence.start,
             ref.evidence.end)
            for ref in record.references
        ],
        regions=[_region_row(record.id, position, region) for position, region in enumerate(record.regions)],
        keys=key_rows(record.id, record.doc_number, record.title, record.issuers),
    )  # fmt: skip


def key_rows(node: str, doc_number: str | None, title: str | None, issuers: list[str]) -> list[tuple]:
    """(node, key, strong) of each key that identifies a notice as a document. graph.identity
    is imported here: the query commands, which never write, are spared its patterns."""
    from graph.identity import document_keys

    strong, weak = document_keys(doc_number, None, title, issuers)
    return [(node, key, True) for key in strong] + ([(node, weak, False)] if weak else [])


def _region_row(notice_id: str, position: int, region: Region) -> tuple:
    evidence = region.evidence
    where = (evidence.element, evidence.quote, evidence.start, evidence.end) if evidence else (None,) * 4
    return (notice_id, position, region.level, region.province, region.city, region.county, *where)


@dataclass(frozen=True)
class _WaitingFile:
    entry: dict
    reused: bool
    rows: Iterable[NoticeRows]
    position: int
    seen: tuple[int, int] | None  # size and mtime_ns, before it was read


class RecordedFile(NamedTuple):
    """What the database holds of a file: its manifest entry, as it was seen when read,
    and the pipeline its rows came from."""

    path: str
    sha256: str | None
    status: str
    error: str | None
    size: int | None
    mtime_ns: int | None
    pipeline: str | None


def recorded_files(connection: sqlite3.Connection, paths: Iterable[str]) -> Iterator[RecordedFile]:
    """The database's record of each of `paths` it holds, in no particular order."""
    query = "SELECT path, sha256, status, error, size, mtime_ns, pipeline FROM files WHERE path IN ({marks})"
    return (RecordedFile(*row) for row in select_in(connection, query, paths))


# Whether a file's rows can stand for it unchanged is asked of every file a re-run holds
# (100,000 in a day's increment), so the database answers it: the file was cached (one never
# read has no digest), by `:pipeline`, and not cut short by a time limit (`:retried` begins
# the error of a file tried again under a larger one).
FILES_IN_ORDER = """
    SELECT path, size, mtime_ns, position,
        sha256 IS NOT NULL AND pipeline IS :pipeline AND coalesce(substr(error, 1, length(:retried)) != :retried, 1)
    FROM files ORDER BY position"""


def files_in_order(connection: sqlite3.Connection, pipeline: str, retried: str) -> sqlite3.Cursor:
    """Every file the database holds, in the order of the run that wrote it (its inputs'
    order): its path, size, modification time and position, and whether its rows can stand
    for it (FILES_IN_ORDER). Rows are plain tuples: a daily increment reads 100,000 of them."""
    cursor = connection.cursor()
    cursor.row_factory = None
    return cursor.execute(FILES_IN_ORDER, {"pipeline": pipeline, "retried": retried})


class DatabaseUpdate:
    """A run's changes, file by file, in one transaction.

    Only files the run did not reuse unchanged are rewritten; every file of the run gets
    its position in the run, written only where it moved. Files the run no longer holds
    are named by the caller (`drop`), and dropped at the end. Files wait until a few
    hundred have come, and are then looked up and inserted together, one statement per
    table: nothing is kept in memory beyond them.

    A notice whose id is new is inserted as it came. One whose id another file (or an
    earlier notice of its file) already claims is set aside as a copy, and at the end
    every id with more than one claimant is resolved: one record of the most complete
    copy, or one record per distinct text (graph.copies).

    The update also tells whether it only appended notices after every notice the database
    held, leaving those as they were (`appended_from`): the graph then resolves the new
    ones alone. Files come in their paths' order (policygraph.inputs), so the files the
    database keeps keep their order among themselves.
    """

    def __init__(self, connection: sqlite3.Connection, pipeline: str | None = None) -> None:
        """`pipeline` is the digest of the pipeline that made the files' results: a file
        reused unchanged keeps its rows only if they came from that same pipeline."""
        self.connection = connection
        self.pipeline = pipeline
        self.files = 0
        self.files_kept = 0  # taken as held, without being read
        self.next_rowid = connection.execute("SELECT coalesce(max(rowid), 0) + 1 FROM notices").fetchone()[0]
        self.waiting: list[_WaitingFile] = []
        self.contested: set[str] = set()  # claimed ids whose claimants must be weighed again
        self.first_rowid = self.next_rowid  # of the notices this run writes
        self.first_copy_rowid = connection.execute("SELECT coalesce(max(rowid), 0) + 1 FROM copies").fetchone()[0]
        self.only_appended = True
        self.last_kept: int | None = None  # the position of the last file whose rows stay
        self.first_written: int | None = None  # of the first file whose notices the run wrote
        self.moved: list[tuple[int, str]] = []  # kept files' new positions, waiting
        self.held_in_place = True  # every file held before the run is kept, where it was

    def drop(self, paths: Iterable[str]) -> None:
        """Files the database holds that are not in this run: they go at the end (`finish`),
        when a copy elsewhere of one of their notices can take its place."""
        gone = [(path,) for path in paths]
        self.held_in_place = self.held_in_place and not gone
        self.connection.executemany("UPDATE files SET position = NULL WHERE path = ?", gone)

    def keep(self, held_at: int, path: str) -> None:
        """A file the run takes as the database holds it (policygraph.unchanged), at `held_at`
        in the run that wrote it: nothing is written unless it moved. Of 100,000 files a day's
        increment keeps, writing each one's position cost 1 s."""
        position = self.files
        self.files += 1
        self.files_kept += 1
        self.last_kept = position
        if held_at != position:
            self.held_in_place = False
            self.moved.append((position, path))
            if len(self.moved) >= INSERT_BATCH:
                self.flush()

    def add_file(
        self,
        entry: dict,
        reused: bool,
        rows: Iterable[NoticeRows],
        seen: tuple[int, int] | None = None,
    ) -> None:
        """`entry` is the file's manifest entry; `reused`, whether the run took it from its
        cache; `rows` is only read when the file's rows must be written; `seen`, the file's
        size and modification time (st_mtime_ns) from before it was read."""
        self.waiting.append(_WaitingFile(entry, reused, rows, self.files, seen))
        self.files += 1
        if len(self.waiting) >= INSERT_BATCH:
            self.flush()

    def flush(self) -> None:
        """The waiting files, in order: a file reused unchanged only takes its new position;
        any other replaces what the database held for its path. Kept files that moved take
        their new positions."""
        waiting, self.waiting = self.waiting, []
        self.connection.executemany("UPDATE files SET position = ? WHERE path = ?", self.moved)
        self.moved = []
        paths = [file.entry["path"] for file in waiting]
        known = {file.path: file for file in recorded_files(self.connection, paths)}
        batch = _PendingRows()
        arriving: list[tuple[int, NoticeRows]] = []
        for file in waiting:
            path, sha256, status, error = (file.entry[key] for key in ("path", "sha256", "status", "error"))
            size, mtime_ns = file.seen or (None, None)
            held = known.get(path)
            self.held_in_place = self.held_in_place and not held
            if file.reused and held and (held.sha256, held.pipeline) == (sha256, self.pipeline):
                batch.positions.append((file.position, status, error, size, mtime_ns, path))
                self.last_kept = file.position
                continue
            if held:
                self._forget_file(path)
            batch.files.append((path, sha256, status, error, file.position, size, mtime_ns, self.pipeline))
            notices = len(arriving)
            arriving += enumerate(file.rows)
            if self.first_written is None and len(arriving) > notices:
                self.first_written = file.position
        claimed = self._claimed({rows.notice[0] for _, rows in arriving})
        for number, rows in arriving:
            claimed_id = rows.notice[0]
            if claimed_id in claimed:
                batch.copies.append((claimed_id, None, rows.notice[FILE], number, rows.notice[RECORD]))
                self.contested.add(claimed_id)
                continue
            claimed.add(claimed_id)
            batch.add(self.next_rowid, rows, number)
            self.next_rowid += 1
        self._insert(batch)

    def _claimed(self, ids: set[str]) -> set[str]:
        """Which of `ids` a notice or a copy already in the database claims."""
        return {
            claimed_id
            for table in ("notices", "copies")
            for (claimed_id,) in select_in(
                self.connection, f"SELECT DISTINCT claimed_id FROM {table} WHERE claimed_id IN ({{marks}})", ids
            )
        }

    def _insert(self, batch: _PendingRows) -> None:
        self.connection.executemany(  # the manifest says what this run made of the file, as seen now
            "UPDATE files SET position = ?, status = ?, error = ?, size = ?, mtime_ns = ? WHERE path = ?",
            batch.positions,
        )
        self.connection.executemany(
            "INSERT INTO files (path, sha256, status, error, position, size, mtime_ns, pipeline) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            batch.files,
        )
        for statement, rows in zip(INSERTS, batch.tables(), strict=True):
            self.connection.executemany(statement, rows)

    def finish(self) -> None:
        """Drops the files this run did not read and resolves the contested ids; the
        caller rebuilds the graph and commits."""
        self.flush()
        self.only_appended = self.only_appended and not self._kept_after_written()
        gone = [row["path"] for row in self.connection.execute("SELECT path FROM files WHERE position IS NULL")]
        for path in gone:
            self._forget_file(path)
        self.only_appended = self.only_appended and not self._contests_held_notices()
        for claimed_id in sorted(self.contested):
            self._resolve(claimed_id)

    @property
    def files_as_held(self) -> int | None:
        """How many files, the first in order, the database holds as it held them before the
        run, their notices too: none of those files moved, changed or left, and the run only
        appended notices; None if it did anything else."""
        return self.files_kept if self.held_in_place and self.only_appended else None

    @property
    def appended_from(self) -> int | None:
        """The first rowid of the notices this run wrote, if all it did to the notices was
        to add them after every notice the database held; None if it did anything else."""
        return self.first_rowid if self.only_appended else None

    def _kept_after_written(self) -> bool:
        """Whether notices the database keeps come after notices the run wrote."""
        kept, written = self.last_kept, self.first_written
        return kept is not None and written is not None and kept > written

    def _forget_file(self, path: str) -> None:
        """A copy elsewhere of a notice of this file may have to take its place."""
        for table in ("notices", "copies"):
            contested = self.connection.execute(f"SELECT DISTINCT claimed_id FROM {table} WHERE file = ?", (path,))
            claimed_ids = {claimed_id for (claimed_id,) in contested}
            self.only_appended = self.only_appended and not claimed_ids
            self.contested |= claimed_ids
        _forget_file(self.connection, path)

    def _contests_held_notices(self) -> bool:
        """Whether an id a notice or copy held before the run claims is contested. Asked while
        nothing held was forgotten, when the rows this run wrote are those of the larger rowids."""
        firsts = (("notices", self.first_rowid), ("copies", self.first_copy_rowid))
        return any(
            next(select_in(self.connection, HELD_CLAIMS.format(table=table, first=first), self.contested), None)
            for table, first in firsts
        )

    def _resolve(self, claimed_id: str) -> None:
        """The claimed id's records, weighed again. A record whose title and text are those
        of a notice already held under the id keeps that notice's rowid and its row of the
        text index: most copies are the same text, whose index row was written once and
        stays (deleting and writing it again cost a third of a run where ids repeat)."""
        from graph.copies import resolve
        from schema.codec import record_line

        if self.connection.execute(STANDS_AS_READ, {"id": claimed_id}).fetchone()[0]:
            return
        occurrences = _occurrences(self.connection, claimed_id)
        indexed = {
            (title or "", text): rowid
            for rowid, title, text in self.connection.execute(
                "SELECT rowid, title, text FROM notices WHERE claimed_id = ?", (claimed_id,)
            )
        }
        batch = _PendingRows()
        for resolved in resolve(claimed_id, occurrences):
            record, (_, number) = resolved.record, resolved.position
            kept = indexed.get((record.title or "", record.text))
            if kept is None or kept in batch.rowids:
                batch.add(self.next_rowid, notice_rows(record, record_line(record)), number, claimed_id)
                self.next_rowid += 1
            else:
                batch.add(kept, notice_rows(record, record_line(record)), number, claimed_id, indexed=True)
            batch.copies += [
                (claimed_id, record.id, copy.record.source.file, copy.position[1], record_line(copy.record))
                for copy in resolved.copies
            ]
        _forget_notices(self.connection, "claimed_id", claimed_id, keep_indexed=batch.rowids)
        self._insert(batch)


# Whether a row written before the run claims one of the ids `marks` stands for.
HELD_CLAIMS = "SELECT 1 FROM {table} WHERE claimed_id IN ({{marks}}) AND rowid < {first} LIMIT 1"
# Whether an id needs no weighing: no notice claims it any more, or one notice alone does
# and stands as its file gave it.
STANDS_AS_READ = """
    SELECT NOT EXISTS (SELECT 1 FROM copies WHERE claimed_id = :id)
       AND (SELECT count(*) FROM notices WHERE claimed_id = :id) <= 1
       AND NOT EXISTS (SELECT 1 FROM notices WHERE claimed_id = :id
                       AND (id != :id OR copies != '[]' OR conflicts != '[]'))"""
# Every notice read with an id, as its file gave it, where the run puts it.
OCCURRENCES = """
    SELECT n.record, f.position, n.position FROM notices n JOIN files f ON f.path = n.file WHERE n.claimed_id = :id
    UNION ALL
    SELECT c.line, f.position, c.number FROM copies c JOIN files f ON f.path = c.file WHERE c.claimed_id = :id"""


def _occurrences(connection: sqlite3.Connection, claimed_id: str) -> list[Occurrence]:
    from graph.copies import Occurrence, as_read
    from schema.codec import read_record

    return [
        Occurrence(as_read(read_record(line), claimed_id), (file_position, number))
        for line, file_position, number in connection.execute(OCCURRENCES, {"id": claimed_id})
    ]


@dataclass
class _PendingRows:
    positions: list[tuple] = field(default_factory=list)
    files: list[tuple] = field(default_factory=list)
    notices: list[tuple] = field(default_factory=list)
    words: list[tuple] = field(default_factory=list)
    facts: list[tuple] = field(default_factory=list)
    references: list[tuple] = field(default_factory=list)
    copies: list[tuple] = field(default_factory=list)
    regions: list[tuple] = field(default_factory=list)
    keys: list[tuple] = field(default_factory=list)
    rowids: set[int] = field(default_factory=set)  # of the notices

    def add(
        self, rowid: int, rows: NoticeRows, position: int, claimed_id: str | None = None, indexed: bool = False
    ) -> None:
        """`claimed_id`, where it is not the notice's own id; `indexed`, when the text index
        holds the notice's title and text under `rowid` already."""
        notice = rows.notice
        self.notices.append((rowid, *notice, position, claimed_id or notice[0]))
        self.rowids.add(rowid)
        if not indexed:
            self.words.append((rowid, fold_case(notice[TITLE] or ""), fold_case(notice[TEXT])))
        self.facts += rows.facts
        self.references += rows.references
        self.regions += rows.regions
        self.keys += rows.keys

    def tables(self) -> tuple[list[tuple], ...]:
        """The rows in the order of INSERTS."""
        return self.notices, self.words, self.facts, self.references, self.copies, self.regions, self.keys


NOTICE_LINES = """
    SELECT CAST(n.record AS BLOB) FROM notices n JOIN files f ON f.path = n.file ORDER BY f.position, n.position"""
APPENDED_LINES = """
    SELECT CAST(n.record AS BLOB) FROM notices n JOIN files f ON f.path = n.file WHERE n.rowid >= ?
    ORDER BY f.position, n.position"""
# Each file with the ids of the notices read from it, whether a record or a copy, by their
# place in the file; a file without notices of its own has a row of nulls too. Each half
# filters the files itself: joined to a union, the filter came after the whole union was
# made (0.15 s for the 20 entries of a day's increment beside 100,000 files).
FILE_NOTICES = """
    SELECT f.path, f.sha256, f.status, f.error, n.id, n.conflicts != '[]', f.position AS file_position,
        n.position AS number
    FROM files f LEFT JOIN notices n ON n.file = f.path WHERE f.position >= :first
    UNION ALL
    SELECT f.path, f.sha256, f.status, f.error, c.record_id, n.conflicts != '[]', f.position, c.number
    FROM files f JOIN copies c ON c.file = f.path JOIN notices n ON n.id = c.record_id WHERE f.position >= :first
    ORDER BY file_position, number"""


def notice_lines(connection: sqlite3.Connection, appended_from: int | None = None) -> Iterator[bytes]:
    """Every record as a line of notices.jsonl, in UTF-8, in input order; or those from the
    rowid `appended_from` on (DatabaseUpdate.appended_from), which come after all the others."""
    if appended_from is None:
        return (line for (line,) in connection.execute(NOTICE_LINES))
    return (line for (line,) in connection.execute(APPENDED_LINES, (appended_from,)))


class WrittenOutput(NamedTuple):
    """An output file as the run that wrote it left it, and the byte offsets its writer marked."""

    size: int
    mtime_ns: int
    marks: list[int]


def written_output(connection: sqlite3.Connection, name: str) -> WrittenOutput | None:
    """The output `name` as the run that wrote this database's rows left it."""
    row = connection.execute("SELECT size, mtime_ns, marks FROM outputs WHERE name = ?", (name,)).fetchone()
    return WrittenOutput(row[0], row[1], json.loads(row[2])) if row else None


def record_output(connection: sqlite3.Connection, path: Path, marks: list[int] | None = None) -> None:
    """The output at `path` as just written, for the next run to tell whether it still is."""
    status = path.stat()
    written = (path.name, status.st_size, status.st_mtime_ns, json.dumps(marks or []))
    connection.execute("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?)", written)


def forget_output(connection: sqlite3.Connection, name: str) -> None:
    """The output `name` is being written again: until it is recorded, it is written whole."""
    connection.execute("DELETE FROM outputs WHERE name = ?", (name,))


def manifest_entries(connection: sqlite3.Connection, first: int = 0) -> Iterator[dict]:
    """Each file's manifest entry, in input order, from the `first` file on: a file whose
    notices are all copies of notices read elsewhere lists their records' ids."""
    entry: dict | None = None
    rows = connection.execute(FILE_NOTICES, {"first": first})
    for path, sha256, status, error, notice_id, conflict, *_ in rows:
        if entry is None or entry["path"] != path:
            if entry is not None:
                yield entry
            entry = {"path": path, "sha256": sha256, "status": status, "error": error, "notices": [], "conflict": False}
        if notice_id is not None:
            entry["notices"].append(notice_id)
            entry["conflict"] = entry["conflict"] or bool(conflict)
    if entry is not None:
        yield entry


def file_statuses(connection: sqlite3.Connection) -> Counter[str]:
    """How many files have each status."""
    return Counter(dict(connection.execute("SELECT status, count(*) FROM files GROUP BY status")))


def counts(connection: sqlite3.Connection) -> tuple[int, int]:
    """The records and the facts they state (references among them)."""
    notices = connection.execute("SELECT count(*) FROM notices").fetchone()[0]
    facts = connection.execute('SELECT (SELECT count(*) FROM facts) + (SELECT count(*) FROM "references")')
    return notices, facts.fetchone()[0]


def select_in(connection: sqlite3.Connection, query: str, values: Iterable, mark: str = "?") -> Iterator[tuple]:
    """`query`'s rows for a list of values, its `{marks}` a mark per value, a few hundred
    values at a time. Bound, not passed as one JSON array: json_each cuts text at a NUL."""
    values = iter(values)
    while chunk := list(islice(values, IN_LIST_SIZE)):
        yield from connection.execute(query.format(marks=", ".join([mark] * len(chunk))), chunk)


def _forget_file(connection: sqlite3.Connection, path: str) -> None:
    _forget_notices(connection, "file", path)
    connection.execute("DELETE FROM files WHERE path = ?", (path,))


def _forget_notices(
    connection: sqlite3.Connection, column: str, value: str, keep_indexed: set[int] | frozenset[int] = frozenset()
) -> None:
    """The notices and copies whose `column` (file or claimed_id, indexed in both) is `value`;
    the text index keeps the rows of `keep_indexed`, whose notices come back with the same words."""
    rowids = [
        row for row in connection.execute(f"SELECT rowid FROM notices WHERE {column} = ?", (value,))
        if row[0] not in keep_indexed
    ]
    _forget_words(connection, rowids)
    connection.execute(f"DELETE FROM notice_keys WHERE node IN (SELECT id FROM notices WHERE {column} = ?)", (value,))
    connection.execute(f"DELETE FROM notices WHERE {column} = ?", (value,))
    connection.execute(f"DELETE FROM copies WHERE {column} = ?", (value,))


def _forget_words(connection: sqlite3.Connection, rowids: list[tuple[int]]) -> None:
    """Before the notices go: the contentless index forgets a row when told the values it
    indexed, which are the notice's, folded as they were. One rowid at a time: FTS5 scans
    its whole table for `rowid IN (SELECT …)`, which made every insert cost more than the last."""
    connection.executemany(
        """INSERT INTO notice_words (notice_words, rowid, title, text)
           SELECT 'delete', rowid, fold_case(coalesce(title, '')), fold_case(text) FROM notices WHERE rowid = ?""",
        rowids,
    )


def _fact_row(notice_id: str, fact_type: str, fact: Fact, encoded: bytes) -> tuple:
    evidence = fact.evidence  # the typed columns hold scalars, the same in Python and in JSON
    return (
        notice_id, fact_type, *(getattr(fact, column, None) for column in FACT_COLUMNS), fact.scope, evidence.quote,
        evidence.start, evidence.end, encoded,
    )  # fmt: skip


def _iso(value: object) -> str | None:
    return value.isoformat() if value else None
