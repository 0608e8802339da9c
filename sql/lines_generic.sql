-- The view `lines` over the generic billing template (docs/INPUTS.md, "Generic billing
-- template"), read as a table named `generic_billing` (Parquet, or CSV with typed amounts).
-- Define it as a view in your engine (docs/ENGINES.md):
--   Spark SQL:                  CREATE OR REPLACE TEMPORARY VIEW lines AS <this file>
--   DuckDB, Trino, DataFusion:  CREATE VIEW lines AS <this file>
-- `source` names the table; to carry each file's name instead, replace the literal with
-- your engine's file-name column (docs/ENGINES.md, "Which file a line came from").
SELECT
    TRIM(CAST(account_id AS VARCHAR(200))) AS account_id,
    CAST(date AS DATE) AS charge_date,
    -- 2025-03 written as text, or a date in the month: the first 7 characters.
    SUBSTR(TRIM(CAST(billing_month AS VARCHAR(30))), 1, 7) AS billing_month,
    product AS product_name,
    list_amount,
    net_amount,
    COALESCE(voucher, 0) AS voucher_amount,
    CASE UPPER(TRIM(currency))
        WHEN 'RMB' THEN 'CNY'
        WHEN '人民币' THEN 'CNY'
        WHEN '¥' THEN 'CNY'
        WHEN '￥' THEN 'CNY'
        WHEN '美元' THEN 'USD'
        WHEN '$' THEN 'USD'
        ELSE UPPER(TRIM(currency))
    END AS currency,
    'generic_billing' AS source
FROM generic_billing
