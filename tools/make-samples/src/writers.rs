//! Writers.

use super::*;

pub(crate) fn fixed_props() -> Res<DocProperties> {
    let created = ExcelDateTime::from_ymd(2026, 6, 30)?.and_hms(9, 0, 0)?;
    Ok(DocProperties::new()
        .set_title("rebate-audit demo data")
        .set_author("make-samples")
        .set_creation_datetime(&created))
}

pub(crate) struct Fmts {
    pub(crate) header: Format,
    pub(crate) date: Format,
    pub(crate) money: Format,
    pub(crate) pct0: Format,
    pub(crate) pct2: Format,
    pub(crate) int: Format,
}

pub(crate) fn fmts() -> Fmts {
    Fmts {
        header: Format::new().set_bold(),
        date: Format::new().set_num_format("yyyy-mm-dd"),
        money: Format::new().set_num_format("#,##0.00"),
        pct0: Format::new().set_num_format("0%"),
        pct2: Format::new().set_num_format("0.00%"),
        int: Format::new().set_num_format("0"),
    }
}

pub(crate) fn write_header(ws: &mut Worksheet, f: &Fmts, names: &[&str]) -> Res<()> {
    for (i, n) in names.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *n, &f.header)?;
        ws.set_column_width(i as u16, 14)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

pub(crate) fn save(wb: &mut Workbook, path: &Path) -> Res<()> {
    wb.set_properties(&fixed_props()?);
    let buf = wb.save_to_buffer()?;
    fs::write(path, buf)?;
    Ok(())
}

pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One table of a billing file (the file itself, or one part of a zip) as rows of cells:
/// title rows, the header, the lines, and a totals row when the file has one.
pub(crate) fn billing_table(bf: &BFile, rows: &[&Line]) -> Vec<Vec<Cv>> {
    let mut out: Vec<Vec<Cv>> = bf
        .title
        .iter()
        .map(|t| vec![Cv::T(t.to_string())])
        .collect();
    out.push(
        bf.layout
            .header()
            .iter()
            .map(|h| Cv::T(h.to_string()))
            .collect(),
    );
    for (i, l) in rows.iter().enumerate() {
        assert_eq!(
            l.row,
            bf.header_row() + 1 + i,
            "row numbers are consecutive"
        );
        out.push(bf.layout.row(l, bf.refunds));
    }
    if bf.totals_row {
        // the total the export states: every row that can be read
        let readable: Vec<&Line> = rows
            .iter()
            .copied()
            .filter(|l| l.bad_net.is_none())
            .collect();
        out.push(bf.layout.totals_row(&readable, bf.refunds));
    }
    out
}

pub(crate) fn csv_text(layout: Layout, table: &[Vec<Cv>]) -> String {
    let mut text = String::new();
    for row in table {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Cv::T(s) => csv_field(s),
                Cv::M(x) => csv_field(&layout.money_text(*x)),
            })
            .collect();
        text.push_str(&cells.join(","));
        text.push_str("\r\n");
    }
    text
}

pub(crate) fn encode(text: String, enc: Enc) -> Vec<u8> {
    match enc {
        Enc::Utf8 => text.into_bytes(),
        Enc::Utf8Bom => {
            let mut b = vec![0xEF, 0xBB, 0xBF];
            b.extend(text.into_bytes());
            b
        }
        Enc::Gbk => {
            let (bytes, _, had_errors) = encoding_rs::GBK.encode(&text);
            assert!(!had_errors, "GBK cannot encode the text");
            bytes.into_owned()
        }
    }
}

pub(crate) fn write_billing(root: &Path, files: &[BFile], lines: &[Line]) -> Res<()> {
    let f = fmts();
    for (fi, bf) in files.iter().enumerate() {
        let path = root.join(bf.path);
        fs::create_dir_all(path.parent().expect("parent"))?;
        let part_rows = |part: usize| -> Vec<&Line> {
            lines
                .iter()
                .filter(|l| l.file == fi && l.part == part)
                .collect()
        };
        match bf.kind {
            FileKind::Csv(enc) => {
                let table = billing_table(bf, &part_rows(0));
                fs::write(&path, encode(csv_text(bf.layout, &table), enc))?;
            }
            FileKind::Zip => {
                let members: Vec<(String, Vec<u8>)> = (0..bf.parts)
                    .map(|part| {
                        let table = billing_table(bf, &part_rows(part));
                        (
                            bf.member_name(part),
                            encode(csv_text(bf.layout, &table), Enc::Utf8Bom),
                        )
                    })
                    .collect();
                // written on the 4th of the next month, as the subscription delivers
                fs::write(&path, zipfile::zip(&members, (2026, 4, 4, 12, 0)))?;
            }
            FileKind::Xlsx => {
                let table = billing_table(bf, &part_rows(0));
                let mut wb = Workbook::new();
                let ws = wb.add_worksheet();
                ws.set_name(bf.sheet)?;
                let header = bf.title.len() as u32;
                for (r, row) in table.iter().enumerate() {
                    let r = r as u32;
                    for (c, cell) in row.iter().enumerate() {
                        let c = c as u16;
                        match cell {
                            Cv::T(s) if r == header => {
                                ws.write_string_with_format(r, c, s, &f.header)?;
                            }
                            Cv::T(s) if s.is_empty() => {}
                            Cv::T(s) => {
                                ws.write_string(r, c, s)?;
                            }
                            Cv::M(x) => {
                                ws.write_number_with_format(r, c, f64_of(*x), &f.money)?;
                            }
                        }
                    }
                }
                for c in 0..bf.layout.header().len() {
                    ws.set_column_width(c as u16, 16)?;
                }
                ws.set_freeze_panes(header + 1, 0)?;
                save(&mut wb, &path)?;
            }
        }
    }
    Ok(())
}

