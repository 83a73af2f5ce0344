//! Strict JSON parsing for documents from untrusted servers: duplicate member names are an error (RFC 8259
//! §4 leaves their meaning undefined, so two clients may read two different issuers), and serde_json's
//! recursion limit bounds nesting.

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;

/// Parses `text` into a JSON value, rejecting duplicate member names anywhere in the document.
pub fn parse(text: &str) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let v = <Strict as de::Deserialize>::deserialize(&mut de)?.0;
    de.end()?;
    Ok(v)
}

struct Strict(Value);

impl<'de> de::Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::with_capacity(map.size_hint().unwrap_or(8));
        while let Some(key) = map.next_key::<String>()? {
            let Strict(v) = map.next_value()?;
            // One lookup per member: the entry is either taken (a duplicate) or filled.
            match out.entry(key) {
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(v);
                }
                serde_json::map::Entry::Occupied(taken) => {
                    return Err(de::Error::custom(format!(
                        "duplicate member \"{}\" (clients disagree on which value wins)",
                        crate::sanitize::line(taken.key())
                    )));
                }
            }
        }
        Ok(Value::Object(out))
    }
}

/// Read access to a JSON object's members by name: what the token rules need, from a [`Map`] or an
/// [`Object`].
pub trait Members {
    fn get(&self, name: &str) -> Option<&Value>;

    fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

impl Members for Map<String, Value> {
    fn get(&self, name: &str) -> Option<&Value> {
        Map::get(self, name)
    }
}

/// A small JSON object read only to be checked (a token's header or claims on the `--batch` hot path):
/// members in document order, names borrowed from the text when they hold no escape, found by a linear
/// scan. No hash map and no allocation per name; values are parsed as [`parse`] does.
#[derive(Debug)]
pub struct Object<'a> {
    /// Borrowed only by [`Object::borrowed`].
    members: Cow<'a, [(Cow<'a, str>, Value)]>,
}

/// Most members an [`Object`] takes: beyond, the linear duplicate check would grow quadratically, and
/// [`parse_object`] declines (the caller uses [`parse`]).
const MAX_OBJECT_MEMBERS: usize = 32;

/// `text` as an [`Object`] when it is a JSON object of at most 32 members without duplicates anywhere in
/// the document; `None` otherwise (invalid, another type, a duplicate, too many members), where [`parse`]
/// gives the reason.
pub fn parse_object(text: &str) -> Option<Object<'_>> {
    let mut de = serde_json::Deserializer::from_str(text);
    let o = de::Deserialize::deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(o)
}

impl Object<'_> {
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.members.iter().find(|(k, _)| same_name(k, name)).map(|(_, v)| v)
    }

    /// The same object, owning its names: to keep beyond the text it was parsed from.
    pub fn into_owned(self) -> Object<'static> {
        let members = self
            .members
            .into_owned()
            .into_iter()
            .map(|(k, v)| (Cow::Owned(k.into_owned()), v))
            .collect();
        Object { members }
    }

    /// A view of this object that allocates nothing.
    pub fn borrowed(&self) -> Object<'_> {
        Object {
            members: Cow::Borrowed(&self.members),
        }
    }
}

impl Members for Object<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        Object::get(self, name)
    }
}

impl<'de> de::Deserialize<'de> for Object<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ObjectVisitor)
    }
}

struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Object<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a small JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object<'de>, A::Error> {
        let mut members: Vec<(Cow<'de, str>, Value)> = Vec::with_capacity(12);
        while let Some(Name(name)) = map.next_key()? {
            if members.len() == MAX_OBJECT_MEMBERS || members.iter().any(|(k, _)| same_name(k, &name)) {
                return Err(de::Error::custom("declined"));
            }
            let Strict(v) = map.next_value()?;
            members.push((name, v));
        }
        Ok(Object {
            members: Cow::Owned(members),
        })
    }
}

/// `a == b` for member names, compared in line: claim names are a few bytes long (`iss`, `aud`, `exp`),
/// and a token's members are compared with each other and looked up dozens of times, where a call to
/// `memcmp` each time costs more than the comparison.
#[inline]
fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
}

/// A member name, borrowed from the text unless it holds an escape.
struct Name<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Name<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(NameVisitor)
    }
}

struct NameVisitor;

impl<'de> Visitor<'de> for NameVisitor {
    type Value = Name<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Name<'de>, E> {
        Ok(Name(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Name<'de>, E> {
        Ok(Name(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Name<'de>, E> {
        Ok(Name(Cow::Owned(v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_duplicates_and_deep_nesting() {
        assert_eq!(parse(r#"{"a": [1, {"b": null}]}"#).unwrap()["a"][1]["b"], Value::Null);
        let e = parse(r#"{"issuer": "a", "x": {"k": 1, "k": 2}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("duplicate member \"k\""), "{e}");
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(parse(&deep).unwrap_err().to_string().contains("recursion limit"));
        assert!(parse("1e400").is_err());
        assert!(parse("{} trailing").is_err());
    }

    #[test]
    fn objects_refuse_what_parse_refuses_and_read_the_same_values() {
        let text = r#"{"iss": "a", "n\u0061me": [1, {"b": 2.5}], "t": true}"#;
        let o = parse_object(text).unwrap();
        let m = parse(text).unwrap();
        for k in ["iss", "name", "t", "absent"] {
            assert_eq!(o.get(k), m.get(k), "{k}");
        }
        assert!(
            matches!(o.members[0].0, Cow::Borrowed(_)),
            "unescaped names are borrowed"
        );
        for bad in [
            r#"{"a": 1, "a": 2}"#,
            r#"{"a": 1, "\u0061": 2}"#,
            r#"{"x": {"k": 1, "k": 2}}"#,
            "[1]",
            "{} trailing",
            "1e400",
        ] {
            assert!(parse_object(bad).is_none(), "{bad}");
        }
        let wide = format!(
            "{{{}}}",
            (0..33).map(|i| format!("\"m{i}\": {i}")).collect::<Vec<_>>().join(",")
        );
        assert!(parse_object(&wide).is_none() && parse(&wide).is_ok());
    }
}
