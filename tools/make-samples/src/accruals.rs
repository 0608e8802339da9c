//! The demo's accruals: the contract column `entity` (收款主体) naming the group company
//! owed the rebate, filled for three contracts so the accruals show two legal entities
//! besides the customers that stand in for a blank cell (docs/INPUTS.md).

use std::path::Path;

/// The `entity` cell of each contract that names one; the others are left blank.
const ENTITIES: [(&str, &str); 3] = [
    ("ALI-2024-001", "西溪智造（香港）有限公司"),
    ("ALI-2025-006", "西溪智造（香港）有限公司"),
    ("TX-2025-002", "前海速达供应链管理有限公司"),
];

/// The `entity` cell of contract `id`, when the demo names one.
pub fn entity(id: &str) -> Option<&'static str> {
    ENTITIES
        .iter()
        .find(|(contract, _)| *contract == id)
        .map(|(_, entity)| *entity)
}

/// The README's section on the accruals, appended to what the other sections wrote.
pub fn readme_section(
    root: &Path,
    mut readme: String,
) -> Result<String, Box<dyn std::error::Error>> {
    readme.push_str(
        "\n## Accruals and two legal entities\n\n\
         The contract sheet's `entity` column (收款主体) names the group company owed the rebate: \
         ALI-2024-001 and ALI-2025-006 are owed to 西溪智造（香港）有限公司 and TX-2025-002 to \
         前海速达供应链管理有限公司; the other contracts leave it blank, so their customer stands in. \
         `audit-out/accruals.xlsx` and `accruals.csv` show, as of the audit date, each contract's \
         earned, received (cash, offset, credit), receivable now, later and conditional amounts, \
         with each entity's subtotal after its contracts (西溪智造（香港）: two contracts) and the \
         installment keys and payout ids behind every number on the `trail` sheet; `summary.md` \
         has a section per entity. Run the demo again with `--baseline audit-out/findings.json` \
         and the files add the movement since that run (docs/ARITHMETIC.md, \"Accruals\").\n",
    );
    std::fs::write(root.join("README.md"), &readme)?;
    Ok(readme)
}
