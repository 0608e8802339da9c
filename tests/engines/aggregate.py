#!/usr/bin/env python3
"""Runs the shipped SQL (sql/billing_aggregate.sql over sql/lines_<layout>.sql) on a real
engine -- DuckDB, Apache Spark in local mode, or DataFusion -- and writes the billing
aggregate and its manifest.json (docs/ENGINES.md). The integration tests
(tests/it/engines.rs) and bench/engines.sh call it; it is also a worked example of what a
data engineer's job does on their own engine.

    python3 tests/engines/aggregate.py ENGINE JOB [JOB ...]

ENGINE is duckdb, spark or datafusion. Each JOB is a JSON object:

    {"plan": DIR,          # what `rebate-audit plan` wrote (NAME.parquet, else NAME.csv)
     "billing": PATH,      # a Parquet file or a folder of them (walked)
     "layout": "generic",  # or "focus": which sql/lines_<layout>.sql defines `lines`
     "out": DIR,           # the aggregate and manifest.json go here (replaced)
     "format": "parquet",  # "parquet": partitioned by billing_month=YYYY-MM; "csv": one file
     "dump": FILE}         # optional: the aggregate as read back, sorted, values as text (JSON)

All jobs run in one engine session (Spark starts once). Prints one JSON line per job:
its aggregate rows, lines summed and seconds. Exits 2 with a message on any error.
Standard library plus the engine's package and pyarrow (row counts from Parquet footers).
"""

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SQL = REPO / "sql"
SCHEMA = "rebate-audit/aggregate/v1"

# The plan tables as the SQL reads them: text columns as text and dates as dates, whether
# the plan was read from Parquet (typed) or CSV (all text, so ids keep their digits).
PLAN_TABLES = {
    "coverage": (
        ["contract_id", "account_id", "ruleset", "currency"],
        ["valid_from", "valid_to"],
    ),
    "slices": (["contract_id"], ["slice_start", "slice_end"]),
    "products": (["ruleset", "name_folded", "product"], []),
}


def typed_plan_view(name):
    texts, dates = PLAN_TABLES[name]
    columns = [f"CAST({c} AS VARCHAR(200)) AS {c}" for c in texts]
    columns += [f"CAST({c} AS DATE) AS {c}" for c in dates]
    return f"SELECT {', '.join(columns)} FROM {name}_raw"


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parquet_files(path):
    path = Path(path)
    if path.is_file():
        return [path]
    return sorted(
        p
        for p in path.rglob("*.parquet")
        if not any(part.startswith((".", "_")) for part in p.relative_to(path).parts)
    )


def plan_file(plan, name):
    """The plan table's file and kind: Parquet when written, else CSV."""
    for kind in ("parquet", "csv"):
        candidate = Path(plan) / f"{name}.{kind}"
        if candidate.is_file():
            return candidate, kind
    raise SystemExit(f"aggregate.py: {plan} has no {name}.parquet or {name}.csv")


def sql_text(name):
    return (SQL / name).read_text(encoding="utf-8")


def strip_comments(text):
    """The SQL without its `--` comment lines (some Python bindings dislike a statement
    that starts with a comment inside CREATE VIEW ... AS)."""
    return "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("--")
    )


class DuckDb:
    name = "duckdb"

    def __init__(self):
        import duckdb

        self.version = duckdb.__version__
        self.con = duckdb.connect()
        self.con.execute("SET TimeZone = 'UTC'")
        threads = os.environ.get("REBATE_AUDIT_ENGINE_THREADS")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")

    def table(self, name, files):
        listed = ", ".join(f"'{f}'" for f in files)
        self.con.execute(
            f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet([{listed}], union_by_name = true)"
        )

    def plan_table(self, name, path, kind):
        reader = (
            f"read_parquet('{path}')"
            if kind == "parquet"
            else f"read_csv('{path}', header = true, all_varchar = true)"
        )
        self.con.execute(f"CREATE OR REPLACE VIEW {name}_raw AS SELECT * FROM {reader}")
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS {typed_plan_view(name)}")

    def view(self, name, query):
        self.con.execute(f"CREATE OR REPLACE VIEW {name} AS {query}")

    def write(self, query, out, fmt):
        if fmt == "parquet":
            self.con.execute(
                f"COPY ({query}) TO '{out}' (FORMAT PARQUET, PARTITION_BY (billing_month), OVERWRITE_OR_IGNORE true)"
            )
        else:
            self.con.execute(f"COPY ({query}) TO '{out / 'aggregate.csv'}' (HEADER, DELIMITER ',')")

    def rows(self, query):
        return self.con.execute(query).fetchall()


