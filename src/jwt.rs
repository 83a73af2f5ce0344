//! JWT access tokens: unverified decoding, JWKS key selection and signature verification.
//!
//! Every security decision is made here, explicitly, before any crypto runs, so that each rejection has
//! its own check id and message: `none` is refused in any letter case, the algorithm must be in the
//! caller's allow-list (never taken from the token alone), the key comes only from the issuer's JWKS and
//! must fit the algorithm (`kty`, `crv`, `alg`, `use`), a key set with private material is refused, and
//! ECDSA signatures with a zero half are refused (CVE-2022-21449). A [`PreparedVerifier`] (aws-lc-rs, key
//! parsed once) only does the arithmetic.

use crate::catalogue::*;
use crate::json::{Members, Object};
use crate::report::{CheckResult, Checks};
use crate::rules::token::{self as rules, Expectations};
use crate::sanitize;
use crate::spec::SpecRevision;
use aws_lc_rs::signature::ParsedPublicKey;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::Algorithm;
use serde_json::{Map, Value, json};
use std::sync::OnceLock;

/// A bearer token. `Debug` and `Display` never show it; use [`SecretToken::expose`] where the raw value
/// is needed (verification) and [`SecretToken::describe`] for anything shown to people or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(String);

impl SecretToken {
    /// Wraps a token, trimming surrounding whitespace (a trailing newline from `echo` or a file).
    pub fn new(raw: impl Into<String>) -> Self {
        let mut raw = raw.into();
        raw.truncate(raw.trim_end().len());
        let leading = raw.len() - raw.trim_start().len();
        raw.drain(..leading);
        Self(raw)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A safe identification: the first 12 characters (the start of the header for a JWT), the length,
    /// and a SHA-256 fingerprint that lets two people compare tokens without showing them.
    pub fn describe(&self) -> Value {
        json!({
            "prefix": prefix(&self.0),
            "length": self.0.len(),
            "sha256": fingerprint(&self.0),
        })
    }

    /// One line for humans: `eyJhbGciOiJF… (812 chars, sha256:3f1a…)`.
    pub fn label(&self) -> String {
        format!(
            "{}… ({} chars, sha256:{})",
            sanitize::line(&prefix(&self.0)),
            self.0.len(),
            &fingerprint(&self.0)[..16]
        )
    }
}

impl std::fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretToken(redacted)")
    }
}

impl std::fmt::Display for SecretToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(redacted token)")
    }
}

fn prefix(s: &str) -> String {
    s.chars().take(12).collect()
}

/// Lower-case hex SHA-256 of the token.
pub fn fingerprint(s: &str) -> String {
    let mut out = Vec::with_capacity(64);
    hex_into(&sha256(s), &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The SHA-256 of `s`.
pub fn sha256(s: &str) -> [u8; 32] {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, s.as_bytes());
    d.as_ref().try_into().unwrap_or_default()
}

/// Appends `bytes` as lower-case hex.
pub fn hex_into(bytes: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(2 * bytes.len());
    out.extend(
        bytes
            .iter()
            .flat_map(|b| [HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]),
    );
}

/// A token taken apart without any verification.
#[derive(Debug)]
pub enum Unverified<'a> {
    /// Three segments with JSON header and payload.
    Jws(Parsed<'a>),
    /// Five segments: an encrypted JWT (JWE). The protected header is readable, the rest is not.
    Jwe { header: Option<Map<String, Value>> },
    /// No dots at all: a reference token the authorization server must be asked about.
    Opaque,
    /// Anything else, with the reason in words.
    Malformed(String),
}

/// The parts of a compact JWS. Header and claims are a [`Map`], or on the `--batch` hot path an
/// [`Object`] borrowed from [`Segments`].
#[derive(Debug)]
pub struct Parsed<'a, O = Map<String, Value>> {
    pub header: O,
    pub claims: O,
    /// `base64url(header) "." base64url(payload)`: the signed bytes.
    pub signing_input: &'a str,
    /// The third segment, still base64url.
    pub signature_b64: &'a str,
}

/// Splits and decodes a token without verifying anything.
pub fn decode_unverified(token: &str) -> Unverified<'_> {
    let parts: Vec<&str> = token.split('.').collect();
    match parts.len() {
        1 => {
            return if token.is_empty() {
                Unverified::Malformed("the token is empty".into())
            } else {
                Unverified::Opaque
            };
        }
        5 => {
            return Unverified::Jwe {
                header: json_segment(parts[0]).ok(),
            };
        }
        3 => {}
        2 => {
            return Unverified::Malformed(
                "2 segments: the signature segment has been stripped (a JWS has header.payload.signature)".into(),
            );
        }
        n => {
            return Unverified::Malformed(format!(
                "{n} dot-separated segments; a signed JWT has 3 (header.payload.signature) and an encrypted one 5"
            ));
        }
    }
    let header = match json_segment(parts[0]) {
        Ok(h) => h,
        Err(why) => {
            return Unverified::Malformed(format!(
                "the header (segment 1) {why}; if this is an opaque token, the resource server must introspect it"
            ));
        }
    };
    let claims = match json_segment(parts[1]) {
        Ok(c) => c,
        Err(why) => return Unverified::Malformed(format!("the payload (segment 2) {why}")),
    };
    let signing_input = &token[..parts[0].len() + 1 + parts[1].len()];
    Unverified::Jws(Parsed {
        header,
        claims,
        signing_input,
        signature_b64: parts[2],
    })
}

/// A three-segment token's payload, base64url-decoded, for [`Segments::parse`]: the `--batch` hot path,
/// which reads header and payload without building a [`Map`] per token.
pub struct Segments<'a> {
    header_b64: &'a str,
    claims: String,
    signing_input: &'a str,
    signature_b64: &'a str,
}

impl<'a> Segments<'a> {
    /// `None` unless `token` has three segments whose second decodes to UTF-8 text.
    pub fn split(token: &'a str) -> Option<Self> {
        // memchr's SIMD search: the signature is searched to its end for a fourth segment.
        let (h, rest) = token.split_at(memchr::memchr(b'.', token.as_bytes())?);
        let rest = &rest[1..];
        let (c, sig) = rest.split_at(memchr::memchr(b'.', rest.as_bytes())?);
        let sig = &sig[1..];
        if memchr::memchr(b'.', sig.as_bytes()).is_some() {
            return None;
        }
        Some(Self {
            header_b64: h,
            claims: String::from_utf8(decode_segment(c)?).ok()?,
            signing_input: &token[..h.len() + 1 + c.len()],
            signature_b64: sig,
        })
    }