pub(crate) fn write_contracts(root: &Path, cs: &[Contract]) -> Res<()> {
    let f = fmts();
    let mut wb = Workbook::new();
    {
        let ws = wb.add_worksheet();
        ws.set_name("contracts")?;
        let names = [
            "contract_id",
            "customer",
            "agent",
            "agent_tax_id",
            "provider",
            "ruleset",
            "accounts",
            "start",
            "end",
            "currency",
            "base",
            "tier_basis",
            "tier_mode",
            "cap",
            "settlement",
            "due_days",
            "grace_days",
            "renewed_on",
            "invoice",
            "tax_rate",
            "late_interest",
            "payout_kind",
            "clawback",
            "entity",
        ];
        write_header(ws, &f, &names)?;
        ws.set_column_width(1, 30)?;
        ws.set_column_width(2, 30)?;
        ws.set_column_width(3, 22)?;
        ws.set_column_width(6, 40)?;
        for (i, c) in cs.iter().enumerate() {
            let r = (i + 1) as u32;
            ws.write_string(r, 0, c.id)?;
            ws.write_string(r, 1, c.customer)?;
            ws.write_string(r, 2, c.agent)?;
            ws.write_string(r, 3, &c.tax_id)?;
            ws.write_string(r, 4, c.provider)?;
            // column 5 (ruleset) left blank: the provider's ruleset, else generic
            ws.write_string(r, 6, c.accounts.join(c.acct_sep))?;
            ws.write_datetime_with_format(r, 7, c.start.excel()?, &f.date)?;
            ws.write_datetime_with_format(r, 8, c.end.excel()?, &f.date)?;
            ws.write_string(r, 9, "CNY")?;
            ws.write_string(r, 10, "net")?;
            ws.write_string(r, 11, c.basis.word())?;
            ws.write_string(r, 12, c.mode.word())?;
            if let Some(cap) = c.cap {
                ws.write_number_with_format(r, 13, f64_of(cap), &f.money)?;
            }
            ws.write_string(r, 14, c.settle.word())?;
            ws.write_number_with_format(r, 15, c.due_days as f64, &f.int)?;
            ws.write_number_with_format(r, 16, c.grace_days as f64, &f.int)?;
            if let Some(d) = c.renewed_on {
                ws.write_datetime_with_format(r, 17, d.excel()?, &f.date)?;
            }
            ws.write_string(r, 18, c.invoice)?;
            if let Some(t) = c.tax_rate {
                ws.write_number_with_format(r, 19, f64_of(t), &f.pct0)?;
            }
            if let Some(li) = c.late_interest {
                ws.write_number_with_format(r, 20, f64_of(li), &f.pct2)?;
            }
            ws.write_string(r, 21, c.payout_kind)?;
            if let Some(rule) = clawbacks::rule(c.id) {
                ws.write_string(r, 22, rule)?;
            }
            if let Some(entity) = accruals::entity(c.id) {
                ws.write_string(r, 23, entity)?;
            }
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("tiers")?;
        write_header(ws, &f, &["contract_id", "from", "to", "rate", "amendment"])?;
        let mut r = 1u32;
        for c in cs {
            for t in &c.tiers {
                ws.write_string(r, 0, c.id)?;
                ws.write_number_with_format(r, 1, f64_of(t.from), &f.money)?;
                if let Some(to) = t.to {
                    ws.write_number_with_format(r, 2, f64_of(to), &f.money)?;
                }
                ws.write_number_with_format(r, 3, f64_of(t.rate), &f.pct0)?;
                r += 1;
            }
        }
        amendments::write_tier_rows(ws, &f, r)?;
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("products")?;
        // Chinese header aliases on purpose (合同编号 / 产品 / 系数); products by their
        // canonical codes or by the provider's names (the contract's ruleset resolves them).
        write_header(ws, &f, &["合同编号", "产品", "系数"])?;
        let mut r = 1u32;
        for c in cs {
            for (p, coef) in &c.coeffs {
                ws.write_string(r, 0, c.id)?;
                ws.write_string(r, 1, c.naming.name(*p))?;
                ws.write_number(r, 2, f64_of(*coef))?;
                r += 1;
            }
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name("schedule")?;
        write_header(
            ws,
            &f,
            &["contract_id", "installment", "trigger", "portion"],
        )?;
        let mut r = 1u32;
        for c in cs {
            for (i, (t, p)) in c.schedule.iter().enumerate() {
                ws.write_string(r, 0, c.id)?;
                ws.write_number(r, 1, (i + 1) as f64)?;
                ws.write_string(r, 2, t.word())?;
                ws.write_string(r, 3, p.text())?;
                r += 1;
            }
        }
    }
    amendments::write_sheet(&mut wb, &f)?;
    save(&mut wb, &root.join("contracts.xlsx"))
}
