#!/usr/bin/env bash
# bench/compare.sh — proves a change left every output as it was: runs two rebate-audit
# binaries over the same scenarios and compares every file they write, their standard
# output, standard error and exit status, byte for byte.
#
#   bench/compare.sh OLD_BINARY [NEW_BINARY]
#
# NEW_BINARY defaults to target/release/rebate-audit (built first). Build OLD_BINARY from
# the commit to compare with, e.g.:
#
#   git worktree add /tmp/before main && (cd /tmp/before && cargo build --release)
#   bench/compare.sh /tmp/before/target/release/rebate-audit
#
# Scenarios: the demo (English, Chinese, evidence packs inside and outside the report
# folder, a baseline run, audit.toml), `explain` for every contract and period of the
# demo in both languages (the golden trails among them), `inspect` and `formats`, the
# provider and hostile fixtures audited against the demo contracts, and two generated
# sets (generic CSV and an Alibaba .xlsx, see examples/gen.rs). Both binaries run under
# the same file name, from the same folder, with the same relative paths, so nothing a
# report quotes (the command line of an evidence pack, an output path) differs.
#
# Exit status 0 when everything is identical; 1 with the differing files listed (the
# runs are kept under $WORK for a closer look). Environment: WORK (target/compare),
# LINES (generated lines, 200000), SKIP_GENERATED=1, STDERR=ignore (compare exit status
# and stdout only; for a change that is meant to alter log lines).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
OLD=$(realpath "${1:?usage: bench/compare.sh OLD_BINARY [NEW_BINARY]}")
if [[ -n ${2:-} ]]; then
    NEW=$(realpath "$2")
else
    cargo build --release --quiet --bin rebate-audit --example gen
    NEW=$ROOT/target/release/rebate-audit
fi
WORK=${WORK:-$ROOT/target/compare}
LINES=${LINES:-200000}
SKIP_GENERATED=${SKIP_GENERATED:-0}
STDERR=${STDERR:-compare}
DATA=$WORK/data

rm -rf "$WORK/old" "$WORK/new" "$WORK/stage"
mkdir -p "$WORK" "$DATA"

# Generated sets, once per $WORK (same arguments, same bytes).
if [[ $SKIP_GENERATED != 1 ]]; then
    cargo build --release --quiet --example gen
    if [[ ! -f $DATA/generic/payouts.csv ]]; then
        "$ROOT/target/release/examples/gen" --out "$DATA/generic" --lines "$LINES" --files 4 --contracts 120 >/dev/null
    fi
    if [[ ! -f $DATA/aliyun/payouts.csv ]]; then
        "$ROOT/target/release/examples/gen" --out "$DATA/aliyun" --lines $((LINES / 10)) --contracts 40 \
            --layout aliyun --xlsx >/dev/null
    fi
fi

# Every scenario: a name and the arguments, run from $STAGE with the inputs under in/.
SCENARIOS=(
    "demo|run --contracts in/samples/contracts.xlsx --billing in/samples/billing --payouts in/samples/payouts.xlsx --as-of 2026-06-30 --out out"
    "demo-zh-packs|run --contracts in/samples/contracts.xlsx --billing in/samples/billing --payouts in/samples/payouts.xlsx --as-of 2026-06-30 --out out --lang zh --evidence"
    "demo-packs-outside|run --contracts in/samples/contracts.xlsx --billing in/samples/billing --payouts in/samples/payouts.xlsx --as-of 2026-06-30 --out out --evidence packs-out --fail-on error"
    "demo-early|run --contracts in/samples/contracts.xlsx --billing in/samples/billing --payouts in/samples/payouts.xlsx --as-of 2025-06-30 --out out --fail-on info"
    "demo-config|run --config in/samples/audit.toml --out out"
    "demo-threads1|run --contracts in/samples/contracts.xlsx --billing in/samples/billing --payouts in/samples/payouts.xlsx --as-of 2026-06-30 --out out --threads 1 --quiet"
    "limits|run --config in/limits.toml"
    "formats|formats"
    "bad-as-of|run --contracts in/samples/contracts.xlsx --billing in/samples/billing --payouts in/samples/payouts.xlsx --as-of 2026-13-01 --out out"
    "missing-billing|run --contracts in/samples/contracts.xlsx --billing in/nothing --payouts in/samples/payouts.xlsx --as-of 2026-06-30 --out out"
    "unknown-format|run --contracts in/samples/contracts.xlsx --billing in/samples/billing --payouts in/samples/payouts.xlsx --as-of 2026-06-30 --out out --format nope"
    "providers|run --contracts in/samples/contracts.xlsx --billing in/tests/fixtures/providers --payouts in/samples/payouts.xlsx --as-of 2026-06-30 --out out --lang zh"
    "hostile|run --contracts in/samples/contracts.xlsx --billing in/tests/fixtures/hostile --payouts in/tests/fixtures/hostile/injection-payouts.csv --as-of 2026-06-30 --out out --evidence"
    "formats-fixtures|run --contracts in/tests/fixtures/formats/contracts.ods --billing in/tests/fixtures/formats/billing.xls --billing in/tests/fixtures/formats/billing.ods --payouts in/tests/fixtures/formats/payouts.xls --as-of 2026-06-30 --out out"
)
for file in in/samples/billing/aliyun/aliyun-bill-2024.csv in/samples/billing/huawei/huawei-2024-2025-gbk.csv \
    in/samples/billing/aliyun/1729304455667781_BillingItemDetail_202603.zip in/tests/fixtures/hostile/ragged-rows.csv; do
    SCENARIOS+=("inspect-$(basename "$file")|inspect $file")
    SCENARIOS+=("inspect-json-$(basename "$file")|inspect --json $file")
