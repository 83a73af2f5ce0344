//! Latency benchmark for `probe`: how many sequential round trips the chain walk costs.
//!
//! Starts the embedded authorization server and MCP resource server (the same code as `mcp-auth demo`)
//! with 100 ms of added latency on every reply, runs the probe several times, and reports the wall time
//! as a multiple of one round trip. The critical path of a compliant chain is three round trips:
//! (1) the unauthenticated POST together with the speculative well-known PRM fetches, (2) every
//! authorization server's metadata candidates, (3) its JWKS; the token tests run alongside (2) and (3).
//! Target: at most 3.3 round trips.
//!
//! Run: `cargo bench --bench probe_latency` (or, without a release build, `cargo test --bench probe_latency`).
//! Set `PROBE_BENCH_RUNS` to change the number of runs (default 5).

use mcp_auth::http::{HttpClient, HttpConfig};
use mcp_auth::probe::{ProbeOptions, probe};
use mcp_auth::server::auth::AuthServer;
use mcp_auth::server::mcp::{McpFlaw, McpServer};
use mcp_auth::spec::SpecRevision;
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(100);
const CRITICAL_PATH_ROUND_TRIPS: f64 = 3.0;

struct Scenario {
    name: &'static str,
    flaws: Vec<McpFlaw>,
    with_token: bool,
    /// Round trips a client cannot avoid for this scenario.
    critical_path: f64,
}

fn main() {
    let runs: usize = std::env::var("PROBE_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let scenarios = [
        Scenario {
            name: "compliant chain, no token",
            flaws: vec![],
            with_token: false,
            critical_path: CRITICAL_PATH_ROUND_TRIPS,
        },
        Scenario {
            name: "compliant chain, --token (valid, query, 5 forged variants)",
            flaws: vec![],
            with_token: true,
            critical_path: CRITICAL_PATH_ROUND_TRIPS,
        },
        Scenario {
            name: "server speaks 2025-11-25 (one 400 fallback)",
            flaws: vec![McpFlaw::RejectsNewestRequestShape],
            with_token: true,
            // The fallback POST is one more unavoidable round trip.
            critical_path: CRITICAL_PATH_ROUND_TRIPS + 1.0,
        },
    ];
    println!(
        "probe latency benchmark: {} ms per reply, {runs} run(s) per scenario",
        LATENCY.as_millis()
    );
    let mut worst: f64 = 0.0;
    for s in &scenarios {
        let auth = AuthServer::builder().start().expect("auth server");
        let mcp = McpServer::builder()
            .protected_by(&auth)
            .flaws(s.flaws.clone())
            .start()
            .expect("mcp server");
        auth.server.set_latency(LATENCY);
        mcp.server.set_latency(LATENCY);
        let client = HttpClient::new(HttpConfig::default()).expect("client");
        let url = url::Url::parse(mcp.url()).expect("url");
        let opts = ProbeOptions {
            token: s
                .with_token
                .then(|| mcp_auth::jwt::SecretToken::new(auth.mint(mcp.url(), "mcp:read mcp:write", 300))),
            ..Default::default()
        };
        // Warm-up (connection setup, lazy statics), not measured.
        let warm = rt.block_on(probe(&client, &url, &opts, SpecRevision::LATEST));
        assert!(warm.error.is_none(), "{:?}", warm.error);
        let before = auth.server.hits().len() + mcp.server.hits().len();
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let started = Instant::now();
            let out = rt.block_on(probe(&client, &url, &opts, SpecRevision::LATEST));
            times.push(started.elapsed());
            assert!(out.chain.iter().all(|l| l.ok), "{}", out.headline);
        }
        let requests = (auth.server.hits().len() + mcp.server.hits().len() - before) / runs;
        times.sort();
        let median = times[times.len() / 2];
        let round_trips = median.as_secs_f64() / LATENCY.as_secs_f64();
        worst = worst.max(round_trips / s.critical_path);
        println!(
            "  {:<62} median {:>5} ms (min {:>5}, max {:>5}) = {:.2} round trips; critical path {:.0} → ratio {:.2}; {} requests per probe",
            s.name,
            median.as_millis(),
            times[0].as_millis(),
            times[times.len() - 1].as_millis(),
            round_trips,
            s.critical_path,
            round_trips / s.critical_path,
            requests
        );
    }
    println!("worst ratio to the critical path: {worst:.2} (target: 3.3 round trips on a 3-round-trip path = 1.10)");
}