class Spark:
    name = "spark"

    def __init__(self, scratch):
        from pyspark.sql import SparkSession

        cores = os.environ.get("REBATE_AUDIT_ENGINE_THREADS", "2")
        self.session = (
            SparkSession.builder.master(f"local[{int(cores)}]")
            .appName("rebate-audit-aggregate")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", str(max(2, int(cores))))
            .config("spark.sql.warehouse.dir", str(Path(scratch) / "warehouse"))
            .config("spark.local.dir", str(Path(scratch) / "local"))
            .config("spark.driver.memory", os.environ.get("REBATE_AUDIT_SPARK_MEMORY", "1g"))
            .config("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
            .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
            .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
            .getOrCreate()
        )
        self.session.sparkContext.setLogLevel("ERROR")
        self.version = self.session.version

    def table(self, name, files):
        self.session.read.parquet(*[str(f) for f in files]).createOrReplaceTempView(name)

    def plan_table(self, name, path, kind):
        reader = self.session.read
        frame = (
            reader.parquet(str(path))
            if kind == "parquet"
            else reader.option("header", True).csv(str(path))
        )
        frame.createOrReplaceTempView(f"{name}_raw")
        self.view(name, typed_plan_view(name))

    def view(self, name, query):
        self.session.sql(query).createOrReplaceTempView(name)

    def write(self, query, out, fmt):
        frame = self.session.sql(query)
        if fmt != "parquet":
            # Spark writes a DECIMAL zero as 0E-10 in CSV: the aggregate leaves it as Parquet.
            raise SystemExit("aggregate.py: the Spark jobs write Parquet (format parquet)")
        frame.write.mode("overwrite").partitionBy("billing_month").parquet(str(out))
        # Hadoop's side files are no part of the aggregate.
        for side in list(Path(out).rglob(".*.crc")):
            side.unlink()

    def rows(self, query):
        return [tuple(row) for row in self.session.sql(query).collect()]


class DataFusion:
    name = "datafusion"

    def __init__(self):
        import datafusion

        self.version = datafusion.__version__
        # DataFusion folds unquoted names to lower case, as PostgreSQL does; FOCUS columns are
        # mixed case (BillingAccountId), and the portable SQL quotes no name (a quoted name
        # is a string in Spark): names are matched as written instead (docs/ENGINES.md).
        config = datafusion.SessionConfig().set(
            "datafusion.sql_parser.enable_ident_normalization", "false"
        )
        threads = os.environ.get("REBATE_AUDIT_ENGINE_THREADS")
        if threads:
            config = config.with_target_partitions(int(threads))
        self.ctx = datafusion.SessionContext(config)

    def fresh(self, name):
        """Forgets `name` from an earlier job: DataFusion does not replace a table."""
        if self.ctx.table_exist(name):
            self.ctx.deregister_table(name)

    def table(self, name, files):
        self.fresh(name)
        folders = {f.parent for f in files}
        if len(files) == 1:
            self.ctx.register_parquet(name, str(files[0]))
        elif len(folders) == 1:
            self.ctx.register_parquet(name, str(folders.pop()))
        else:
            raise SystemExit("aggregate.py: DataFusion reads one Parquet file or one folder")

    def plan_table(self, name, path, kind):
        import pyarrow as pa

        self.fresh(f"{name}_raw")
        if kind == "parquet":
            self.ctx.register_parquet(f"{name}_raw", str(path))
        else:
            header = Path(path).read_text(encoding="utf-8").splitlines()[0].split(",")
            schema = pa.schema([(column, pa.string()) for column in header])
            self.ctx.register_csv(f"{name}_raw", str(path), schema=schema)
        self.view(name, typed_plan_view(name))

    def view(self, name, query):
        self.fresh(name)
        self.ctx.register_view(name, self.ctx.sql(query))

    def write(self, query, out, fmt):
        frame = self.ctx.sql(query)
        if fmt == "parquet":
            frame.write_parquet(str(out / "aggregate.parquet"), compression="snappy")
        else:
            frame.write_csv(str(out / "aggregate.csv"), with_header=True)

    def rows(self, query):
        table = self.ctx.sql(query).to_arrow_table()
        columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
        return list(zip(*columns))


def read_back(engine, out, fmt):
    """Registers the aggregate just written as `aggregate`, as a reader would see it."""
    if fmt == "csv":
        csv = out / "aggregate.csv"
        if engine.name == "duckdb":
            engine.view(
                "aggregate", f"SELECT * FROM read_csv('{csv}', header = true, all_varchar = true)"
            )
        elif engine.name == "datafusion":
            import pyarrow as pa

            schema = pa.schema([(column, pa.string()) for column in COLUMNS])
            engine.fresh("aggregate")
            engine.ctx.register_csv("aggregate", str(csv), schema=schema)
        return
    files = parquet_files(out)
    if engine.name == "duckdb":
        listed = ", ".join(f"'{f}'" for f in files)
        engine.view(
            "aggregate",
            f"SELECT * FROM read_parquet([{listed}], hive_partitioning = true, "
            "hive_types_autocast = false, union_by_name = true)",
        )
    elif engine.name == "spark":
        engine.session.read.parquet(str(out)).createOrReplaceTempView("aggregate")
    else:
        engine.fresh("aggregate")
        engine.ctx.register_parquet("aggregate", str(files[0]))


def text(value):
    """A value as exact text: decimals in plain notation (never 0E-10), dates ISO."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value, "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


COLUMNS = [
    "contract_id", "account_id", "slice_start", "slice_end", "billing_month", "product",
    "currency", "list_amount", "lines_without_list", "net_amount", "voucher_amount", "lines",
    "first_charge_date", "last_charge_date", "source",
]


def run_job(engine, job):
    started = time.monotonic()
    plan, out, layout = Path(job["plan"]), Path(job["out"]), job["layout"]
    fmt = job.get("format", "parquet")
    files = parquet_files(job["billing"])
    if not files:
        raise SystemExit(f"aggregate.py: no Parquet file under {job['billing']}")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    engine.table(f"{layout}_billing", files)
    for name in PLAN_TABLES:
        path, kind = plan_file(plan, name)
        engine.plan_table(name, path, kind)
    lines_sql = f"lines_{layout}.sql"
    engine.view("lines", strip_comments(sql_text(lines_sql)))
    query = strip_comments(sql_text("billing_aggregate.sql"))
    engine.write(query, out, fmt)

    read_back(engine, out, fmt)
    per_currency = engine.rows(
        "SELECT currency, SUM(CAST(lines AS BIGINT)), SUM(CAST(net_amount AS DECIMAL(38, 10))), "
        "SUM(CAST(list_amount AS DECIMAL(38, 10))), SUM(CAST(voucher_amount AS DECIMAL(38, 10))), "
        "COUNT(*) FROM aggregate GROUP BY currency ORDER BY currency"
    )
    import pyarrow.parquet as pq

    sources = [
        {
            "path": str(f),
            "bytes": f.stat().st_size,
            "sha256": sha256_of(f),
            "rows": pq.ParquetFile(f).metadata.num_rows,
        }
        for f in files
    ]
    # The manifest's `plan` is the digest plan.json states (docs/AGGREGATE.md); a plan made
    # by hand (the tests' worked example) has none.
    plan_json = plan / "plan.json"
    digest = (
        json.loads(plan_json.read_text(encoding="utf-8")).get("digest", "")
        if plan_json.is_file()
        else ""
    )
    manifest = {
        "schema": SCHEMA,
        "plan": digest,
        "engine": {"name": engine.name, "version": engine.version},
        "query": {
            "path": "sql/billing_aggregate.sql",
            "sha256": sha256_of(SQL / "billing_aggregate.sql"),
        },
        "sources": sources,
        "totals": {
            "rows_in": sum(s["rows"] for s in sources),
            "lines": sum(int(row[1]) for row in per_currency),
            "by_currency": {
                row[0]: {
                    "lines": int(row[1]),
                    "net_amount": text(row[2]),
                    "list_amount": text(row[3]),
                    "voucher_amount": text(row[4]),
                }
                for row in per_currency
            },
        },
        "rows": sum(int(row[5]) for row in per_currency),
    }
    if job.get("dump"):
        rows = engine.rows(f"SELECT {', '.join(COLUMNS)} FROM aggregate")
        # Null and empty text are one thing in a CSV: both dump as "".
        dumped = sorted([text(v) or "" for v in row] for row in rows)
        with open(job["dump"], "w", encoding="utf-8") as file:
            json.dump({"columns": COLUMNS, "rows": dumped}, file, ensure_ascii=False, indent=0)
    with open(out / "manifest.json", "w", encoding="utf-8") as file:
        json.dump(manifest, file, indent=2, ensure_ascii=False)
        file.write("\n")
    return {
        "engine": engine.name,
        "out": str(out),
        "rows": manifest["rows"],
        "rows_in": manifest["totals"]["rows_in"],
        "lines_summed": manifest["totals"]["lines"],
        "seconds": round(time.monotonic() - started, 3),
    }


def main(argv):
    if len(argv) < 3 or argv[1] not in ("duckdb", "spark", "datafusion"):
        print(__doc__, file=sys.stderr)
        return 2
    jobs = [json.loads(arg) for arg in argv[2:]]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="rebate-audit-engine-") as scratch:
        if argv[1] == "duckdb":
            engine = DuckDb()
        elif argv[1] == "spark":
            engine = Spark(scratch)
        else:
            engine = DataFusion()
        print(json.dumps({"engine": engine.name, "version": engine.version,
                          "startup_seconds": round(time.monotonic() - started, 3)}), flush=True)
        for job in jobs:
            print(json.dumps(run_job(engine, job)), flush=True)
        if engine.name == "spark":
            engine.session.stop()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except SystemExit:
        raise
    except Exception as error:  # the engine's own error, in one message
        print(f"aggregate.py: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(2)
