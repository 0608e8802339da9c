#!/usr/bin/env bash
# bench/run.sh — the end-to-end scale benchmark of the rebate-audit binary (issue 4:
# 10 million billing lines on 2 cores, faster than DuckDB, in bounded memory).
#
#   bench/run.sh                 # full run: 10M + 2.5M generic CSV lines, 1M-line Alibaba .xlsx
#   LINES=500000 bench/run.sh    # quick run: 500k + 125k CSV lines, 50k-line .xlsx
#
# What it does:
#  1. builds the release binary and the `gen` and `bare` examples;
#  2. generates, unless already present under $DATA (same arguments, same bytes):
#     - generic-$LINES:       $LINES lines in $FILES generic-template CSV files
#     - generic-$SMALL_LINES: a smaller CSV set, to show memory does not grow with lines
#     - aliyun-$XLSX_LINES-xlsx: one Alibaba 41-column bill-detail .xlsx
#     each with $CONTRACTS contracts (contracts.xlsx) and a payout ledger (payouts.csv);
#  3. for each data set:
#     - runs the full audit (`rebate-audit run … --as-of 2026-06-30 --quiet --threads $THREADS`)
#       under /usr/bin/time -v: wall time and peak RSS;
#     - runs it again with --threads 1 into another folder and checks the two report
#       folders are byte-identical (diff -r);
#     - runs `bare` on the same billing files: split at line boundaries and parse with the
#       csv crate on $THREADS threads, nothing else (the parsing limit);
#     - checks from findings.json that the audit read every line (a file it refused shows
#       as `read` below `lines`, marked `!`);
#     - runs the DuckDB reference (bench/duckdb_reference.py, CSV sets only: DuckDB cannot
#       read .xlsx without downloading an extension): GROUP BY account, date, product with
#       sum(net_amount), SET threads=$THREADS, once with amounts read as DECIMAL(38,8)
#       (exact, like the auditor) and once as DOUBLE (DuckDB's fastest). DuckDB is
#       installed with pip into a venv under target/bench-venv when missing;
#  4. prints a table (also saved in $RESULTS/summary.txt; every run's raw output is kept
#     under $RESULTS/<data set>/) and exits 1 if a --threads 1 report folder differs from
#     the --threads $THREADS one or an audit did not read every line.
#
# Every timing is warm (the billing files are read once before the runs, so they sit in
# the page cache); MB = 10^6 bytes, MiB = 2^20 bytes. The audit's time is the whole
# process: start, contracts, billing, payouts, computation and every report written.
# DuckDB's is its query alone (no interpreter start-up).
#
# Overrides (environment): LINES (10000000), SMALL_LINES (LINES/4), XLSX_LINES
# (LINES/10, at most 1000000), FILES (8), CONTRACTS (400), THREADS (2), REPEAT (1: runs
# of the $THREADS-thread audit, the fastest is reported), DATA (target/bench-data),
# RESULTS (target/bench-results), SKIP_DUCKDB=1. The machine is shared: the load average
# before each data set is printed, and REPEAT=3 takes the best of three.
#
# BEFORE=PATH compares with another build side by side (e.g. of an earlier commit): its
# audits run interleaved with this build's, $REPEAT each, and a second table gives both
# times, both peaks and their ratios, and whether the two builds wrote byte-identical
# report folders (the script exits 1 when they did not).
set -euo pipefail

cd "$(dirname "$0")/.."

LINES=${LINES:-10000000}
SMALL_LINES=${SMALL_LINES:-$((LINES / 4))}
XLSX_LINES=${XLSX_LINES:-$((LINES / 10 < 1000000 ? LINES / 10 : 1000000))}
FILES=${FILES:-8}
CONTRACTS=${CONTRACTS:-400}
THREADS=${THREADS:-2}
REPEAT=${REPEAT:-1}
DATA=${DATA:-target/bench-data}
RESULTS=${RESULTS:-target/bench-results}
SKIP_DUCKDB=${SKIP_DUCKDB:-0}
BEFORE=${BEFORE:-}
VENV=target/bench-venv
AS_OF=2026-06-30

