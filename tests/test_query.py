"""The database and its queries, checked against the networkx graph of the same run."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from itertools import islice, product
from pathlib import Path
from string import ascii_lowercase, digits

import networkx as nx
import pytest

from graph import query, store
from policygraph.cli import main
from policygraph.pipeline import run
from tests.conftest import CORPUS

PROVINCIAL = "鲁医保函〔2024〕28号"
CITY = "聊医保函〔2024〕13号"
THOUSAND_TERMS = " ".join(islice(map("".join, product(ascii_lowercase + digits, repeat=2)), 1000))


@pytest.fixture(scope="module")
def database(corpus_run: Path):
    connection = store.connect(corpus_run / store.DATABASE_NAME)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def linking_graph(corpus_run: Path) -> nx.DiGraph:
    data = json.loads((corpus_run / "graph.json").read_text(encoding="utf-8"))
    graph = nx.node_link_graph(data, edges="edges")
    linking = [(s, t) for s, t, d in graph.edges(data=True) if d["relation"] in query.LINKING_RELATIONS]
    return nx.DiGraph(linking)


@pytest.mark.parametrize("written", [PROVINCIAL, "魯醫保函[2024]28號", "鲁医保函（2024）28号", "鲁医保函【2024】第28号"])
def test_a_document_is_found_however_its_number_is_written(database, written: str) -> None:
    assert query.resolve(database, written).node == PROVINCIAL


def test_a_document_is_found_by_title_words(database) -> None:
    assert query.resolve(database, "冠脉支架 期满接续").doc_number == "辽医保〔2022〕80号"


def test_implementers_equal_the_graphs_ancestors(database, linking_graph: nx.DiGraph) -> None:
    for node in linking_graph.nodes:
        found = {row["node"] for row in query.implementers(database, node)}
        assert found == nx.ancestors(linking_graph, node), node
    assert [row["node"] for row in query.implementers(database, PROVINCIAL)] == [CITY]


def test_chain_equals_the_graphs_descendants(database, linking_graph: nx.DiGraph) -> None:
    for node in linking_graph.nodes:
        assert {row["node"] for row in query.chain(database, node)} == nx.descendants(linking_graph, node), node
    assert query.chain(database, CITY)[0]["node"] == PROVINCIAL


def test_show_gives_facts_and_both_directions(database) -> None:
    shown = query.show(database, PROVINCIAL)
    assert shown["issue_date"] == "2024-05-22"
    assert [cap["basis"] for cap in shown["price_caps"]] == ["selected_price", "max_selected_price", "selected_price"]
    assert {(link["node"], link["relation"]) for link in shown["referenced_by"]} == {(CITY, "forwards"), (CITY, "cites")}
    assert {link["relation"] for link in shown["references_documents"]} == {"implements"}


def test_facts_compare_across_notices(database) -> None:
    rows = query.facts(database, "prepayments")
    assert [(row["doc_number"], row["ratio"]) for row in rows] == [
        ("晋医保发〔2021〕22号", 0.5), ("晋医保发〔2021〕22号", 0.3), ("辽医保〔2022〕80号", 0.5), (None, 0.5),
    ]  # fmt: skip
    assert [row["ratio"] for row in query.facts(database, "prepayments", issuer="山西")] == [0.5, 0.3]
    assert [row["ratio"] for row in query.facts(database, "prepayments", issuer="重慶")] == [0.5]
    since = query.facts(database, "procurement_periods", since="2024-01-01", until="2024-12-31")
    assert [row["months"] for row in since] == [24, 12]


def test_search_in_either_script(database) -> None:
    assert [row["doc_number"] for row in query.search(database, "冠脉支架")] == ["辽医保〔2022〕80号"]
    assert [row["doc_number"] for row in query.search(database, "冠脈支架")] == ["辽医保〔2022〕80号"]


@pytest.mark.parametrize("code", ["ZJHCCG-2024-01", "zjhccg-2024-01", "ＺＪＨＣＣＧ"])
def test_search_ignores_the_case_of_latin_letters(database, code: str) -> None:
    assert [row["id"] for row in query.search(database, code)] == [
        row["id"] for row in query.search(database, "ZJHCCG-2024-01")
    ] != []


@pytest.mark.parametrize("code", ["GH-HD2023-1", "gh-hd2023-1", "ＧＨ-ＨＤ2023-1"])
def test_a_document_is_found_by_its_procurement_code_in_any_case(database, code: str) -> None:
    assert query.resolve(database, code).node == "ref:GH-HD2023-1"


def test_every_issuers_region_is_a_row_of_the_database(database) -> None:
    rows = database.execute(
        "SELECT position, level, province, city, quote FROM regions WHERE notice_id = ? ORDER BY position", (CITY,)
    )
    assert [tuple(row) for row in rows] == [(0, "city", "山东省", "聊城市", "聊城市医疗保障局")]
    total = database.execute("SELECT count(*) FROM regions").fetchone()[0]
    assert total == sum(len(json.loads(line)["regions"]) for line in store.notice_lines(database))


def test_unknown_document_is_an_error(database) -> None:
    with pytest.raises(query.NotFound):
        query.resolve(database, "不存在的文件")


def test_database_follows_the_corpus_incrementally(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(CORPUS, folder)
    out = tmp_path / "out"
    run([str(folder)], out)
    (folder / "003_0cd56fd91030d65d.txt").unlink()
    text = (folder / "001_5bd8d455ddfe790f.txt").read_text(encoding="utf-8")
    (folder / "001_5bd8d455ddfe790f.txt").write_text(text.replace("采购周期为三年", "采购周期为两年"), encoding="utf-8")
    run([str(folder)], out)
    connection = store.connect(out / store.DATABASE_NAME)
    try:
        assert query.facts(connection, "prepayments", issuer="山西") == []
        assert [row["months"] for row in query.facts(connection, "procurement_periods", issuer="辽宁")] == [24]
        assert connection.execute("SELECT COUNT(*) FROM notices").fetchone()[0] == 5
    finally:
        connection.close()


def test_migrations_bring_a_database_to_the_last_version(tmp_path: Path) -> None:
    connection = store.connect(tmp_path / "new.sqlite")
    try:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == len(store.MIGRATIONS)
        assert store.migrate(connection) == len(store.MIGRATIONS)
    finally:
        connection.close()


def test_a_database_of_an_earlier_version_keeps_its_graph(tmp_path: Path) -> None:
    """Upgrading policygraph must not leave an existing database unanswerable until the next run."""
    with closing(sqlite3.connect(tmp_path / "old.sqlite")) as old:
        for script in store.MIGRATIONS[:3]:
            old.executescript(script)
        old.execute("INSERT INTO documents VALUES (?, 0, ?, ?, NULL)", ("ref:number:国医保发〔2024〕1号",
                    "国医保发〔2024〕1号", "关于集采的通知"))  # fmt: skip
        old.execute("INSERT INTO edges VALUES (?, ?, 'implements', '根据…', 0, 9)", (CITY, PROVINCIAL))
        old.execute("PRAGMA user_version = 3")
        old.commit()
    with closing(store.connect(tmp_path / "old.sqlite")) as connection:
        assert query.resolve(connection, "国医保发〔2024〕1号").node == "ref:number:国医保发〔2024〕1号"
        edges = [tuple(row) for row in connection.execute("SELECT source, target, position FROM edges")]
    assert edges == [(CITY, PROVINCIAL, 1)]


def test_a_database_of_an_earlier_version_gets_its_records_regions(tmp_path: Path) -> None:
    """Regions are kept in records before they are in a table of their own: the table is filled from them."""
    record = {"regions": [{"level": "city", "province": "山东省", "city": "聊城市", "county": None, "evidence": None}]}
    regions = next(number for number, script in enumerate(store.MIGRATIONS) if "CREATE TABLE regions" in script)
    with closing(sqlite3.connect(tmp_path / "old.sqlite")) as old:
        old.create_function("fold_case", 1, store.fold_case)
        old.executescript("\n".join(store.MIGRATIONS[:regions]))
        old.execute(
            "INSERT INTO notices (id, file, issuers, status, script, text, record) VALUES (?, 'a.txt', ?, 'final', "
            "'simplified', '', ?)",
            (CITY, '["聊城市医疗保障局"]', json.dumps(record, ensure_ascii=False)),
        )
        old.execute(f"PRAGMA user_version = {regions}")
        old.commit()
    with closing(store.connect(tmp_path / "old.sqlite")) as connection:
        rows = connection.execute("SELECT notice_id, position, level, province, city, quote FROM regions").fetchall()
    assert [tuple(row) for row in rows] == [(CITY, 0, "city", "山东省", "聊城市", None)]


def test_command_line_answers_in_json(corpus_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["implementers", "魯醫保函[2024]28號", "--out", str(corpus_run), "--json"]) == 0
    assert [row["node"] for row in json.loads(capsys.readouterr().out)] == [CITY]
    assert main(["facts", "--type", "price_caps", "--issuer", "重庆", "--out", str(corpus_run)]) == 0
    assert "最高中选价格" in capsys.readouterr().out
    assert main(["facts", "--type", "price_caps", "--issuer", "重庆", "--out", str(corpus_run), "--lang", "en"]) == 0
    assert "max_selected_price" in capsys.readouterr().out
    assert main(["show", "没有这个文件", "--out", str(corpus_run)]) == 1


def test_a_notice_in_two_files_is_one_record_with_the_other_file_as_its_copy(tmp_path: Path) -> None:
    """The same 发文字号 and text in two files (a re-download, a repost): one record, one set of facts."""
    sample = next(path for path in sorted(CORPUS.glob("*.txt")) if "鲁医保函〔2024〕28号" in path.read_text("utf-8"))
    text = sample.read_text(encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text(text.replace("鲁医保函〔2024〕28号", "鲁医保函〔2024〕28号\n", 1), "utf-8")
    run([str(tmp_path / "in")], tmp_path / "out")
    with closing(store.connect(tmp_path / "out" / store.DATABASE_NAME)) as connection:
        notices = connection.execute("SELECT file FROM notices WHERE id = ?", (PROVINCIAL,)).fetchall()
        facts = connection.execute("SELECT count(*) FROM facts WHERE notice_id = ?", (PROVINCIAL,)).fetchone()[0]
        title = connection.execute("SELECT title FROM notices WHERE id = ?", (PROVINCIAL,)).fetchone()[0]
        matched = connection.execute(  # the copy's words are not indexed a second time
            "SELECT n.id FROM notice_words w LEFT JOIN notices n ON n.rowid = w.rowid WHERE notice_words MATCH ?",
            (f'"{store.fold_case(title)}"',),
        ).fetchall()
    records = [json.loads(line) for line in (tmp_path / "out" / "notices.jsonl").open(encoding="utf-8")]
    [record] = [found for found in records if found["id"] == PROVINCIAL]
    assert [row["file"] for row in notices] == [str(tmp_path / "in" / "a.txt")]
    assert [copy["file"] for copy in record["copies"]] == [str(tmp_path / "in" / "b.txt")]
    assert facts == sum(len(record[name]) for name in store.FACT_TYPES)
    assert [row["id"] for row in matched].count(PROVINCIAL) == 1 and None not in [row["id"] for row in matched]


def test_looking_up_a_list_of_values_matches_each_exactly() -> None:
    """Also past a NUL, where a JSON array read by json_each would have cut the text."""
    with closing(sqlite3.connect(":memory:")) as connection:
        connection.execute("CREATE TABLE t (value TEXT)")
        many = [f"v{number}" for number in range(store.IN_LIST_SIZE + 5)]
        connection.executemany("INSERT INTO t VALUES (?)", [(value,) for value in ["a\x00b", "a", *many]])
        wanted = ["a\x00b", "a\x00c", *many]
        found = [row[0] for row in store.select_in(connection, "SELECT value FROM t WHERE value IN ({marks})", wanted)]
    assert sorted(found) == sorted(["a\x00b", *many])


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("_", []),  # no notice of the corpus holds an underscore
        ("%", ["sha256:1f5224b1341eb1b3", "辽医保〔2022〕80号", "晋医保发〔2021〕22号", "聊医保函〔2024〕13号"]),
        ("0%", ["sha256:1f5224b1341eb1b3", "辽医保〔2022〕80号", "晋医保发〔2021〕22号", "聊医保函〔2024〕13号"]),
        ("\\", []),
    ],
)
def test_like_wildcards_in_a_search_are_literal_characters(database, text: str, ids: list[str]) -> None:
    assert [row["id"] for row in query.search(database, text)] == ids


@pytest.mark.parametrize("name", ["_", "%", "_ %"])
def test_like_wildcards_in_a_name_match_no_title(database, name: str) -> None:
    with pytest.raises(query.NotFound):
        query.resolve(database, name)


@pytest.mark.parametrize("issuer", ["_", "%"])
def test_like_wildcards_in_an_issuer_match_no_issuer(database, issuer: str) -> None:
    assert query.facts(database, "prepayments", issuer=issuer) == []


def test_a_search_of_too_many_terms_is_refused_with_its_bound(database) -> None:
    """Each short term costs a scan of every notice's text, and SQLite refuses a thousand of them."""
    with pytest.raises(query.QueryTooLarge, match=f"at most {query.MAX_TERMS} different terms; this one has 1000"):
        query.search(database, THOUSAND_TERMS)
    bounded = " ".join(list(dict.fromkeys("关于执行国家组织冠脉支架集中带量采购期满接续中选结果的通知"))[: query.MAX_TERMS])
    assert "辽医保〔2022〕80号" in [row["id"] for row in query.search(database, bounded)]


