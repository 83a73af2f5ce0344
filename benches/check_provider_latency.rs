//! Wall time of `mcp-auth check-provider` against an embedded authorization server that delays every
//! response by 100 ms. Discovery fetches every candidate URL at once, then the JWKS: the critical path is
//! two round trips (~200 ms) whatever the number of candidates. Target: median ≤ 1.1 × that.
//!
//! Run: `cargo bench --bench check_provider_latency` (release build). `BENCH_RUNS=N` sets the runs per
//! scenario (default 15). Prints one line per scenario; exits 1 if a median misses the target.

use mcp_auth::discovery::ProviderType;
use mcp_auth::provider::{self, Source};
use mcp_auth::server::auth::AuthServer;
use mcp_auth::spec::SpecRevision;
use std::process::Command;
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(100);
const TARGET_RATIO: f64 = 1.1;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let bin = env!("CARGO_BIN_EXE_mcp-auth");
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15);
    let critical = 2 * LATENCY;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = mcp_auth::http::HttpClient::new(Default::default()).unwrap();
    let scenarios: [(&str, AuthServer); 3] = [
        (
            "issuer without path: 2 candidates, RFC 8414 wins",
            AuthServer::builder().start().unwrap(),
        ),
        (
            "issuer with path: 3 candidates, RFC 8414 wins",
            AuthServer::builder()
                .issuer_path("/tenant1")
                .oidc(true)
                .start()
                .unwrap(),
        ),
        (
            "issuer with path: 3 candidates, OIDC appended (3rd) wins",
            AuthServer::builder()
                .issuer_path("/realms/demo")
                .oauth(false)
                .oidc_appended(true)
                .start()
                .unwrap(),
        ),
    ];
    println!(
        "latency per response {} ms, critical path {} ms (2 round trips), {runs} runs per scenario, target ≤ {TARGET_RATIO} ×",
        ms(LATENCY),
        ms(critical)
    );
    let mut worst: f64 = 0.0;
    for (label, a) in &scenarios {
        a.server.set_latency(LATENCY);
        // In-process: the library alone.
        let source = Source::Discover(ProviderType::Auto);
        let mut lib = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let out = rt.block_on(provider::check(&client, a.issuer(), &source, SpecRevision::LATEST));
            lib.push(t.elapsed());
            assert!(out.error.is_none() && out.jwks.is_some(), "{label}: {:?}", out.error);
        }
        // The binary, process start to exit.
        let mut cli = Vec::new();
        for _ in 0..runs {
            let t = Instant::now();
            let out = Command::new(bin)
                .args(["check-provider", a.issuer(), "--json"])
                .env("NO_COLOR", "1")
                .output()
                .expect("binary runs");
            cli.push(t.elapsed());
            assert_eq!(
                out.status.code(),
                Some(0),
                "{label}: {}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        let (lib_m, cli_m) = (median(lib), median(cli.clone()));
        let ratio = cli_m.as_secs_f64() / critical.as_secs_f64();
        worst = worst.max(ratio);
        println!(
            "{label}: binary median {:.1} ms (min {:.1}, max {:.1}) = {ratio:.3} × critical path; library median {:.1} ms ({:.3} ×)",
            ms(cli_m),
            ms(*cli.iter().min().unwrap()),
            ms(*cli.iter().max().unwrap()),
            ms(lib_m),
            lib_m.as_secs_f64() / critical.as_secs_f64()
        );
    }
    println!("worst ratio {worst:.3} (target ≤ {TARGET_RATIO})");
    if worst > TARGET_RATIO {
        std::process::exit(1);
    }
}