    /// The header (read through `headers`) and claims as [`Object`]s, when both are small JSON objects that
    /// [`decode_unverified`] would accept too (no duplicate member anywhere); `None` sends the caller to
    /// [`decode_unverified`], which says what is wrong.
    pub fn parse<'s>(&'s self, headers: &'s mut HeaderCache) -> Option<Parsed<'s, Object<'s>>> {
        Some(Parsed {
            header: headers.get(self.header_b64)?.borrowed(),
            claims: crate::json::parse_object(&self.claims)?,
            signing_input: self.signing_input,
            signature_b64: self.signature_b64,
        })
    }
}

/// The header a `--batch` worker parsed last, by its base64url text. One issuer's tokens share their
/// header byte for byte (`alg`, `typ`, `kid`), so a batch decodes and parses it once per key rather than
/// once per token. Each worker has its own: nothing is shared between threads.
#[derive(Debug, Default)]
pub struct HeaderCache {
    b64: String,
    /// `None` until a header parsed, and after one that did not.
    header: Option<Object<'static>>,
}

impl HeaderCache {
    /// The header whose base64url text is `b64`, as [`Segments::parse`] reads it.
    fn get(&mut self, b64: &str) -> Option<&Object<'static>> {
        if self.header.is_none() || self.b64 != b64 {
            let text = decode_segment(b64).and_then(|bytes| String::from_utf8(bytes).ok());
            self.header = text.and_then(|text| Some(crate::json::parse_object(&text)?.into_owned()));
            self.b64.clear();
            self.b64.push_str(b64);
        }
        self.header.as_ref()
    }
}

/// A base64url segment, padding tolerated.
fn decode_segment(segment: &str) -> Option<Vec<u8>> {
    FAST_B64.decode_to_vec(segment.trim_end_matches('=')).ok()
}

/// base64url without padding, SIMD-accelerated, for the payload and signature of every `--batch` token
/// (the `base64` crate's decoder was a tenth of the time outside the signature arithmetic). It accepts
/// exactly what [`B64`] accepts (non-canonical trailing bits are refused by both: a property test checks
/// the two agree); errors are described by [`B64`].
const FAST_B64: base64_simd::Base64 = base64_simd::URL_SAFE_NO_PAD;

fn json_segment(segment: &str) -> Result<Map<String, Value>, String> {
    let bytes = B64
        .decode(segment.trim_end_matches('='))
        .map_err(|e| format!("is not base64url ({e})"))?;
    let text = std::str::from_utf8(&bytes).map_err(|_| "is not UTF-8".to_owned())?;
    // The strict parser: a duplicate member (`{"alg":"none","alg":"RS256"}`, two `exp`, two `iss`) is refused,
    // since another verifier may read the other value.
    match crate::json::parse(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(other) => Err(format!("is JSON {}, not an object", crate::metadata::type_name(&other))),
        Err(e) => Err(format!("is not valid JSON ({e})")),
    }
}

/// The asymmetric algorithms accepted when `--algorithm` is not given (RFC 8725 §3.1, §3.2).
pub const DEFAULT_ALGORITHMS: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// Parses an `alg` name exactly as JWA spells it (`RS256`, not `rs256`).
pub fn parse_algorithm(name: &str) -> Option<Algorithm> {
    Some(match name {
        "HS256" => Algorithm::HS256,
        "HS384" => Algorithm::HS384,
        "HS512" => Algorithm::HS512,
        "RS256" => Algorithm::RS256,
        "RS384" => Algorithm::RS384,
        "RS512" => Algorithm::RS512,
        "PS256" => Algorithm::PS256,
        "PS384" => Algorithm::PS384,
        "PS512" => Algorithm::PS512,
        "ES256" => Algorithm::ES256,
        "ES384" => Algorithm::ES384,
        "EdDSA" => Algorithm::EdDSA,
        _ => return None,
    })
}

fn alg_name(a: Algorithm) -> &'static str {
    match a {
        Algorithm::HS256 => "HS256",
        Algorithm::HS384 => "HS384",
        Algorithm::HS512 => "HS512",
        Algorithm::RS256 => "RS256",
        Algorithm::RS384 => "RS384",
        Algorithm::RS512 => "RS512",
        Algorithm::PS256 => "PS256",
        Algorithm::PS384 => "PS384",
        Algorithm::PS512 => "PS512",
        Algorithm::ES256 => "ES256",
        Algorithm::ES384 => "ES384",
        Algorithm::EdDSA => "EdDSA",
        _ => "?",
    }
}

/// The key type (and curve) an algorithm needs.
fn required_kty(a: Algorithm) -> (&'static str, Option<&'static str>) {
    match a {
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => ("RSA", None),
        Algorithm::ES256 => ("EC", Some("P-256")),
        Algorithm::ES384 => ("EC", Some("P-384")),
        Algorithm::EdDSA => ("OKP", Some("Ed25519")),
        _ => ("oct", None),
    }
}

/// One key of a JWK Set, with its public key decoded once (not per token).
pub struct Key {
    pub kid: Option<String>,
    pub kty: String,
    pub crv: Option<String>,
    pub alg: Option<String>,
    pub use_: Option<String>,
    pub key_ops: Option<Vec<String>>,
    material: Result<Material, String>,
    /// One verifier per algorithm, parsed the first time a token needs it and shared by every thread.
    verifiers: [OnceLock<Result<PreparedVerifier, String>>; DEFAULT_ALGORITHMS.len()],
}

/// A JWK's public key bytes, base64url-decoded once.
enum Material {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// An EC point (`04 || x || y`) or an Ed25519 public key (`x`).
    Point(Vec<u8>),
}

/// A verifier on aws-lc-rs (jsonwebtoken's backend) whose key is parsed once per run. jsonwebtoken's own
/// verifiers rebuild the key on every call (about 10 µs per RSA token, a third of the verification); this
/// one does the same arithmetic with the same backend on a key parsed in advance.
pub struct PreparedVerifier {
    key: ParsedPublicKey,
}

impl PreparedVerifier {
    /// Whether `signature` signs `msg`.
    fn verify_bytes(&self, msg: &[u8], signature: &[u8]) -> bool {
        self.key.verify_sig(msg, signature).is_ok()
    }

    /// Whether `signature` signs the bytes whose digest (for this algorithm's hash) is `digest`.
    fn verify_digest(&self, digest: &aws_lc_rs::digest::Digest, signature: &[u8]) -> bool {
        self.key.verify_digest_sig(digest, signature).is_ok()
    }

