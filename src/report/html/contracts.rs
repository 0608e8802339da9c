//! The contract index of a large audit's report.html: one row per contract (contract,
//! customer, agent, due by now, paid against it, short, findings, trail), and each
//! contract's trail carried compactly in the page — rendered here once, 32 trails to a
//! JSON list, deflated (zlib) and base-85-encoded in a data block (`<script
//! type="application/octet-stream">`, which never runs) — that the page's trail script inflates with the browser's own
//! `DecompressionStream` when the contract is chosen. Nothing is fetched; the page stays
//! one file. A trail holds each settlement period's computation once (weighted base per
//! product, billing rows, brackets, catch-up, cap, Earned, installments), then the
//! findings about the period, each with its own evidence; findings about no period's
//! installment come last. Without JavaScript each trail link opens the contract's
//! evidence file beside the page (docs/REPORTS.md).

use super::findings::{field_mut, finding_node, type_shown};
use super::index::ContractIndex;
use super::node::Node;
use super::period::{Period, periods_of};
use super::serialize::{NodeError, to_node};
use super::sink::Sink;
use super::trail::{label, write_node, write_trail};
use crate::domain::audit::{Audit, ContractResult};
use crate::domain::finding::Finding;
use crate::domain::lang::Lang;
use crate::domain::money::{format_money_grouped, group_thousands};
use crate::report::html_parts::escape;
use crate::report::i18n::index::index_words;
use crate::report::i18n::keys::TrailWord;
use crate::report::i18n::{Labels, due_rule};
use crate::report::json;
use flate2::Compression;
use flate2::write::ZlibEncoder;
use rayon::prelude::*;
use std::fmt::Write as _;
use std::io::Write as _;

/// The computation fields that belong to one installment, not to its period, and the
/// period's dates: a period's trail leaves them out (its installments table has each
/// installment's, its heading the dates).
const INSTALLMENT_KEYS: [&str; 7] = [
    "formula",
    "installment",
    "portion",
    "installment_expected",
    "due_rule",
    // The period's heading says them.
    "period_start",
    "period_end",
];

/// The installment-record fields that only say which period a record is of (the heading
/// says it).
const PERIOD_KEYS: [&str; 3] = ["contract_id", "period_start", "period_end"];

/// How deflated the trails are. Measured on 4,000 contracts (118 MB of trail markup,
/// docs/BENCHMARK.md): level 4 deflates them to 16.8 MB in 0.6 of level 6's time (15.3 MB);
/// level 3 is 18.2 MB, too close to the page's 20 MB with the rest of it; level 9 is
/// 5 % smaller than 6 and takes three times as long.
const LEVEL: u32 = 4;

/// Trails per data block: deflated together, trails of similar contracts share their
/// words (a fifth smaller than one block each), and opening one inflates only its block.
const PER_BLOCK: usize = 32;

/// Blocks made at once, in parallel, before they are written.
const BATCH: usize = 8;

/// The 85 digits of the blocks' base-85 text: the printable ASCII characters but `"`,
/// `&`, `'`, `<`, `>`, `\`, `` ` ``, `|` and `~`, so a block never holds markup, an entity
/// or a quote. Four bytes take five digits (base64 takes 5⅓).
pub(super) const DIGITS: &[u8; 85] =
    b"!#$%()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{}";

/// Bytes as base-85 text: each four bytes, big-endian, as five digits of [`DIGITS`], most
/// significant first; a last group of `n` < 4 bytes is padded with zeros and written as
/// its first `n + 1` digits.
pub(super) fn base85(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len().div_ceil(4) * 5);
    for chunk in bytes.chunks(4) {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        let mut value = u32::from_be_bytes(word);
        let mut digits = [0u8; 5];
        for digit in digits.iter_mut().rev() {
            *digit = DIGITS[(value % 85) as usize];
            value /= 85;
        }
        for digit in &digits[..chunk.len() + 1] {
            text.push(char::from(*digit));
        }
    }
    text
}

