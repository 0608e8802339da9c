//! What report.html carries besides its content: its styles, its one script, and the
//! Content-Security-Policy that lets exactly these run.

use sha2::{Digest, Sha256};

/// Styles of report.html, after [`crate::report::html_parts::BASE_CSS`]: screen first, then A4 print.
pub(super) const REPORT_CSS: &str = r#":root{color-scheme:light}
body{color:#1b1b1b;line-height:1.4}
h1{margin-bottom:.2em}
h2{margin-top:1.6em;border-bottom:2px solid #1b1b1b;padding-bottom:.15em}
h4{margin:.7em 0 .2em;font-size:1em}
.meta{color:#555;margin-top:0}
nav a{margin-right:1em}
header td{overflow-wrap:anywhere}
header td:last-child,td.id,div.trail td{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
header td:last-child{word-break:break-all}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(11em,1fr));gap:.6em;margin:1em 0}
.figure{border:1px solid #ccc;border-radius:4px;padding:.5em .7em}
.figure .label{display:block;color:#555;font-size:.85em}
.figure data{display:block;font-size:1.35em;font-weight:600;font-variant-numeric:tabular-nums}
.figure.error data{color:#b3261e}
.figure.warning data{color:#8a5300}
.figure.info data{color:#1f5fa8}
.figures.headline{grid-template-columns:repeat(auto-fill,minmax(14em,1fr))}
.figures.headline .figure data{font-size:1.7em}
.figure.short data{color:#b3261e}
button.sort{all:unset;cursor:pointer;font-weight:bold}
button.sort:focus-visible{outline:2px solid #1f5fa8}
th[aria-sort=ascending] button.sort::after{content:" \25B2"}
th[aria-sort=descending] button.sort::after{content:" \25BC"}
svg.chart{display:block;width:100%;max-width:60em;height:auto;margin:1em 0}
svg.chart text{font-size:11px;font-family:inherit;fill:#1b1b1b}
.filters{display:flex;flex-wrap:wrap;gap:1em;align-items:center;margin:1em 0;padding:.5em .7em;background:#f6f6f6;border:1px solid #ddd}
[hidden]{display:none!important}
table.findings{width:100%}
table.findings thead th{position:sticky;top:0}
tbody.finding>tr:first-child>td{border-top:2px solid #999}
tr.trail>td{border-top:none;padding-top:0}
td.id{overflow-wrap:anywhere}
td.id.word{white-space:nowrap}
#chart td.word{white-space:normal}
#controls td{overflow-wrap:anywhere}
.badge{display:inline-block;padding:0 .45em;border-radius:3px;color:#fff;font-size:.85em;font-weight:600}
.badge.error{background:#b3261e}
.badge.warning{background:#8a5300}
.badge.info{background:#1f5fa8}
details>summary{cursor:pointer;color:#1f5fa8}
div.trail{padding:.2em 0 .5em 1em;border-left:3px solid #ddd}
div.trail table{margin:.3em 0;width:auto}
div.trail th{white-space:nowrap}
div.trail td.long{overflow-wrap:anywhere}
div.trail table.fields>tbody>tr>td.number{text-align:left}
tr.this>td{background:#fff3c4}
@page{size:A4;margin:14mm 12mm}
@media print{
body{margin:0;max-width:none;font-size:8.5pt}
nav,.filters,details>summary{display:none!important}
section.page{break-before:page}
h2,h3,h4{break-after:avoid}
table{width:100%}
div.trail table{width:auto}
thead{display:table-header-group}
tr,.figure,svg.chart{break-inside:avoid}
tbody.finding[hidden]{display:table-row-group!important}
details::details-content{content-visibility:visible;display:block}
table.findings thead th{position:static}
.badge,.figure data,tr.this>td,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"#;

/// The page's one script: shows the filter bar, hides the rows a filter leaves out, sorts
/// the findings by the column whose header is clicked (again: the other way), keeps the
/// filters and the sort in the address (`#severity=error&contract=C1&sort=-amount`: a
/// `sort` there clicks that header, twice for `-`), opens every trail before printing,
/// and marks the page `data-ready` when it has run. It reads no data but the rows'
/// `data-*` attributes and never writes markup; it only moves the rows it found.
pub(super) const SCRIPT: &str = r#"(function () {
  var doc = document, bar = doc.getElementById('filters'), opened = [], wanted = Object.create(null);
  var table = doc.getElementById('findings-table'), sortKey = '', reversed = false;
  location.hash.slice(1).split('&').forEach(function (pair) {
    var at = pair.indexOf('=');
    try { if (at > 0) wanted[pair.slice(0, at)] = decodeURIComponent(pair.slice(at + 1)); } catch (error) {}
  });
  var selects = bar ? bar.querySelectorAll('select') : [];
  var save = function () {
    var address = [];
    selects.forEach(function (select) {
      if (select.selectedIndex > 0) address.push(select.name + '=' + encodeURIComponent(select.value));
    });
    if (sortKey) address.push('sort=' + (reversed ? '-' : '') + sortKey);
    try { history.replaceState(null, '', address.length ? '#' + address.join('&') : location.pathname); } catch (error) {}
  };
  if (bar) {
    var rows = doc.querySelectorAll('tbody.finding'), shown = doc.getElementById('shown');
    var apply = function () {
      var count = 0;
      rows.forEach(function (row) {
        var keep = true;
        selects.forEach(function (select) {
          if (select.selectedIndex > 0 && row.getAttribute('data-' + select.name) !== select.value) keep = false;
        });
        row.hidden = !keep;
        if (keep) count++;
      });
      shown.textContent = count;
    };
    selects.forEach(function (select) {
      for (var index = 1; index < select.options.length; index++) {
        if (select.name in wanted && select.options[index].value === wanted[select.name]) select.selectedIndex = index;
      }
      select.addEventListener('change', function () { apply(); save(); });
    });
    apply();
    bar.hidden = false;
  }
  if (table) {
    var order = Array.prototype.slice.call(table.querySelectorAll('tbody.finding'));
    var headers = table.querySelectorAll('th[data-sort]'), rank = { error: 0, warning: 1, info: 2 };
    var last = function (text) { return text ? '0' + text : '1'; };
    var keys = {
      severity: [function (row) { var at = rank[row.getAttribute('data-severity')]; return at === undefined ? 3 : at; }, 'descending'],
      type: [function (row) { return row.getAttribute('data-type'); }, 'ascending'],
      contract: [function (row) { return last(row.getAttribute('data-contract')); }, 'ascending'],
      date: [function (row) { return last(row.getAttribute('data-date')); }, 'ascending'],
      amount: [function (row) { return -(parseFloat(row.getAttribute('data-amount')) || 0); }, 'descending']
    };
    var sort = function (key, backwards) {
      var of = keys[key][0], ranked = order.map(function (row, index) { return [of(row), index, row]; });
      ranked.sort(function (a, b) {
        var side = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
        return (backwards ? -side : side) || a[1] - b[1];
      });
      ranked.forEach(function (entry) { table.appendChild(entry[2]); });
      sortKey = key;
      reversed = backwards;
      headers.forEach(function (header) {
        var natural = keys[header.getAttribute('data-sort')][1];
        if (header.getAttribute('data-sort') !== key) header.removeAttribute('aria-sort');
        else header.setAttribute('aria-sort', backwards ? (natural === 'ascending' ? 'descending' : 'ascending') : natural);
      });
    };
    headers.forEach(function (header) {
      var key = header.getAttribute('data-sort'), button = header.querySelector('button');
      if (!button || !Object.prototype.hasOwnProperty.call(keys, key)) return;
      button.addEventListener('click', function () {
        sort(key, key === sortKey ? !reversed : false);
        save();
      });
    });
    var asked = wanted.sort || '', backwards = asked.charAt(0) === '-';
    if (backwards) asked = asked.slice(1);
    headers.forEach(function (header) {
      var button = header.querySelector('button');
      if (button && asked && header.getAttribute('data-sort') === asked) {
        button.click();
        if (backwards) button.click();
      }
    });
  }
  addEventListener('beforeprint', function () {
    doc.querySelectorAll('details:not([open])').forEach(function (details) { details.open = true; opened.push(details); });
  });
  addEventListener('afterprint', function () {
    opened.forEach(function (details) { details.open = false; });
    opened = [];
  });
  doc.body.setAttribute('data-ready', 'filters');
})();
"#;

/// Styles a large audit's page adds: the contract index and the trail opened in it.
pub(super) const INDEX_CSS: &str = r#"table.index{width:100%}
table.index thead th{position:sticky;top:0}
tr.trail-open>td{background:#fafafa;border-top:2px solid #999}
td.trail section.period{border-left:3px solid #ddd;padding-left:.8em;margin:.8em 0}
td.trail h5{margin:.6em 0 .2em;font-size:.95em}
td.trail div.finding{margin:.4em 0 .8em}
td.trail table{width:auto;margin:.3em 0}
td.trail td{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
td.trail table.fields>tbody>tr>td.number{text-align:left}
.noscript{border:1px solid #8a5300;padding:.4em .7em}
@media print{tr.trail-open>td{break-inside:auto}}
"#;

/// The trail script of a large audit's page, beside [`SCRIPT`]: when a trail link (the
/// contract index, a contract in the findings table) is chosen, it inflates that
/// contract's data block (base 85, digits in the index's `data-digits`) with the browser's
/// `DecompressionStream`, takes the trail out of the block's list and shows it in a row below the contract's line in the index. `#trail=<contract id>` in the address opens
/// that contract's trail as a click on its link would. The trail's markup is the report's
/// own, every input value escaped when the page was written; nothing is fetched. Where the
/// browser has no `DecompressionStream` the link opens the evidence file instead.
pub(super) const TRAIL_SCRIPT: &str = r#"(function () {
  var doc = document, index = doc.getElementById('contract-index'), row = null;
  if (!index) return;
  var open = function (number) {
    var per = +index.getAttribute('data-per-block');
    var data = doc.getElementById('trail-data-' + Math.floor(number / per)), line = doc.getElementById('contract-' + number);
    if (!data || !line || typeof DecompressionStream === 'undefined' || typeof Response === 'undefined') return false;
    if (!row) {
      row = doc.createElement('tr');
      row.id = 'trail-row';
      row.className = 'trail-open';
      row.appendChild(doc.createElement('td')).className = 'trail';
    }
    var cell = row.firstChild;
    cell.colSpan = line.cells.length;
    line.parentNode.insertBefore(row, line.nextSibling);
    row.setAttribute('data-contract', number);
    cell.textContent = index.getAttribute('data-opening');
    var text = data.textContent.trim(), digits = index.getAttribute('data-digits'), value = {};
    for (var digit = 0; digit < 85; digit++) value[digits.charAt(digit)] = digit;
    var bytes = new Uint8Array(Math.floor(text.length / 5) * 4 + Math.max(text.length % 5 - 1, 0)), at = 0;
    for (var start = 0; start < text.length; start += 5) {
      var group = text.slice(start, start + 5), word = 0;
      for (var place = 0; place < 5; place++) word = word * 85 + (place < group.length ? value[group.charAt(place)] : 84);
      for (var byte = 0; byte < group.length - 1; byte++) bytes[at++] = Math.floor(word / Math.pow(256, 3 - byte)) % 256;
    }
    var inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
    new Response(inflated).text().then(function (block) {
      if (row.getAttribute('data-contract') !== String(number)) return;
      cell.innerHTML = JSON.parse(block)[number % per];
      row.scrollIntoView();
      doc.body.setAttribute('data-trail', number);
    }, function () {
      cell.textContent = index.getAttribute('data-failed');
    });
    return true;
  };
  doc.addEventListener('click', function (event) {
    var link = event.target && event.target.closest ? event.target.closest('a[data-trail]') : null;
    if (link && open(link.getAttribute('data-trail'))) event.preventDefault();
  });
  var wanted = null;
  location.hash.slice(1).split('&').forEach(function (pair) {
    try { if (pair.indexOf('trail=') === 0) wanted = decodeURIComponent(pair.slice(6)); } catch (error) {}
  });
  if (wanted !== null) {
    var lines = index.querySelectorAll('tr[id^="contract-"]');
    for (var at = 0; at < lines.length; at++) {
      if (lines[at].cells[0].textContent === wanted) {
        var link = lines[at].querySelector('a[data-trail]');
        if (link) link.click();
        break;
      }
    }
  }
  doc.body.setAttribute('data-trails', 'ready');
})();
"#;

/// Standard base64 (RFC 4648, padded), for the script's hash in the CSP.
pub(super) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let word = chunk.iter().enumerate().fold(0u32, |word, (index, byte)| {
            word | u32::from(*byte) << (16 - 8 * index)
        });
        for index in 0..4 {
            if index <= chunk.len() {
                text.push(char::from(
                    ALPHABET[(word >> (18 - 6 * index)) as usize & 63],
                ));
            } else {
                text.push('=');
            }
        }
    }
    text
}

/// The page's Content-Security-Policy: nothing may load; inline styles and the page's
/// script (by hash) may run, and on a large audit's page the trail script (by hash).
pub(super) fn content_security_policy(trails: bool) -> String {
    let hash = |script: &str| format!("'sha256-{}'", base64(&Sha256::digest(script.as_bytes())));
    let scripts = if trails {
        format!("{} {}", hash(SCRIPT), hash(TRAIL_SCRIPT))
    } else {
        hash(SCRIPT)
    };
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; script-src {scripts}; base-uri 'none'; form-action 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_follows_rfc_4648() {
        for (bytes, text) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(bytes.as_bytes()), text, "{bytes}");
        }
        assert_eq!(base64(&[0xfb, 0xff]), "+/8=");
    }

    #[test]
    fn the_policy_allows_exactly_the_page_script() {
        let policy = content_security_policy(false);
        assert!(
            policy
                .starts_with("default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-")
        );
        assert_eq!(policy.matches("sha256-").count(), 1);
        assert!(!policy.contains("unsafe-eval") && !policy.contains("http"));
        let with_trails = content_security_policy(true);
        assert_eq!(with_trails.matches("sha256-").count(), 2);
        assert!(with_trails.contains(
            &policy["default-src 'none'; style-src 'unsafe-inline'; script-src ".len()
                ..policy.find("; base-uri").unwrap()]
        ));
        assert!(!with_trails.contains("unsafe-eval") && !with_trails.contains("http"));
    }
}