    /// The aws-lc-rs parameters `jsonwebtoken`'s aws-lc backend uses for each algorithm.
    fn new(alg: Algorithm, material: &Material) -> Result<Self, String> {
        use aws_lc_rs::signature as s;
        let rsa: Option<&'static s::RsaParameters> = match alg {
            Algorithm::RS256 => Some(&s::RSA_PKCS1_2048_8192_SHA256),
            Algorithm::RS384 => Some(&s::RSA_PKCS1_2048_8192_SHA384),
            Algorithm::RS512 => Some(&s::RSA_PKCS1_2048_8192_SHA512),
            Algorithm::PS256 => Some(&s::RSA_PSS_2048_8192_SHA256),
            Algorithm::PS384 => Some(&s::RSA_PSS_2048_8192_SHA384),
            Algorithm::PS512 => Some(&s::RSA_PSS_2048_8192_SHA512),
            _ => None,
        };
        let parsed = match (material, rsa) {
            (Material::Rsa { n, e }, Some(params)) => s::RsaPublicKeyComponents { n, e }.to_parsed_public_key(params),
            (Material::Point(bytes), None) => {
                let params: &'static dyn s::VerificationAlgorithm = match alg {
                    Algorithm::ES256 => &s::ECDSA_P256_SHA256_FIXED,
                    Algorithm::ES384 => &s::ECDSA_P384_SHA384_FIXED,
                    Algorithm::EdDSA => &s::ED25519,
                    _ => return Err(format!("{} is not a public-key algorithm", alg_name(alg))),
                };
                ParsedPublicKey::new(params, bytes)
            }
            _ => return Err(format!("the key does not fit {}", alg_name(alg))),
        };
        parsed
            .map(|key| Self { key })
            .map_err(|e| format!("the key is not a valid {} key ({e})", alg_name(alg)))
    }
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key")
            .field("kid", &self.kid)
            .field("kty", &self.kty)
            .field("alg", &self.alg)
            .finish_non_exhaustive()
    }
}

impl Key {
    fn describe(&self) -> String {
        match &self.kid {
            Some(k) => format!("kid \"{}\"", sanitize::line(k)),
            None => format!("a {} key without kid", sanitize::line(&self.kty)),
        }
    }

    /// Why this key must not verify an `alg` token, or `None` when it fits (RFC 8725 §3.1).
    fn misfit(&self, alg: Algorithm) -> Option<String> {
        let name = alg_name(alg);
        if required_kty(alg).0 == "oct" {
            return Some(format!(
                "{name} is an HMAC algorithm, and the issuer's keys are public keys: accepting it would let anyone who has the public key (everyone) sign tokens (key confusion)"
            ));
        }
        let (kty, crv) = required_kty(alg);
        if self.kty != kty {
            return Some(format!(
                "{} is a {} key; {name} needs a {kty} key",
                self.describe(),
                sanitize::line(&self.kty)
            ));
        }
        if let Some(crv) = crv
            && self.crv.as_deref() != Some(crv)
        {
            return Some(format!(
                "{} is on curve {}; {name} needs {crv}",
                self.describe(),
                sanitize::line(self.crv.as_deref().unwrap_or("(none)"))
            ));
        }
        if let Some(a) = &self.alg
            && a != name
        {
            return Some(format!(
                "{} is published for alg {}, but the token says {name}; each key is used with exactly one algorithm",
                self.describe(),
                sanitize::line(a)
            ));
        }
        if let Some(u) = &self.use_
            && u != "sig"
        {
            return Some(format!(
                "{} has use \"{}\": it is not a signature key and must not verify tokens",
                self.describe(),
                sanitize::line(u)
            ));
        }
        if let Some(ops) = &self.key_ops
            && !ops.iter().any(|o| o == "verify")
        {
            return Some(format!("{} has key_ops without \"verify\"", self.describe()));
        }
        None
    }
}

/// A parsed JWK Set. Keys are decoded once and shared by every token of a run.
#[derive(Debug)]
pub struct KeySet {
    pub keys: Vec<Key>,
    /// Keys that carry private or symmetric material (the whole set is refused then).
    pub private: Vec<String>,
}

impl KeySet {
    /// Parses `{"keys": [...]}`. Only the shape is an error here; unusable keys are kept and explained
    /// when a token selects them.
    pub fn from_json(jwks: &Value) -> Result<Self, String> {
        let keys = jwks
            .as_object()
            .and_then(|o| o.get("keys"))
            .and_then(Value::as_array)
            .ok_or("not a JWK Set: expected a JSON object with a \"keys\" array")?;
        let mut set = KeySet {
            keys: Vec::new(),
            private: Vec::new(),
        };
        for k in keys.iter().filter_map(Value::as_object) {
            let s = |name: &str| k.get(name).and_then(Value::as_str).map(str::to_owned);
            let key = Key {
                kid: s("kid"),
                kty: s("kty").unwrap_or_default(),
                crv: s("crv"),
                alg: s("alg"),
                use_: s("use"),
                key_ops: k
                    .get("key_ops")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect()),
                material: material(k),
                verifiers: Default::default(),
            };
            if crate::rules::jwks::has_private_parts(k) {
                set.private.push(key.describe());
            }
            set.keys.push(key);
        }
        Ok(set)
    }
}

fn material(k: &Map<String, Value>) -> Result<Material, String> {
    let field = |name: &str| {
        let text = k
            .get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("the key has no \"{name}\""))?;
        B64.decode(text.trim_end_matches('='))
            .map_err(|e| format!("the key's \"{name}\" does not decode ({e})"))
    };
    match k.get("kty").and_then(Value::as_str) {
        Some("RSA") => Ok(Material::Rsa {
            n: field("n")?,
            e: field("e")?,
        }),
        Some("EC") => {
            let mut point = vec![4u8];
            point.extend(field("x")?);
            point.extend(field("y")?);
            Ok(Material::Point(point))
        }
        Some("OKP") => Ok(Material::Point(field("x")?)),
        Some(other) => Err(format!(
            "kty \"{}\" is not a public signature key type",
            sanitize::line(other)
        )),
        None => Err("the key has no kty".into()),
    }
}

