//! How a node decodes: the docs' verbatim example, a realistic node, unknown and malformed
//! values that must not make a node unreadable, and errors that name the JSON path.

use dispersed::decode::{decode_json, Category, DecodeError};
use dispersed::types::{Node, NodeObject, NodeStatus};
use serde_json::{json, Value};

const DOCS_EXAMPLE: &str = include_str!("fixtures/node-docs-example.json");
const REALISTIC: &str = include_str!("fixtures/node-realistic.json");

fn decode(value: &Value) -> Result<Node, DecodeError> {
    decode_json(value.to_string().as_bytes())
}

fn realistic() -> Value {
    serde_json::from_str(REALISTIC).unwrap()
}

#[test]
fn the_verbatim_docs_example_decodes() {
    let node: Node = decode_json(DOCS_EXAMPLE.as_bytes()).unwrap();

    assert_eq!(node.name, "<string>");
    assert_eq!(node.reputation, 50.0);
    assert_eq!(node.object, NodeObject::Node);
    // The example has no `status`, although the page lists it as required.
    assert_eq!(node.status, None);
    // "<string>" in the IP fields is kept, not rejected.
    let ipv4 = node.ipv4_address.as_ref().unwrap();
    assert_eq!(ipv4.raw(), "<string>");
    assert_eq!(ipv4.value(), None);
    assert!(!node.ipv6_address.as_ref().unwrap().is_valid());
    // Real timestamps are typed.
    let created = node.created_at.as_ref().unwrap().value().unwrap();
    assert_eq!(created.to_rfc3339(), "2023-11-07T05:31:56+00:00");
    // The example's nulls.
    let software = node.current_software.as_ref().unwrap();
    assert_eq!(software.docker.as_ref().unwrap().version, None);
    assert_eq!(software.nvidia_driver.as_ref().unwrap().version, None);
    assert_eq!(
        software.operating_system.as_ref().unwrap().architecture,
        None
    );
    assert_eq!(software.zernet_client.as_ref().unwrap().version, None);
    assert_eq!(
        software.cached_image_tags,
        ["ubuntu:22.04", "pytorch/pytorch:latest"]
    );
    let hardware = node.current_hardware.as_ref().unwrap();
    assert_eq!(hardware.gpus[0].vram_bytes_total, 123);
    assert_eq!(
        node.latest_hardware_event.as_ref().unwrap().timestamp_ms,
        Some(123)
    );
}

#[test]
#[allow(deprecated)]
fn deprecated_fields_are_still_read() {
    let node: Node = decode_json(DOCS_EXAMPLE.as_bytes()).unwrap();
    assert_eq!(node.cpus[0].num_cores, Some(123));
    assert_eq!(node.gpus[0].vram_gb_max, Some(123.0));
    assert_eq!(node.ram_total, Some(123.0));
    assert_eq!(
        node.operating_system.as_ref().unwrap().brand.as_deref(),
        Some("<string>")
    );
}

#[test]
fn a_realistic_node_decodes_with_typed_values() {
    let node = decode(&realistic()).unwrap();
    assert_eq!(node.status, Some(NodeStatus::Working));
    assert_eq!(node.reputation, 87.5);
    let ipv4 = node.ipv4_address.as_ref().unwrap().value().unwrap();
    assert_eq!(ipv4.to_string(), "203.0.113.42");
    let ipv6 = node.ipv6_address.as_ref().unwrap().value().unwrap();
    assert!(ipv6.is_ipv6());
    let updated = node.updated_at.as_ref().unwrap();
    assert_eq!(updated.raw(), "2024-06-02T17:40:03.512Z");
    assert_eq!(
        updated.value().unwrap().timestamp_millis(),
        1_717_350_003_512
    );
    let hardware = node.current_hardware.as_ref().unwrap();
    assert_eq!(hardware.gpus.len(), 2);
    assert_eq!(hardware.gpus[0].name, "NVIDIA GeForce RTX 4090");
    assert_eq!(hardware.gpus[0].vram_bytes_total, 25_757_220_864);
    assert_eq!(
        hardware.memory.as_ref().unwrap().ram_bytes_total,
        68_719_476_736
    );
    assert_eq!(node.current_suspension, None);
    assert_eq!(node.suspended_at, None);
}