done
# explain: every contract, every period the demo has, both languages.
CONTRACTS=(ALI-2024-001 TX-2025-002 HW-2024-003 AZ-2025-004 ALI-2025-005 ALI-2025-006)
for contract in "${CONTRACTS[@]}"; do
    for lang in en zh; do
        SCENARIOS+=("explain-$contract-$lang|explain --contract $contract --contracts in/samples/contracts.xlsx --billing in/samples/billing --payouts in/samples/payouts.xlsx --as-of 2026-06-30 --lang $lang")
    done
done
for period in 2024-Q4 2025-06 2025-10 2025 2026-03; do
    for contract in ALI-2024-001 TX-2025-002 ALI-2025-005; do
        SCENARIOS+=("explain-$contract-$period|explain --contract $contract --period $period --contracts in/samples/contracts.xlsx --billing in/samples/billing --payouts in/samples/payouts.xlsx --as-of 2026-06-30 --lang zh")
    done
done
SCENARIOS+=("explain-unknown|explain --contract NOPE --contracts in/samples/contracts.xlsx --billing in/samples/billing --payouts in/samples/payouts.xlsx --as-of 2026-06-30")
if [[ $SKIP_GENERATED != 1 ]]; then
    SCENARIOS+=("generic|run --contracts in/data/generic/contracts.xlsx --billing in/data/generic/billing --payouts in/data/generic/payouts.csv --as-of 2026-06-30 --out out --quiet --evidence")
    SCENARIOS+=("aliyun-xlsx|run --contracts in/data/aliyun/contracts.xlsx --billing in/data/aliyun/billing --payouts in/data/aliyun/payouts.csv --as-of 2026-06-30 --out out --lang zh")
fi

# Runs one binary over every scenario into $WORK/$side.
run_side() {
    local side=$1 binary=$2
    for scenario in "${SCENARIOS[@]}"; do
        local name=${scenario%%|*} args=${scenario#*|}
        local stage=$WORK/stage
        rm -rf "$stage"
        mkdir -p "$stage/in"
        ln -s "$ROOT/samples" "$stage/in/samples"
        ln -s "$ROOT/tests" "$stage/in/tests"
        ln -s "$DATA" "$stage/in/data"
        printf '%s\n' 'contracts = "samples/contracts.xlsx"' 'billing = ["samples/billing/aliyun/*.xlsx", "samples/billing/huawei", "tests/fixtures/formats/billing.xls"]' \
            'payouts = "samples/payouts.xlsx"' 'as_of = "2026-06-30"' 'out = "../out"' '[limits]' 'whole_workbook_size = 4096' 'sheet_columns = 30' >"$stage/in/limits.toml"
        cp "$binary" "$stage/rebate-audit"
        local status=0
        # shellcheck disable=SC2086
        (cd "$stage" && REBATE_AUDIT_TODAY=2026-07-01 TZ=UTC ./rebate-audit $args >stdout.txt 2>stderr.txt) || status=$?
        echo "$status" >"$stage/status.txt"
        # A baseline run on top of the demo: last run's findings.json in the same folder.
        if [[ $name == demo ]]; then
            (cd "$stage" && ./rebate-audit run --contracts in/samples/contracts.xlsx --billing in/samples/billing \
                --payouts in/samples/payouts.xlsx --as-of 2026-07-31 --out out-baseline --baseline out/findings.json \
                >stdout-baseline.txt 2>stderr-baseline.txt) || echo $? >"$stage/status-baseline.txt"
        fi
        rm -f "$stage/rebate-audit" "$stage/in/samples" "$stage/in/tests" "$stage/in/data" "$stage/in/limits.toml"
        rmdir "$stage/in"
        if [[ $STDERR == ignore ]]; then
            rm -f "$stage"/stderr*.txt
        fi
        mkdir -p "$WORK/$side"
        mv "$stage" "$WORK/$side/$name"
    done
}

echo "== running ${#SCENARIOS[@]} scenarios with $OLD" >&2
run_side old "$OLD"
# Intended changes since the binaries this script compares were first built: evidence
# packs moved from evidence/<contract>/ to packs/<contract>/ (issue 12). An older
# binary's packs are moved the same way before the comparison.
for evidence in "$WORK"/old/*/out/evidence; do
    for pack in "$evidence"/*/; do
        [[ -f $pack/manifest.json ]] || continue
        mkdir -p "${evidence%/evidence}/packs"
        mv "$pack" "${evidence%/evidence}/packs/"
    done
done
echo "== running ${#SCENARIOS[@]} scenarios with $NEW" >&2
run_side new "$NEW"

if diff -r -q "$WORK/old" "$WORK/new" >"$WORK/diff.txt"; then
    files=$(find "$WORK/new" -type f | wc -l)
    echo "bench/compare.sh: identical: ${#SCENARIOS[@]} scenarios, $files files (exit status, stdout, stderr and every report)"
else
    echo "bench/compare.sh: DIFFERENT ($(wc -l <"$WORK/diff.txt") entries; first ones below, all in $WORK/diff.txt)" >&2
    head -30 "$WORK/diff.txt" >&2
    exit 1
fi