impl Key {
    /// The verifier for `alg` (which [`Key::misfit`] has accepted), parsed on first use.
    fn verifier(&self, alg: Algorithm) -> Result<&PreparedVerifier, String> {
        let slot = DEFAULT_ALGORITHMS
            .iter()
            .position(|a| *a == alg)
            .ok_or_else(|| format!("{} is not a public-key algorithm", alg_name(alg)))?;
        let material = self.material.as_ref().map_err(Clone::clone)?;
        self.verifiers[slot]
            .get_or_init(|| PreparedVerifier::new(alg, material))
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// The outcome of verifying one token: the checks plus what was decoded (for display).
#[derive(Debug)]
pub struct Verification {
    pub checks: Vec<CheckResult>,
    pub header: Option<Map<String, Value>>,
    pub claims: Option<Map<String, Value>>,
    /// The token's SHA-256 when it was computed on the way (see [`verify_terse`]).
    pub sha256: Option<[u8; 32]>,
}

/// Verifies `token` against the issuer's keys and the expectations. Never fails: every problem is a check.
pub fn verify(
    token: &SecretToken,
    keys: &KeySet,
    algorithms: &[Algorithm],
    exp: &Expectations,
    spec: SpecRevision,
) -> Verification {
    verify_decoded(decode_unverified(token.expose()), keys, algorithms, exp, spec, false)
}

/// [`verify`] on a token already taken apart by [`decode_unverified`]: for a caller that read the unverified
/// `iss` to choose `keys` and `exp` (`verify-token --batch`), so that no token is decoded twice.
///
/// With `terse`, only failures and warnings are recorded (see [`Checks::terse`]): for output that prints
/// nothing else.
pub fn verify_decoded(
    decoded: Unverified<'_>,
    keys: &KeySet,
    algorithms: &[Algorithm],
    exp: &Expectations,
    spec: SpecRevision,
    terse: bool,
) -> Verification {
    let mut checks = new_checks(exp, spec, terse);
    let parsed = match decoded {
        Unverified::Jws(p) => p,
        other => {
            shape_failure(&mut checks, &other);
            return Verification {
                checks: checks.into_results(),
                header: match other {
                    Unverified::Jwe { header } => header,
                    _ => None,
                },
                claims: None,
                sha256: None,
            };
        }
    };
    check_jws(&mut checks, &parsed, keys, algorithms, exp, None);
    Verification {
        checks: checks.into_results(),
        header: Some(parsed.header),
        claims: Some(parsed.claims),
        sha256: None,
    }
}

/// [`verify_decoded`] with `terse` on a token read by [`Segments::parse`] (the `--batch` hot path): the
/// same checks, and no header or claims in the result. With a SHA-256 algorithm, the signed bytes are
/// hashed once, and the hash continued over the signature gives the token's SHA-256 (its fingerprint)
/// without reading the token twice.
pub fn verify_terse(
    parsed: &Parsed<'_, Object<'_>>,
    keys: &KeySet,
    algorithms: &[Algorithm],
    exp: &Expectations,
    spec: SpecRevision,
) -> Verification {
    let mut checks = new_checks(exp, spec, true);
    let mut sha256 = None;
    check_jws(&mut checks, parsed, keys, algorithms, exp, Some(&mut sha256));
    Verification {
        checks: checks.into_results(),
        header: None,
        claims: None,
        sha256,
    }
}

/// The checks of one token, with the profile's escalations.
fn new_checks(exp: &Expectations, spec: SpecRevision, terse: bool) -> Checks {
    let mut checks = if terse {
        Checks::terse(spec)
    } else {
        Checks::new(spec, None)
    };
    if exp.rfc9068 {
        checks.escalate(&JWT_TYP_AT_JWT, Level::Must);
        checks.escalate(&JWT_PROFILE_CLAIMS, Level::Must);
    }
    checks
}

/// Every check of a token that is a JWS: signature, header, claims. `sha256` receives the token's SHA-256
/// when the signature check computed it on the way.
fn check_jws(
    checks: &mut Checks,
    parsed: &Parsed<'_, impl Members>,
    keys: &KeySet,
    algorithms: &[Algorithm],
    exp: &Expectations,
    sha256: Option<&mut Option<[u8; 32]>>,
) {
    checks.pass(&JWT_COMPACT_JWS, "a compact JWS with JSON header and payload");
    let signature_ok = signature(checks, parsed, keys, algorithms, sha256);
    rules::header(checks, &parsed.header);
    rules::claims(checks, &parsed.header, &parsed.claims, exp);
    if !signature_ok {
        // The claims above come from an unverified token: say so next to them.
        checks.info(
            &JWT_SIGNATURE_VALID,
            "the claim checks above describe an UNVERIFIED payload, since the signature was not accepted",
        );
    }
}

/// `jwt-compact-jws` for a token that is not a JWS.
fn shape_failure(checks: &mut Checks, shape: &Unverified<'_>) {
    match shape {
        Unverified::Jwe { .. } => checks.violated(
            &JWT_COMPACT_JWS,
            "an encrypted token (JWE, 5 segments): it cannot be verified without the resource server's decryption key. Decrypt it first, or ask the authorization server for signed (JWS) access tokens.",
        ),
        Unverified::Opaque => checks.violated(
            &JWT_COMPACT_JWS,
            "not a JWT: an opaque (reference) token. Only the authorization server can say whether it is valid: the resource server must introspect it (RFC 7662); mcp-auth cannot verify it locally.",
        ),
        Unverified::Malformed(why) => checks.violated(&JWT_COMPACT_JWS, format!("not a valid JWT: {why}.")),
        Unverified::Jws(_) => {}
    }
}

/// The algorithm, key and signature checks. Returns whether the signature was accepted.
fn signature(
    checks: &mut Checks,
    p: &Parsed<'_, impl Members>,
    keys: &KeySet,
    algorithms: &[Algorithm],
    sha256: Option<&mut Option<[u8; 32]>>,
) -> bool {
    let Some(alg) = allowed_algorithm(checks, p, algorithms) else {
        return false;
    };
    let Some(candidates) = candidate_keys(checks, p, keys, alg, algorithms) else {
        return false;
    };
    verify_signature(checks, p, alg, &candidates, sha256)
}

/// `jwt-alg-not-none` and `jwt-alg-allowlisted`: the header's alg when the verifier accepts it.
fn allowed_algorithm(checks: &mut Checks, p: &Parsed<'_, impl Members>, algorithms: &[Algorithm]) -> Option<Algorithm> {
    let alg_text = match p.header.get("alg") {
        Some(Value::String(a)) => a.as_str(),
        Some(other) => {
            checks.violated(
                &JWT_ALG_ALLOWLISTED,
                format!("alg is {}, not a string.", crate::metadata::type_name(other)),
            );
            return None;
        }
        None => {
            checks.violated(&JWT_ALG_ALLOWLISTED, "the header has no alg.");
            return None;
        }
    };
    if alg_text.eq_ignore_ascii_case("none") {
        checks.violated(
            &JWT_ALG_NOT_NONE,
            format!(
                "alg is \"{}\": an unsigned token that anyone can write. It is refused whatever its claims say.",
                sanitize::line(alg_text)
            ),
        );
        return None;
    }
    checks.pass_with(&JWT_ALG_NOT_NONE, || format!("alg is \"{}\"", sanitize::line(alg_text)));
    let alg = match parse_algorithm(alg_text).filter(|a| algorithms.contains(a)) {
        Some(a) => a,
        None => {
            let key_confusion = alg_text.to_ascii_uppercase().starts_with("HS");
            let allowed: Vec<&str> = algorithms.iter().map(|a| alg_name(*a)).collect();
            let why = if key_confusion {
                " HMAC with a public key as the secret is the classic key-confusion attack."
            } else {
                ""
            };
            checks.violated(
                &JWT_ALG_ALLOWLISTED,
                format!(
                    "alg \"{}\" is not accepted (allowed: {}).{why} The verifier chooses the algorithms, never the token.",
                    sanitize::line(alg_text),
                    allowed.join(", ")
                ),
            );
            return None;
        }
    };
    checks.pass_with(&JWT_ALG_ALLOWLISTED, || format!("{} is allowed", alg_name(alg)));
    Some(alg)
}

/// `jwt-kid-in-issuer-jwks` and `jwt-alg-key-consistent`: the keys of `keys` to try for `alg`.
fn candidate_keys<'k>(
    checks: &mut Checks,
    p: &Parsed<'_, impl Members>,
    keys: &'k KeySet,
    alg: Algorithm,
    algorithms: &[Algorithm],
) -> Option<Candidates<'k>> {
    if !keys.private.is_empty() {
        checks.violated(
            &JWT_KID_IN_ISSUER_JWKS,
            format!(
                "the issuer's JWKS contains private key material ({}); refusing to use it: anyone who fetched it can mint tokens. Remove d, p, q, dp, dq, qi and k from the JWKS and rotate those keys.",
                keys.private.join(", ")
            ),
        );
        return None;
    }
    match p.header.get("kid") {
        Some(Value::String(kid)) => keys_with_kid(checks, keys, kid, alg, algorithms),
        Some(other) => {
            checks.violated(
                &JWT_KID_IN_ISSUER_JWKS,
                format!("kid is {}, not a string.", crate::metadata::type_name(other)),
            );
            None
        }
        None => keys_without_kid(checks, keys, alg, algorithms),
    }
}

