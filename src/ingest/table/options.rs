//! How a caller wants a spreadsheet read: as its cells store it (billing exports: the
//! streamed, value-only path) or as a person sees it (the small hand-made tables).

/// What the reader does beyond handing over each cell's stored value; chosen by the
/// caller, for spreadsheets only (a CSV has neither formulas nor merged cells).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Read the sheet as a person typed and sees it: a merged area's value in every cell
    /// of the area, and every formula cell without a computed value reported
    /// ([`TableVisitor::formula_without_value`](super::TableVisitor::formula_without_value))
    /// rather than handed over as a blank. For contract workbooks and payout ledgers,
    /// which are small; billing exports keep the fast path.
    pub as_typed: bool,
}

impl ReadOptions {
    /// Cells as stored: the billing path.
    pub const STORED: ReadOptions = ReadOptions { as_typed: false };
    /// Cells as a person typed and sees them: contract workbooks and payout ledgers.
    pub const AS_TYPED: ReadOptions = ReadOptions { as_typed: true };
}
