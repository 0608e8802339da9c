#!/usr/bin/env bash
# bench/engines.sh — the billing aggregate on a SQL engine against the direct line route
# (issue 18, docs/ENGINES.md): one generated Parquet lake, audited
#   1. directly: `rebate-audit run --billing LAKE` (every line read by rebate-audit);
#   2. through the aggregate: `rebate-audit plan`, then sql/billing_aggregate.sql on
#      DuckDB and on Spark (local[2]) via tests/engines/aggregate.py, then
#      `rebate-audit run --aggregate`, whose findings.json must equal the direct route's
#      apart from inputs, controls and where the evidence's lines are (source_rows).
#
#   bench/engines.sh                     # 10M lines, 8 Parquet files, 400 contracts
#   LINES=2000000 bench/engines.sh       # a quicker run
#   ENGINES="duckdb spark datafusion" bench/engines.sh
#
# Each step runs under /usr/bin/time -v; the table gives its wall time (an engine's
# includes its start: the JVM's for Spark, also shown apart), CPU time and peak RSS (for
# Spark, of the Python driver only: the JVM is not a child that time(1) waits for),
# the aggregate's rows and bytes against the lake's lines and bytes. A build without
# `plan` or `run --aggregate` (before issue 18's merge) gets a stand-in plan (coverage
# from contracts.csv, one slice per month of each term: as many or more slices than the
# real plan, so an aggregate at least as large) and skips the audit from the aggregate.
#
# Environment: LINES (10000000), FILES (8), CONTRACTS (400), THREADS (2), ENGINES (duckdb
# spark), PYTHON (python3), SPARK_MEMORY (2g), DATA (target/bench-data), RESULTS
# (target/bench-results/engines). MB = 10^6 bytes, MiB = 2^20 bytes.
set -euo pipefail

cd "$(dirname "$0")/.."

LINES=${LINES:-10000000}
FILES=${FILES:-8}
CONTRACTS=${CONTRACTS:-400}
THREADS=${THREADS:-2}
ENGINES=${ENGINES:-duckdb spark}
PYTHON=${PYTHON:-python3}
DATA=${DATA:-target/bench-data}
RESULTS=${RESULTS:-target/bench-results/engines}
AS_OF=2026-06-30
export REBATE_AUDIT_ENGINE_THREADS=$THREADS
export REBATE_AUDIT_SPARK_MEMORY=${SPARK_MEMORY:-2g}

if [[ ! -x /usr/bin/time ]]; then
    echo "bench/engines.sh: /usr/bin/time is needed (apt-get install time)" >&2
    exit 2
fi

echo "== build" >&2
cargo build --release --quiet --bin rebate-audit --example gen
AUDIT=$PWD/target/release/rebate-audit
GEN=target/release/examples/gen

name="parquet-$LINES-$CONTRACTS"
lake="$DATA/engines-$name"
if [[ ! -f $lake/payouts.csv ]]; then
    echo "== generating $lake" >&2
    rm -rf "$lake"
    "$GEN" --out "$lake" --lines "$LINES" --files "$FILES" --contracts "$CONTRACTS" \
        --parquet --contracts-csv >&2
    sync
