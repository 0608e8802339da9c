//! The starter kit in English.

use super::{ColumnHelp, KitSentences};

/// The English table.
pub(super) struct English;

const fn help(meaning: &'static str, accepted: &'static str, example: &'static str) -> ColumnHelp {
    ColumnHelp {
        meaning,
        accepted,
        example,
    }
}

impl KitSentences for English {
    fn readme_sheet(&self) -> &'static str {
        "README"
    }

    fn readme_title(&self) -> &'static str {
        "rebate-audit starter kit: how to fill in this workbook"
    }

    fn readme_intro(&self) -> &'static [&'static str] {
        &[
            "This workbook holds your rebate contracts: one row per contract on the contracts sheet, its rebate brackets on tiers, optional product weights on products, optional installments on schedule and optional mid-term changes (a new tier table, a new end, a product's coefficient, an account added or removed) on amendments. Other sheets (like this one) are not read.",
            "Keep the sheet names and the header row as they are; the columns may be in any order, and a column of your own (notes) is ignored. Cells with a dropdown list the words the auditor reads; dates, amounts and percentages are formatted already.",
            "payouts.xlsx is the ledger of rebates received (one row per payment); billing/ holds the cloud bills (here a small sample); audit.toml says where everything is.",
            "To run the audit: rebate-audit run --config audit.toml (in this folder), then open audit-out/report.html.",
            "Any cell the auditor cannot read stops the run and names the file, sheet, row and column, what was expected and what was found: nothing is guessed.",
        ]
    }

    fn readme_example(&self) -> &'static [&'static str] {
        &[
            "The example contract DEMO-2026-001 audited with billing/sample.csv as of 2026-08-31 (the as_of in audit.toml):",
            "2026-Q1: ECS 125,000.00 + RDS 20,000.00 weighted 0.5 = 135,000.00, over 100,000 so 3% on the whole (retroactive): 4,050.00, due 2026-04-30 (30 days after the quarter).",
            "2026-Q2: ECS 80,000.00 + RDS 8,000.00 × 0.5 = 84,000.00, under 100,000 so 2%: 1,680.00, due 2026-07-30.",
            "payouts.xlsx is empty, so both are reported unpaid: 2 errors, 5,730.00 short (exit status 1).",
            "Type this row into payouts.xlsx and run again: PAY-0001 | DEMO-2026-001 | 2026-04-28 | 4050 | CNY | cash | 2026-Q1 | (blank) | 26312000000012345678 | 2026-04-28 | 4050 | 6% | vat_special | 91310000MA1K000000. 2026-Q1 is paid: only 2026-Q2 remains.",
            "Leave the invoice columns blank and the payout is reported mis_invoiced (the contract requires a VAT special invoice at 6%); date it after 2026-04-30 and it is late.",
            "Then replace the example rows with your contracts, put your billing exports in billing/ (delete sample.csv), set as_of in audit.toml to \"last-month-end\" and run the same command.",
        ]
    }

    fn readme_headings(&self) -> [&'static str; 6] {
        [
            "sheet",
            "column",
            "required",
            "meaning",
            "accepted values",
            "example",
        ]
    }

    fn required(&self, required: bool) -> &'static str {
        if required { "required" } else { "optional" }
    }

    fn words_label(&self) -> &'static str {
        "Words (any spelling listed; case, spaces, _ and - do not matter): "
    }

    fn ledger_label(&self) -> &'static str {
        "payouts.xlsx"
    }

    fn ledger_sheet(&self) -> &'static str {
        "payouts"
    }

    fn column(&self, sheet: &str, column: &str) -> Option<ColumnHelp> {
        Some(match (sheet, column) {
            ("contracts", "contract_id") => help(
                "The contract's id, as the other sheets and the payout ledger name it.",
                "Any text, unique on this sheet.",
                "DEMO-2026-001",
            ),
            ("contracts", "customer") => help(
                "The end customer whose cloud bills earn the rebate.",
                "Any text; may be blank.",
                "Example Customer Ltd",
            ),
            ("contracts", "agent") => help(
                "The cloud provider or distributor that pays the rebate.",
                "Any text; may be blank.",
                "Example Cloud Agent",
            ),
            ("contracts", "agent_tax_id") => help(
                "The tax id of whoever must issue the invoice for the rebate.",
                "Any text; blank: the issuer is not checked.",
                "91310000MA1K000000",
            ),
            ("contracts", "provider") => help(
                "The cloud provider, which picks the billing rules.",
                "A provider from the list; blank: generic; another word: the generic rules.",
                "generic",
            ),
            ("contracts", "ruleset") => help(
                "The rule set to use when it is not the provider's own.",
                "A rule set from the list; blank: the provider's.",
                "",
            ),
            ("contracts", "accounts") => help(
                "The billing account ids the contract covers.",
                "Ids separated by , ; or 、 (stored as text, so long ids keep every digit).",
                "1002003001",
            ),
            ("contracts", "start") => help(
                "The first day of the contract term.",
                "A date.",
                "2026-01-01",
            ),
            ("contracts", "end") => help(
                "The last day of the contract term (included).",
                "A date, not before start.",
                "2026-12-31",
            ),
            ("contracts", "currency") => help(
                "The contract's currency.",
                "An ISO code (the list, or any other); blank: CNY.",
                "CNY",
            ),
            ("contracts", "base") => help(
                "Which bill amount the rebate is computed on.",
                "Blank: net.",
                "net",
            ),
            ("contracts", "tier_basis") => help(
                "Which volume picks the bracket: each settlement period's, the contract year's so far, or the whole term's so far.",
                "Required.",
                "period",
            ),
            ("contracts", "tier_mode") => help(
                "retroactive: the whole volume at the rate of the bracket reached; marginal: each bracket at its own rate.",
                "Required.",
                "retroactive",
            ),
            ("contracts", "cap") => help(
                "The most rebate per contract year (per term with the term basis).",
                "An amount, 0 or more; blank: no cap.",
                "50,000.00",
            ),
            ("contracts", "settlement") => help(
                "How often the rebate is settled and paid.",
                "Required.",
                "quarterly",
            ),
            ("contracts", "due_days") => help(
                "Days after the end of a settlement period by which the rebate must be paid.",
                "A whole number, 0 to 3650; blank: 0.",
                "30",
            ),
            ("contracts", "grace_days") => help(
                "Days of tolerance after the due date before a payment counts as late.",
                "A whole number, 0 to 3650; blank: the rule set's.",
                "",
            ),
            ("contracts", "renewed_on") => help(
                "The date the contract was renewed (installments triggered by renewal fall due then).",
                "A date; blank: not renewed.",
                "",
            ),
            ("contracts", "invoice") => help(
                "The invoice the agent must issue with each cash payout.",
                "Blank: none.",
                "vat_special",
            ),
            ("contracts", "tax_rate") => help(
                "The VAT rate expected on that invoice.",
                "A percentage such as 6%; blank: not checked.",
                "6%",
            ),
            ("contracts", "late_interest") => help(
                "Interest per day on a late payout, if the contract sets one.",
                "A daily percentage such as 0.05% (万分之五), at most 1%; blank: none.",
                "",
            ),
            ("contracts", "payout_kind") => help("How the rebate is paid.", "Blank: cash.", "cash"),
            ("contracts", "clawback") => help(
                "What a period whose refunds make its rebate negative does: net (owed back), carry_forward (deducted from later periods, lapses at the term's end), none (no clawback).",
                "Blank: no rule; reckoned as net, and a payout that deducts a clawback is flagged.",
                "carry_forward",
            ),
            ("contracts", "entity") => help(
                "The group company owed the rebate, for the accruals (accruals.xlsx): rebates often flow to another subsidiary than the one billed.",
                "A company name; blank: the customer.",
                "",
            ),
            ("tiers", "contract_id") => help(
                "The contract the bracket belongs to.",
                "An id of the contracts sheet.",
                "DEMO-2026-001",
            ),
            ("tiers", "from") => help(
                "The volume where the bracket starts (included). The first bracket starts at 0.",
                "An amount.",
                "0",
            ),
            ("tiers", "to") => help(
                "The volume where the bracket ends (excluded): the next bracket's from.",
                "An amount above from; blank: no upper limit (the last bracket only).",
                "100,000.00",
            ),
            ("tiers", "rate") => help(
                "The rebate rate of the bracket; a 0% first bracket is a minimum spend.",
                "A percentage such as 2% (or 0.02).",
                "2%",
            ),
            ("products", "contract_id") => help(
                "The contract whose product is weighted.",
                "An id of the contracts sheet.",
                "DEMO-2026-001",
            ),
            ("products", "product") => help(
                "A product whose spend counts at another weight than 1.",
                "A product code or name of the rule set (ecs, rds, 云数据库 RDS 版), or a product as billed.",
                "rds",
            ),
            ("products", "coefficient") => help(
                "The weight of the product's spend in the rebate base; 0 leaves it out.",
                "A number, 0 or more.",
                "0.5",
            ),
            ("schedule", "contract_id") => help(
                "The contract paid in installments.",
                "An id of the contracts sheet.",
                "",
            ),
            ("schedule", "installment") => help(
                "The installment's number; without this sheet each period is paid at once.",
                "1, 2, … without gaps, at most 100.",
                "1",
            ),
            ("schedule", "trigger") => {
                help("What makes the installment due.", "Required.", "settlement")
            }
            ("schedule", "portion") => help(
                "The share of the period's rebate the installment pays.",
                "A percentage such as 40%, or rest (the last one only); without rest the percentages add up to 100%.",
                "40%",
            ),
            ("tiers", "amendment") => help(
                "Empty for the contract's own brackets; an amendment id makes the row a bracket of that amendment's new tier table.",
                "Empty, or an id of the amendments sheet whose change is tiers.",
                "",
            ),
            ("amendments", "contract_id") => help(
                "The contract the amendment (supplementary agreement) changes.",
                "An id of the contracts sheet.",
                "DEMO-2026-001",
            ),
            ("amendments", "amendment") => help(
                "The amendment's id, named in every period computed under it.",
                "Any text; one row per change, several rows may share an id.",
                "A-1",
            ),
            ("amendments", "effective_from") => help(
                "The day the change takes effect.",
                "A date within the term; a new tier table that is not retroactive starts a settlement period.",
                "2026-07-01",
            ),
            ("amendments", "change") => help(
                "What changes: tiers (new tier table, brackets on tiers with this id), end (new last day), coefficient (a product's new one), account_add / account_remove (a move is both, one date).",
                "Required.",
                "tiers",
            ),
            ("amendments", "value") => help(
                "The new value: for end, the new last day; empty for tiers; for coefficient, the product and its coefficient (RDS=0.5); for an account change, the account id.",
                "A date for end; empty for tiers; RDS=0.5 for coefficient; one account id.",
                "",
            ),
            ("amendments", "retroactive") => help(
                "Whether a new tier table also re-prices the contract year's earlier volume (the difference is paid in the period it takes effect).",
                "Empty means no.",
                "no",
            ),
            ("payouts", "payout_id") => help(
                "The payment's id (bank reference), unique across ledgers.",
                "Any text.",
                "PAY-0001",
            ),
            ("payouts", "contract_id") => help(
                "The contract the payment is for.",
                "An id of the contract workbook.",
                "DEMO-2026-001",
            ),
            ("payouts", "paid_on") => help("The day the money arrived.", "A date.", "2026-05-06"),
            ("payouts", "amount") => help("The amount received.", "An amount.", "4,050.00"),
            ("payouts", "currency") => help(
                "The payment's currency.",
                "An ISO code; blank: the contract's.",
                "CNY",
            ),
            ("payouts", "kind") => help(
                "How it was paid.",
                "Blank: the contract's payout_kind.",
                "cash",
            ),
            ("payouts", "period") => help(
                "The settlement period the payment is for, when the agent says so.",
                "2026-03, 2026-Q1 or 2026 (stored as text); blank: the oldest unpaid first.",
                "2026-Q1",
            ),
            ("payouts", "installment") => help(
                "The installment it pays, when the contract has a schedule.",
                "A whole number, 1 or more; may be blank.",
                "",
            ),
            ("payouts", "invoice_no") => help(
                "The invoice's number (stored as text, so a 20-digit number keeps every digit).",
                "Any text; may be blank.",
                "26312000000012345678",
            ),
            ("payouts", "invoice_date") => {
                help("The invoice's date.", "A date; may be blank.", "2026-05-06")
            }
            ("payouts", "invoice_amount") => help(
                "The invoice's total with tax.",
                "An amount; may be blank.",
                "4,050.00",
            ),
            ("payouts", "invoice_tax_rate") => help(
                "The VAT rate on the invoice.",
                "A percentage such as 6%; may be blank.",
                "6%",
            ),
            ("payouts", "invoice_type") => help(
                "The kind of invoice received.",
                "May be blank.",
                "vat_special",
            ),
            ("payouts", "invoice_issuer") => help(
                "The tax id of the invoice's issuer.",
                "Any text; may be blank.",
                "91310000MA1K000000",
            ),
            ("payouts", "reference") => help(
                "The bank's or agent's reference for the transfer: two rows with the same amount, date and reference are one transfer booked twice (duplicate_payout).",
                "Any text; may be blank.",
                "RB-2025-0042",
            ),
            _ => return None,
        })
    }

    fn example_parties(&self) -> (&'static str, &'static str) {
        ("Example Customer Ltd", "Example Cloud Agent")
    }

    fn toml_header(&self) -> &'static str {
        "rebate-audit settings: every option of `rebate-audit run`, so the audit is one command:\n\
         \n\
         \x20   rebate-audit run --config audit.toml\n\
         \n\
         Relative paths are relative to this file's folder. An option given on the command\n\
         line wins over this file. An unknown key or a bad value stops the run (exit status 2)\n\
         naming this file, the line and the key. A line starting with # is a comment: remove\n\
         the # to use a setting."
    }

    fn toml_key(&self, key: &str) -> Option<&'static str> {
        Some(match key {
            "contracts" => {
                "The contract workbook (or a folder of contracts.csv, tiers.csv, products.csv, schedule.csv, amendments.csv)."
            }
            "billing" => {
                "The billing exports: a path or a list; folders are searched recursively; glob patterns\n(*, ?, **) are expanded. Delete billing/sample.csv once your own exports are there."
            }
            "payouts" => "The payout ledgers: a path or a list, as for billing.",
            "statements" => {
                "Optional: the agent's own statements (结算单), a path or a list, as for billing; each is\ncompared with the recomputation."
            }
            "as_of" => {
                "The audit date: what is due is judged as of this day. A date, or \"today\", \"yesterday\",\n\"last-month-end\". The example's result is as of 2026-08-31; use \"last-month-end\" for your own."
            }
            "out" => {
                "The report folder (created if missing): report.html, summary, findings.json/.csv/.xlsx."
            }
            "rulesets" => {
                "A folder of rule set TOML files that add to (and override) the built-in ones."
            }
            "format" => {
                "Read every billing file as this format instead of recognising each by its header\n(`rebate-audit formats` lists them)."
            }
            "fail_on" => {
                "The lowest severity that makes the exit status 1: \"info\", \"warning\" (default), \"error\"."
            }
            "fail_on_new" => {
                "With a baseline: only findings that are new since it make the exit status 1."
            }
            "baseline" => {
                "An earlier run's findings.json: each finding is marked new or persisting."
            }
            "lang" => "The language of the reports: \"en\" or \"zh\".",
            "threads" => {
                "Worker threads (default: one per core); the reports are the same for any number."
            }
            "evidence" => {
                "Evidence packs per contract with findings: false, true (inside out) or a folder."
            }
            "quiet" => "No summary line and no progress bar on success (for cron).",
            "log_format" => "The log on stderr: \"human\" (default) or \"json\".",
            "limits" => {
                "Hostile-input limits, each refusing a whole file (the defaults, shown, suit any real\nbill). A size is a whole number of bytes or a text such as \"256 MiB\". This table\nmust come after every other key."
            }
            "whole_workbook_size" => "an .xls or .ods file (loaded whole)",
            "streamed_workbook_size" => "an .xlsx, .xlsm or .xlsb file",
            "workbook_part_size" => "a part of a workbook other than a sheet, decompressed",
            "sheet_part_size" => "a worksheet part, decompressed",
            "shared_strings_size" => "the shared-string table of an .xlsx, decompressed",
            "xml_token_size" => "the longest text or tag of an XML part",
            "zip_member_size" => "a CSV inside a .zip, or a .gz's content, decompressed",
            "parquet_metadata_size" => "a Parquet file's footer metadata",
            "parquet_row_group_size" => "a Parquet row group, decompressed",
            "csv_record_size" => "the longest CSV record (a longer one is rejected as a row)",
            "sheet_cells" => "the cells of a sheet",
            "sheet_columns" => "the widest row read, at most 16384",
            "inflation_ratio" => "a worksheet inflating past this many times its compressed size…",
            "inflation_floor_size" => "…and past this size is refused before it is read",
            _ => return None,
        })
    }

    fn wrote(&self, dir: &str) -> String {
        format!("Wrote a starter kit in {dir}:")
    }

    fn file(&self, name: &str) -> &'static str {
        match name {
            "contracts.xlsx" => {
                "the contract workbook: one worked example; its README sheet explains every column"
            }
            "payouts.xlsx" => "the payout ledger: one row per rebate payment received (empty)",
            "audit.toml" => "the audit's settings, every key explained",
            _ => "a small bill in the generic template, for the example contract",
        }
    }

    fn next(&self, command: &str, report: &str) -> String {
        format!(
            "Next, audit the example (2 unpaid installments, as the README sheet explains):\n  {command}\nthen open {report}"
        )
    }

    fn then(&self) -> &'static str {
        "Then replace the example with your contracts, your bills and your payouts, and run the same command."
    }

    fn exists(&self, path: &str) -> String {
        format!(
            "{path}: the file exists already; init writes nothing over an existing file (add --force to replace the kit's files)"
        )
    }
}
