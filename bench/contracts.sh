#!/usr/bin/env bash
# bench/contracts.sh — what many contracts cost (issue 17): the same billing lines audited
# under few and under many contracts, side by side in one run.
#
#   bench/contracts.sh                       # 1M lines in 2 CSV files, 40 and 4,000 contracts
#   BIG=1 bench/contracts.sh                 # also 40,000 contracts over 10M lines
#   BEFORE=path/to/rebate-audit bench/contracts.sh   # and an earlier build beside this one
#
# The data sets come from the benchmark generator's group shape (`gen --group`, see
# examples/support/generator.rs): two accounts per contract, every contract settled
# quarterly over 2024–2025, the lines of each file in random account order, one payout of
# a random amount per contract-quarter (so most payouts are wrong and raise findings).
# Same arguments, same bytes: the sets are generated once under $DATA and reused.
#
# For each set the audit runs under /usr/bin/time -v with `--log-format json`; the table
# gives the wall time, peak RSS, the time of each stage (from the log's stage lines, see
# docs/NIGHTLY.md), the findings and the sizes of findings.json, report.html and
# evidence/. The attribution line compares the read-billing stage over 80 accounts
# (40 contracts) with the same number of lines over 8,000 accounts (4,000 contracts):
# issue 17 asks for at least 2/3 of the throughput. A second attribution line gives the
# same ratio in CPU seconds of the read-billing stage alone (examples/read_billing.rs,
# best of REPEAT), which moves far less than wall time on a shared machine.
#
# With BEFORE, the earlier build audits each set too (interleaved, into the same output
# path, so nothing a report quotes differs) and the script checks that both wrote the same
# findings — every field, sentence, installment split and period trail, compared line by
# line through bench/findings-lines.py whatever shape each build's findings.json has — the
# "nothing lost" check on the big sets; exit 1 if not.
#
# Environment: LINES (1000000), FILES (2), BIG_LINES (10000000), BIG_FILES (8), THREADS
# (2), REPEAT (1: best of REPEAT for the times), STAT (best, or median: the run of median
# wall time out of REPEAT, its stages with it — on a shared machine), DATA (target/bench-data), RESULTS
# (target/bench-results/contracts), BEFORE, BIG=1. MB = 10^6 bytes, MiB = 2^20 bytes.
set -euo pipefail

cd "$(dirname "$0")/.."

LINES=${LINES:-1000000}
FILES=${FILES:-2}
BIG_LINES=${BIG_LINES:-10000000}
BIG_FILES=${BIG_FILES:-8}
THREADS=${THREADS:-2}
REPEAT=${REPEAT:-1}
DATA=${DATA:-target/bench-data}
RESULTS=${RESULTS:-target/bench-results/contracts}
BEFORE=${BEFORE:-}
BIG=${BIG:-0}
STAT=${STAT:-best}
AS_OF=2026-06-30

if [[ ! -x /usr/bin/time ]]; then
    echo "bench/contracts.sh: /usr/bin/time is needed (apt-get install time)" >&2
    exit 2
fi

echo "== build" >&2
cargo build --release --quiet --bin rebate-audit --example gen --example read_billing
AUDIT=$PWD/target/release/rebate-audit
GEN=target/release/examples/gen
READER=target/release/examples/read_billing
if [[ -n $BEFORE ]]; then BEFORE=$(realpath "$BEFORE"); fi

# contracts lines files
SETS=("40 $LINES $FILES" "4000 $LINES $FILES")
if [[ $BIG == 1 ]]; then SETS+=("40000 $BIG_LINES $BIG_FILES"); fi

mkdir -p "$DATA" "$RESULTS"

