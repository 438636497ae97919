"""Table rows (store/rows.py) are what the store holds, and Parquet output loads back into the same store."""
from __future__ import annotations

import pytest
from conftest import EXAMPLES

from onrecord.analyse import ANALYSIS_VERSION, analyse_texts, dated
from onrecord.ingest import InputFile, read_input
from onrecord.models import Overrides
from onrecord.pipeline import ingest, load_manifest, prepare
from onrecord.store import Store
from onrecord.store.rows import COLUMNS, TABLES, article_rows

# Columns the rows leave out: autoincrement ids, and entity ids that cross-article linking fills in.
FILLED_LATER = {"quotes": {"id", "speaker_node", "behalf_node"}, "article_entities": {"entity_id", "node"},
                "role_mentions": {"entity_id", "node", "date"},
                "entity_role_assertions": {"entity_id", "node", "date"},
                "stances": {"id", "holder_entity_id", "on_behalf_of_entity_id", "target_entity_id", "holder_key",
                            "holder_node", "target_node", "behalf_node"},
                "tones": {"id"}}
SQL_TYPES = {"TEXT": "string", "INTEGER": "int64", "REAL": "float64"}


def test_columns_match_the_sqlite_schema(tmp_path):
    with Store(tmp_path / "s.db") as store:
        for table in TABLES:
            info = store.conn.execute(f"PRAGMA table_info({table})").fetchall()
            declared = {r["name"]: SQL_TYPES[r["type"]] for r in info if r["name"] not in FILLED_LATER.get(table, ())}
            assert declared == COLUMNS[table], table
            assert list(declared) == list(COLUMNS[table]), f"{table}: keep the store's column order"


@pytest.fixture(scope="module")
def sample_articles(nlp):
    """The five samples read, cleaned and analysed as the pipeline does (with the manifest's outlets and dates)."""
    overrides = Overrides(manifest=load_manifest(str(EXAMPLES / "manifest.jsonl")))
    out = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        (parsed,) = read_input(InputFile(str(path)))
        overrides.apply(parsed, str(path))
        segs, lang = prepare(parsed)
        out.append((parsed, segs, lang))
    results = list(analyse_texts(nlp, [(p.text, s) for p, s, _ in out]))
    return [(p, s, lang, dated(a, p.date)) for (p, s, lang), a in zip(out, results)]


def _table(store: Store, table: str, article_id: str) -> list[dict]:
    cols = ", ".join(f'"{c}"' for c in COLUMNS[table])
    key = "id" if table == "articles" else "article_id"
    order = "" if table == "articles" else " ORDER BY n, rowid"
    return [dict(r) for r in store.conn.execute(f"SELECT {cols} FROM {table} WHERE {key} = ?{order}", (article_id,))]


def test_store_writers_insert_exactly_the_rows(tmp_path, sample_articles):
    with Store(tmp_path / "s.db") as store:
        for parsed, segs, lang, analysis in sample_articles:
            with store.transaction():
                art = store.insert_article(parsed, segs, lang)
                store.write_analysis(art.id, analysis, ANALYSIS_VERSION)
            expected = article_rows(parsed, segs, lang, analysis, ANALYSIS_VERSION, "T")
            for table in TABLES:
                got = _table(store, table, art.id)
                if table == "articles":
                    got = [{**r, "ingested_at": "T", "analysed_at": "T"} for r in got]
                assert got == expected[table], (parsed.source, table)
        assert store.conn.execute("SELECT count(*) FROM quotes").fetchone()[0] > 50
        assert store.conn.execute("SELECT count(*) FROM stances WHERE reported_by = 'The Sun'").fetchone()[0] > 0