if [[ ! -x /usr/bin/time ]]; then
    echo "bench/run.sh: /usr/bin/time is needed (apt-get install time)" >&2
    exit 2
fi

echo "== build" >&2
cargo build --release --quiet --bin rebate-audit --example gen --example bare
AUDIT=target/release/rebate-audit
GEN=target/release/examples/gen
BARE=target/release/examples/bare

# --quiet is kept in the command; an older binary without it runs without it.
QUIET=(--quiet)
if ! "$AUDIT" run --help | grep -q -- '--quiet'; then
    echo "bench/run.sh: this rebate-audit has no --quiet; running without it" >&2
    QUIET=()
fi

DUCKDB=1
if [[ $SKIP_DUCKDB == 1 ]]; then
    DUCKDB=0
elif ! "$VENV/bin/python" -c 'import duckdb' 2>/dev/null; then
    echo "== installing duckdb into $VENV" >&2
    if ! { python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet duckdb; } >&2; then
        echo "bench/run.sh: cannot install duckdb; its column will be n/a" >&2
        DUCKDB=0
    fi
fi

mkdir -p "$DATA" "$RESULTS"

# name layout lines files xlsx
DATASETS=(
    "generic-$LINES generic $LINES $FILES no"
    "generic-$SMALL_LINES generic $SMALL_LINES $FILES no"
    "aliyun-$XLSX_LINES-xlsx aliyun $XLSX_LINES 1 yes"
)

# Seconds from /usr/bin/time -v's "h:mm:ss" or "m:ss.ss".
wall_seconds() {
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, part, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + part[i]
        printf "%.2f", s
    }' "$1"
}
peak_mib() {
    awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"
}
# The value after `key` in the key-value output of bare and duckdb_reference.py.
field() {
    awk -v key="$2" '$1 == key { print $2 }' "$1"
}
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'
}
# Billing rows the audit read, from findings.json's control totals.
rows_read() {
    python3 -c 'import json, sys
controls = json.load(open(sys.argv[1]))["controls"]["billing"]
print(sum(control["read"]["rows"] for control in controls))' "$1/findings.json" 2>/dev/null || echo "?"
}

# Runs the audit under /usr/bin/time -v; exit status 0 (clean) and 1 (findings) are both
# a completed audit. BINARY (default $AUDIT) is the build that runs.
audit() {
    local dir=$1 out=$2 threads=$3 time_file=$4
    rm -rf "$out"
    local status=0
    /usr/bin/time -v -o "$time_file" "${BINARY:-$AUDIT}" run --contracts "$dir/contracts.xlsx" --billing "$dir/billing" \
        --payouts "$dir/payouts.csv" --as-of "$AS_OF" --out "$out" "${QUIET[@]}" --threads "$threads" ||
        status=$?
    if ((status > 1)); then
        echo "bench/run.sh: the audit of $dir failed (exit $status)" >&2
        exit 1
    fi
}