/// [`candidate_keys`] for a token with a `kid`: the keys of that id, when they fit `alg`.
fn keys_with_kid<'k>(
    checks: &mut Checks,
    keys: &'k KeySet,
    kid: &str,
    alg: Algorithm,
    algorithms: &[Algorithm],
) -> Option<Candidates<'k>> {
    let mut with_kid = keys.keys.iter().filter(|k| k.kid.as_deref() == Some(kid));
    let found = match (with_kid.next(), with_kid.next()) {
        (Some(one), None) => Candidates::One(one),
        (first, second) => Candidates::Many(first.into_iter().chain(second).chain(with_kid).collect()),
    };
    if found.is_empty() {
        let known: Vec<String> = keys.keys.iter().map(Key::describe).collect();
        checks.violated(
            &JWT_KID_IN_ISSUER_JWKS,
            format!(
                "kid \"{}\" is not in the issuer's JWKS ({}). The token was signed with a key the issuer does not publish: forged, from another issuer, or signed before a key rotation the JWKS no longer lists.",
                sanitize::line(&truncate(kid, 80)),
                if known.is_empty() { "no keys".to_owned() } else { known.join(", ") }
            ),
        );
        return None;
    }
    checks.pass_with(&JWT_KID_IN_ISSUER_JWKS, || {
        format!("kid \"{}\" is in the issuer's JWKS", sanitize::line(kid))
    });
    if let Some(why) = found.iter().find_map(|k| misfit_pinned(k, alg, algorithms)) {
        checks.violated(&JWT_ALG_KEY_CONSISTENT, format!("{why}."));
        return None;
    }
    checks.pass_with(&JWT_ALG_KEY_CONSISTENT, || {
        format!(
            "the key fits {} (kty, crv, alg, use){}",
            alg_name(alg),
            pin_note(&found, alg, algorithms)
        )
    });
    Some(found)
}

/// [`candidate_keys`] for a token without a `kid`: every key that fits `alg`.
fn keys_without_kid<'k>(
    checks: &mut Checks,
    keys: &'k KeySet,
    alg: Algorithm,
    algorithms: &[Algorithm],
) -> Option<Candidates<'k>> {
    let fitting: Vec<&'k Key> = keys
        .keys
        .iter()
        .filter(|k| misfit_pinned(k, alg, algorithms).is_none())
        .collect();
    if fitting.is_empty() {
        let why: Vec<String> = keys
            .keys
            .iter()
            .filter_map(|k| misfit_pinned(k, alg, algorithms))
            .collect();
        checks.violated(
            &JWT_KID_IN_ISSUER_JWKS,
            format!(
                "the token has no kid and no key of the issuer's JWKS fits {} ({}).",
                alg_name(alg),
                if why.is_empty() {
                    "the JWKS is empty".to_owned()
                } else {
                    why.join("; ")
                }
            ),
        );
        return None;
    }
    checks.pass_with(&JWT_KID_IN_ISSUER_JWKS, || {
        format!(
            "no kid: trying the {} key(s) of the issuer's JWKS that fit {}",
            fitting.len(),
            alg_name(alg)
        )
    });
    checks.pass_with(&JWT_ALG_KEY_CONSISTENT, || {
        format!(
            "only keys that fit {} were tried{}",
            alg_name(alg),
            pin_note(&fitting, alg, algorithms)
        )
    });
    Some(Candidates::Many(fitting))
}