def test_a_search_of_too_many_characters_is_refused_with_its_bound(database) -> None:
    long = "冠" * (query.MAX_TERMS_CHARS + 1)
    with pytest.raises(query.QueryTooLarge, match=f"at most {query.MAX_TERMS_CHARS} characters"):
        query.search(database, long)
    assert query.search(database, "冠" * query.MAX_TERMS_CHARS) == []


def test_a_name_of_too_many_terms_is_not_found_and_says_why(database) -> None:
    with pytest.raises(query.NotFound, match=f"at most {query.MAX_TERMS} different terms"):
        query.resolve(database, THOUSAND_TERMS)


def test_a_term_repeated_costs_what_it_costs_once(database) -> None:
    """800 copies of a short term made a search scan every text 800 times (17 s on 10,000 notices)."""
    assert _instructions(database, " ".join(["医保"] * 800)) == _instructions(database, "医保")
    assert _instructions(database, "ZJHCCG zjhccg Zjhccg") == _instructions(database, "ZJHCCG")


def _instructions(connection: sqlite3.Connection, text: str) -> int:
    """SQLite virtual-machine instructions a search runs: a measure of its cost that timing noise leaves alone."""
    counted = [0]

    def count() -> int:
        counted[0] += 1
        return 0

    connection.set_progress_handler(count, 1)
    try:
        query.search(connection, text)
    finally:
        connection.set_progress_handler(None, 1)
    return counted[0]


def test_a_query_command_loads_no_record_code(corpus_run: Path) -> None:
    """A query answers from the database's rows: records' codec, models and validation, and
    spaCy, are a run's, and loading them would double what `show` costs."""
    script = (
        "import sys; from policygraph.cli import main; "
        f"main(['show', '鲁医保函〔2024〕28号', '--out', {str(corpus_run)!r}]); "
        "print([name for name in ('msgspec', 'pydantic', 'schema.models', 'spacy') if name in sys.modules])"
    )
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert "鲁医保函〔2024〕28号" in child.stdout
    assert child.stdout.strip().splitlines()[-1] == "[]"
