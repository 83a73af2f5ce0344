//! `private_key_jwt` client authentication (RFC 7523 §2.2, OpenID Connect Core §9): a short-lived JWT,
//! signed with the client's key (`--client-key`: P-256 → ES256, RSA of at least 2048 bits → RS256), sent
//! as `client_assertion`. Its `aud` is the authorization server's issuer identifier
//! (draft-ietf-oauth-rfc7523bis; the MCP conformance suite requires it), `iss` and `sub` the client id.

use crate::jwt::SecretToken;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair, RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use serde_json::{Value, json};
use std::sync::Arc;

/// The `client_assertion_type` of a JWT assertion (RFC 7523 §2.2).
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Lifetime of an assertion, in seconds.
const ASSERTION_TTL: u64 = 60;

/// The key types `--client-key` accepts, for error messages.
const ACCEPTED: &str = "use a P-256 EC key (PKCS#8 or SEC1; signs ES256) or an RSA key of at least 2048 bits \
    (PKCS#8 or PKCS#1; signs RS256)";

/// Why a `--client-key` file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error(
        "no PEM private key block (-----BEGIN PRIVATE KEY-----, -----BEGIN EC PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)"
    )]
    NoPem,
    #[error("the PEM block is not base64")]
    Base64,
    #[error("the RSA key is smaller than 2048 bits; {ACCEPTED}")]
    RsaTooSmall,
    #[error("not a usable private key; {ACCEPTED}")]
    Rejected,
}

/// The private half, with the JWS algorithm it signs.
enum Signer {
    Es256(EcdsaKeyPair),
    Rs256(RsaKeyPair),
}

/// The client's signing key and its public JWK (registered by dynamic registration as `jwks`).
#[derive(Clone)]
pub struct ClientKey {
    signer: Arc<Signer>,
    /// The public key as a JWK (EC: kty, crv, x, y; RSA: kty, n, e; both with alg and use).
    pub public_jwk: Value,
}

impl std::fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClientKey({}, private part redacted)", self.alg())
    }
}

/// The DER body of the first private key block of a PEM file.
fn pem_der(pem: &str) -> Result<Vec<u8>, KeyError> {
    let mut lines = pem.lines().map(str::trim);
    lines
        .by_ref()
        .find(|l| l.starts_with("-----BEGIN ") && l.ends_with("PRIVATE KEY-----"))
        .ok_or(KeyError::NoPem)?;
    let body: String = lines.take_while(|l| !l.starts_with("-----END ")).collect();
    STANDARD.decode(body).map_err(|_| KeyError::Base64)
}

/// An RSA key from PKCS#8 or PKCS#1 DER; `None` when it is neither.
fn rsa(der: &[u8]) -> Option<Result<RsaKeyPair, KeyError>> {
    let parsed = RsaKeyPair::from_pkcs8(der).or_else(|e8| RsaKeyPair::from_der(der).map_err(|e1| (e8, e1)));
    match parsed {
        Ok(pair) => Some(Ok(pair)),
        Err((e8, e1)) if [e8, e1].iter().any(|e| e.description_() == "TooSmall") => Some(Err(KeyError::RsaTooSmall)),
        Err(_) => None,
    }
}

