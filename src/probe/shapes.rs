//! Request shapes of each MCP revision, and the fallback down them on a 400 (checklist N3).

use crate::catalogue::*;
use crate::error::FetchError;
use crate::http::{HttpClient, Request, Response};
use crate::report::CheckResult;
use crate::report::Checks;
use crate::sanitize;
use crate::spec::SpecRevision;
use serde::Serialize;
use serde_json::json;
use url::Url;

/// One request shape of one MCP revision (checklist N3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct RequestShape {
    pub revision: &'static str,
    pub method: &'static str,
    /// Whether the 2026-07-28 `Mcp-Method` header is sent.
    pub mcp_method_header: bool,
}

/// Newest first: the probe falls back down this list on a 400.
pub const SHAPES: [RequestShape; 3] = [
    RequestShape {
        revision: "2026-07-28",
        method: "server/discover",
        mcp_method_header: true,
    },
    RequestShape {
        revision: "2025-11-25",
        method: "initialize",
        mcp_method_header: false,
    },
    RequestShape {
        revision: "2025-06-18",
        method: "initialize",
        mcp_method_header: false,
    },
];

impl RequestShape {
    fn body(&self) -> Vec<u8> {
        let params = if self.method == "initialize" {
            json!({"protocolVersion": self.revision, "capabilities": {},
                   "clientInfo": {"name": "mcp-auth", "version": env!("CARGO_PKG_VERSION")}})
        } else {
            json!({})
        };
        json!({"jsonrpc": "2.0", "id": 1, "method": self.method, "params": params})
            .to_string()
            .into_bytes()
    }

    /// The POST with every header the revision requires; `bearer` goes in the Authorization header.
    pub fn request(&self, url: &Url, bearer: Option<&str>) -> Request {
        let mut r = Request::get(url.clone())
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .header("mcp-protocol-version", self.revision);
        if self.mcp_method_header {
            r = r.header("mcp-method", self.method);
        }
        if let Some(t) = bearer {
            r = r.header("authorization", &format!("Bearer {t}"));
        }
        r.method = reqwest::Method::POST;
        r.body = Some(self.body());
        r
    }
}

/// One request-shape attempt, as reported in `request_shapes`.
#[derive(Clone, Debug, Serialize)]
pub struct ShapeAttempt {
    #[serde(flatten)]
    pub shape: RequestShape,
    pub status: Option<u16>,
    /// JSON-RPC error code of a 400 answer, e.g. -32020 (header mismatch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jsonrpc_error: Option<i64>,
    /// Sent with `--token` (see [`negotiate_with_token`]).
    pub with_token: bool,
}

pub(super) fn jsonrpc_error_code(resp: &Response) -> Option<i64> {
    resp.json().ok()?.get("error")?.get("code")?.as_i64()
}

/// Continues the request-shape fallback with the token, from the shape the unauthenticated request settled on.
/// A 401 without a token does not prove the server accepts that shape: servers that authorize before they
/// read the MCP headers (the TypeScript SDK's `requireBearerAuth` in front of its transport) answer 401 to
/// every shape, and 400 only once the token is accepted. Returns the index into [`SHAPES`] the token tests
/// use, and the attempts made (none when there is no older shape to fall back to).
pub(super) async fn negotiate_with_token(
    client: &HttpClient,
    url: &Url,
    token: &str,
    from: usize,
) -> (usize, Vec<ShapeAttempt>) {
    let mut attempts = Vec::new();
    let mut at = from;
    while at + 1 < SHAPES.len() {
        let Ok(r) = client.send(SHAPES[at].request(url, Some(token))).await else {
            break; // the token tests report the failure
        };
        attempts.push(ShapeAttempt {
            shape: SHAPES[at],
            status: Some(r.status),
            jsonrpc_error: if r.status == 400 { jsonrpc_error_code(&r) } else { None },
            with_token: true,
        });
        if r.status != 400 {
            break;
        }
        at += 1;
    }
    (at, attempts)
}

/// `rs-unauthenticated-401` on the answer to the last request shape tried.
pub(super) fn first_response(rs: &mut Checks, resp: &Response, shape: RequestShape, attempts: &[ShapeAttempt]) {
    match resp.status {
        401 => rs.pass(
            &RS_UNAUTHENTICATED_401,
            format!(
                "401 to a {} request without a token (MCP {} request shape)",
                shape.method, shape.revision
            ),
        ),
        400 => {
            let tried: Vec<String> = attempts.iter().map(refusal).collect();
            rs.violated(
                &RS_UNAUTHENTICATED_401,
                format!(
                    "every request shape got 400 ({}): a header or protocol-version problem, not an authorization result. Check the server accepts Accept: application/json, text/event-stream and a supported MCP-Protocol-Version.",
                    tried.join(", ")
                ),
            );
        }
        s => {
            let why = match s {
                200..=299 => {
                    "the server answered without asking for a token: it is not protected, or it ignores authorization"
                }
                300..=399 => "a redirect (probably to a login page); MCP clients need a 401",
                403 => "403 means 'authenticated but not allowed'; a request without a token needs 401",
                404 => "the endpoint was not found; check the URL",
                _ => "clients start authorization only on 401",
            };
            rs.violated(&RS_UNAUTHENTICATED_401, format!("HTTP {s}: {why}."));
        }
    }
    if resp.status != 400 && attempts.len() > 1 {
        let refused: Vec<String> = attempts[..attempts.len() - 1].iter().map(refusal).collect();
        rs.info(
            &RS_UNAUTHENTICATED_401,
            format!(
                "the server speaks MCP {}: it refused the newer request shape(s) {} — a header/version problem, not an authorization result; later requests use the {} shape",
                shape.revision,
                refused.join(", "),
                shape.revision
            ),
        );
    }
    if !resp.redirects.is_empty() {
        let hops: Vec<String> = resp
            .redirects
            .iter()
            .map(|r| format!("{} {} → {}", r.status, r.from, r.to))
            .collect();
        rs.info(
            &RS_UNAUTHENTICATED_401,
            format!(
                "the POST was redirected (same origin): {}",
                sanitize::line(&hops.join(", "))
            ),
        );
    }
}

