#!/usr/bin/env python3
"""bench/findings-lines.py FINDINGS_JSON — one line per finding, for comparing two builds'
findings.json when its shape changed (issue 17 moved each period's computation and source
rows from the findings to `periods`).

Each line: the finding's fields as written, digests of its sentence and of the rest of its
evidence, its installment's split and digests of its period's computation (without the
installment's own fields) and source rows, found wherever the file keeps them
(`evidence.computation`/`evidence.source_rows` before, `periods[key == evidence.period]`
after). The same as tests/it/many_contracts.rs's fixture lines, for the benchmark's big
sets: `diff <(bench/findings-lines.py before/findings.json) <(bench/findings-lines.py
after/findings.json)` is empty when nothing was lost.
"""
import hashlib
import json
import sys

FIELDS = ["id", "type", "severity", "contract_id", "period_start", "period_end",
          "installment", "payout_id", "reason", "expected", "paid", "difference", "due_on",
          "paid_on", "days_late", "interest", "amount"]
OWN = ["portion", "installment_expected", "due_rule", "installment", "formula"]


def text(value):
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def digest(value):
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def main(path):
    with open(path, encoding="utf-8") as file:
        report = json.load(file)
    periods = {period["key"]: period for period in report.get("periods", [])}
    out = sys.stdout
    for finding in report["findings"]:
        evidence = finding["evidence"]
        key = evidence.get("period")
        if key is not None:
            computation = periods[key]["computation"]
            rows = periods[key]["source_rows"] or None
        else:
            computation = evidence.get("computation")
            rows = evidence.get("source_rows") or None
        rest = {name: value for name, value in evidence.items()
                if name not in ("computation", "source_rows", "period")}
        fields = [text(finding.get(name)) for name in FIELDS]
        fields += [digest(finding["detail"]), digest(rest)]
        split = "-"
        if computation is not None:
            for share in computation.get("installments", []):
                if share["installment"] == finding.get("installment"):
                    split = " ".join(text(share[name])
                                     for name in ("portion", "expected", "due_on", "due_rule"))
            computation = {name: value for name, value in computation.items() if name not in OWN}
        fields += [split, "-" if computation is None else digest(computation),
                   "-" if rows is None else digest(rows)]
        out.write("\t".join(fields) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