impl ClientKey {
    /// Reads the first private key block of a PEM file: P-256 (PKCS#8 or SEC1) or RSA ≥ 2048 bits
    /// (PKCS#8 or PKCS#1).
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let der = pem_der(pem)?;
        if let Ok(pair) = EcdsaKeyPair::from_private_key_der(&ECDSA_P256_SHA256_FIXED_SIGNING, &der) {
            let point = pair.public_key().as_ref(); // 0x04 || X || Y
            let (x, y) = (&point[1..33], &point[33..65]);
            let public_jwk = json!({"kty": "EC", "crv": "P-256", "x": B64.encode(x), "y": B64.encode(y),
                "alg": "ES256", "use": "sig"});
            return Ok(Self::new(Signer::Es256(pair), public_jwk));
        }
        let pair = rsa(&der).ok_or(KeyError::Rejected)??;
        let public = pair.public_key();
        let (n, e) = (public.modulus(), public.exponent());
        let public_jwk = json!({"kty": "RSA", "n": B64.encode(n.big_endian_without_leading_zero()),
            "e": B64.encode(e.big_endian_without_leading_zero()), "alg": "RS256", "use": "sig"});
        Ok(Self::new(Signer::Rs256(pair), public_jwk))
    }

    fn new(signer: Signer, public_jwk: Value) -> Self {
        Self {
            signer: Arc::new(signer),
            public_jwk,
        }
    }

    /// The JWS algorithm of the assertions: ES256 or RS256, fixed by the key type.
    pub fn alg(&self) -> &'static str {
        match *self.signer {
            Signer::Es256(_) => "ES256",
            Signer::Rs256(_) => "RS256",
        }
    }

    /// A fresh assertion for `client_id` at the authorization server `issuer`.
    pub fn assertion(&self, client_id: &str, issuer: &str) -> SecretToken {
        let now = crate::time::now();
        let mut jti = [0u8; 16];
        aws_lc_rs::rand::fill(&mut jti).expect("system randomness");
        let header = json!({"alg": self.alg(), "typ": "JWT"});
        let claims = json!({"iss": client_id, "sub": client_id, "aud": issuer, "iat": now,
            "exp": now + ASSERTION_TTL, "jti": B64.encode(jti)});
        let input = format!("{}.{}", B64.encode(header.to_string()), B64.encode(claims.to_string()));
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let sig = match &*self.signer {
            Signer::Es256(pair) => pair
                .sign(&rng, input.as_bytes())
                .expect("ES256 signing")
                .as_ref()
                .to_vec(),
            Signer::Rs256(pair) => {
                let mut sig = vec![0u8; pair.public_modulus_len()];
                pair.sign(&RSA_PKCS1_SHA256, &rng, input.as_bytes(), &mut sig)
                    .expect("RS256 signing");
                sig
            }
        };
        SecretToken::new(format!("{input}.{}", B64.encode(sig)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::signature::{
        ECDSA_P256_SHA256_FIXED, RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents, UnparsedPublicKey,
    };

    const RSA_PKCS8: &str = include_str!("../../tests/fixtures/keys/TEST-ONLY-rsa.pem");
    const RSA_PKCS1: &str = include_str!("../../tests/fixtures/keys/TEST-ONLY-rsa-pkcs1.pem");
    const RSA_1024: &str = include_str!("../../tests/fixtures/keys/TEST-ONLY-rsa-1024.pem");

    /// The assertion's header and claims, after checking its signature with `public_jwk` alone.
    fn verified(key: &ClientKey) -> (Value, Value) {
        let token = key.assertion("client-1", "https://as.example");
        let parts: Vec<&str> = token.expose().split('.').collect();
        let input = format!("{}.{}", parts[0], parts[1]);
        let sig = B64.decode(parts[2]).unwrap();
        let jwk = &key.public_jwk;
        let b = |m: &str| B64.decode(jwk[m].as_str().unwrap()).unwrap();
        match jwk["kty"].as_str() {
            Some("RSA") => RsaPublicKeyComponents { n: b("n"), e: b("e") }
                .verify(&RSA_PKCS1_2048_8192_SHA256, input.as_bytes(), &sig)
                .expect("RS256 signature"),
            _ => UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, [vec![4], b("x"), b("y")].concat())
                .verify(input.as_bytes(), &sig)
                .expect("ES256 signature"),
        }
        let json = |p: &str| serde_json::from_slice::<Value>(&B64.decode(p).unwrap()).unwrap();
        (json(parts[0]), json(parts[1]))
    }

    #[test]
    fn a_pem_without_a_key_is_refused_with_the_reason() {
        assert!(matches!(ClientKey::from_pem("hello"), Err(KeyError::NoPem)));
        let bad = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        let err = ClientKey::from_pem(bad).unwrap_err();
        assert!(matches!(err, KeyError::Rejected));
        let msg = err.to_string();
        assert!(
            msg.contains("P-256") && msg.contains("RSA") && msg.contains("2048"),
            "{msg}"
        );
    }

    #[test]
    fn an_rsa_key_signs_rs256_and_exposes_an_rsa_jwk() {
        let key = ClientKey::from_pem(RSA_PKCS8).unwrap();
        assert_eq!(key.alg(), "RS256");
        let jwk = &key.public_jwk;
        assert_eq!(
            (jwk["kty"].as_str(), jwk["alg"].as_str(), jwk["use"].as_str()),
            (Some("RSA"), Some("RS256"), Some("sig"))
        );
        assert_eq!(jwk["e"], "AQAB");
        assert_eq!(
            B64.decode(jwk["n"].as_str().unwrap()).unwrap().len(),
            256,
            "a 2048-bit modulus"
        );
        assert!(jwk.get("d").is_none() && jwk.get("p").is_none(), "no private member");
        let (header, claims) = verified(&key);
        assert_eq!(header["alg"], "RS256");
        assert_eq!(
            (claims["iss"].as_str(), claims["sub"].as_str()),
            (Some("client-1"), Some("client-1"))
        );
        assert_eq!(claims["aud"], "https://as.example");
        assert!(format!("{key:?}").contains("RS256"));
    }

    #[test]
    fn a_pkcs1_rsa_key_is_the_same_key_as_its_pkcs8_form() {
        let pkcs1 = ClientKey::from_pem(RSA_PKCS1).unwrap();
        assert!(RSA_PKCS1.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
        assert_eq!(pkcs1.public_jwk, ClientKey::from_pem(RSA_PKCS8).unwrap().public_jwk);
        assert_eq!(verified(&pkcs1).0["alg"], "RS256");
    }

    #[test]
    fn an_rsa_key_under_2048_bits_is_refused_as_too_small() {
        let err = ClientKey::from_pem(RSA_1024).unwrap_err();
        assert!(matches!(err, KeyError::RsaTooSmall), "{err:?}");
        assert!(err.to_string().contains("2048 bits"));
    }

    #[test]
    fn a_p256_key_still_signs_es256() {
        let pem = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)
            .unwrap()
            .serialize_pem();
        let key = ClientKey::from_pem(&pem).unwrap();
        assert_eq!((key.alg(), key.public_jwk["kty"].as_str()), ("ES256", Some("EC")));
        assert_eq!(verified(&key).0["alg"], "ES256");
    }
}