fi
cat "$lake"/billing/* >/dev/null # warm the page cache
run="$RESULTS/$name"
rm -rf "$run"
mkdir -p "$run"

wall_seconds() {
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, part, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + part[i]
        printf "%.1f", s
    }' "$1"
}
cpu_seconds() {
    awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.1f", s }' "$1"
}
peak_mib() {
    awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"
}
megabytes() {
    du -sb "$1" 2>/dev/null | awk '{ printf "%.1f", $1 / 1e6 }'
}
# findings.json without what differs by design between the routes, as one JSON text.
comparable() {
    "$PYTHON" - "$1" <<'EOF'
import json, sys
from decimal import Decimal
findings = json.load(open(sys.argv[1], encoding="utf-8"))
for key in ("inputs", "controls"):
    findings.pop(key, None)
for finding in findings["findings"]:
    evidence = finding.get("evidence") or {}
    evidence.pop("source_rows", None)
    (evidence.get("facts") or {}).pop("files", None)
# Each period's rows (stored once, `periods`): per product its line count and base, not
# where the rows are (billing rows on one route, aggregate rows on the other).
for period in findings.get("periods", []):
    sums = {}
    for source in period.pop("source_rows", []):
        rows, base = sums.get(source["product"], (0, 0))
        sums[source["product"]] = (rows + source["rows"], base + Decimal(source["base"]))
    period["source_sums"] = {p: [r, str(b.normalize())] for p, (r, b) in sorted(sums.items())}
print(json.dumps(findings, sort_keys=True))
EOF
}
timed() {
    local tag=$1
    shift
    local status=0
    /usr/bin/time -v -o "$run/$tag.time" "$@" >"$run/$tag.out" 2>"$run/$tag.err" || status=$?
    if ((status > 1)); then
        echo "bench/engines.sh: $tag failed (exit $status): see $run/$tag.err" >&2
        tail -5 "$run/$tag.err" >&2
        exit 1
    fi
}

echo "== line route: rebate-audit run --billing (load $(cut -d' ' -f1 /proc/loadavg))" >&2
timed lines "$AUDIT" run --contracts "$lake/contracts" --billing "$lake/billing" \
    --payouts "$lake/payouts.csv" --as-of "$AS_OF" --out "$run/lines-out" --quiet \
    --threads "$THREADS"

plan="$run/plan"
if "$AUDIT" plan --help >/dev/null 2>&1; then
    echo "== rebate-audit plan" >&2
    timed plan "$AUDIT" plan --contracts "$lake/contracts" --as-of "$AS_OF" --out "$plan"
    real_plan=yes
else
    echo "== this build has no \`plan\`: a stand-in plan (monthly slices)" >&2
    real_plan=no
    mkdir -p "$plan"
    "$PYTHON" - "$lake/contracts/contracts.csv" "$plan" <<'EOF'
import csv, datetime, sys
contracts, plan = sys.argv[1], sys.argv[2]
coverage = [("contract_id", "account_id", "ruleset", "currency", "valid_from", "valid_to")]
slices = [("contract_id", "slice_start", "slice_end")]
for row in csv.DictReader(open(contracts, encoding="utf-8-sig")):
    start = datetime.date.fromisoformat(row["start"])
    end = datetime.date.fromisoformat(row["end"]) + datetime.timedelta(days=1)
    for account in row["accounts"].replace("，", ",").split(","):
        coverage.append((row["contract_id"], account.strip(), "generic", row["currency"],
                         start.isoformat(), end.isoformat()))
    day = start
    while day < end:
        following = (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        slices.append((row["contract_id"], day.isoformat(), min(following, end).isoformat()))
        day = following
products = [("ruleset", "name_folded", "product")] + [
    ("generic", name.lower(), code)
    for code, names in {"ecs": ["ECS", "云服务器ECS"], "rds": ["RDS", "云数据库RDS版"],
                        "oss": ["OSS", "对象存储OSS"], "slb": ["SLB", "负载均衡SLB"],
                        "cdn": ["CDN", "内容分发网络CDN"]}.items()
    for name in names
]
for name, rows in (("coverage", coverage), ("slices", slices), ("products", products)):
    with open(f"{plan}/{name}.csv", "w", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)
EOF
fi
aggregate_route=no
if "$AUDIT" run --help 2>/dev/null | grep -q -- --aggregate; then aggregate_route=yes; fi

lake_mb=$(megabytes "$lake/billing")
lines_seconds=$(wall_seconds "$run/lines.time")
lines_mib=$(peak_mib "$run/lines.time")
ROWS=("| direct line route: \`run --billing\` | $lines_seconds s | $(cpu_seconds "$run/lines.time") s | $lines_mib MiB | $LINES lines, $lake_mb MB | — |")
for engine in $ENGINES; do
    out="$run/aggregate-$engine"
    echo "== $engine: sql/billing_aggregate.sql (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    timed "$engine" "$PYTHON" tests/engines/aggregate.py "$engine" \
        "{\"plan\": \"$plan\", \"billing\": \"$lake/billing\", \"layout\": \"generic\", \"out\": \"$out\", \"format\": \"parquet\"}"
    startup=$("$PYTHON" -c 'import json, sys; print(json.loads(open(sys.argv[1]).readline())["startup_seconds"])' "$run/$engine.out")
    rows=$("$PYTHON" -c 'import json, sys; print(json.load(open(sys.argv[1]))["rows"])' "$out/manifest.json")
    agg_mb=$(megabytes "$out")
    seconds=$(wall_seconds "$run/$engine.time")
    audit_cell="not run (this build has no \`run --aggregate\`)"
    if [[ $aggregate_route == yes ]]; then
        echo "== $engine: rebate-audit run --aggregate" >&2
        timed "audit-$engine" "$AUDIT" run --contracts "$lake/contracts" --aggregate "$out" \
            --payouts "$lake/payouts.csv" --as-of "$AS_OF" --out "$run/from-$engine" --quiet \
            --threads "$THREADS"
        same=differ
        if [[ $(comparable "$run/lines-out/findings.json") == $(comparable "$run/from-$engine/findings.json") ]]; then
            same="same findings"
        fi
        audit_cell="$(wall_seconds "$run/audit-$engine.time") s, CPU $(cpu_seconds "$run/audit-$engine.time") s, $(peak_mib "$run/audit-$engine.time") MiB, $same"
    fi
    ROWS+=("| $engine ($(sed -n 1p "$run/$engine.out" | "$PYTHON" -c 'import json, sys; print(json.load(sys.stdin)["version"])')): aggregate | $seconds s (start $startup s) | $(cpu_seconds "$run/$engine.time") s | $(peak_mib "$run/$engine.time") MiB | $rows rows, $agg_mb MB | $audit_cell |")
done

{
    echo "lake: $LINES lines in $FILES Parquet files ($lake_mb MB), $CONTRACTS contracts; threads $THREADS; plan: $([[ $real_plan == yes ]] && echo "rebate-audit plan" || echo "stand-in (monthly slices)")"
    echo
    echo "| step | wall | CPU | peak RSS | output | audit from the aggregate |"
    echo "|---|---:|---:|---:|---|---|"
    printf '%s\n' "${ROWS[@]}"
} | tee "$run/table.md"
