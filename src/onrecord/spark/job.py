"""The Spark job: read inputs on the executors, drop duplicate texts, analyse, write one Parquet folder per table.

The driver only lists inputs and plans; reading (``read_input``), cleaning (``prepare``) and the analysis
(``analyse_texts``) run on the executors through the functions of ``onrecord.spark.tasks``. Entity linking,
statements and contradictions need every article at once and run when the output is loaded into a store
(``onrecord load``).
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

from onrecord import batch
from onrecord.batch import COLUMNS, DEFAULT_MAX_BYTES, TABLES, spark_ddl
from onrecord.errors import InputError, MissingExtra

EVENT_DDL = "source string, status string, reason string, article_id string"
PARQUET_COLUMNS = ("text", "title", "outlet", "date", "url", "id")


@dataclass
class JobReport:
    """What the job wrote: rows per table, and events (failed, skipped, duplicate; warning: an article stored
    with what its reader repaired) by status."""

    out: str
    rows: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)


def spark_session(master: str | None = None, app_name: str = "onrecord", conf: dict[str, str] | None = None) -> Any:
    """A SparkSession on ``master`` (None: the one spark-submit gives, else local[*]); for a local master the
    Python workers run this interpreter, so they import the same onrecord."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise MissingExtra("pyspark", "spark") from exc
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # started by spark-submit, which sets the master
    master = master or (None if submitted else "local[*]")
    if master and master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    for key, value in {"spark.ui.showConsoleProgress": "false", **(conf or {})}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def split_inputs(paths: list[str]) -> tuple[list[tuple[int, str]], list[tuple[int, str]], list[tuple[str, str]]]:
    """(files for read_input, Parquet files or remote Parquet paths, (source, reason) errors), the inputs
    numbered in the order the single-machine ingest would read them; a Parquet dataset folder counts as
    its Parquet files."""
    files: list[tuple[int, str]] = []
    parquet: list[tuple[int, str]] = []
    errors: list[tuple[str, str]] = []
    for p in paths:
        if "://" in p:  # hdfs://, s3a://: only Parquet is read straight by Spark
            if p.rstrip("/").endswith(".parquet") or not os.path.splitext(p)[1]:
                parquet.append((len(files) + len(parquet), p))
            else:
                errors.append((p, "only Parquet inputs can be read from a remote file system"))
            continue
        for item in batch.list_inputs([p]):
            if isinstance(item, InputError):
                errors.append((item.source, item.reason))
            elif item.endswith(".parquet"):
                parquet.append((len(files) + len(parquet), item))
            elif os.path.basename(item).startswith("_") and any(
                    n.endswith(".parquet") for n in os.listdir(os.path.dirname(item) or ".")):
                continue  # _SUCCESS and other markers of a Parquet dataset folder
            else:
                files.append((len(files) + len(parquet), item))
    return files, parquet, errors


def check_parquet(paths: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[tuple[str, str]]]:
    """Local Parquet files that can be read and have a ``text`` column; the others as (source, reason)."""
    import pyarrow.parquet as pq

    good, bad = [], []
    for n, p in paths:
        if "://" in p:
            good.append((n, p))
            continue
        try:
            names = pq.read_schema(p).names
        except Exception as exc:
            bad.append((p, f"cannot read as Parquet ({exc})"))
            continue
        if "text" not in names:
            bad.append((p, "the Parquet file has no 'text' column (expected text, title?, outlet?, date?, url?, id?)"))
        else:
            good.append((n, p))
    return good, bad


