//! A deliberately small JSON Schema validator: exactly the keywords `mcp_auth::render::report_schema()` uses
//! (type, enum, required, properties, additionalProperties: false, items, $ref into $defs, minimum). A full
//! validator crate would add dozens of dependencies for these eight keywords; an unknown keyword panics so
//! the schema cannot silently outgrow this.

use serde_json::Value;

const KNOWN: &[&str] = &[
    "$schema",
    "title",
    "description",
    "type",
    "enum",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "$ref",
    "$defs",
    "minimum",
];

/// Every violation of `schema` by `doc`, as `pointer: problem` lines (empty when valid).
pub fn validate(schema: &Value, doc: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    walk(schema, schema, doc, "", &mut errors);
    errors
}

/// Panics with every violation.
pub fn assert_valid(doc: &Value) {
    let errors = validate(&mcp_auth::render::report_schema(), doc);
    assert!(
        errors.is_empty(),
        "report violates docs/report.schema.json:\n{}\n{doc:#}",
        errors.join("\n")
    );
}

/// Panics with every violation of `$defs/batch_line` (a compact `verify-token --batch` line).
pub fn assert_valid_batch_line(line: &Value) {
    let root = mcp_auth::render::report_schema();
    let mut errors = Vec::new();
    walk(
        &root,
        &serde_json::json!({"$ref": "#/$defs/batch_line"}),
        line,
        "",
        &mut errors,
    );
    assert!(
        errors.is_empty(),
        "batch line violates $defs/batch_line of docs/report.schema.json:\n{}\n{line:#}",
        errors.join("\n")
    );
}

fn walk(root: &Value, schema: &Value, doc: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(s) = schema.as_object() else {
        panic!("schema at {at} is not an object");
    };
    for k in s.keys() {
        assert!(
            KNOWN.contains(&k.as_str()),
            "schema keyword {k} is not supported by the test validator"
        );
    }
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local $defs ref");
        walk(root, &root["$defs"][name], doc, at, errors);
    }
    if let Some(t) = s.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => doc.is_object(),
            "array" => doc.is_array(),
            "string" => doc.is_string(),
            "boolean" => doc.is_boolean(),
            "integer" => doc.is_u64() || doc.is_i64(),
            "number" => doc.is_number(),
            "null" => doc.is_null(),
            other => panic!("type {other} not supported"),
        };
        if !ok {
            errors.push(format!("{at}: expected {t}, got {doc}"));
            return;
        }
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        if !e.contains(doc) {
            errors.push(format!("{at}: {doc} is not one of {}", Value::Array(e.clone())));
        }
    }
    if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_f64), doc.as_f64()) {
        if n < min {
            errors.push(format!("{at}: {n} < minimum {min}"));
        }
    }
    if let Some(obj) = doc.as_object() {
        for r in s.get("required").and_then(Value::as_array).into_iter().flatten() {
            let r = r.as_str().expect("required names");
            if !obj.contains_key(r) {
                errors.push(format!("{at}: missing required member {r}"));
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, v) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(sub) => walk(root, sub, v, &format!("{at}/{k}"), errors),
                None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    errors.push(format!("{at}: unexpected member {k}"));
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), doc.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            walk(root, items, v, &format!("{at}/{i}"), errors);
        }
    }
}
