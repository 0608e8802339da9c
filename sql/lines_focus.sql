-- The view `lines` over a FinOps FOCUS 1.0–1.3 cost and usage table (Azure Cost
-- Management's and AWS Data Exports' FOCUS Parquet, any provider's), read as a table named
-- `focus_billing`. The columns read did not change between 1.0 and 1.3. Define it as a
-- view in your engine (docs/ENGINES.md):
--   Spark SQL:                  CREATE OR REPLACE TEMPORARY VIEW lines AS <this file>
--   DuckDB, Trino, DataFusion:  CREATE VIEW lines AS <this file>
-- Dates are the timestamps' dates in the session's time zone: run the session in UTC, or
-- in the billing account's zone for exports that write a local month in UTC (Alibaba
-- Cloud's and Huawei Cloud's FOCUS start China's March at 2025-02-28T16:00:00Z):
-- docs/ENGINES.md, "Time zones".
SELECT
    TRIM(CAST(BillingAccountId AS VARCHAR(200))) AS account_id,
    CAST(ChargePeriodStart AS DATE) AS charge_date,
    SUBSTR(CAST(CAST(BillingPeriodStart AS DATE) AS VARCHAR(10)), 1, 7) AS billing_month,
    ServiceName AS product_name,
    ListCost AS list_amount,
    BilledCost AS net_amount,
    -- FOCUS has no voucher column: cash = net (as the line route reads it).
    CAST(0 AS DECIMAL(38, 10)) AS voucher_amount,
    UPPER(TRIM(BillingCurrency)) AS currency,
    'focus_billing' AS source
FROM focus_billing