/// The contract index, the row that will show a trail, and every contract's trail as a
/// data block.
///
/// # Errors
/// When a record cannot be turned into a tree of values (a bug), or writing fails.
pub(super) fn write_index(
    sink: &mut Sink<'_>,
    audit: &Audit,
    totals: &crate::report::totals::Totals,
    lang: Lang,
    words: &Labels,
    index: &ContractIndex,
) -> std::io::Result<()> {
    let say = index_words(lang);
    let currencies = totals.by_currency.len() > 1;
    let out = &mut sink.out;
    let _ = writeln!(
        out,
        "<section id=\"contracts\" class=\"page\">\n<h2>{}</h2>\n<p>{}</p>\n<noscript><p class=\"noscript\">{}</p></noscript>",
        escape(&say.heading()),
        escape(&say.intro()),
        escape(&say.without_script())
    );
    let _ = write!(
        out,
        "<table class=\"index\" id=\"contract-index\" data-per-block=\"{PER_BLOCK}\" data-digits=\"{}\" data-opening=\"{}\" data-failed=\"{}\">\n<thead><tr>",
        escape(&String::from_utf8_lossy(DIGITS)),
        escape(&say.opening()),
        escape(&say.cannot_open())
    );
    let mut header = vec![
        words.col_contract,
        words.col_customer,
        words.col_agent,
        words.col_due_by_now,
        words.col_paid_against_due,
        words.col_short,
        words.col_findings,
    ];
    if currencies {
        header.insert(3, words.col_currency);
    }
    for name in header {
        let _ = write!(out, "<th>{}</th>", escape(name));
    }
    let _ = writeln!(out, "<th>{}</th></tr></thead>", escape(&say.trail_column()));
    for (at, total) in totals.per_contract.iter().enumerate() {
        let out = &mut sink.out;
        let _ = write!(
            out,
            "<tr id=\"contract-{at}\"><td class=\"id\">{}</td><td>{}</td><td>{}</td>",
            escape(&total.contract_id),
            escape(&total.customer),
            escape(&total.agent)
        );
        if currencies {
            let _ = write!(out, "<td class=\"word\">{}</td>", escape(&total.currency));
        }
        for amount in [&total.due, &total.paid_against_due, &total.shortfall] {
            let _ = write!(
                out,
                "<td class=\"number\">{}</td>",
                escape(&group_thousands(amount))
            );
        }
        let _ = writeln!(
            out,
            "<td class=\"number\">{}</td><td>{}</td></tr>",
            total.findings,
            index.anchor(at, &escape(TrailWord::Trail.of(lang)))
        );
        sink.spill()?;
    }
    // Findings about no contract audited (a payout naming none, or one not in the
    // contracts) get a line and a trail of their own, after the contracts'.
    let orphans: Vec<&Finding> = audit
        .findings
        .iter()
        .filter(|finding| {
            finding
                .contract_id
                .as_ref()
                .is_none_or(|id| !index.position.contains_key(id))
        })
        .collect();
    let orphan_line = audit.contracts.len();
    if !orphans.is_empty() {
        let _ = writeln!(
            sink.out,
            "<tr id=\"contract-{orphan_line}\"><td colspan=\"{}\">{}</td><td class=\"number\">{}</td><td><a class=\"trail-link\" href=\"findings.json\" data-trail=\"{orphan_line}\">{}</a></td></tr>",
            if currencies { 7 } else { 6 },
            escape(&say.no_contract()),
            orphans.len(),
            escape(TrailWord::Trail.of(lang))
        );
    }
    sink.out.push_str("</table>\n");
    let unreadable =
        |error: NodeError| std::io::Error::other(format!("a contract's trail: {error}"));
    let units = audit.contracts.len() + usize::from(!orphans.is_empty());
    // A block's trails rendered, listed, deflated and encoded: the costly part, so blocks
    // are made a batch at a time on the run's worker threads, and written in order.
    // Each trail goes into the deflater as JSON text as soon as it is rendered, through
    // one buffer: a block's list is never held whole.
    let block = |block: usize| -> std::io::Result<String> {
        let mut encoder = ZlibEncoder::new(Vec::with_capacity(1 << 20), Compression::new(LEVEL));
        let mut html = String::with_capacity(1 << 16);
        encoder.write_all(b"[")?;
        for at in block * PER_BLOCK..units.min((block + 1) * PER_BLOCK) {
            html.clear();
            match audit.contracts.get(at) {
                Some(result) => contract_trail(&mut html, audit, result, lang),
                None => orphans_trail(&mut html, &orphans, audit, lang),
            }
            .map_err(unreadable)?;
            if at > block * PER_BLOCK {
                encoder.write_all(b",")?;
            }
            serde_json::to_writer(&mut encoder, html.as_str()).map_err(std::io::Error::other)?;
        }
        encoder.write_all(b"]")?;
        Ok(base85(&encoder.finish()?))
    };
    let blocks: Vec<usize> = (0..units.div_ceil(PER_BLOCK)).collect();
    for batch in blocks.chunks(BATCH) {
        let encoded: Vec<std::io::Result<String>> =
            batch.par_iter().map(|number| block(*number)).collect();
        for (number, data) in batch.iter().zip(encoded) {
            let _ = write!(
                sink.out,
                "<script type=\"application/octet-stream\" id=\"trail-data-{number}\">"
            );
            sink.out.push_str(&data?);
            sink.out.push_str("</script>\n");
            sink.spill()?;
        }
    }
    sink.out.push_str("</section>\n");
    Ok(())
}