def write_parquet(folder, articles) -> None:
    """What the Spark job writes, written with pyarrow alone: one folder per table."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from onrecord.store.rows import arrow_schema

    tables: dict[str, list[dict]] = {t: [] for t in TABLES}
    for parsed, segs, lang, analysis in articles:
        for table, rows in article_rows(parsed, segs, lang, analysis, ANALYSIS_VERSION, "T").items():
            tables[table] += rows
    for table, rows in tables.items():
        (folder / table).mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema(table)), folder / table / "part-0.parquet")
    (folder / "events").mkdir()
    pq.write_table(pa.Table.from_pylist([{"source": "x.bin", "status": "failed", "reason": "binary",
                                          "article_id": None}]), folder / "events" / "part-0.parquet")


QUOTE_SQL = ('SELECT article_id, n, start, "end", text, speaker, cue, kind, speaker_entity_id, on_behalf_of_entity_id'
             " FROM quotes ORDER BY article_id, n")


def test_load_matches_a_direct_ingest_and_is_idempotent(tmp_path, sample_articles):
    pytest.importorskip("pyarrow", reason="the Parquet loader needs pyarrow (pip install 'onrecord[spark]')")
    from onrecord.pipeline import load as load_parquet

    write_parquet(tmp_path / "out", sample_articles)
    with Store(tmp_path / "direct.db") as direct:
        ingest([str(EXAMPLES)], direct, overrides=Overrides(manifest=load_manifest(str(EXAMPLES / "manifest.jsonl"))))
        with Store(tmp_path / "loaded.db") as loaded:
            report = load_parquet(str(tmp_path / "out"), loaded)
            assert (report.loaded, report.duplicates, report.events) == (5, 0, {"failed": 1})
            for sql in (QUOTE_SQL, "SELECT id, name, type FROM entities ORDER BY id",
                        "SELECT article_id, n, entity_id FROM article_entities ORDER BY article_id, n",
                        ("SELECT article_id, n, label, holder, holder_entity_id, target, reported_by, date "
                         "FROM stances ORDER BY article_id, n"),
                        "SELECT count(*) FROM statements", "SELECT count(*) FROM contradictions"):
                want = [tuple(r) for r in direct.conn.execute(sql)]
                assert [tuple(r) for r in loaded.conn.execute(sql)] == want, sql
                assert want and want != [(0,)], sql
            counts = [loaded.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES]
            again = load_parquet(str(tmp_path / "out"), loaded)
            assert (again.loaded, again.duplicates) == (0, 5)
            assert [loaded.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES] == counts
            events = loaded.conn.execute("SELECT status, count(*) FROM ingest_events WHERE run_id = ? GROUP BY 1",
                                         (again.run_id,)).fetchall()
            assert dict(map(tuple, events)) == {"duplicate": 5, "failed": 1}


def test_load_names_a_folder_that_is_no_spark_output(tmp_path):
    pytest.importorskip("pyarrow", reason="the Parquet loader needs pyarrow (pip install 'onrecord[spark]')")
    from onrecord.errors import InputError
    from onrecord.pipeline import load as load_parquet

    with Store(tmp_path / "s.db") as store, pytest.raises(InputError, match="no articles/ folder.*spark analyse"):
        load_parquet(str(tmp_path), store)


def test_load_takes_the_output_of_an_older_job_that_lacks_a_later_column(tmp_path, sample_articles):
    pytest.importorskip("pyarrow", reason="the Parquet loader needs pyarrow (pip install 'onrecord[spark]')")
    import pyarrow.parquet as pq

    from onrecord.pipeline import load as load_parquet

    write_parquet(tmp_path / "out", sample_articles)
    part = tmp_path / "out" / "entity_descriptors" / "part-0.parquet"
    old = pq.read_table(part).drop(["confidence"])  # written before descriptors had a confidence
    pq.write_table(old, part)
    with Store(tmp_path / "loaded.db") as loaded:
        assert load_parquet(str(tmp_path / "out"), loaded).loaded == 5
        rows = loaded.conn.execute("SELECT count(*), count(confidence) FROM entity_descriptors").fetchone()
        assert tuple(rows) == (old.num_rows, 0) and old.num_rows > 0
