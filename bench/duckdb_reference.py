#!/usr/bin/env python3
"""DuckDB reference for bench/run.sh: reads the same generic-template billing CSVs and
groups them by account, date and product, summing net_amount, which is the least an
auditor has to do with every line.

    python bench/duckdb_reference.py DIR/billing --threads 2 --amount 'DECIMAL(38,8)'

The result goes into an in-memory table (so DuckDB cannot skip the aggregate or the
amount column), whose group count and total are printed as a check. `seconds` is the
query alone: interpreter start-up and `import duckdb` are not counted.
"""

import argparse
import os
import time

import duckdb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("billing", help="folder of generic-template CSV files")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--amount",
        default="DECIMAL(38,8)",
        help="SQL type the amounts are read as: DECIMAL(38,8) (exact, default) or DOUBLE",
    )
    args = parser.parse_args()
    amount = args.amount
    columns = {
        "account_id": "VARCHAR",
        "billing_month": "VARCHAR",
        "date": "DATE",
        "product": "VARCHAR",
        "order_type": "VARCHAR",
        "instance_id": "VARCHAR",
        "list_amount": amount,
        "discount": amount,
        "voucher": amount,
        "net_amount": amount,
        "currency": "VARCHAR",
    }
    pattern = os.path.join(args.billing, "*.csv").replace("'", "''")
    spec = ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items())
    connection = duckdb.connect()
    connection.execute(f"SET threads={args.threads}")
    query = (
        "CREATE TEMP TABLE result AS "
        "SELECT account_id, date, product, sum(net_amount) AS net "
        f"FROM read_csv('{pattern}', header=true, delim=',', quote='\"', columns={{{spec}}}) "
        "GROUP BY ALL"
    )
    started = time.perf_counter()
    connection.execute(query)
    seconds = time.perf_counter() - started
    groups, total = connection.execute("SELECT count(*), sum(net) FROM result").fetchone()
    print(f"duckdb   {duckdb.__version__}")
    print(f"threads  {args.threads}")
    print(f"amount   {amount}")
    print(f"groups   {groups}")
    print(f"total    {total}")
    print(f"seconds  {seconds:.3f}")


if __name__ == "__main__":
    main()
