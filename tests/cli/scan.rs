//! `mcp-auth scan` against fleets of embedded MCP servers: the exact summary of a mixed fleet, a registry
//! export, the shared authorization-server cache, the per-origin limit, a closed stdout, and the HTML
//! report in a real headless browser.

use crate::support::cmd;
use mcp_auth::server::MockServer;
use mcp_auth::server::auth::AuthServer;
use mcp_auth::server::mcp::{McpFlaw, McpServer};
use serde_json::{Value, json};
use std::io::{BufRead, Write};
use std::time::Duration;

/// `scan` over `input` (given on stdin) with loopback allowed; stdout split into JSON lines.
fn scan_json(input: &str, extra: &[&str], expected_exit: i32) -> (Vec<Value>, Value) {
    let mut c = cmd();
    c.args(["scan", "-", "--json", "--allow-private-addresses"])
        .args(extra)
        .write_stdin(input.to_owned());
    let out = c.output().expect("binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(expected_exit),
        "stdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect();
    let summary = lines.pop().expect("a summary line");
    assert_eq!(summary["command"], "scan", "{summary}");
    for l in &lines {
        crate::support::schema::assert_valid(l);
    }
    (lines, summary)
}

/// A port nothing listens on.
fn closed_port_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("http://127.0.0.1:{port}/mcp")
}

/// `n` MCP endpoints (`/s{i}/mcp`) protected by `auth`, all on one origin.
fn on_one_origin(auth: &AuthServer, n: usize) -> (MockServer, Vec<String>) {
    let origin = MockServer::start().unwrap();
    let urls = (0..n)
        .map(|i| {
            McpServer::builder()
                .protected_by(auth)
                .path(&format!("/s{i}/mcp"))
                .mount(&origin)
                .unwrap()
                .url
        })
        .collect();
    (origin, urls)
}

struct Fleet {
    auth: AuthServer,
    good: McpServer,
    broken: McpServer,
    slow: McpServer,
    unreachable: String,
}

fn fleet() -> Fleet {
    let auth = AuthServer::builder().start().unwrap();
    let good = McpServer::builder().protected_by(&auth).start().unwrap();
    let broken = McpServer::builder()
        .protected_by(&auth)
        .flaw(McpFlaw::ResourceMismatch)
        .start()
        .unwrap();
    let slow = McpServer::builder().protected_by(&auth).start().unwrap();
    slow.server.set_latency(Duration::from_secs(4));
    Fleet {
        auth,
        good,
        broken,
        slow,
        unreachable: closed_port_url(),
    }
}

impl Fleet {
    fn list(&self) -> String {
        format!(
            "# the fleet\n{}\n{}  # broken\n\n{}\n{}\n",
            self.good.url(),
            self.broken.url(),
            self.unreachable,
            self.slow.url()
        )
    }
}

#[test]
fn a_mixed_fleet_gets_one_line_per_server_and_the_exact_summary() {
    let f = fleet();
    let (lines, summary) = scan_json(&f.list(), &["--deadline", "2"], 1);
    assert_eq!(lines.len(), 4);
    let by_target = |u: &str| {
        lines
            .iter()
            .find(|l| l["target"] == u)
            .unwrap_or_else(|| panic!("no line for {u}"))
    };
    assert_eq!(by_target(f.good.url())["ok"], true);
    assert_eq!(by_target(f.broken.url())["ok"], false);
    assert_eq!(by_target(&f.unreachable)["error"]["kind"], "connect");
    assert_eq!(by_target(f.slow.url())["error"]["kind"], "deadline");
    assert_eq!(
        summary,
        json!({
            "command": "scan",
            "ok": false,
            "summary": {
                "scanned": 4,
                "passing": 1,
                "failing": 1,
                "could_not_complete": 2,
                "failing_checks": [{"id": "prm-resource-matches", "servers": 1}],
                "authorization_servers": [{"issuer": f.auth.issuer(), "servers": 2}],
            },
        })
    );
}