def run_job(spark: Any, paths: list[str], out: str, *, partitions: int | None = None, any_language: bool = False,
            manifest: dict[str, dict[str, Any]] | None = None, outlet: str | None = None, date: str | None = None,
            max_bytes: int = DEFAULT_MAX_BYTES) -> JobReport:
    """Analyse every article under ``paths`` and write Parquet tables (one folder per table) under ``out``."""
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    from onrecord.spark import tasks

    files, parquet, errors = split_inputs(paths)
    parquet, bad = check_parquet(parquet)
    errors += bad
    sc = spark.sparkContext
    parts = partitions or sc.defaultParallelism
    records_ddl = ", ".join(f"{n} {_ddl(t)}" for n, t in tasks.RECORD_FIELDS)

    frames = []
    if files:
        listing = spark.createDataFrame(files, "file_n bigint, path string")
        listing = listing.repartition(min(len(files), parts * 4), "file_n")
        frames.append(listing.mapInArrow(tasks.read_files(manifest or {}, outlet, date, max_bytes), records_ddl))
    if parquet:
        frames.append(_parquet_records(spark, [p for _, p in parquet], parquet[0][0], outlet, date, records_ddl))
    events = [spark.createDataFrame([(s, "failed", r, None) for s, r in errors], EVENT_DDL)]
    if frames:
        records = frames[0] if len(frames) == 1 else frames[0].unionByName(frames[1])
        records = records.persist(StorageLevel.MEMORY_AND_DISK)
        events.append(records.where("status = 'failed'").select("source", "status", "reason",
                                                                F.lit(None).cast("string").alias("article_id")))
        first = Window.partitionBy("content_hash").orderBy("file_n", "record_n", "source")
        ranked = (records.where("status = 'ok'").withColumn("_rank", F.row_number().over(first))
                  .withColumn("_first", F.first("source").over(first)))
        events.append(ranked.where("_rank > 1").select(
            "source", F.lit("duplicate").alias("status"),
            F.concat(F.lit("same text as "), F.col("_first")).alias("reason"),
            F.substring("content_hash", 1, 12).alias("article_id")))
        unique = ranked.where("_rank = 1").drop("_rank", "_first").repartition(parts)
        result_ddl = ", ".join([f"`{t}` array<struct<{spark_ddl(t)}>>" for t in TABLES] +
                               [f"event struct<{EVENT_DDL.replace(' string', ': string')}>"])
        results = unique.mapInArrow(tasks.analyse_records(any_language), result_ddl)
        results = results.persist(StorageLevel.MEMORY_AND_DISK)
        events.append(results.where("event IS NOT NULL").select("event.*"))
    else:
        results = None
    report = JobReport(out=out)
    for table in TABLES:
        if results is not None:
            df = results.select(F.explode(table).alias("r")).select("r.*")
        else:
            df = spark.createDataFrame([], ", ".join(f"`{c}` {_ddl(t)}" for c, t in COLUMNS[table].items()))
        df.write.mode("overwrite").parquet(os.path.join(out, table))
    if results is not None:
        counts = results.select([F.sum(F.when(F.col(t).isNotNull(), F.size(t)).otherwise(0)).alias(t)
                                 for t in TABLES]).first()
        report.rows = {t: int(counts[t] or 0) for t in TABLES}
    all_events = events[0]
    for e in events[1:]:
        all_events = all_events.unionByName(e)
    all_events.coalesce(1).write.mode("overwrite").parquet(os.path.join(out, "events"))
    report.events = {r["status"]: r["count"] for r in
                     spark.read.parquet(os.path.join(out, "events")).groupBy("status").count().collect()}
    if results is not None:
        results.unpersist()
        records.unpersist()
    return report


def _parquet_records(spark: Any, paths: list[str], file_n: int, outlet: str | None, date: str | None,
                     records_ddl: str) -> Any:
    """Parquet input rows as article records; the columns it lacks are read as nulls. All of them are numbered
    as the first Parquet input (``file_n``), so a text both in Parquet and in a later file is kept from the
    Parquet input."""
    from pyspark.sql import functions as F

    from onrecord.spark import tasks

    df = spark.read.option("mergeSchema", "true").parquet(*paths)
    cols = [F.col(c).cast("string").alias(c) if c in df.columns else F.lit(None).cast("string").alias(c)
            for c in PARQUET_COLUMNS]
    df = df.select(*cols, F.regexp_replace("_metadata.file_path", "^file:", "").alias("file"),
                   F.lit(file_n).cast("bigint").alias("file_n"), F.col("_metadata.row_index").alias("record_n"))
    return df.mapInArrow(tasks.parquet_rows(outlet, date), records_ddl)


def _ddl(arrow_or_name: Any) -> str:
    """A Spark SQL type name for a pyarrow type or a rows.py type name."""
    name = str(arrow_or_name)
    return {"string": "string", "int64": "bigint", "float64": "double", "double": "double"}[name]