/// One refused request shape, for messages: `2026-07-28 (400, JSON-RPC -32020 header mismatch)`.
pub(super) fn refusal(a: &ShapeAttempt) -> String {
    match a.jsonrpc_error {
        Some(-32020) => format!("{} (400, JSON-RPC -32020 header mismatch)", a.shape.revision),
        Some(code) => format!("{} (400, JSON-RPC {code})", a.shape.revision),
        None => format!("{} (400)", a.shape.revision),
    }
}

/// The unauthenticated request-shape fallback: from `first` (the answer to the newest shape) down
/// [`SHAPES`] while the server answers 400, stopping at a failed request. Returns the index of the last
/// shape tried, the attempts answered, and the last answer.
pub(super) async fn negotiate(
    client: &HttpClient,
    url: &Url,
    first: Result<Response, FetchError>,
) -> (usize, Vec<ShapeAttempt>, Result<Response, FetchError>) {
    let mut attempts = Vec::new();
    let mut shape = 0;
    let mut resp = first;
    while let Ok(r) = &resp {
        attempts.push(ShapeAttempt {
            shape: SHAPES[shape],
            status: Some(r.status),
            jsonrpc_error: if r.status == 400 { jsonrpc_error_code(r) } else { None },
            with_token: false,
        });
        if r.status != 400 || shape + 1 == SHAPES.len() {
            break;
        }
        shape += 1;
        resp = client.send(SHAPES[shape].request(url, None)).await;
    }
    (shape, attempts, resp)
}

/// The note when `--token` settled on an older shape (index `at`) than the unauthenticated requests did.
pub(super) fn token_shape_note(
    attempts: &[ShapeAttempt],
    at: usize,
    spec: SpecRevision,
    subject: &str,
) -> Vec<CheckResult> {
    let refused: Vec<String> = attempts
        .iter()
        .filter(|a| a.status == Some(400))
        .map(|a| match a.jsonrpc_error {
            Some(code) => format!("{} (400, JSON-RPC {code})", a.shape.revision),
            None => format!("{} (400)", a.shape.revision),
        })
        .collect();
    let mut note = Checks::new(spec, Some(subject.to_owned()));
    note.info(
        &RS_VALID_TOKEN_ACCEPTED,
        format!(
            "the server speaks MCP {}: it answers 401 to every request shape without a token, and refused the newer shape(s) {} once the token was accepted — a header/version problem, not an authorization result; the token tests use the {} shape",
            SHAPES[at].revision,
            refused.join(", "),
            SHAPES[at].revision
        ),
    );
    note.into_results()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_shape_note_names_the_refused_shapes() {
        let attempts = [
            ShapeAttempt {
                shape: SHAPES[0],
                status: Some(400),
                jsonrpc_error: Some(-32020),
                with_token: true,
            },
            ShapeAttempt {
                shape: SHAPES[1],
                status: Some(200),
                jsonrpc_error: None,
                with_token: true,
            },
        ];
        let note = token_shape_note(&attempts, 1, SpecRevision::LATEST, "https://x/mcp");
        assert_eq!(note.len(), 1);
        assert_eq!(note[0].id, RS_VALID_TOKEN_ACCEPTED.id);
        assert_eq!(note[0].status, crate::report::Status::Info);
        let m = &note[0].message;
        assert!(
            m.contains("2026-07-28 (400, JSON-RPC -32020)") && m.contains("use the 2025-11-25 shape"),
            "{m}"
        );
    }
    use serde_json::Value;

    #[test]
    fn request_shapes_carry_the_required_headers() {
        let u = Url::parse("https://x/mcp").unwrap();
        let r = SHAPES[0].request(&u, None);
        let names: Vec<&str> = r.headers.iter().map(|(k, _)| k.as_str()).collect();
        for h in ["accept", "content-type", "mcp-protocol-version", "mcp-method"] {
            assert!(names.contains(&h), "{h}");
        }
        assert_eq!(r.method, reqwest::Method::POST);
        let r = SHAPES[2].request(&u, Some("t"));
        assert!(!r.headers.iter().any(|(k, _)| k == "mcp-method"));
        let body: Value = serde_json::from_slice(r.body.as_ref().unwrap()).unwrap();
        assert_eq!(body["params"]["protocolVersion"], "2025-06-18");
    }
}