#[test]
fn human_mode_lists_each_server_then_the_summary_tables() {
    let f = fleet();
    let out = cmd()
        .args(["scan", "--allow-private-addresses", "--deadline", "1", "-"])
        .write_stdin(f.list())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&format!("PASS  {}", f.good.url())), "{stdout}");
    assert!(stdout.contains(&format!("FAIL  {}", f.broken.url())), "{stdout}");
    assert!(stdout.contains("Most common failing checks (1 of 1)"), "{stdout}");
    assert!(stdout.contains("prm-resource-matches"), "{stdout}");
    assert!(
        stdout.contains("FAIL: 4 scanned: 1 passing, 1 failing, 2 could not complete"),
        "{stdout}"
    );
}

#[test]
fn exit_code_is_3_when_some_server_could_not_be_evaluated_and_none_failed() {
    let auth = AuthServer::builder().start().unwrap();
    let good = McpServer::builder().protected_by(&auth).start().unwrap();
    let list = format!("{}\n{}\n", good.url(), closed_port_url());
    let (_, summary) = scan_json(&list, &[], 3);
    assert_eq!(summary["summary"]["passing"], 1);
    assert_eq!(summary["summary"]["could_not_complete"], 1);
    let (_, summary) = scan_json(&format!("{}\n", good.url()), &[], 0);
    assert_eq!(summary["ok"], true);
}

#[test]
fn a_registry_export_is_detected_and_scanned() {
    let auth = AuthServer::builder().start().unwrap();
    let a = McpServer::builder().protected_by(&auth).start().unwrap();
    let b = McpServer::builder()
        .protected_by(&auth)
        .flaw(McpFlaw::NoWwwAuthenticate)
        .start()
        .unwrap();
    let export = json!({
        "servers": [
            {"server": {"name": "io.example/a", "remotes": [{"type": "streamable-http", "url": a.url()}]}, "_meta": {}},
            {"server": {"name": "io.example/local-only", "packages": [{"registryType": "npm"}]}},
            {"name": "io.example/b", "remotes": [{"type": "streamable-http", "url": b.url()}]},
        ],
        "metadata": {"count": 3},
    });
    let (lines, summary) = scan_json(&export.to_string(), &[], 1);
    let mut targets: Vec<&str> = lines.iter().map(|l| l["target"].as_str().unwrap()).collect();
    targets.sort_unstable();
    let mut want = vec![a.url(), b.url()];
    want.sort_unstable();
    assert_eq!(targets, want);
    assert_eq!(summary["summary"]["passing"], 1);
    assert_eq!(summary["summary"]["failing"], 1);
}

#[test]
fn bad_input_is_a_usage_error_naming_the_line() {
    let out = cmd()
        .args(["scan", "-"])
        .write_stdin("https://a.example/mcp\nnot-a-url\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 2: \"not-a-url\" is not an MCP server URL"),
        "{stderr}"
    );
    let out = cmd()
        .args(["scan", "-"])
        .write_stdin("{\"items\": []}")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("servers[].remotes[].url"));
}