/// The bytes deflated as a block is, with zlib's header and checksum (what
/// `DecompressionStream` calls `deflate`).
#[cfg(test)]
fn deflate(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder =
        ZlibEncoder::new(Vec::with_capacity(bytes.len() / 8), Compression::new(LEVEL));
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// A contract's trail as markup: its heading, each period's computation once with the
/// findings about it, then the contract's other findings.
///
/// # Errors
/// When a record cannot be turned into a tree of values (a bug).
pub(super) fn contract_trail(
    out: &mut String,
    audit: &Audit,
    result: &ContractResult,
    lang: Lang,
) -> Result<(), NodeError> {
    let say = index_words(lang);
    let contract = &result.contract;
    let _ = write!(
        out,
        "<h3>{}</h3><p class=\"meta\">{}</p>",
        escape(&say.trail_of(&contract.id)),
        escape(
            &[contract.customer.as_str(), contract.agent.as_str()]
                .iter()
                .filter(|text| !text.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" · ")
        )
    );
    let findings = audit.findings_of(&contract.id);
    let mut told = vec![false; findings.len()];
    for period in periods_of(audit, result) {
        let about: Vec<usize> = findings
            .iter()
            .enumerate()
            .filter(|(_, finding)| finding.period_start == Some(period.start))
            .map(|(at, _)| at)
            .collect();
        write_period(out, &period, lang)?;
        if !about.is_empty() {
            let _ = write!(
                out,
                "<h5>{}</h5>",
                escape(&say.findings_of_period(about.len()))
            );
        }
        for at in about {
            told[at] = true;
            write_finding(out, &findings[at], audit, lang)?;
        }
        out.push_str("</section>");
    }
    let others: Vec<&Finding> = findings
        .iter()
        .zip(&told)
        .filter(|(_, told)| !**told)
        .map(|(finding, _)| finding)
        .collect();
    if !others.is_empty() {
        let _ = write!(
            out,
            "<section class=\"period\"><h4>{}</h4>",
            escape(&say.other_findings(others.len()))
        );
        for finding in others {
            write_finding(out, finding, audit, lang)?;
        }
        out.push_str("</section>");
    }
    Ok(())
}

/// A period's heading, its computation (the installment's own fields aside), its billing
/// rows and its installments.
fn write_period(out: &mut String, period: &Period<'_>, lang: Lang) -> Result<(), NodeError> {
    let key = period.key();
    let _ = write!(
        out,
        "<section class=\"period\" data-period=\"{}\"><h4>{}</h4>",
        escape(&key),
        escape(&index_words(lang).period(
            &crate::report::i18n::range(period.start, period.end, lang),
            &key
        ))
    );
    let record = &period.records[0];
    let mut computation = to_node(&json::computation(&record.computation()))?;
    let mut splits = Vec::new();
    if let Node::Map(fields) = &mut computation {
        fields.retain(|(key, _)| !INSTALLMENT_KEYS.contains(&key.as_ref()));
        if let Some(at) = fields.iter().position(|(key, _)| key == "installments")
            && let (_, Node::List(list)) = fields.remove(at)
        {
            splits = list;
        }
    }
    if lang == Lang::Zh {
        let whole = record.computation();
        for (shown, split) in splits.iter_mut().zip(&whole.installments) {
            if let Some(rule) = field_mut(shown, "due_rule") {
                *rule = Node::Text(due_rule(&split.due_rule, Lang::Zh));
            }
        }
    }
    let rows: Vec<_> = period.source_rows.iter().map(json::source_rows).collect();
    let records = period
        .records
        .iter()
        .map(|record| to_node(&json::expected(record)).map(|node| installment(node, &splits)))
        .collect::<Result<Vec<Node>, _>>()?;
    for (key, heading, node) in [
        ("computation", label("computation", lang), computation),
        ("source_rows", label("source_rows", lang), to_node(&rows)?),
        (
            "installments",
            TrailWord::InstallmentsOfPeriod.of(lang).to_string(),
            Node::List(records),
        ),
    ] {
        if !node.is_empty() {
            let _ = write!(out, "<h5 data-key=\"{key}\">{}</h5>", escape(&heading));
            write_node(out, &node, lang);
        }
    }
    Ok(())
}

/// The trail of the findings about no contract audited.
fn orphans_trail(
    out: &mut String,
    orphans: &[&Finding],
    audit: &Audit,
    lang: Lang,
) -> Result<(), NodeError> {
    let _ = write!(out, "<h3>{}</h3>", escape(&index_words(lang).no_contract()));
    for finding in orphans {
        write_finding(out, finding, audit, lang)?;
    }
    Ok(())
}

/// An installment as the period's trail lists it: its record (the period's key and
/// weighted base aside, which the heading and the computation show) with its split's
/// portion after the trigger and its due rule after the due date.
fn installment(record: Node, splits: &[Node]) -> Node {
    let Node::Map(fields) = record else {
        return record;
    };
    let split = splits.iter().find(|split| {
        split.get("installment")
            == fields
                .iter()
                .find(|(key, _)| key == "installment")
                .map(|(_, value)| value)
    });
    let mut shown = Vec::with_capacity(fields.len() + 2);
    for (key, value) in fields {
        if PERIOD_KEYS.contains(&key.as_ref()) || key == "weighted_base" {
            continue;
        }
        let after = match key.as_ref() {
            "trigger" => "portion",
            "due_on" => "due_rule",
            _ => "",
        };
        shown.push((key, value));
        if let Some(value) = split.and_then(|split| split.get(after)) {
            shown.push((after.into(), value.clone()));
        }
    }
    Node::Map(shown)
}

/// One finding in a contract's trail: its line (severity, type, installment, amount at
/// stake, sentence) and its own trail, the period's computation left to the period.
fn write_finding(
    out: &mut String,
    finding: &Finding,
    audit: &Audit,
    lang: Lang,
) -> Result<(), NodeError> {
    let node = finding_node(finding, audit, lang, false)?;
    let words = crate::report::i18n::labels(lang);
    let severity = finding.severity.word();
    let stake = finding.amount_at_stake();
    let _ = write!(
        out,
        "<div class=\"finding\" data-finding=\"{}\"><p><span class=\"badge {severity}\">{}</span> <b>{}</b>{}{} — {}</p>",
        escape(&finding.id),
        escape(&words.severity(severity)),
        escape(&type_shown(finding.finding_type.word(), lang)),
        finding
            .installment
            .map_or(String::new(), |number| format!(" · #{number}")),
        if stake.is_zero() {
            String::new()
        } else {
            format!(" · {}", escape(&format_money_grouped(stake)))
        },
        escape(&crate::report::i18n::detail(finding, lang))
    );
    write_trail(out, &node, &[], lang);
    out.push_str("</div>");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_installment_shows_its_split_beside_its_record() {
        let record = Node::parse(
            r#"{"contract_id": "C1", "period_start": "2025-01-01", "period_end": "2025-03-31",
                "installment": 2, "trigger": "settlement", "weighted_base": "100.00",
                "expected": "6.00", "due_on": "2025-04-30", "paid": "0.00", "status": "unpaid"}"#,
        );
        let splits = [
            Node::parse(r#"{"installment": 1, "portion": "40%", "due_rule": "a"}"#),
            Node::parse(r#"{"installment": 2, "portion": "rest", "due_rule": "b"}"#),
        ];
        let shown = installment(record, &splits);
        let keys: Vec<&str> = shown
            .fields()
            .unwrap()
            .iter()
            .map(|(key, _)| key.as_ref())
            .collect();
        assert_eq!(
            keys,
            [
                "installment",
                "trigger",
                "portion",
                "expected",
                "due_on",
                "due_rule",
                "paid",
                "status"
            ]
        );
        assert_eq!(shown.get("portion"), Some(&Node::Text("rest".into())));
        assert_eq!(shown.get("due_rule"), Some(&Node::Text("b".into())));
    }

    /// Base-85 text back into bytes, as the page's script reads it.
    fn from_base85(text: &str) -> Vec<u8> {
        let mut bytes = Vec::new();
        for group in text.as_bytes().chunks(5) {
            let mut word: u64 = 0;
            for place in 0..5 {
                let digit = group
                    .get(place)
                    .map_or(84, |digit| DIGITS.iter().position(|d| d == digit).unwrap());
                word = word * 85 + digit as u64;
            }
            let word = word as u32;
            bytes.extend_from_slice(&word.to_be_bytes()[..group.len() - 1]);
        }
        bytes
    }

    #[test]
    fn base85_reads_back_whatever_the_length() {
        assert_eq!(DIGITS.len(), 85);
        assert!(!DIGITS.iter().any(|digit| b"\"&'<>\\`".contains(digit)));
        for length in 0..12 {
            let bytes: Vec<u8> = (0..length)
                .map(|at| ((at * 37 + 200) % 256) as u8)
                .collect();
            let text = base85(&bytes);
            assert_eq!(
                text.len(),
                length / 4 * 5 + if length % 4 > 0 { length % 4 + 1 } else { 0 }
            );
            assert_eq!(from_base85(&text), bytes, "{length} bytes");
        }
        assert_eq!(from_base85(&base85(&[0xff; 4])), [0xff; 4]);
    }

    #[test]
    fn a_block_inflates_to_what_was_deflated() {
        use std::io::Read;
        let text = "<td>&lt;/script&gt;</td>".repeat(1000);
        let deflated = deflate(text.as_bytes()).unwrap();
        assert!(deflated.len() < text.len() / 10);
        let mut back = String::new();
        flate2::read::ZlibDecoder::new(deflated.as_slice())
            .read_to_string(&mut back)
            .unwrap();
        assert_eq!(back, text);
        // Base 85 holds no `<`: a block cannot end its script element early.
        assert!(!base85(&deflated).contains('<'));
    }
}