#[test]
fn every_documented_status_has_its_own_variant() {
    let documented = [
        ("AVAILABLE", NodeStatus::Available),
        ("ASSIGNED", NodeStatus::Assigned),
        ("PREPARING", NodeStatus::Preparing),
        ("WORKING", NodeStatus::Working),
        ("STOPPING", NodeStatus::Stopping),
        ("OFFLINE", NodeStatus::Offline),
        ("DELETED", NodeStatus::Deleted),
        ("RESOURCE_BUSY", NodeStatus::ResourceBusy),
        ("OUTDATED_CLIENT", NodeStatus::OutdatedClient),
    ];
    for (wire, variant) in documented {
        let mut node = realistic();
        node["status"] = json!(wire);
        let decoded = decode(&node).unwrap();
        assert_eq!(decoded.status.as_ref(), Some(&variant), "{wire}");
        assert!(!variant.is_unknown());
        assert_eq!(variant.to_string(), wire);
        assert_eq!(serde_json::to_value(&variant).unwrap(), json!(wire));
    }
}

#[test]
fn an_unknown_status_is_kept_and_serialised_back() {
    let mut node = realistic();
    node["status"] = json!("MAINTENANCE");
    let decoded = decode(&node).unwrap();
    let status = decoded.status.as_ref().unwrap();
    assert_eq!(status, &NodeStatus::Unknown("MAINTENANCE".to_owned()));
    assert!(status.is_unknown());
    let again = serde_json::to_value(&decoded).unwrap();
    assert_eq!(again["status"], json!("MAINTENANCE"));
    // Parsing a known value never yields Unknown, so equality stays meaningful.
    assert_eq!(
        "WORKING".parse::<NodeStatus>().unwrap(),
        NodeStatus::Working
    );
}

#[test]
fn unknown_object_kinds_are_kept_at_every_level() {
    let mut node = realistic();
    node["object"] = json!("node_v2");
    node["current_hardware"]["object"] = json!("hardware_snapshot");
    let decoded = decode(&node).unwrap();
    assert_eq!(decoded.object, NodeObject::Unknown("node_v2".to_owned()));
    let again = serde_json::to_value(&decoded).unwrap();
    assert_eq!(again["object"], json!("node_v2"));
    assert_eq!(
        again["current_hardware"]["object"],
        json!("hardware_snapshot")
    );
}

#[test]
fn unknown_fields_are_ignored() {
    let mut node = realistic();
    node["brand_new_field"] = json!({"nested": [1, 2, 3]});
    node["current_hardware"]["gpus"][0]["tensor_cores"] = json!(512);
    let decoded = decode(&node).unwrap();
    assert_eq!(decoded, decode(&realistic()).unwrap());
}

#[test]
fn every_nullable_field_takes_null() {
    let mut node = realistic();
    for field in [
        "created_at",
        "updated_at",
        "_id",
        "uuid",
        "last_seen_at",
        "ipv4_address",
        "ipv6_address",
        "mac_address",
        "operator_account_uuid",
        "suspended_at",
        "deleted_at",
    ] {
        node[field] = Value::Null;
    }
    let software = &mut node["current_software"];
    software["docker"]["version"] = Value::Null;
    software["nvidia_driver"]["version"] = Value::Null;
    software["operating_system"]["architecture"] = Value::Null;
    software["zernet_client"]["version"] = Value::Null;

    let decoded = decode(&node).unwrap();
    assert_eq!(decoded.created_at, None);
    assert_eq!(decoded.updated_at, None);
    assert_eq!(decoded.id, None);
    assert_eq!(decoded.uuid, None);
    assert_eq!(decoded.last_seen_at, None);
    assert_eq!(decoded.ipv4_address, None);
    assert_eq!(decoded.ipv6_address, None);
    assert_eq!(decoded.mac_address, None);
    assert_eq!(decoded.operator_account_uuid, None);
    assert_eq!(decoded.deleted_at, None);
    let software = decoded.current_software.unwrap();
    assert_eq!(software.docker.unwrap().version, None);
    assert_eq!(software.zernet_client.unwrap().version, None);
}

#[test]
fn optional_fields_and_objects_may_be_absent() {
    let minimal = json!({
        "name": "bare",
        "reputation": 0,
        "object": "node",
        "created_at": null,
        "updated_at": null
    });
    let decoded = decode(&minimal).unwrap();
    assert_eq!(decoded.status, None);
    assert_eq!(decoded.current_hardware, None);
    assert_eq!(decoded.ipv4_address, None);
}

#[test]
fn malformed_optional_values_keep_the_node_readable_and_the_raw_value() {
    let mut node = realistic();
    node["last_seen_at"] = json!("yesterday");
    node["ipv6_address"] = json!("fe80::1%eth0/64");
    node["current_hardware"]["created_at"] = json!("2024-13-45T99:00:00Z");
    let decoded = decode(&node).unwrap();
    let last_seen = decoded.last_seen_at.as_ref().unwrap();
    assert_eq!(last_seen.raw(), "yesterday");
    assert_eq!(last_seen.parse().unwrap_err().format(), "date-time");
    assert_eq!(
        decoded.ipv6_address.as_ref().unwrap().raw(),
        "fe80::1%eth0/64"
    );
    let again = serde_json::to_value(&decoded).unwrap();
    assert_eq!(again["last_seen_at"], json!("yesterday"));
    assert_eq!(
        again["current_hardware"]["created_at"],
        json!("2024-13-45T99:00:00Z")
    );
}