#[test]
fn a_private_address_in_the_list_is_refused_without_the_flag() {
    let auth = AuthServer::builder().start().unwrap();
    let good = McpServer::builder().protected_by(&auth).start().unwrap();
    let out = cmd()
        .args(["scan", "--json", "-"])
        .write_stdin(format!("{}\n", good.url()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let first: Value = serde_json::from_slice(out.stdout.split(|b| *b == b'\n').next().unwrap()).unwrap();
    assert_eq!(first["error"]["kind"], "private-address", "{first}");
    assert!(good.server.hits().is_empty(), "the private server was contacted");
}

#[test]
fn the_authorization_server_is_fetched_once_for_the_whole_fleet() {
    let auth = AuthServer::builder().start().unwrap();
    auth.server.set_latency(Duration::from_millis(100));
    let servers: Vec<McpServer> = (0..6)
        .map(|_| McpServer::builder().protected_by(&auth).start().unwrap())
        .collect();
    let list: String = servers.iter().map(|s| format!("{}\n", s.url())).collect();
    let (lines, summary) = scan_json(&list, &["-j", "6"], 0);
    assert_eq!(lines.len(), 6);
    assert_eq!(summary["summary"]["authorization_servers"][0]["servers"], 6);
    let hits = auth.server.hits();
    assert!(!hits.is_empty());
    for h in &hits {
        assert_eq!(auth.server.hits_on(&h.path), 1, "{} requested more than once", h.path);
    }
}

#[test]
fn at_most_two_requests_are_in_flight_per_origin() {
    let auth = AuthServer::builder().start().unwrap();
    let (origin, urls) = on_one_origin(&auth, 8);
    origin.set_latency(Duration::from_millis(100));
    let list: String = urls.iter().map(|u| format!("{u}\n")).collect();
    let (lines, summary) = scan_json(&list, &["-j", "8"], 0);
    assert_eq!(lines.len(), 8);
    assert_eq!(summary["summary"]["passing"], 8);
    // Eight servers probed at once, each sending several requests at once: the origin saw two at a time.
    assert_eq!(origin.max_in_flight(), 2);
}

/// Under the 2-per-origin limit the root well-known candidate waits for a second turn; the authorization
/// server named by the PRM the challenge points at is asked meanwhile, not after it. The candidate's
/// handler holds its answer until the authorization server has been asked (at most 5 s, a bound under the
/// 10 s request timeout, not a measurement) and records whether it was.
#[test]
fn the_authorization_server_is_asked_while_the_first_round_trip_is_still_out() {
    let auth = std::sync::Arc::new(AuthServer::builder().start().unwrap());
    let m = McpServer::builder().protected_by(&auth).start().unwrap();
    let asked_first = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (a, flag) = (std::sync::Arc::clone(&auth), std::sync::Arc::clone(&asked_first));
    m.server.route("/.well-known/oauth-protected-resource", move |_| {
        let until = std::time::Instant::now() + Duration::from_secs(5);
        while a.server.hits().is_empty() && std::time::Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        flag.store(!a.server.hits().is_empty(), std::sync::atomic::Ordering::SeqCst);
        mcp_auth::server::Reply::new(404)
    });
    let (lines, summary) = scan_json(&format!("{}\n", m.url()), &[], 0);
    assert_eq!(summary["summary"]["passing"], 1, "{lines:?}");
    assert_eq!(m.server.hits_on("/.well-known/oauth-protected-resource"), 1);
    assert!(asked_first.load(std::sync::atomic::Ordering::SeqCst));
}

#[test]
fn a_closed_stdout_ends_the_scan_quietly() {
    let auth = AuthServer::builder().start().unwrap();
    let (origin, urls) = on_one_origin(&auth, 40);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mcp-auth"))
        .args(["scan", "--json", "--allow-private-addresses", "-j", "2", "-"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for u in &urls {
        writeln!(stdin, "{u}").unwrap();
    }
    drop(stdin);
    // `| head -n 1`: read one line, then close the pipe.
    let mut first = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("{\"command\":\"probe\""), "{first}");
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
    // It stopped early rather than scanning all forty.
    assert!(origin.hits().len() < 40 * 4, "{} requests", origin.hits().len());
}

/// Debian's chromium, or `None` (locally: skipped with a notice; under `CI=true`: a failure).
fn chromium() -> Option<std::path::PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join(name))
                .find(|p| p.is_file())
        })
    });
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    if found.is_none() {
        assert!(
            !ci,
            "chromium is not installed and CI=true (apt-get install -y chromium; .ci/run does it)"
        );
        eprintln!("scan HTML browser test: SKIPPED — chromium is not installed (apt-get install -y chromium)");
    }
    found
}

/// What a headless chromium run printed, and the hosts it asked the network for.
struct Browsed {
    stdout: String,
    hosts: std::collections::BTreeSet<String>,
}

