//! Lenient views of metadata documents. A wrongly typed member is a finding, never a parse error, so the
//! documents stay `serde_json` objects and typed access goes through [`Member`].

use serde_json::{Map, Value};

/// A member read with an expected type.
#[derive(Clone, Debug, PartialEq)]
pub enum Member<'a, T> {
    Absent,
    Present(T),
    /// Present with another JSON type (or `null`).
    WrongType(&'a Value),
}

impl<T> Member<'_, T> {
    pub fn present(self) -> Option<T> {
        match self {
            Member::Present(v) => Some(v),
            _ => None,
        }
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Member::Absent)
    }
}

/// A JSON object document (authorization server metadata, PRM, JWKS).
#[derive(Clone, Debug, PartialEq)]
pub struct Document<'a>(pub &'a Map<String, Value>);

impl<'a> Document<'a> {
    pub fn raw(&self, name: &str) -> Option<&'a Value> {
        self.0.get(name)
    }

    pub fn str(&self, name: &str) -> Member<'a, &'a str> {
        match self.0.get(name) {
            None => Member::Absent,
            Some(Value::String(s)) => Member::Present(s.as_str()),
            Some(other) => Member::WrongType(other),
        }
    }

    pub fn bool(&self, name: &str) -> Member<'a, bool> {
        match self.0.get(name) {
            None => Member::Absent,
            Some(Value::Bool(b)) => Member::Present(*b),
            Some(other) => Member::WrongType(other),
        }
    }

    /// An array of strings; any non-string element makes the whole member `WrongType`.
    pub fn str_array(&self, name: &str) -> Member<'a, Vec<&'a str>> {
        match self.0.get(name) {
            None => Member::Absent,
            Some(v @ Value::Array(items)) => {
                let strs: Option<Vec<&str>> = items.iter().map(Value::as_str).collect();
                match strs {
                    Some(s) => Member::Present(s),
                    None => Member::WrongType(v),
                }
            }
            Some(other) => Member::WrongType(other),
        }
    }

    /// Names of members whose value is `[]`.
    pub fn empty_arrays(&self) -> Vec<&'a str> {
        self.0
            .iter()
            .filter(|(_, v)| v.as_array().is_some_and(Vec::is_empty))
            .map(|(k, _)| k.as_str())
            .collect()
    }
}

/// A short JSON type name for messages ("a number", "null", ...).
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A compact, bounded rendering of a JSON value for messages.
pub fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 120 {
        format!("{}…", s.chars().take(120).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wrong_types_are_reported_not_errors() {
        let v = json!({"a": "x", "b": 3, "c": ["S256", 1], "d": [], "e": true});
        let d = Document(v.as_object().unwrap());
        assert_eq!(d.str("a"), Member::Present("x"));
        assert!(matches!(d.str("b"), Member::WrongType(_)));
        assert!(matches!(d.str_array("c"), Member::WrongType(_)));
        assert_eq!(d.str_array("d"), Member::Present(vec![]));
        assert_eq!(d.bool("e"), Member::Present(true));
        assert!(d.str("zz").is_absent());
        assert_eq!(d.empty_arrays(), ["d"]);
    }
}