/// The keys a signature is tried with: one key (the usual case) needs no allocation per token.
enum Candidates<'k> {
    One(&'k Key),
    Many(Vec<&'k Key>),
}

impl<'k> std::ops::Deref for Candidates<'k> {
    type Target = [&'k Key];

    fn deref(&self) -> &[&'k Key] {
        match self {
            Candidates::One(key) => std::slice::from_ref(key),
            Candidates::Many(keys) => keys,
        }
    }
}

/// RFC 8725 §3.1: each key is used with exactly one algorithm. A key that publishes no `alg` is pinned to the
/// one `--algorithm` given, or else to its key type's usual algorithm, so that an RSA key never verifies both
/// RS256 and PS256 tokens.
fn pinned_alg(key: &Key, algorithms: &[Algorithm]) -> Option<(Algorithm, &'static str)> {
    if let [only] = algorithms {
        return Some((*only, "the one --algorithm given"));
    }
    let usual = match (key.kty.as_str(), key.crv.as_deref()) {
        ("RSA", _) => Algorithm::RS256,
        ("EC", Some("P-256")) => Algorithm::ES256,
        ("EC", Some("P-384")) => Algorithm::ES384,
        ("OKP", Some("Ed25519")) => Algorithm::EdDSA,
        _ => return None,
    };
    Some((usual, "the usual algorithm for its key type"))
}

/// [`Key::misfit`], plus the pin of a key without `alg`.
fn misfit_pinned(key: &Key, alg: Algorithm, algorithms: &[Algorithm]) -> Option<String> {
    if let Some(why) = key.misfit(alg) {
        return Some(why);
    }
    let (pinned, why) = pinned_alg(key, algorithms).filter(|_| key.alg.is_none())?;
    (pinned != alg).then(|| {
        format!(
            "{} publishes no alg, so it is pinned to {} ({why}), but the token says {}; each key is used with exactly one algorithm. Publish alg on the key, or pass --algorithm {}",
            key.describe(),
            alg_name(pinned),
            alg_name(alg),
            alg_name(alg)
        )
    })
}

/// Says which algorithm keys without `alg` were pinned to.
fn pin_note(keys: &[&Key], alg: Algorithm, algorithms: &[Algorithm]) -> String {
    match keys
        .iter()
        .find(|k| k.alg.is_none())
        .and_then(|k| pinned_alg(k, algorithms))
    {
        Some((_, why)) => format!("; a key without alg is pinned to {} ({why})", alg_name(alg)),
        None => String::new(),
    }
}

/// The upper half of the ECDSA group order n (n >> 1), big-endian: an `s` above it is the "high" of the two
/// signatures (s and n - s) that verify for the same message.
const P256_HALF_N: [u8; 32] = hex("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8");
const P384_HALF_N: [u8; 48] =
    hex("7fffffffffffffffffffffffffffffffffffffffffffffffe3b1a6c0fa1b96efac0d06d9245853bd76760cb5666294b9");

/// Lower-case hex to bytes, at compile time.
const fn hex<const N: usize>(s: &str) -> [u8; N] {
    const fn nibble(c: u8) -> u8 {
        if c <= b'9' { c - b'0' } else { c - b'a' + 10 }
    }
    let b = s.as_bytes();
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

/// Whether an ECDSA signature `r || s` has its `s` in the high half (malleable form).
fn high_s(alg: Algorithm, sig: &[u8]) -> bool {
    let half: &[u8] = match alg {
        Algorithm::ES256 => &P256_HALF_N,
        Algorithm::ES384 => &P384_HALF_N,
        _ => return false,
    };
    sig.len() == 2 * half.len() && &sig[half.len()..] > half
}

/// The longest signature a JWA algorithm makes: RSA with an 8192-bit modulus.
const MAX_SIGNATURE_BYTES: usize = 1024;

/// The signature's bytes, decoded onto `stack` (every JWA signature fits) or, when longer, into `heap`
/// (decoded anyway, to be reported); why not, in the `base64` crate's words, when it is not base64url.
fn decode_signature<'b>(
    b64: &str,
    stack: &'b mut [u8; MAX_SIGNATURE_BYTES],
    heap: &'b mut Vec<u8>,
) -> Result<&'b [u8], String> {
    let decoded = if FAST_B64.estimated_decoded_length(b64.len()) <= MAX_SIGNATURE_BYTES {
        let out = base64_simd::Out::from_slice(stack);
        FAST_B64.decode(b64.as_bytes(), out).map(|s| &*s).ok()
    } else {
        FAST_B64.decode_to_vec(b64).ok().map(|v| {
            *heap = v;
            heap.as_slice()
        })
    };
    decoded.ok_or_else(|| B64.decode(b64).err().map_or("invalid".to_owned(), |e| e.to_string()))
}

fn verify_signature<O>(
    checks: &mut Checks,
    p: &Parsed<'_, O>,
    alg: Algorithm,
    candidates: &[&Key],
    sha256: Option<&mut Option<[u8; 32]>>,
) -> bool {
    if p.signature_b64.is_empty() {
        checks.violated(
            &JWT_SIGNATURE_VALID,
            "the signature segment is empty: the token is unsigned. It is refused.",
        );
        return false;
    }
    let (mut stack, mut heap) = ([0u8; MAX_SIGNATURE_BYTES], Vec::new());
    let sig = match decode_signature(p.signature_b64, &mut stack, &mut heap) {
        Ok(sig) => sig,
        Err(why) => {
            checks.violated(&JWT_SIGNATURE_VALID, format!("the signature is not base64url ({why})."));
            return false;
        }
    };
    if let Some(half) = match alg {
        Algorithm::ES256 => Some(32),
        Algorithm::ES384 => Some(48),
        _ => None,
    } {
        if sig.len() != 2 * half {
            checks.violated(
                &JWT_SIGNATURE_VALID,
                format!(
                    "an {} signature is {} bytes (r || s), this one is {}.",
                    alg_name(alg),
                    2 * half,
                    sig.len()
                ),
            );
            return false;
        }
        let zero = |b: &[u8]| b.iter().all(|x| *x == 0);
        if zero(&sig[..half]) || zero(&sig[half..]) {
            checks.violated(
                &JWT_SIGNATURE_VALID,
                "the ECDSA signature has r = 0 or s = 0 (the \"psychic signature\", CVE-2022-21449): it is forged and verifies against nothing.",
            );
            return false;
        }
    }
    let digest = signed_digest(p, alg, sha256);
    let mut decode_errors = Vec::new();
    for key in candidates {
        let verifier = match key.verifier(alg) {
            Ok(v) => v,
            Err(e) => {
                decode_errors.push(format!("{}: {e}", key.describe()));
                continue;
            }
        };
        let verified = match &digest {
            Some(d) => verifier.verify_digest(d, sig),
            None => verifier.verify_bytes(p.signing_input.as_bytes(), sig),
        };
        if verified {
            let verified = || format!("{} signature verified with {}", alg_name(alg), key.describe());
            if high_s(alg, sig) {
                let verified = verified();
                checks.warn(
                    &JWT_SIGNATURE_VALID,
                    format!(
                        "{verified}, but its s is in the high half: ECDSA signatures are malleable (s and n - s both verify), and this signer does not normalise to low-S. Anyone can make a second valid signature for this token, so never use the signature (or the whole token string) as a token identifier or replay-cache key; use jti."
                    ),
                );
            } else {
                checks.pass_with(&JWT_SIGNATURE_VALID, verified);
            }
            return true;
        }
    }
    let extra = if decode_errors.is_empty() {
        String::new()
    } else {
        format!(" ({})", decode_errors.join("; "))
    };
    checks.violated(
        &JWT_SIGNATURE_VALID,
        format!(
            "the signature does not verify with the issuer's key{}{extra}: the token was altered after signing, or signed by a key that is not the issuer's.",
            if candidates.len() == 1 { "".to_owned() } else { format!("s ({} tried)", candidates.len()) }
        ),
    );
    false
}

/// For a SHA-256 algorithm and a caller that wants the token's SHA-256: the digest of the signed bytes,
/// with `sha256` set to the token's (the same hash continued over `.signature`). `None` otherwise: the
/// verifier then hashes the signed bytes itself.
fn signed_digest<O>(
    p: &Parsed<'_, O>,
    alg: Algorithm,
    sha256: Option<&mut Option<[u8; 32]>>,
) -> Option<aws_lc_rs::digest::Digest> {
    use aws_lc_rs::digest::{Context, SHA256};
    let sha256 = sha256.filter(|_| matches!(alg, Algorithm::RS256 | Algorithm::PS256 | Algorithm::ES256))?;
    let mut context = Context::new(&SHA256);
    context.update(p.signing_input.as_bytes());
    let signed = context.clone().finish();
    context.update(b".");
    context.update(p.signature_b64.as_bytes());
    *sha256 = context.finish().as_ref().try_into().ok();
    Some(signed)
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// An ES256 signing key with its public JWK: signs the embedded authorization server's tokens, and the
/// probe's forged ones (a token signed by a key the server never published).
#[derive(Clone)]
pub struct SigningKey {
    pub kid: String,
    pkcs8: Vec<u8>,
    /// Public JWK (kty, crv, x, y, kid, alg, use).
    pub public_jwk: Value,
    /// The same key with its private part `d` (for the "JWKS leaks a private key" flaw).
    pub private_jwk: Value,
}

impl SigningKey {
    /// A fresh P-256 key.
    pub fn generate(kid: &str) -> Self {
        use aws_lc_rs::encoding::AsBigEndian;
        use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).expect("P-256 key generation");
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, doc.as_ref()).expect("fresh key parses");
        let point = pair.public_key().as_ref(); // 0x04 || X || Y
        let (x, y) = (&point[1..33], &point[33..65]);
        let d: aws_lc_rs::encoding::EcPrivateKeyBin<'_> = pair.private_key().as_be_bytes().expect("private scalar");
        let public_jwk = json!({"kty": "EC", "crv": "P-256", "x": B64.encode(x), "y": B64.encode(y), "kid": kid, "alg": "ES256", "use": "sig"});
        let mut private_jwk = public_jwk.clone();
        private_jwk["d"] = json!(B64.encode(d.as_ref()));
        Self {
            kid: kid.to_owned(),
            pkcs8: doc.as_ref().to_vec(),
            public_jwk,
            private_jwk,
        }
    }

    /// Signs `claims` as an ES256 JWT with `typ: at+jwt` and this key's `kid`.
    pub fn sign(&self, claims: &Value) -> String {
        self.sign_with_header(claims, "at+jwt")
    }

    /// The private key, for tests that sign tokens with headers of their own.
    pub fn encoding_key(&self) -> jsonwebtoken::EncodingKey {
        jsonwebtoken::EncodingKey::from_ec_der(&self.pkcs8)
    }

    pub fn sign_with_header(&self, claims: &Value, typ: &str) -> String {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        header.typ = Some(typ.to_owned());
        let key = jsonwebtoken::EncodingKey::from_ec_der(&self.pkcs8);
        let token = jsonwebtoken::encode(&header, claims, &key).expect("ES256 signing with a fresh key");
        low_s(&token)
    }
}