/// Runs headless chromium with `extra` arguments. Every network request goes through a proxy (an
/// embedded server) that records it, so nothing reaches the internet and every request is seen.
fn browse(browser: &std::path::Path, profile: &std::path::Path, extra: &[String]) -> Browsed {
    let proxy = MockServer::start().unwrap();
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--window-size=1200,900",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--proxy-server={}", proxy.base_url()))
        .args(extra)
        .output()
        .expect("chromium runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("Content Security Policy"), "a CSP violation: {stderr}");
    let hosts = proxy
        .hits()
        .iter()
        .filter_map(|h| h.header("host").map(|v| v.split(':').next().unwrap_or(v).to_owned()))
        .collect();
    Browsed {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        hosts,
    }
}

/// Chromium's own services, which it calls at start-up whatever the page (seen on a blank page).
const BROWSER_SERVICES: [&str; 3] = ["accounts.google.com", "clients2.google.com", "www.google.com"];

#[test]
fn the_html_report_renders_in_a_headless_browser_without_any_request() {
    let Some(browser) = chromium() else { return };
    let f = fleet();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    let out = cmd()
        .args(["scan", "--allow-private-addresses", "--deadline", "1", "-q", "--html"])
        .arg(&page)
        .arg("-")
        .write_stdin(f.list())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let url = format!("file://{}", page.display());
    let blank = dir.path().join("blank.html");
    std::fs::write(&blank, "<p>blank</p>").unwrap();
    let baseline = browse(
        &browser,
        &dir.path().join("p0"),
        &["--dump-dom".into(), format!("file://{}", blank.display())],
    );
    let loaded = browse(&browser, &dir.path().join("p1"), &["--dump-dom".into(), url.clone()]);
    let dom = &loaded.stdout;
    // The inline script ran (its hash is in the CSP) and the table has one row per server, failing first.
    assert!(dom.contains("data-sortable=\"yes\""), "{dom}");
    assert!(dom.contains("default-src 'none'"));
    let rows: Vec<&str> = dom
        .split("<tr class=\"")
        .skip(1)
        .map(|r| r.split('"').next().unwrap())
        .collect();
    assert_eq!(
        rows,
        ["fail", "could-not-complete", "could-not-complete", "pass"],
        "{dom}"
    );
    assert!(dom.contains(&format!("<td>{}</td>", f.good.url())));
    assert!(dom.contains("prm-resource-matches"));
    assert!(dom.contains("<dd id=\"scanned\">4</dd>") && dom.contains("<dd id=\"failing\">1</dd>"));
    // Nothing points outside the page, and the page asked the network for nothing a blank page does not.
    for attr in ["src=", "href=", "url(", "@import"] {
        assert!(!dom.contains(attr), "{attr} in the page");
    }
    let shot = dir.path().join("shot.png");
    let shown = browse(
        &browser,
        &dir.path().join("p2"),
        &[format!("--screenshot={}", shot.display()), url],
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{} bytes", png.len());
    for host in loaded.hosts.iter().chain(&shown.hosts) {
        assert!(
            baseline.hosts.contains(host) || BROWSER_SERVICES.contains(&host.as_str()),
            "the report made the browser contact {host}"
        );
    }
}

#[test]
fn junit_has_one_suite_per_server_and_a_terminal_gets_a_progress_bar() {
    let f = fleet();
    let out = cmd()
        .args([
            "scan",
            "--allow-private-addresses",
            "--deadline",
            "1",
            "--output",
            "junit",
            "-",
        ])
        .write_stdin(f.list())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8_lossy(&out.stdout);
    assert_eq!(xml.matches("<testsuite ").count(), 4, "{xml}");
    assert!(xml.contains(&format!("name=\"probe {}\"", f.broken.url())), "{xml}");
    assert!(xml.contains("prm-resource-matches"));
    // MCP_AUTH_TEST_TTY: stderr counts as a terminal, so the progress bar draws there, never on stdout.
    let out = cmd()
        .env("MCP_AUTH_TEST_TTY", "1")
        .args(["scan", "--allow-private-addresses", "--deadline", "1", "-"])
        .write_stdin(f.list())
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(stderr.contains("/4"), "{stderr}");
    assert!(!stdout.contains("scanning ["), "{stdout}");
}
