//! `scan --html FILE`: one self-contained HTML page — the summary, a bar chart of the failing checks
//! (inline SVG), the authorization servers, and the servers' table (sortable by a few lines of inline
//! script, readable without it). No external resource of any kind: a Content-Security-Policy of
//! `default-src 'none'` with the one style sheet and the one script allowed by their hashes. Every
//! server-provided string is escaped.

use super::summary::{Row, Summary, Verdict};
use crate::spec::SpecRevision;
use base64::Engine;
use std::fmt::Write;

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#1b1f24}\
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #d0d7de;padding:.3em .6em;text-align:left;vertical-align:top}\
th{background:#f6f8fa;cursor:pointer}td.n{text-align:right}tr.fail td.v{color:#b42318;font-weight:600}\
tr.pass td.v{color:#1a7f37}tr.could-not-complete td.v{color:#9a6700}dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}\
dt{font-weight:600}.bar{fill:#cf222e}.label{font-size:12px}";

const SCRIPT: &str = "document.documentElement.dataset.sortable='yes';document.querySelectorAll('table.sortable th').forEach(function(th,i){\
th.addEventListener('click',function(){var t=th.closest('table'),b=t.tBodies[0],d=th.dataset.dir==='asc'?-1:1;\
th.dataset.dir=d===1?'asc':'desc';var rows=Array.prototype.slice.call(b.rows);rows.sort(function(x,y){\
var p=x.cells[i].dataset.key||x.cells[i].textContent,q=y.cells[i].dataset.key||y.cells[i].textContent;\
var m=parseFloat(p),n=parseFloat(q);return d*(isNaN(m)||isNaN(n)?p.localeCompare(q):m-n);});\
rows.forEach(function(r){b.appendChild(r);});});});";

/// Bars in the chart of failing checks.
const CHART_BARS: usize = 20;

/// Escapes text for HTML content and attribute values (and control characters, as for a terminal).
pub fn escape(s: &str) -> String {
    let clean = crate::sanitize::line(s);
    let mut out = String::with_capacity(clean.len());
    for c in clean.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn csp_hash(text: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
    )
}

/// The report page.
pub fn render(summary: &Summary, spec: SpecRevision) -> String {
    let mut out = String::with_capacity(4096 + summary.rows().len() * 300);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {}; script-src {}\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>mcp-auth scan: {} servers</title><style>{STYLE}</style></head>\n<body>\n\
<h1>mcp-auth scan</h1>\n<p>MCP authorization revision {spec}, mcp-auth {}.</p>\n",
        csp_hash(STYLE),
        csp_hash(SCRIPT),
        summary.scanned,
        env!("CARGO_PKG_VERSION"),
    );
    let _ = writeln!(
        out,
        "<section id=\"summary\"><h2>Summary</h2><dl>\
<dt>Scanned</dt><dd id=\"scanned\">{}</dd><dt>Passing</dt><dd id=\"passing\">{}</dd>\
<dt>Failing</dt><dd id=\"failing\">{}</dd><dt>Could not complete</dt><dd id=\"could-not-complete\">{}</dd></dl></section>",
        summary.scanned, summary.passing, summary.failing, summary.could_not_complete
    );
    chart(&mut out, summary);
    issuers(&mut out, summary);
    servers(&mut out, summary.rows());
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body></html>\n");
    out
}

/// Horizontal bars, one per failing check, longest first.
fn chart(out: &mut String, summary: &Summary) {
    let checks = summary.failing_checks();
    out.push_str("<section id=\"failing-checks\"><h2>Failing checks</h2>\n");
    if checks.is_empty() {
        out.push_str("<p>No check failed.</p></section>\n");
        return;
    }
    let max = checks[0].1.max(1);
    let shown = &checks[..checks.len().min(CHART_BARS)];
    let (row, label_w, bar_w) = (22, 320, 400);
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"failing checks by number of servers\" width=\"{}\" height=\"{}\">",
        label_w + bar_w + 60,
        shown.len() * row + 4
    );
    for (i, (id, n)) in shown.iter().enumerate() {
        let y = i * row;
        let w = (n * bar_w).div_ceil(max);
        let _ = writeln!(
            out,
            "<text class=\"label\" x=\"0\" y=\"{}\">{}</text><rect class=\"bar\" x=\"{label_w}\" y=\"{}\" width=\"{w}\" height=\"{}\"><title>{}: {n}</title></rect><text class=\"label\" x=\"{}\" y=\"{}\">{n}</text>",
            y + 15,
            escape(id),
            y + 3,
            row - 6,
            escape(id),
            label_w + w + 6,
            y + 15
        );
    }
    out.push_str("</svg>\n");
    if checks.len() > shown.len() {
        let _ = writeln!(
            out,
            "<p>{} more failing checks not drawn.</p>",
            checks.len() - shown.len()
        );
    }
    out.push_str("</section>\n");
}

fn issuers(out: &mut String, summary: &Summary) {
    let servers = summary.authorization_servers();
    out.push_str("<section id=\"authorization-servers\"><h2>Authorization servers</h2>\n");
    if servers.is_empty() {
        out.push_str("<p>No authorization server was reached.</p></section>\n");
        return;
    }
    out.push_str(
        "<table class=\"sortable\"><thead><tr><th>Authorization server</th><th>MCP servers</th></tr></thead><tbody>\n",
    );
    for (issuer, n) in servers {
        let _ = writeln!(out, "<tr><td>{}</td><td class=\"n\">{n}</td></tr>", escape(issuer));
    }
    out.push_str("</tbody></table></section>\n");
}

/// The servers, failing first, then could not complete, then passing; by URL within each.
fn servers(out: &mut String, rows: &[Row]) {
    let rank = |v: Verdict| match v {
        Verdict::Fail => 0,
        Verdict::CouldNotComplete => 1,
        Verdict::Pass => 2,
    };
    let mut sorted: Vec<&Row> = rows.iter().collect();
    sorted.sort_by(|a, b| rank(a.verdict).cmp(&rank(b.verdict)).then(a.url.cmp(&b.url)));
    out.push_str(
        "<section id=\"servers\"><h2>Servers</h2>\n<table class=\"sortable\" id=\"server-table\"><thead><tr>\
<th>MCP server</th><th>Verdict</th><th>Failing checks</th><th>First broken link</th><th>Details</th></tr></thead><tbody>\n",
    );
    for r in sorted {
        let verdict = serde_json::to_value(r.verdict)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr class=\"{verdict}\"><td>{}</td><td class=\"v\" data-key=\"{}\">{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.url),
            rank(r.verdict),
            r.verdict.as_str(),
            r.failing,
            r.first_broken.as_deref().map_or_else(|| "—".to_owned(), escape),
            escape(&r.headline),
        );
    }
    out.push_str("</tbody></table></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::ServerFacts;

    #[test]
    fn server_strings_are_escaped_and_nothing_is_fetched() {
        let mut s = Summary::new(true);
        let mut f = ServerFacts::incomplete(
            "http://x/<script>alert(1)</script>".into(),
            "\"><img src=http://evil.example/x>\u{1b}[31m".into(),
        );
        f.row.verdict = Verdict::Fail;
        f.failing_checks = vec!["prm-resource-matches"];
        f.issuers = vec!["https://as.example/<b>".into()];
        s.add(f);
        let page = render(&s, SpecRevision::LATEST);
        assert!(!page.contains("<script>alert") && !page.contains("<img") && !page.contains("<b>"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!page.contains('\u{1b}'));
        assert!(page.contains("default-src 'none'"));
        // Only the SVG namespace (an identifier, never fetched) looks like a URL of ours.
        assert!(!page.contains("src=\"http") && !page.contains("href="));
        assert_eq!(page.matches("<tr class=\"fail\">").count(), 1);
    }
}
