"""Spark adapter: the same read -> clean -> analyse steps over many machines, writing Parquet tables.

Needs the ``spark`` extra (``pip install 'onrecord[spark]'``): pyspark, pyarrow and pandas, imported only
here. The output has the store's columns (``onrecord.batch.COLUMNS``) and loads with ``onrecord load``.
"""
from __future__ import annotations

from typing import Any

from onrecord.errors import MissingExtra
from onrecord.spark.job import JobReport, run_job, spark_session

__all__ = ["JobReport", "analyse", "require_spark"]


def require_spark() -> None:
    """Raise MissingExtra naming the ``spark`` extra when pyspark or pyarrow is not installed."""
    for module in ("pyspark", "pyarrow"):
        try:
            __import__(module)
        except ImportError as exc:
            raise MissingExtra(module, "spark") from exc


def analyse(paths: list[str], out: str, *, master: str | None = None, partitions: int | None = None,
            any_language: bool = False, manifest: dict[str, dict[str, Any]] | None = None,
            outlet: str | None = None, date: str | None = None) -> JobReport:
    """Run the Spark job on a new (or the active) session and return its JobReport."""
    require_spark()
    from pyspark.sql import SparkSession

    owned = SparkSession.getActiveSession() is None  # a session started here is stopped here
    spark = spark_session(master)
    try:
        return run_job(spark, list(paths), out, partitions=partitions, any_language=any_language,
                       manifest=manifest, outlet=outlet, date=date)
    finally:
        if owned:
            spark.stop()
