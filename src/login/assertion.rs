//! `private_key_jwt` client authentication (RFC 7523 §2.2, OpenID Connect Core §9): a short-lived JWT,
//! signed with the client's key (`--client-key`), sent as `client_assertion`. Its `aud` is the
//! authorization server's issuer identifier (draft-ietf-oauth-rfc7523bis; the MCP conformance suite
//! requires it), `iss` and `sub` the client id.

use crate::jwt::SecretToken;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD as B64};
use serde_json::{Value, json};
use std::sync::Arc;

/// The `client_assertion_type` of a JWT assertion (RFC 7523 §2.2).
pub const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Lifetime of an assertion, in seconds.
const ASSERTION_TTL: u64 = 60;

/// Why a `--client-key` file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("no PEM private key block (-----BEGIN PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)")]
    NoPem,
    #[error("the PEM block is not base64")]
    Base64,
    #[error("not a P-256 EC private key (PKCS#8 or SEC1); mcp-auth signs client assertions with ES256")]
    Rejected,
}

/// The client's ES256 signing key and its public JWK (registered by dynamic registration as `jwks`).
#[derive(Clone)]
pub struct ClientKey {
    pair: Arc<EcdsaKeyPair>,
    /// The public key as a JWK (kty, crv, x, y, alg, use).
    pub public_jwk: Value,
}

impl std::fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ClientKey(ES256, private part redacted)")
    }
}

impl ClientKey {
    /// Reads the first private key block of a PEM file (PKCS#8 or SEC1, P-256).
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let mut lines = pem.lines().map(str::trim);
        lines
            .by_ref()
            .find(|l| l.starts_with("-----BEGIN ") && l.ends_with("PRIVATE KEY-----"))
            .ok_or(KeyError::NoPem)?;
        let body: String = lines.take_while(|l| !l.starts_with("-----END ")).collect();
        let der = STANDARD.decode(body).map_err(|_| KeyError::Base64)?;
        let pair = EcdsaKeyPair::from_private_key_der(&ECDSA_P256_SHA256_FIXED_SIGNING, &der)
            .map_err(|_| KeyError::Rejected)?;
        let point = pair.public_key().as_ref(); // 0x04 || X || Y
        let (x, y) = (&point[1..33], &point[33..65]);
        let public_jwk = json!({"kty": "EC", "crv": "P-256", "x": B64.encode(x), "y": B64.encode(y),
            "alg": "ES256", "use": "sig"});
        Ok(Self {
            pair: Arc::new(pair),
            public_jwk,
        })
    }

    /// A fresh assertion for `client_id` at the authorization server `issuer`.
    pub fn assertion(&self, client_id: &str, issuer: &str) -> SecretToken {
        let now = crate::time::now();
        let mut jti = [0u8; 16];
        aws_lc_rs::rand::fill(&mut jti).expect("system randomness");
        let header = json!({"alg": "ES256", "typ": "JWT"});
        let claims = json!({"iss": client_id, "sub": client_id, "aud": issuer, "iat": now,
            "exp": now + ASSERTION_TTL, "jti": B64.encode(jti)});
        let input = format!("{}.{}", B64.encode(header.to_string()), B64.encode(claims.to_string()));
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let sig = self.pair.sign(&rng, input.as_bytes()).expect("ES256 signing");
        SecretToken::new(format!("{input}.{}", B64.encode(sig.as_ref())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pem_without_a_key_is_refused_with_the_reason() {
        assert!(matches!(ClientKey::from_pem("hello"), Err(KeyError::NoPem)));
        let bad = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert!(matches!(ClientKey::from_pem(bad), Err(KeyError::Rejected)));
    }
}
