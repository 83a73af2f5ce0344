//! A deliberately small JSON Schema validator: exactly the keywords `mcp_auth::render::report_schema()` and
//! the vendored SARIF 2.1.0 schema (tests/fixtures/sarif-schema-2.1.0.json) use: type (one or a list),
//! enum, required, properties, additionalProperties (false or a schema), items, minItems, uniqueItems,
//! minimum, maximum, anyOf, oneOf, and $ref into $defs or definitions. `format`, `default` and `pattern` are
//! not checked (annotations, and a regex engine for four SARIF patterns on members we do not write). A
//! full validator crate would add dozens of dependencies; an unknown keyword panics so the schemas cannot
//! silently outgrow this.

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
    "$id",
    "definitions",
    "default",
    "format",
    "pattern",
    "anyOf",
    "oneOf",
    "minItems",
    "uniqueItems",
    "maximum",
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
        let target = match (r.strip_prefix("#/$defs/"), r.strip_prefix("#/definitions/")) {
            (Some(name), _) => &root["$defs"][name],
            (_, Some(name)) => &root["definitions"][name],
            _ => panic!("only local refs are supported: {r}"),
        };
        walk(root, target, doc, at, errors);
    }
    let types: Vec<&str> = match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|t| is_type(t, doc)) {
        errors.push(format!("{at}: expected {}, got {doc}", types.join(" or ")));
        return;
    }
    for (keyword, exactly_one) in [("anyOf", false), ("oneOf", true)] {
        if let Some(options) = s.get(keyword).and_then(Value::as_array) {
            let matching = options
                .iter()
                .filter(|o| {
                    let mut e = Vec::new();
                    walk(root, o, doc, at, &mut e);
                    e.is_empty()
                })
                .count();
            if matching == 0 || (exactly_one && matching > 1) {
                errors.push(format!("{at}: {matching} of the {keyword} schemas match {doc}"));
            }
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
    if let (Some(max), Some(n)) = (s.get("maximum").and_then(Value::as_f64), doc.as_f64()) {
        if n > max {
            errors.push(format!("{at}: {n} > maximum {max}"));
        }
    }
    if let Some(arr) = doc.as_array() {
        if let Some(min) = s.get("minItems").and_then(Value::as_u64) {
            if (arr.len() as u64) < min {
                errors.push(format!("{at}: fewer than {min} items"));
            }
        }
        if s.get("uniqueItems") == Some(&Value::Bool(true)) {
            for (i, x) in arr.iter().enumerate() {
                if arr[..i].contains(x) {
                    errors.push(format!("{at}/{i}: repeats an earlier item"));
                }
            }
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
            match (props.and_then(|p| p.get(k)), s.get("additionalProperties")) {
                (Some(sub), _) => walk(root, sub, v, &format!("{at}/{k}"), errors),
                (None, Some(Value::Bool(false))) => errors.push(format!("{at}: unexpected member {k}")),
                (None, Some(sub @ Value::Object(_))) => walk(root, sub, v, &format!("{at}/{k}"), errors),
                (None, _) => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), doc.as_array()) {
        for (i, v) in arr.iter().enumerate() {
            walk(root, items, v, &format!("{at}/{i}"), errors);
        }
    }
}

fn is_type(t: &str, doc: &Value) -> bool {
    match t {
        "object" => doc.is_object(),
        "array" => doc.is_array(),
        "string" => doc.is_string(),
        "boolean" => doc.is_boolean(),
        "integer" => doc.is_u64() || doc.is_i64(),
        "number" => doc.is_number(),
        "null" => doc.is_null(),
        other => panic!("type {other} not supported"),
    }
}