#[test]
fn reputation_outside_the_documented_range_is_kept_as_sent() {
    let mut node = realistic();
    node["reputation"] = json!(250);
    assert_eq!(decode(&node).unwrap().reputation, 250.0);
}

#[test]
fn a_wrong_type_names_its_path() {
    let mut node = realistic();
    node["reputation"] = json!("high");
    let error = decode(&node).unwrap_err();
    assert_eq!(error.path(), "reputation");
    assert_eq!(error.category(), Category::Data);
    assert!(
        error.message().starts_with("invalid type: string \"high\""),
        "{error}"
    );

    let mut node = realistic();
    node["current_hardware"]["gpus"][1]["name"] = json!(4090);
    let error = decode(&node).unwrap_err();
    assert_eq!(error.path(), "current_hardware.gpus[1].name");
    assert!(
        error
            .to_string()
            .starts_with("current_hardware.gpus[1].name: invalid type: integer `4090`"),
        "{error}"
    );
}

#[test]
fn a_wrong_type_inside_a_lenient_field_still_fails_with_its_path() {
    let mut node = realistic();
    node["ipv4_address"] = json!(3_405_803_786_u32);
    let error = decode(&node).unwrap_err();
    assert_eq!(error.path(), "ipv4_address");

    let mut node = realistic();
    node["status"] = json!(3);
    assert_eq!(decode(&node).unwrap_err().path(), "status");
}

#[test]
fn a_missing_required_field_names_the_field() {
    let mut node = realistic();
    node["current_hardware"]["gpus"][0]
        .as_object_mut()
        .unwrap()
        .remove("name");
    let error = decode(&node).unwrap_err();
    assert_eq!(error.path(), "current_hardware.gpus[0].name");
    assert_eq!(error.message(), "missing field `name`");

    let mut node = realistic();
    node.as_object_mut().unwrap().remove("reputation");
    assert_eq!(decode(&node).unwrap_err().path(), "reputation");

    // Required and nullable: null is fine (above), absence is not.
    let mut node = realistic();
    node.as_object_mut().unwrap().remove("created_at");
    assert_eq!(decode(&node).unwrap_err().path(), "created_at");
}

#[test]
fn a_null_in_a_required_non_nullable_field_fails() {
    let mut node = realistic();
    node["name"] = Value::Null;
    let error = decode(&node).unwrap_err();
    assert_eq!(error.path(), "name");
    assert!(error.message().starts_with("invalid type: null"), "{error}");
}

#[test]
fn syntax_errors_have_a_position_and_no_path() {
    let error = decode_json::<Node>(b"{\n  \"name\": \"x\",\n  \"reputation\": 5").unwrap_err();
    assert_eq!(error.category(), Category::Syntax);
    assert_eq!(error.line(), 3);
    assert_eq!(error.message(), "EOF while parsing an object");

    let error = decode_json::<Node>(b"<html>502 Bad Gateway</html>").unwrap_err();
    assert_eq!(error.path(), "");
    assert_eq!(error.category(), Category::Syntax);
}

#[test]
fn trailing_bytes_after_the_document_fail() {
    let mut bytes = REALISTIC.as_bytes().to_vec();
    bytes.extend_from_slice(b"\n{}");
    let error = decode_json::<Node>(&bytes).unwrap_err();
    assert_eq!(error.message(), "trailing characters");
}

#[test]
fn decoding_then_encoding_keeps_every_value() {
    for fixture in [DOCS_EXAMPLE, REALISTIC] {
        let original: Value = serde_json::from_str(fixture).unwrap();
        let node: Node = decode_json(fixture.as_bytes()).unwrap();
        let encoded = serde_json::to_value(&node).unwrap();
        // The model writes absent and null optionals, and empty arrays, by omission, and all
        // `number`s as floats; nothing else may differ.
        assert_eq!(normalise(&encoded), normalise(&original));
        let again: Node = serde_json::from_value(encoded).unwrap();
        assert_eq!(again, node);
    }
}

/// Drops nulls and empty arrays from objects and reads every number as f64.
fn normalise(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
                .map(|(k, v)| (k.clone(), normalise(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalise).collect()),
        Value::Number(number) => json!(number.as_f64().unwrap()),
        other => other.clone(),
    }
}