FORMAT='%-22s %9s %6s %5s %7s %9s %6s %7s %7s %5s %7s %6s %7s %7s %7s %7s %7s\n'
ROWS=()
BEFORE_ROWS=()
NOTES=()
FAILED=no
for dataset in "${DATASETS[@]}"; do
    read -r name layout lines files xlsx <<<"$dataset"
    dir="$DATA/$name"
    if [[ ! -f $dir/payouts.csv ]]; then
        echo "== generating $name" >&2
        rm -rf "$dir"
        args=(--out "$dir" --lines "$lines" --files "$files" --contracts "$CONTRACTS" --layout "$layout")
        if [[ $xlsx == yes ]]; then args+=(--xlsx); fi
        "$GEN" "${args[@]}" >&2
        # Freshly written gigabytes are still being flushed to disk; let that finish
        # before timing anything.
        sync
    fi
    bytes=$(find "$dir/billing" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')
    cat "$dir"/billing/* >/dev/null # warm the page cache
    run="$RESULTS/$name"
    mkdir -p "$run"
    load=$(cut -d' ' -f1 /proc/loadavg)

    # The fastest of $REPEAT runs on $THREADS threads, and one on 1 thread.
    audit_s=""
    rss=0
    before_s=""
    before_rss=0
    for ((attempt = 1; attempt <= REPEAT; attempt++)); do
        echo "== $name: audit, $THREADS threads (load $(cut -d' ' -f1 /proc/loadavg))" >&2
        audit "$dir" "$run/out-t$THREADS" "$THREADS" "$run/audit-t$THREADS-$attempt.time"
        seconds=$(wall_seconds "$run/audit-t$THREADS-$attempt.time")
        peak=$(peak_mib "$run/audit-t$THREADS-$attempt.time")
        if [[ -z $audit_s ]] || awk -v a="$seconds" -v b="$audit_s" 'BEGIN { exit !(a < b) }'; then
            audit_s=$seconds
        fi
        if ((peak > rss)); then rss=$peak; fi
        if [[ -n $BEFORE ]]; then
            echo "== $name: the BEFORE build, $THREADS threads" >&2
            BINARY=$BEFORE audit "$dir" "$run/before-t$THREADS" "$THREADS" "$run/before-t$THREADS-$attempt.time"
            seconds=$(wall_seconds "$run/before-t$THREADS-$attempt.time")
            peak=$(peak_mib "$run/before-t$THREADS-$attempt.time")
            if [[ -z $before_s ]] || awk -v a="$seconds" -v b="$before_s" 'BEGIN { exit !(a < b) }'; then
                before_s=$seconds
            fi
            if ((peak > before_rss)); then before_rss=$peak; fi
        fi
    done
    if [[ -n $BEFORE ]]; then
        # Evidence packs moved from evidence/<contract>/ to packs/<contract>/ (issue 12);
        # an older build's packs are compared where this build writes them.
        if diff -r -q "$run/out-t$THREADS" "$run/before-t$THREADS" >"$run/before-diff.txt"; then
            same_before=yes
        else
            same_before=NO
            FAILED=yes
            NOTES+=("$name: the reports of $BEFORE differ from this build's ($run/before-diff.txt)")
        fi
        BEFORE_ROWS+=("$(printf '%-22s %9s %9s %7s %9s %9s %7s %5s\n' "$name" "$before_s" "$audit_s" \
            "$(ratio "$audit_s" "$before_s")" "$before_rss" "$rss" "$(ratio "$rss" "$before_rss")" "$same_before")")
    fi
    echo "== $name: audit, 1 thread" >&2
    audit "$dir" "$run/out-t1" 1 "$run/audit-t1.time"
    audit1_s=$(wall_seconds "$run/audit-t1.time")
    if diff -r "$run/out-t$THREADS" "$run/out-t1" >"$run/diff.txt"; then
        identical=yes
    else
        identical=NO
        FAILED=yes
        NOTES+=("$name: the --threads 1 reports differ from --threads $THREADS ($run/diff.txt)")
    fi
    read_rows=$(rows_read "$run/out-t$THREADS")
    if [[ $read_rows != "$lines" ]]; then
        FAILED=yes
        NOTES+=("$name: the audit read $read_rows of $lines lines; rejected: $(python3 -c 'import json, sys
print("; ".join(f["detail"] for f in json.load(open(sys.argv[1]))["findings"] if f["type"] == "rejected_row")[:400])' "$run/out-t$THREADS/findings.json" 2>/dev/null)")
        read_rows="$read_rows!"
    fi

    echo "== $name: bare parse" >&2
    "$BARE" "$dir/billing" --threads "$THREADS" >"$run/bare.txt"
    bare_s=$(field "$run/bare.txt" seconds)
    bare_records=$(field "$run/bare.txt" records)
    if [[ $bare_records != "$lines" ]]; then
        NOTES+=("$name: bare counted $bare_records records, expected $lines")
    fi

    declare -A duck=()
    duck_mib=0
    if [[ $DUCKDB == 1 && $xlsx == no ]]; then
        for amount in 'DECIMAL(38,8)' DOUBLE; do
            tag=${amount%%(*}
            echo "== $name: duckdb, amounts as $amount" >&2
            /usr/bin/time -v -o "$run/duckdb-$tag.time" "$VENV/bin/python" bench/duckdb_reference.py \
                "$dir/billing" --threads "$THREADS" --amount "$amount" >"$run/duckdb-$tag.txt"
            duck[$tag]=$(field "$run/duckdb-$tag.txt" seconds)
            peak=$(peak_mib "$run/duckdb-$tag.time")
            if ((peak > duck_mib)); then duck_mib=$peak; fi
        done
    fi

    # shellcheck disable=SC2059
    ROWS+=("$(printf "$FORMAT" \
        "$name" "$lines" \
        "$(awk -v b="$bytes" 'BEGIN { printf "%.0f", b / 1e6 }')" \
        "$load" "$audit_s" \
        "$(awk -v l="$lines" -v s="$audit_s" 'BEGIN { printf "%.0f", l / s }')" \
        "$(awk -v b="$bytes" -v s="$audit_s" 'BEGIN { printf "%.0f", b / 1e6 / s }')" \
        "$rss" "$audit1_s" "$identical" "$read_rows" "$bare_s" "$(ratio "$audit_s" "$bare_s")" \
        "${duck[DECIMAL]:-n/a}" "$(ratio "${duck[DECIMAL]:-}" "$audit_s")" \
        "${duck[DOUBLE]:-n/a}" "$(ratio "${duck[DOUBLE]:-}" "$audit_s")")")
    unset duck
    if ((duck_mib > 0)); then
        NOTES+=("$name: DuckDB peak RSS ${duck_mib} MiB (audit: $rss MiB)")
    fi
done

{
    echo "rebate-audit scale benchmark, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet -- src 2>/dev/null || echo ' + uncommitted src changes')"
    echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
    echo "audit:   $AUDIT run --contracts DIR/contracts.xlsx --billing DIR/billing --payouts DIR/payouts.csv --as-of $AS_OF --out OUT ${QUIET[*]} --threads $THREADS"
    echo "duckdb:  $("$VENV/bin/python" -c 'import duckdb; print(duckdb.__version__)' 2>/dev/null || echo n/a), SET threads=$THREADS, query time only"
    echo
    # shellcheck disable=SC2059
    printf "$FORMAT" data lines MB load audit_s lines/s MB/s RSS_MiB 1thr_s same read bare_s /bare \
        dec_s dec/aud dbl_s dbl/aud
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "load: 1-minute load average before the data set; audit_s: wall time of the audit on"
    echo "$THREADS threads (best of $REPEAT); lines/s, MB/s: lines and bytes over audit_s; RSS_MiB: its peak"
    echo "resident memory; 1thr_s: the same audit on 1 thread; same: its report folder is"
    echo "byte-identical; read: billing lines the audit read (from findings.json);"
    echo "bare_s: split + csv ByteRecord parse (calamine cell stream for .xlsx) only; /bare = audit_s / bare_s;"
    echo "dec_s, dbl_s: DuckDB's GROUP BY with amounts as DECIMAL(38,8) and as DOUBLE;"
    echo "dec/aud, dbl/aud = DuckDB seconds / audit_s (above 1: the auditor is faster)."
    if [[ -n $BEFORE ]]; then
        echo
        echo "side by side with $BEFORE (best of $REPEAT each, interleaved):"
        printf '%-22s %9s %9s %7s %9s %9s %7s %5s\n' data before_s after_s ratio before_MiB after_MiB ratio same
        printf '%s\n' "${BEFORE_ROWS[@]}"
    fi
    printf '%s\n' "${NOTES[@]}"
} | tee "$RESULTS/summary.txt"

if [[ $FAILED == yes ]]; then
    echo "bench/run.sh: FAILED: see the notes above" >&2
    exit 1
fi
