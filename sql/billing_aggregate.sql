-- rebate-audit/aggregate/v1: the billing aggregate (docs/AGGREGATE.md, docs/ENGINES.md).
--
-- Reads the view `lines` (define it with sql/lines_focus.sql or sql/lines_generic.sql, or
-- your own mapping to the same columns) and the tables `rebate-audit plan` writes:
-- `coverage`, `slices`, `products`. Returns one row per contract, account, period slice,
-- billing month, product, currency and source. Runs unchanged on Spark SQL, DuckDB, Trino
-- and DataFusion: equality joins, range predicates on dates, CAST, ROUND, COALESCE,
-- LOWER/TRIM/CONCAT, SUM, COUNT, MIN, MAX, GROUP BY. No date arithmetic, no ranking, no
-- knowledge of rulesets: the plan holds all of that.
--
-- Money: each amount is rounded to 8 decimals (a DOUBLE column's binary noise; a DECIMAL
-- column is unchanged) and cast to DECIMAL(38,10) before it is summed, so the sums are
-- exact decimal sums in every engine, whatever order the engine adds them in.
--
-- A line no coverage row matches (uncovered account, another currency, a day outside the
-- contract) keeps an empty contract_id and no slice: its spend is still handed over, and
-- rebate-audit says what it is. A line without an account, billing month, product, net
-- amount or currency is not summed: the manifest's rows-in minus lines-summed counts it.
WITH dated AS (
    SELECT
        account_id,
        billing_month,
        product_name,
        list_amount,
        net_amount,
        voucher_amount,
        currency,
        source,
        -- The line's day: its charge date, else the first day of its billing month.
        COALESCE(charge_date, CAST(CONCAT(billing_month, '-01') AS DATE)) AS line_day
    FROM lines
    WHERE account_id IS NOT NULL
      AND billing_month IS NOT NULL
      AND product_name IS NOT NULL
      AND net_amount IS NOT NULL
      AND currency IS NOT NULL
),
routed AS (
    SELECT
        COALESCE(c.contract_id, '') AS contract_id,
        d.account_id,
        s.slice_start,
        s.slice_end,
        d.billing_month,
        COALESCE(p.product, LOWER(TRIM(d.product_name))) AS product,
        d.currency,
        CAST(ROUND(d.list_amount, 8) AS DECIMAL(38, 10)) AS list_amount,
        CAST(ROUND(d.net_amount, 8) AS DECIMAL(38, 10)) AS net_amount,
        CAST(ROUND(d.voucher_amount, 8) AS DECIMAL(38, 10)) AS voucher_amount,
        d.line_day,
        d.source
    FROM dated d
    LEFT JOIN coverage c
        ON c.account_id = d.account_id
       AND c.currency = d.currency
       AND d.line_day >= c.valid_from
       AND d.line_day < c.valid_to
    LEFT JOIN slices s
        ON s.contract_id = c.contract_id
       AND d.line_day >= s.slice_start
       AND d.line_day < s.slice_end
    LEFT JOIN products p
        ON p.ruleset = c.ruleset
       AND p.name_folded = LOWER(TRIM(d.product_name))
)
SELECT
    contract_id,
    account_id,
    slice_start,
    slice_end,
    billing_month,
    product,
    currency,
    COALESCE(SUM(list_amount), CAST(0 AS DECIMAL(38, 10))) AS list_amount,
    COUNT(*) - COUNT(list_amount) AS lines_without_list,
    SUM(net_amount) AS net_amount,
    COALESCE(SUM(voucher_amount), CAST(0 AS DECIMAL(38, 10))) AS voucher_amount,
    COUNT(*) AS lines,
    MIN(line_day) AS first_charge_date,
    MAX(line_day) AS last_charge_date,
    source
FROM routed
GROUP BY
    contract_id,
    account_id,
    slice_start,
    slice_end,
    billing_month,
    product,
    currency,
    source