/// The P-256 group order n, big-endian.
pub const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa,
    0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// `n - s` for a 32-byte big-endian `s < n`: the other ECDSA signature of the same message.
pub fn negate_s(s: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 32];
    let mut borrow = 0u16;
    for i in (0..32).rev() {
        let sub = u16::from(s[i]) + borrow;
        let n = u16::from(P256_N[i]);
        (out[i], borrow) = if n >= sub {
            ((n - sub) as u8, 0)
        } else {
            ((n + 256 - sub) as u8, 1)
        };
    }
    out
}

/// An ES256 compact JWS with its signature in low-S form (s <= n/2), as careful signers emit it: ring picks
/// either form at random, and the verifier warns about the high one ("ECDSA signatures are malleable").
pub fn low_s(token: &str) -> String {
    let Some((msg, sig)) = token.rsplit_once('.') else {
        return token.to_owned();
    };
    let Ok(sig) = B64.decode(sig) else {
        return token.to_owned();
    };
    if sig.len() != 64 {
        return token.to_owned();
    }
    let twin = negate_s(&sig[32..]);
    if sig[32..] <= twin[..] {
        return token.to_owned();
    }
    format!("{msg}.{}", B64.encode([&sig[..32], &twin[..]].concat()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_decode_on_the_stack_and_longer_ones_on_the_heap() {
        let (mut stack, mut heap) = ([0u8; MAX_SIGNATURE_BYTES], Vec::new());
        for len in [64, MAX_SIGNATURE_BYTES, MAX_SIGNATURE_BYTES + 1, 3000] {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
            let got = decode_signature(&B64.encode(&bytes), &mut stack, &mut heap).unwrap();
            assert_eq!(got, bytes, "{len} bytes");
        }
        let why = decode_signature("ab+c", &mut stack, &mut heap).unwrap_err();
        assert!(why.contains("Invalid symbol"), "{why}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2048, failure_persistence: None, ..Default::default() })]
        /// The hot path's SIMD decoder accepts exactly what the `base64` crate does, with the same bytes:
        /// no token reads differently (or verifies) on one path and not the other.
        #[test]
        fn fast_base64_reads_what_base64_reads(s in "[A-Za-z0-9_=+/ -]{0,70}", bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80)) {
            proptest::prop_assert_eq!(FAST_B64.decode_to_vec(&s).ok(), B64.decode(&s).ok(), "{:?}", s);
            let encoded = B64.encode(&bytes);
            proptest::prop_assert_eq!(FAST_B64.decode_to_vec(&encoded).ok(), Some(bytes));
            // Every last character, canonical or not.
            for last in b"AQgw_-BCDEFab".iter().map(|c| *c as char) {
                let mut text = encoded.clone();
                if text.pop().is_some() {
                    text.push(last);
                    proptest::prop_assert_eq!(FAST_B64.decode_to_vec(&text).ok(), B64.decode(&text).ok(), "{:?}", text);
                }
            }
        }
    }

    #[test]
    fn secret_token_never_prints_itself() {
        let t = SecretToken::new("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl\n");
        assert_eq!(format!("{t:?}"), "SecretToken(redacted)");
        assert_eq!(format!("{t}"), "(redacted token)");
        let label = t.label();
        assert!(
            label.starts_with("eyJhbGciOiJF…") && !label.contains("c2lnbmF0dXJl"),
            "{label}"
        );
        assert_eq!(t.describe()["length"], 49);
        assert_eq!(
            fingerprint("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn shapes_are_recognised() {
        assert!(matches!(decode_unverified("opaque-reference-123"), Unverified::Opaque));
        assert!(matches!(
            decode_unverified("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.a.b.c.d"),
            Unverified::Jwe { header: Some(_) }
        ));
        assert!(matches!(decode_unverified("a.b"), Unverified::Malformed(m) if m.contains("stripped")));
        assert!(matches!(decode_unverified("!!.e30.x"), Unverified::Malformed(m) if m.contains("base64url")));
        let Unverified::Jws(p) = decode_unverified("e30.e30.sig") else {
            panic!()
        };
        assert_eq!(p.signing_input, "e30.e30");
        assert_eq!(p.signature_b64, "sig");
    }

    #[test]
    fn keys_must_fit_the_algorithm() {
        let set = KeySet::from_json(&json!({"keys": [
            {"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA", "kid": "ec"},
            {"kty": "RSA", "n": "AQAB", "e": "AQAB", "kid": "enc", "use": "enc"},
            {"kty": "RSA", "n": "AQAB", "e": "AQAB", "kid": "ps", "alg": "PS256"},
        ]}))
        .unwrap();
        let key = |kid: &str| set.keys.iter().find(|k| k.kid.as_deref() == Some(kid)).unwrap();
        assert!(key("ec").misfit(Algorithm::ES256).is_none());
        assert!(key("ec").misfit(Algorithm::ES384).unwrap().contains("P-384"));
        assert!(key("ec").misfit(Algorithm::RS256).unwrap().contains("RSA"));
        assert!(key("enc").misfit(Algorithm::RS256).unwrap().contains("use \"enc\""));
        assert!(
            key("ps")
                .misfit(Algorithm::RS256)
                .unwrap()
                .contains("exactly one algorithm")
        );
        assert!(key("ec").misfit(Algorithm::HS256).unwrap().contains("key confusion"));
        assert!(set.private.is_empty());
        let private =
            KeySet::from_json(&json!({"keys": [{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA", "d": "AA"}]}));
        assert_eq!(private.unwrap().private.len(), 1);
        assert!(KeySet::from_json(&json!([1])).is_err());
    }

    /// A key whose parameters are not a public key is reported against the token, with the reason; a
    /// good key verifies, and its parsed form is reused.
    #[test]
    fn broken_key_parameters_are_explained_and_good_keys_parsed_once() {
        use crate::time::now;
        let signer = SigningKey::generate("k");
        let token = SecretToken::new(signer.sign(&json!({"iss": "https://as", "aud": "https://r", "exp": now() + 60})));
        let exp = Expectations {
            issuer: Some("https://as".into()),
            authorization_servers: None,
            audience: "https://r".into(),
            audience_overridden: false,
            scopes: Vec::new(),
            leeway: 60,
            now: i64::try_from(now()).unwrap(),
            rfc9068: false,
        };
        let signature = |jwk: Value| {
            let keys = KeySet::from_json(&json!({ "keys": [jwk] })).unwrap();
            let v = verify(&token, &keys, &DEFAULT_ALGORITHMS, &exp, SpecRevision::LATEST);
            let c = v.checks.into_iter().find(|c| c.id == JWT_SIGNATURE_VALID.id).unwrap();
            (c.status, c.message.into_owned(), keys)
        };
        let mut off_curve = signer.public_jwk.clone();
        off_curve["y"] = off_curve["x"].clone();
        let (status, message, _) = signature(off_curve);
        assert_eq!(status, crate::report::Status::Fail);
        assert!(message.contains("not a valid ES256 key"), "{message}");
        let mut not_base64 = signer.public_jwk.clone();
        not_base64["x"] = json!("!!");
        let (_, message, _) = signature(not_base64);
        assert!(message.contains("\"x\" does not decode"), "{message}");
        let (status, _, keys) = signature(signer.public_jwk.clone());
        assert_eq!(status, crate::report::Status::Pass);
        let parsed = keys.keys[0].verifier(Algorithm::ES256).unwrap() as *const PreparedVerifier;
        assert_eq!(keys.keys[0].verifier(Algorithm::ES256).unwrap() as *const _, parsed);
    }

    /// Another verifier may keep the first of two members where serde_json kept the last.
    #[test]
    fn duplicate_members_in_the_header_or_claims_are_malformed() {
        let seg = |s: &str| B64.encode(s);
        for (header, claims, words) in [
            (
                r#"{"alg":"none","alg":"RS256"}"#,
                r#"{"sub":"u"}"#,
                "header (segment 1)",
            ),
            (
                r#"{"alg":"RS256"}"#,
                r#"{"exp":1,"exp":4000000000}"#,
                "payload (segment 2)",
            ),
            (
                r#"{"alg":"RS256"}"#,
                r#"{"iss":"https://evil","iss":"https://good"}"#,
                "payload (segment 2)",
            ),
        ] {
            let token = format!("{}.{}.c2ln", seg(header), seg(claims));
            match decode_unverified(&token) {
                Unverified::Malformed(why) => {
                    assert!(why.contains(words) && why.contains("duplicate member"), "{why}")
                }
                other => panic!("{header} {claims}: {other:?}"),
            }
        }
    }

    #[test]
    fn algorithm_names_are_exact() {
        assert_eq!(parse_algorithm("RS256"), Some(Algorithm::RS256));
        assert_eq!(parse_algorithm("rs256"), None);
        assert_eq!(parse_algorithm("none"), None);
        for a in DEFAULT_ALGORITHMS {
            assert_eq!(parse_algorithm(alg_name(a)), Some(a));
        }
    }
}
