//! Fleet benchmark for `scan`: 1,000 MCP endpoints on 127.0.0.1 spread over 100 origins (10 per port),
//! protected by 20 distinct authorization servers, every embedded server adding 100 ms to each reply,
//! scanned by the release binary at `-j 100`.
//!
//! Ideal: 1,000 / 100 jobs × 3 round trips × 100 ms = 3.0 s. Targets: wall time ≤ 1.2 × ideal, each
//! authorization server's metadata and key set requested once, peak RSS of the scan ≤ 100 MB (from
//! `/usr/bin/time -v`, else from polling /proc/PID/status VmHWM).
//!
//! It also prints where the time went: each MCP origin's requests grouped into turns (requests arriving
//! within half a reply's latency of each other), how many turns used one of the two slots, and the first
//! origin's timeline.
//!
//! Run: `cargo bench --bench scan`. `SCAN_BENCH_SERVERS` and `SCAN_BENCH_JOBS` change the fleet size and `-j`
//! for a quick look; `SCAN_BENCH_ISSUERS` the number of authorization servers (1: every server after the
//! first wave finds its issuer checked).

use mcp_auth::server::MockServer;
use mcp_auth::server::auth::AuthServer;
use mcp_auth::server::mcp::McpServer;
use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(100);
const ORIGINS: usize = 100;
const PER_ORIGIN: usize = 10;
const ISSUERS: usize = 20;

/// `SCAN_BENCH_ISSUERS`, else [`ISSUERS`].
fn issuers() -> usize {
    std::env::var("SCAN_BENCH_ISSUERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map_or(ISSUERS, |n: usize| n.max(1))
}
const JOBS: usize = 100;
const ROUND_TRIPS: f64 = 3.0;
const MAX_RSS_MB: f64 = 100.0;

struct Fleet {
    auths: Vec<AuthServer>,
    origins: Vec<MockServer>,
    list: tempfile::NamedTempFile,
    servers: usize,
}

fn fleet(servers: usize) -> Fleet {
    let auths: Vec<AuthServer> = (0..issuers())
        .map(|_| AuthServer::builder().start().expect("auth server"))
        .collect();
    let mut list = tempfile::NamedTempFile::new().expect("list file");
    let origins_needed = servers.div_ceil(PER_ORIGIN);
    let mut origins = Vec::with_capacity(origins_needed);
    let mut n = 0;
    for o in 0..origins_needed {
        let origin = MockServer::start().expect("origin");
        for e in 0..PER_ORIGIN.min(servers - n) {
            let auth = &auths[(o * PER_ORIGIN + e) % auths.len()];
            let mounted = McpServer::builder()
                .protected_by(auth)
                .path(&format!("/e{e}/mcp"))
                .mount(&origin)
                .expect("mount");
            writeln!(list, "{}", mounted.url).expect("write list");
            n += 1;
        }
        origin.set_latency(LATENCY);
        origins.push(origin);
    }
    for a in &auths {
        a.server.set_latency(LATENCY);
    }
    list.flush().expect("flush list");
    Fleet {
        auths,
        origins,
        list,
        servers: n,
    }
}

/// A number from `/usr/bin/time -v` output, e.g. "Maximum resident set size (kbytes)".
fn time_v(stderr: &str, label: &str) -> Option<f64> {
    stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix(label)?.strip_prefix(':'))
        .and_then(|v| v.trim().parse::<f64>().ok())
}

/// What one scan cost.
struct Run {
    started: Instant,
    wall: Duration,
    /// Peak RSS in MB, and user + system CPU seconds.
    rss_mb: Option<f64>,
    cpu_secs: Option<f64>,
    summary: serde_json::Value,
}

/// Runs the scan under `/usr/bin/time -v` when present.
fn run_scan(list: &std::path::Path, jobs: usize) -> Run {
    let bin = env!("CARGO_BIN_EXE_mcp-auth");
    let timed = std::path::Path::new("/usr/bin/time").is_file();
    let mut cmd = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-v").arg(bin);
        c
    } else {
        Command::new(bin)
    };
    cmd.args([
        "scan",
        "--json",
        "--allow-private-addresses",
        "-j",
        &jobs.to_string(),
        "--deadline",
        "120",
    ])
    .arg(list)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let started = Instant::now();
    let child = cmd.spawn().expect("mcp-auth runs");
    let out = child.wait_with_output().expect("mcp-auth finishes");
    let wall = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let summary: serde_json::Value = stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_else(|| panic!("no summary line; stderr:\n{stderr}"));
    let cpu = time_v(&stderr, "User time (seconds)").zip(time_v(&stderr, "System time (seconds)"));
    Run {
        started,
        wall,
        rss_mb: time_v(&stderr, "Maximum resident set size (kbytes)").map(|kb| kb / 1024.0),
        cpu_secs: cpu.map(|(u, s)| u + s),
        summary,
    }
}

/// A turn: requests on one origin that arrive within half a reply's latency of the turn's first one.
const TURN_GAP: Duration = Duration::from_millis(50);