wall_seconds() {
    awk -F': ' '/Elapsed \(wall clock\)/ {
        n = split($2, part, ":"); s = 0
        for (i = 1; i <= n; i++) s = s * 60 + part[i]
        printf "%.2f", s
    }' "$1"
}
# User + system CPU seconds of the whole process.
cpu_seconds() {
    awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$1"
}
peak_mib() {
    awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"
}
# "stage=seconds" per stage from a JSON log.
stages() {
    python3 - "$1" <<'EOF'
import json, re, sys
units = {"ns": 1e-9, "µs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}
for line in open(sys.argv[1], encoding="utf-8"):
    try:
        record = json.loads(line)
    except ValueError:
        continue
    if record.get("message") != "close" or "stage" not in record.get("span", {}):
        continue
    value, unit = re.fullmatch(r"([0-9.]+)\s*([a-zµ]+)", record["time.busy"]).groups()
    print(f'{record["span"]["stage"].replace(" ", "_")}={float(value) * units[unit]:.3f}')
EOF
}
findings() {
    python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$1" 2>/dev/null || echo "?"
}
megabytes() {
    du -sb "$1" 2>/dev/null | awk '{ printf "%.1f", $1 / 1e6 }'
}

# Runs one build over one set into $run/out; leaves time, log and outputs there.
audit() {
    local binary=$1 dir=$2 run=$3 tag=$4
    rm -rf "$run/out"
    local status=0
    /usr/bin/time -v -o "$run/$tag.time" "$binary" run --contracts "$dir/contracts.xlsx" \
        --billing "$dir/billing" --payouts "$dir/payouts.csv" --as-of "$AS_OF" --out "$run/out" \
        --quiet --threads "$THREADS" --log-format json 2>"$run/$tag.log" || status=$?
    if ((status > 1)); then
        echo "bench/contracts.sh: $binary failed on $dir (exit $status, log $run/$tag.log)" >&2
        exit 1
    fi
}

FORMAT='%-8s %-6s %9s %7s %7s %8s %8s %8s %8s %8s %8s %9s %9s %9s %9s\n'
ROWS=()
NOTES=()
FAILED=no
declare -A READ=()
for set in "${SETS[@]}"; do
    read -r contracts lines files <<<"$set"
    name="group-$lines-$contracts"
    dir="$DATA/$name"
    if [[ ! -f $dir/payouts.csv ]]; then
        echo "== generating $name" >&2
        rm -rf "$dir"
        "$GEN" --out "$dir" --lines "$lines" --files "$files" --contracts "$contracts" --group >&2
        sync
    fi
    cat "$dir"/billing/* >/dev/null # warm the page cache
    run="$RESULTS/$name"
    mkdir -p "$run/set-aside"
    builds=("after $AUDIT")
    if [[ -n $BEFORE ]]; then builds=("before $BEFORE" "after $AUDIT"); fi
    declare -A best=() peak=() stage_line=() found=() sizes=() runs=()
    for ((attempt = 1; attempt <= REPEAT; attempt++)); do
        for build in "${builds[@]}"; do
            read -r tag binary <<<"$build"
            echo "== $name: $tag (load $(cut -d' ' -f1 /proc/loadavg))" >&2
            audit "$binary" "$dir" "$run" "$tag-$attempt"
            seconds=$(wall_seconds "$run/$tag-$attempt.time")
            runs[$tag]+="$seconds|$(cpu_seconds "$run/$tag-$attempt.time")|$(stages "$run/$tag-$attempt.log" | tr '\n' ' ')"$'\n'
            mib=$(peak_mib "$run/$tag-$attempt.time")
            if ((mib > ${peak[$tag]:-0})); then peak[$tag]=$mib; fi
            found[$tag]=$(findings "$run/out/findings.json")
            sizes[$tag]="$(megabytes "$run/out/findings.json") $(megabytes "$run/out/report.html") $(megabytes "$run/out/evidence")"
            # The previous run's folder is set aside, not deleted: ext4 without a journal
            # (this machine's) scans past inodes freed within the last minutes for every
            # file it creates, so deleting 4,009 files between runs would charge the next
            # run up to 1.5 s of system time a nightly run never pays (docs/BENCHMARK.md,
            # "The other reports at 4,000 contracts, second round"). Deleted at the end.
            if [[ -e $run/out-$tag ]]; then mv "$run/out-$tag" "$run/set-aside/$tag-$attempt"; fi
            mv "$run/out" "$run/out-$tag"
        done
        if [[ -n $BEFORE ]] && ((attempt == 1)); then
            # One line per finding, wherever each build's findings.json keeps the period's
            # computation (bench/findings-lines.py): the same lines when nothing was lost.
            if cmp -s <(python3 bench/findings-lines.py "$run/out-before/findings.json") \
                <(python3 bench/findings-lines.py "$run/out-after/findings.json"); then
                NOTES+=("$name: every finding, amount, id and trail the same as BEFORE ($(findings "$run/out-after/findings.json") findings)")
            else
                FAILED=yes
                NOTES+=("$name: findings DIFFER from BEFORE ($run/out-before, $run/out-after)")
            fi
            # Every report file byte for byte (not a failure: a build may change a format
            # on purpose).
            differing=$(diff -rq "$run/out-before" "$run/out-after" | wc -l || true)
            if ((differing == 0)); then
                NOTES+=("$name: every report file byte-identical to BEFORE's")
            else
                NOTES+=("$name: $differing report files differ from BEFORE's (diff -rq $run/out-before $run/out-after)")
            fi
        fi
    done
    for build in "${builds[@]}"; do
        read -r tag _ <<<"$build"
        # The best run, or the run of median wall time (the upper middle one of an even
        # number), with its CPU time and its stages.
        pick=1
        if [[ $STAT == median ]]; then pick=$((REPEAT / 2 + 1)); fi
        chosen=$(printf '%s' "${runs[$tag]}" | sort -t'|' -k1,1g | sed -n "${pick}p")
        IFS='|' read -r seconds cpu stages_of_run <<<"$chosen"
        stage_line[$tag]=$stages_of_run
        best[$tag]=$seconds
        declare -A stage=()
        for pair in ${stage_line[$tag]}; do stage[${pair%%=*}]=${pair#*=}; done
        READ[$tag-$contracts]=${stage[read_billing]:-}
        read -r json html evidence <<<"${sizes[$tag]}"
        # shellcheck disable=SC2059
        ROWS+=("$(printf "$FORMAT" "$contracts" "$tag" "$lines" "${best[$tag]}" "$cpu" "${peak[$tag]}" \
            "${stage[read_billing]:-?}" "${stage[compute]:-?}" "${stage[reconcile]:-?}" \
            "${stage[write_reports]:-?}" "${stage[commit]:-?}" "${found[$tag]}" "$json" "$html" "$evidence")")
    done
    unset best peak stage_line found sizes runs
done

throughput() {
    local tag=$1
    local few=${READ[$tag-40]:-} many=${READ[$tag-4000]:-}
    if [[ -z $few || -z $many ]]; then return; fi
    awk -v l="$LINES" -v a="$few" -v b="$many" -v t="$tag" 'BEGIN {
        printf "attribution (%s): %d lines over 80 accounts %.2f s (%.2fM lines/s), over 8,000 accounts %.2f s (%.2fM lines/s): %.0f%% of the throughput (target: 67%% or more)\n",
            t, l, a, l / a / 1e6, b, l / b / 1e6, 100 * a / b
    }'
}

# The read-billing stage alone, in CPU seconds (this build only).
declare -A CPU=()
for contracts in 40 4000; do
    CPU[$contracts]=$(RAYON_NUM_THREADS=$THREADS "$READER" "$DATA/group-$LINES-$contracts" "$REPEAT" |
        sed -n 's/.*best of [0-9]*: \([0-9.]*\) s CPU.*/\1/p')
done

{
    echo "rebate-audit: many contracts, $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet -- src 2>/dev/null || echo ' + uncommitted src changes')"
    echo "machine: $(nproc) cores ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), load $(cut -d' ' -f1-3 /proc/loadavg); --threads $THREADS; $STAT of $REPEAT"
    if [[ -n $BEFORE ]]; then echo "before: $BEFORE"; fi
    echo
    # shellcheck disable=SC2059
    printf "$FORMAT" contracts build lines wall_s cpu_s RSS_MiB read_s compute_s recon_s reports_s commit_s findings json_MB html_MB evid_MB
    printf '%s\n' "${ROWS[@]}"
    echo
    if [[ -n $BEFORE ]]; then throughput before; fi
    throughput after
    awk -v l="$LINES" -v a="${CPU[40]}" -v b="${CPU[4000]}" 'BEGIN {
        if (a > 0 && b > 0) printf "attribution (CPU, read billing alone): over 80 accounts %.2f s, over 8,000 accounts %.2f s: %.0f%% of the throughput (target: 67%% or more)\n", a, b, 100 * a / b
    }'
    echo "read_s … commit_s: the stages' busy time from the JSON log (read billing, compute, reconcile,"
    echo "write reports, commit); wall_s, cpu_s (user + system) and RSS_MiB: the whole process, from"
    echo "/usr/bin/time -v; with STAT=median the times are one run's, the one of median wall time."
    printf '%s\n' "${NOTES[@]}"
} | tee "$RESULTS/summary.txt"

# The folders set aside between runs, now that nothing is timed.
rm -rf "$RESULTS"/*/set-aside

if [[ $FAILED == yes ]]; then
    echo "bench/contracts.sh: FAILED: see the notes above" >&2
    exit 1
fi
