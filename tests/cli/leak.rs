//! The token never reaches the output: every command that takes one, every way of passing it, every
//! output mode, success and error paths. A minted JWT (its whole text and its signature segment) and a
//! long opaque token are searched for in stdout and stderr of each run.

use crate::support::cmd;
use mcp_auth::server::auth::AuthServer;
use mcp_auth::server::mcp::{McpFlaw, McpServer};

const RESOURCE: &str = "https://mcp.example.com/mcp";
const UNREACHABLE: &str = "http://127.0.0.1:9";

/// Output modes of the contract, each as extra global arguments.
const MODES: [&[&str]; 6] = [
    &[],
    &["--json"],
    &["--output", "junit"],
    &["-v"],
    &["-q"],
    &["-v", "--json"],
];

/// The modes of the query-request leak test.
const QUERY_MODES: [&[&str]; 5] = [&[], &["--json"], &["--output", "junit"], &["-v"], &["-v", "--json"]];

/// How a token reaches the command.
#[derive(Clone, Copy, Debug)]
enum Via {
    Arg,
    Stdin,
    Env,
}

/// A long, random-looking opaque token (no dots), generated deterministically.
fn opaque_token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..96)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(ALPHABET[(x % 64) as usize])
        })
        .collect()
}

/// Everything the run printed, stdout then stderr: a leak on either stream counts.
fn joined(out: &std::process::Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// The strings that must never appear: the token, and each long segment of it (a JWS signature is
/// 86 characters for ES256; the 4-segment variant still carries the valid token's signature).
fn secrets(token: &str) -> Vec<String> {
    let mut s = vec![token.to_owned()];
    if token.contains('.') {
        s.extend(token.split('.').filter(|seg| seg.len() >= 40).map(str::to_owned));
    }
    s
}

/// Runs `mcp-auth <mode> <args>` with `token` passed `via`, and asserts no secret appears in the output.
fn assert_no_leak(what: &str, args: &[&str], mode: &[&str], token: &str, via: Via, stdin: Option<String>) {
    let mut c = cmd();
    c.args(mode).args(args);
    match via {
        Via::Arg => {
            c.arg(token);
        }
        Via::Stdin => {
            c.arg("-");
            c.write_stdin(format!("{token}\n"));
        }
        Via::Env => {
            c.env("MCP_AUTH_TOKEN", token);
        }
    }
    if let Some(input) = stdin {
        c.write_stdin(input);
    }
    let out = c.output().expect("binary runs");
    let text = joined(&out);
    let code = out.status.code();
    assert!(
        matches!(code, Some(0..=3)),
        "{what} {mode:?} via {via:?}: exit {code:?}\n{text}"
    );
    for s in secrets(token) {
        assert!(
            !text.contains(&s),
            "{what} {mode:?} via {via:?} leaked {}…:\n{text}",
            &s[..8]
        );
    }
}

/// Every way and mode for one command line whose token position comes last (or from stdin/env).
fn every_way(what: &str, args: &[&str], token: &str) {
    for mode in MODES {
        for via in [Via::Arg, Via::Stdin, Via::Env] {
            assert_no_leak(what, args, mode, token, via, None);
        }
    }
}

/// Tokens of each kind: a valid JWT for `RESOURCE`, the same with a broken header, a 4-segment one,
/// and the opaque one.
fn tokens(a: &AuthServer) -> Vec<(&'static str, String)> {
    let jwt = a.mint(RESOURCE, "mcp:read", 300);
    let (_, rest) = jwt.split_once('.').unwrap();
    vec![
        ("jwt", jwt.clone()),
        ("header-not-base64", format!("!!!!{rest}")),
        ("four-segments", format!("{jwt}.eXRoaXJk")),
        ("opaque", opaque_token()),
    ]
}

#[test]
fn verify_token_never_prints_the_token() {
    let a = AuthServer::builder().start().unwrap();
    for (kind, token) in tokens(&a) {
        let ok = ["verify-token", "--resource", RESOURCE, "--issuer", a.issuer()];
        every_way(&format!("verify-token {kind}"), &ok, &token);
        // Wrong audience.
        let aud = [
            "verify-token",
            "--resource",
            "https://other.example/mcp",
            "--issuer",
            a.issuer(),
        ];
        every_way(&format!("verify-token {kind} wrong audience"), &aud, &token);
        // Unreachable issuer: the token is read before the network fails.
        let down = ["verify-token", "--resource", RESOURCE, "--issuer", UNREACHABLE];
        for mode in MODES {
            assert_no_leak(
                &format!("verify-token {kind} unreachable"),
                &down,
                mode,
                &token,
                Via::Arg,
                None,
            );
        }
    }
}

#[test]
fn verify_token_batch_never_prints_the_tokens() {
    let a = AuthServer::builder().start().unwrap();
    let all = tokens(&a);
    let lines: String = all.iter().map(|(_, t)| format!("{t}\n")).collect();
    for issuer in [a.issuer(), UNREACHABLE] {
        for mode in MODES {
            let args = ["verify-token", "--batch", "--resource", RESOURCE, "--issuer", issuer];
            let mut c = cmd();
            c.args(mode).args(args).write_stdin(lines.clone());
            let out = c.output().expect("binary runs");
            let text = joined(&out);
            assert!(matches!(out.status.code(), Some(0..=3)), "{mode:?}: {text}");
            for (kind, t) in &all {
                for s in secrets(t) {
                    assert!(!text.contains(&s), "--batch {mode:?} leaked the {kind} token:\n{text}");
                }
            }
        }
    }
}

#[test]
fn decode_token_never_prints_the_token() {
    let a = AuthServer::builder().start().unwrap();
    for (kind, token) in tokens(&a) {
        every_way(&format!("decode-token {kind}"), &["decode-token"], &token);
    }
}

#[test]
fn probe_never_prints_the_token() {
    let a = AuthServer::builder().start().unwrap();
    let m = McpServer::builder().protected_by(&a).start().unwrap();
    let tokens = [
        ("accepted", a.mint(m.url(), "mcp:read", 300)),
        (
            "wrong audience",
            a.mint("https://elsewhere.example/mcp", "mcp:read", 300),
        ),
        ("opaque", opaque_token()),
    ];
    for (kind, token) in &tokens {
        for mode in MODES {
            for url in [m.url(), &format!("{UNREACHABLE}/mcp")] {
                let what = format!("probe {kind} {url}");
                let mut args = vec!["probe", url, "--token"];
                assert_no_leak(&what, &args, mode, token, Via::Arg, None);
                args.pop();
                assert_no_leak(&what, &args, mode, token, Via::Env, None);
            }
        }
    }
    // --foreign-token: a valid token for another resource, accepted or not, never reaches the output.
    let valid = a.mint(m.url(), "mcp:read", 300);
    let foreign = a.mint("https://elsewhere.example/mcp", "mcp:read", 300);
    for m in [
        &m,
        &McpServer::builder()
            .protected_by(&a)
            .flaw(McpFlaw::IgnoresAudience)
            .start()
            .unwrap(),
    ] {
        for mode in MODES {
            let args = ["probe", m.url(), "--token", &valid, "--foreign-token"];
            assert_no_leak("probe --foreign-token", &args, mode, &foreign, Via::Arg, None);
        }
    }
}

/// An opaque token in standard base64 (`+ / =`), which a URL query percent-encodes.
const BASE64_TOKEN: &str = "Zm9v+YmFy/cXV4+c2VjcmV0/dG9rZW4+b3BhcXVl/dmFsdWU=";

/// Issue 13 items 1 and 2: the `?access_token=` request fails (the server stalls it past `--timeout`) or is
/// answered (the server accepts query tokens). The error text then quotes the URL, with the token
/// percent-encoded in it: neither the report nor the `-v` log may show it, raw or encoded.
#[test]
fn probe_never_prints_the_token_of_its_query_request() {
    let a = AuthServer::builder().start().unwrap();
    let stalls = McpServer::builder()
        .protected_by(&a)
        .flaw(McpFlaw::StallsQueryToken)
        .start()
        .unwrap();
    let accepts = McpServer::builder()
        .protected_by(&a)
        .flaw(McpFlaw::AcceptsQueryToken)
        .start()
        .unwrap();
    let encoded: String = url::form_urlencoded::byte_serialize(BASE64_TOKEN.as_bytes()).collect();
    let jwt = a.mint(stalls.url(), "mcp:read", 300);
    for m in [&stalls, &accepts] {
        for mode in QUERY_MODES {
            for token in [BASE64_TOKEN, jwt.as_str()] {
                let mut c = cmd();
                c.args(mode)
                    .args(["--timeout", "1", "probe", m.url(), "--token", token]);
                let out = c.output().expect("binary runs");
                let text = joined(&out);
                assert!(matches!(out.status.code(), Some(0..=3)), "{mode:?}: {text}");
                for s in secrets(token).iter().chain([&encoded, &encoded.to_ascii_lowercase()]) {
                    assert!(!text.contains(s.as_str()), "{mode:?} leaked the token:\n{text}");
                }
                if std::ptr::eq(m, &stalls) && token == BASE64_TOKEN && mode.is_empty() {
                    assert!(text.contains("rs-query-token-ignored"), "{text}");
                    assert!(text.contains("timed out"), "the stalled request must fail: {text}");
                }
            }
        }
    }
}

/// A token pasted with its `Bearer ` prefix lands in an unexpected position, or where a URL belongs: the
/// usage error must not echo it (clap quotes unexpected arguments; URL errors quote the argument).
#[test]
fn usage_errors_do_not_echo_a_pasted_token() {
    let a = AuthServer::builder().start().unwrap();
    let jwt = a.mint(RESOURCE, "mcp:read", 300);
    let opaque = opaque_token();
    let lines: [&[&str]; 8] = [
        &["verify-token", "Bearer", &jwt, "--resource", RESOURCE],
        &["decode-token", "Bearer", &jwt],
        &["probe", "https://mcp.example.com/mcp", "--token", "Bearer", &jwt],
        &["decode-token", &jwt, &opaque],
        &["probe", &jwt],
        &["check-provider", &opaque],
        &["verify-token", "x", "--resource", &jwt, "--issuer", UNREACHABLE],
        &["verify-token", "x", "--resource", RESOURCE, "--issuer", &opaque],
    ];
    for args in lines {
        for mode in MODES {
            let out = cmd().args(mode).args(args).output().expect("binary runs");
            let text = joined(&out);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {text}");
            for s in secrets(&jwt).into_iter().chain(secrets(&opaque_token())) {
                assert!(!text.contains(&s), "{mode:?} {:?} echoed a token:\n{text}", args[0]);
            }
            assert!(
                text.contains("unexpected argument") || text.contains("is not a URL"),
                "{text}"
            );
        }
    }
}

/// Issue 13 item 3: a token given where a file or URL belongs, or inside a URL's query, is a usage error
/// (exit 2) whose text hides it, in every output mode.
#[test]
fn a_token_in_a_file_or_url_argument_is_not_echoed() {
    let a = AuthServer::builder().start().unwrap();
    let jwt = a.mint(RESOURCE, "mcp:read", 300);
    let opaque = opaque_token();
    for token in [jwt.as_str(), opaque.as_str()] {
        let in_query = format!("http://127.0.0.1:9/mcp?access_token={token}");
        let other_param = format!("http://127.0.0.1:9/tenant?session={token}");
        let lines: [&[&str]; 9] = [
            &["verify-token", "x", "--resource", RESOURCE, "--jwks", token],
            &["--cacert", token, "explain", "--list"],
            &["check-provider", "https://a.example", "--metadata-file", token],
            &[
                "gen-metadata",
                "--resource",
                token,
                "--authorization-server",
                "https://a.example",
            ],
            &["check-provider", &in_query],
            &["check-provider", &other_param],
            &["probe", &in_query],
            &["check-provider", "https://a.example", "--metadata-url", &in_query],
            &["verify-token", "x", "--resource", RESOURCE, "--jwks", &in_query],
        ];
        for args in lines {
            for mode in MODES {
                let out = cmd().args(mode).args(args).output().expect("binary runs");
                let text = joined(&out);
                assert_eq!(out.status.code(), Some(2), "{args:?}: {text}");
                for s in secrets(token) {
                    assert!(!text.contains(&s), "{mode:?} {args:?} echoed a token:\n{text}");
                }
            }
        }
    }
}

/// Every access token the MCP server received and every refresh token presented at the token endpoint.
fn issued_tokens(a: &AuthServer, m: &McpServer) -> Vec<String> {
    let mut out: Vec<String> = m
        .server
        .hits()
        .iter()
        .filter_map(|h| h.header("authorization")?.strip_prefix("Bearer ").map(str::to_owned))
        .collect();
    out.extend(a.server.hits().iter().filter_map(|h| h.form_param("refresh_token")));
    out.sort();
    out.dedup();
    out
}

#[test]
fn login_and_probe_login_never_print_a_token_or_the_client_secret() {
    const SECRET: &str = "leak-test-client-secret-0123456789abcdef";
    let a = AuthServer::builder().start().unwrap();
    let m = McpServer::builder().protected_by(&a).start().unwrap();
    a.add_client("leak-client", Some(SECRET), &["http://127.0.0.1/callback"]);
    let browser = "curl -sS -L --max-redirs 3 -o /dev/null";
    for command in [
        &["login", "--test-refresh"][..],
        &["probe", "--login", "--test-refresh"],
    ] {
        for mode in MODES {
            let before = issued_tokens(&a, &m).len();
            let out = cmd()
                .env("BROWSER", browser)
                .args(mode)
                .args(command)
                .args([m.url(), "--client-id", "leak-client", "--client-secret", SECRET])
                .args(["--login-timeout", "20"])
                .output()
                .unwrap();
            let text = joined(&out);
            assert_eq!(out.status.code(), Some(0), "{command:?} {mode:?}\n{text}");
            let tokens = issued_tokens(&a, &m);
            assert!(tokens.len() > before, "{command:?} {mode:?}: the run obtained tokens");
            assert!(!text.contains(SECRET), "{command:?} {mode:?} printed the client secret");
            for t in &tokens {
                for s in secrets(t) {
                    assert!(!text.contains(&s), "{command:?} {mode:?} leaked {}…", &s[..8]);
                }
            }
        }
    }
}
