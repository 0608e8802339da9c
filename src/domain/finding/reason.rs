//! Why a finding was raised, in one machine-readable word: the `reason` field of every
//! report, and part of the fact a finding's id hashes.

crate::domain::contract::word_enum! {
    /// A finding's machine-readable reason. The words are those of findings.json; a
    /// finding id hashes the word, so a word never changes.
    Reason {
        /// `mis_invoiced`: no invoice at all.
        Missing => "missing",
        /// `mis_invoiced`: the invoice amount is not the payout's.
        Amount => "amount",
        /// `mis_invoiced`: another VAT rate than the contract's.
        TaxRate => "tax_rate",
        /// `mis_invoiced`: another invoice type than the contract's.
        Type => "type",
        /// `mis_invoiced`: issued by someone other than the agent.
        Issuer => "issuer",
        /// `mis_invoiced`: dated after the invoice window, or not dated.
        LateInvoice => "late_invoice",
        /// `mis_invoiced`: the invoice number is on another payout too.
        Duplicate => "duplicate",
        /// `mis_invoiced`: the invoice date's cell could not be read, so the invoice
        /// window could not be checked.
        InvoiceDate => "invoice_date",
        /// `unmatched_payout`: the contract named is not in the workbook.
        Contract => "contract",
        /// `unmatched_payout`: the period named is no settlement period of the contract.
        Period => "period",
        /// `unmatched_payout`: the installment named is not in the period.
        Installment => "installment",
        /// `currency_mismatch`: a payout in another currency than its contract.
        Payout => "payout",
        /// `currency_mismatch`: billing lines in another currency than their contract.
        Billing => "billing",
        /// `rejected_row`: a file that could not be read.
        File => "file",
        /// `rejected_row`: a hidden sheet, not read.
        HiddenSheet => "hidden_sheet",
        /// `rejected_row`: a file with no table.
        Empty => "empty",
        /// `rejected_row`: one input row that could not be read (or the count of more).
        Row => "row",
        /// `rejected_row`: a totals row that disagrees with the rows above it.
        TotalsMismatch => "totals_mismatch",
        /// `rejected_row`: a billing file that is a byte-for-byte copy of another.
        DuplicateFile => "duplicate_file",
        /// `rejected_row` (a warning): one optional cell of a payout that could not be
        /// read; the payout is kept without it.
        UnreadCell => "unread_cell",
        /// `duplicate_payout`: the same amount, date and reference booked again.
        SameBooking => "same_booking",
        /// `duplicate_payout`: a credit (or credit note) and cash for the same installment.
        CreditAndCash => "credit_and_cash",
        /// `duplicate_payout`: an offset on the bill and cash for the same installment.
        OffsetAndCash => "offset_and_cash",
        /// `limitation`: the claim's limitation period has run out.
        Expired => "expired",
        /// `limitation`: the claim expires within the ruleset's window.
        Expiring => "expiring",
        /// `limitation`: the claim expires later than the window.
        Running => "running",
    }
}