/// Where the wall time went on the MCP origins: each origin's requests grouped into turns (one reply's
/// latency each), how full the 2 slots were, and when each origin started and went quiet. Prints the first
/// origin's timeline in full.
fn timeline(origins: &[MockServer], started: Instant) {
    let ms = |t: Instant| t.saturating_duration_since(started).as_millis() as usize;
    let (mut turns, mut firsts, mut lasts, mut singles) = (Vec::new(), Vec::new(), Vec::new(), 0);
    for (i, o) in origins.iter().enumerate() {
        let mut hits = o.hits();
        hits.sort_by_key(|h| h.received);
        let Some(first) = hits.first().map(|h| h.received) else {
            continue;
        };
        let mut groups: Vec<Vec<&mcp_auth::server::Recorded>> = Vec::new();
        for h in &hits {
            match groups.last_mut() {
                Some(g) if h.received.duration_since(g[0].received) < TURN_GAP => g.push(h),
                _ => groups.push(vec![h]),
            }
        }
        if i == 0 {
            println!("  origin 0 timeline (ms since the scan started: requests of the turn):");
            for g in &groups {
                let what: Vec<String> = g
                    .iter()
                    .map(|h| {
                        let auth = if h.bearer().is_some() { "+token" } else { "" };
                        format!("{} {}{auth}", h.method, h.path)
                    })
                    .collect();
                println!("    {:>5}: {}", ms(g[0].received), what.join(", "));
            }
        }
        singles += groups.iter().filter(|g| g.len() == 1).count();
        turns.push(groups.len());
        firsts.push(ms(first));
        lasts.push(ms(hits.last().map_or(first, |h| h.received)));
    }
    let stats = |v: &mut Vec<usize>| {
        v.sort_unstable();
        (
            v.first().copied().unwrap_or_default(),
            v.get(v.len() / 2).copied().unwrap_or_default(),
            v.last().copied().unwrap_or_default(),
        )
    };
    let total: usize = turns.iter().sum();
    let (t, f, l) = (stats(&mut turns), stats(&mut firsts), stats(&mut lasts));
    println!(
        "  MCP origin turns: min/median/max {}/{}/{} per origin; {singles} of {total} turns used one slot of two",
        t.0, t.1, t.2
    );
    println!(
        "  first request on an origin at {}/{}/{} ms, last at {}/{}/{} ms (min/median/max)",
        f.0, f.1, f.2, l.0, l.1, l.2
    );
}

/// User + system CPU seconds of this process so far (the embedded servers), from /proc/self/stat.
fn own_cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: f64 = after
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse::<f64>().ok())
        .sum();
    ticks / 100.0
}

fn main() {
    let servers: usize = std::env::var("SCAN_BENCH_SERVERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(ORIGINS * PER_ORIGIN);
    let jobs: usize = std::env::var("SCAN_BENCH_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(JOBS);
    let f = fleet(servers);
    let ideal = (f.servers as f64 / jobs as f64).max(1.0) * ROUND_TRIPS * LATENCY.as_secs_f64();
    println!(
        "scan benchmark: {} MCP endpoints on {} origins, {} authorization servers, {} ms per reply, -j {jobs}",
        f.servers,
        f.servers.div_ceil(PER_ORIGIN),
        f.auths.len(),
        LATENCY.as_millis()
    );
    let servers_cpu_before = own_cpu_secs();
    let Run {
        started,
        wall,
        rss_mb: rss,
        cpu_secs,
        summary,
    } = run_scan(f.list.path(), jobs);
    let servers_cpu = own_cpu_secs() - servers_cpu_before;
    let s = &summary["summary"];
    println!(
        "  scanned {} (passing {}, failing {}, could not complete {})",
        s["scanned"], s["passing"], s["failing"], s["could_not_complete"]
    );
    let ratio = wall.as_secs_f64() / ideal;
    println!(
        "  wall time: {:.2} s, ideal {ideal:.1} s: {ratio:.2} × ideal (target ≤ 1.2) {}",
        wall.as_secs_f64(),
        if ratio <= 1.2 { "met" } else { "MISSED" }
    );
    let mcp_requests: usize = f.origins.iter().map(|o| o.hits().len()).sum();
    let busiest = f.origins.iter().map(MockServer::max_in_flight).max().unwrap_or(0);
    println!(
        "  MCP origins: {mcp_requests} requests ({:.1} per server), at most {busiest} in flight on one origin",
        mcp_requests as f64 / f.servers as f64
    );
    timeline(&f.origins, started);
    // Every path of every authorization server (metadata candidates, JWKS) asked for exactly once.
    let mut repeated = 0;
    let mut requests = 0;
    for a in &f.auths {
        let mut by_path: HashMap<String, usize> = HashMap::new();
        for h in a.server.hits() {
            *by_path.entry(h.path).or_default() += 1;
            requests += 1;
        }
        repeated += by_path.values().filter(|n| **n > 1).count();
    }
    println!(
        "  authorization servers: {requests} requests over {} servers, {repeated} path(s) requested more than once {}",
        f.auths.len(),
        if repeated == 0 { "(met: once each)" } else { "(MISSED)" }
    );
    match rss {
        Some(mb) => println!(
            "  peak RSS: {mb:.1} MB (target ≤ {MAX_RSS_MB} MB) {}",
            if mb <= MAX_RSS_MB { "met" } else { "MISSED" }
        ),
        None => println!("  peak RSS: not measured (/usr/bin/time missing)"),
    }
    if let Some(cpu) = cpu_secs {
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        println!(
            "  CPU: {cpu:.2} s user+system for the scan, {servers_cpu:.2} s for the embedded servers; load average {}",
            load.split(' ').take(3).collect::<Vec<_>>().join(" ")
        );
    }
}
