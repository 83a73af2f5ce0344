//! `as-jwks-valid`: the key set a provider publishes (OIDC Discovery §3, RFC 7517).

use serde_json::{Map, Value};

/// Private or symmetric key members that must never be published.
pub const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// What is wrong with a key set, or `Ok(n)` with the number of usable public signing keys.
pub fn validate(jwks: &Value) -> Result<usize, String> {
    let obj = jwks
        .as_object()
        .ok_or("the key set is not a JSON object; serve {\"keys\": [...]}")?;
    let keys = obj
        .get("keys")
        .and_then(Value::as_array)
        .ok_or("the key set has no \"keys\" array; serve {\"keys\": [...]}")?;
    let mut problems = Vec::new();
    let with_private: Vec<String> = keys
        .iter()
        .filter_map(Value::as_object)
        .filter(|k| has_private_parts(k))
        .map(describe)
        .collect();
    if !with_private.is_empty() {
        problems.push(format!(
            "it publishes private or symmetric key material ({}): anyone can mint tokens with it. Remove the private members (d, p, q, dp, dq, qi, k) and rotate those keys now",
            with_private.join(", ")
        ));
    }
    let objects: Vec<&Map<String, Value>> = keys.iter().filter_map(Value::as_object).collect();
    if objects.len() != keys.len() {
        problems.push("some entries of \"keys\" are not JSON objects".to_owned());
    }
    let any_enc = objects
        .iter()
        .any(|k| k.get("use").and_then(Value::as_str) == Some("enc"));
    if any_enc && objects.iter().any(|k| !k.contains_key("use")) {
        problems
            .push("it mixes signing and encryption keys, so every key needs a \"use\" member (RFC 8414 §2)".to_owned());
    }
    let usable = objects.iter().filter(|k| is_signing_public_key(k)).count();
    if usable == 0 && with_private.is_empty() {
        problems.push("it has no usable public signing key (RSA, EC or OKP with use \"sig\" or no use)".to_owned());
    }
    if problems.is_empty() {
        Ok(usable)
    } else {
        Err(problems.join("; "))
    }
}

pub fn has_private_parts(key: &Map<String, Value>) -> bool {
    PRIVATE_MEMBERS.iter().any(|m| key.contains_key(*m))
}

/// An RSA/EC/OKP public key that may be used for signatures.
pub fn is_signing_public_key(key: &Map<String, Value>) -> bool {
    let kty_ok = matches!(key.get("kty").and_then(Value::as_str), Some("RSA" | "EC" | "OKP"));
    let use_ok = matches!(key.get("use").and_then(Value::as_str), None | Some("sig"));
    kty_ok && use_ok && !has_private_parts(key)
}

fn describe(key: &Map<String, Value>) -> String {
    match key.get("kid").and_then(Value::as_str) {
        Some(kid) => format!("kid \"{}\"", crate::sanitize::line(kid)),
        None => format!(
            "a {} key without kid",
            key.get("kty").and_then(Value::as_str).unwrap_or("?")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_public_signing_keys() {
        assert_eq!(
            validate(&json!({"keys": [{"kty": "EC", "crv": "P-256", "x": "a", "y": "b", "kid": "1"}]})),
            Ok(1)
        );
    }

    #[test]
    fn rejects_private_material_and_empty_sets() {
        let e = validate(&json!({"keys": [{"kty": "RSA", "n": "a", "e": "AQAB", "d": "secret", "kid": "k1"}]}))
            .unwrap_err();
        assert!(e.contains("private") && e.contains("k1"), "{e}");
        assert!(
            validate(&json!({"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}))
                .unwrap_err()
                .contains("symmetric")
        );
        assert!(validate(&json!({"keys": []})).unwrap_err().contains("no usable"));
        assert!(validate(&json!([1])).is_err());
        assert!(validate(&json!({"keys": [{"kty": "RSA", "n": "a", "e": "AQAB", "use": "enc"}]})).is_err());
        let mixed =
            json!({"keys": [{"kty": "RSA", "n": "a", "e": "AQAB", "use": "enc"}, {"kty": "EC", "x": "a", "y": "b"}]});
        assert!(validate(&mixed).unwrap_err().contains("\"use\""));
    }
}
