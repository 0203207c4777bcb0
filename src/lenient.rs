//! String values with a documented format that the API does not always honour.
//!
//! The upstream docs' own example response carries `"<string>"` in `ipv4_address` and
//! `ipv6_address`, which are documented as IP addresses. A strict decoder would reject the whole
//! node over one such value. The generated models therefore hold every `format: ip`, `ipv4`,
//! `ipv6` and `date-time` string as a [`Lenient`] value (wired in by `build.rs` with progenitor's
//! `with_conversion`): the raw string is always kept and re-serialised unchanged, and the typed
//! value is one accessor away. A value of the wrong JSON type (a number where a string belongs)
//! still fails to decode, with its JSON path.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An IP address field (`format: ip`), kept as sent.
pub type LenientIpAddr = Lenient<IpAddr>;

/// An IPv4 address field (`format: ipv4`), kept as sent.
pub type LenientIpv4Addr = Lenient<Ipv4Addr>;

/// An IPv6 address field (`format: ipv6`), kept as sent.
pub type LenientIpv6Addr = Lenient<Ipv6Addr>;

/// A timestamp field (`format: date-time`, RFC 3339), kept as sent.
pub type LenientDateTime = Lenient<DateTime<Utc>>;

/// A string from the wire together with its typed reading, if it has one.
///
/// Equality, hashing, `Display` and serialisation all use the raw string, so a value decoded and
/// encoded again is byte-for-byte what the server sent.
#[derive(Clone)]
pub struct Lenient<T> {
    raw: String,
    value: Option<T>,
}

/// A type with a canonical string form on the wire.
pub trait WireFormat: Sized {
    /// The OpenAPI `format` name, used in error messages and JSON Schema.
    const FORMAT: &'static str;

    /// Reads the wire form; `None` when `raw` is not in this format.
    fn parse_wire(raw: &str) -> Option<Self>;

    /// Writes the canonical wire form.
    fn to_wire(&self) -> String;
}

impl WireFormat for IpAddr {
    const FORMAT: &'static str = "ip";

    fn parse_wire(raw: &str) -> Option<Self> {
        raw.parse().ok()
    }

    fn to_wire(&self) -> String {
        self.to_string()
    }
}

impl WireFormat for Ipv4Addr {
    const FORMAT: &'static str = "ipv4";

    fn parse_wire(raw: &str) -> Option<Self> {
        raw.parse().ok()
    }

    fn to_wire(&self) -> String {
        self.to_string()
    }
}

impl WireFormat for Ipv6Addr {
    const FORMAT: &'static str = "ipv6";

    fn parse_wire(raw: &str) -> Option<Self> {
        raw.parse().ok()
    }

    fn to_wire(&self) -> String {
        self.to_string()
    }
}

impl WireFormat for DateTime<Utc> {
    const FORMAT: &'static str = "date-time";

    fn parse_wire(raw: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(raw)
            .ok()
            .map(|time| time.with_timezone(&Utc))
    }

    fn to_wire(&self) -> String {
        self.to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }
}

impl<T: WireFormat> Lenient<T> {
    /// Keeps `raw` and reads it as `T` if it is in `T`'s format.
    pub fn new(raw: impl Into<String>) -> Self {
        let raw = raw.into();
        let value = T::parse_wire(&raw);
        Self { raw, value }
    }

    /// The typed value, or `None` when the server sent something not in this format.
    pub fn value(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// The typed value, or an error that shows the raw string and the expected format.
    pub fn parse(&self) -> Result<&T, InvalidFormat> {
        self.value.as_ref().ok_or_else(|| InvalidFormat {
            raw: self.raw.clone(),
            format: T::FORMAT,
        })
    }

    /// Whether the raw string is in `T`'s format.
    pub fn is_valid(&self) -> bool {
        self.value.is_some()
    }
}

impl<T> Lenient<T> {
    /// The string exactly as it came over the wire.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The raw string, consuming the value.
    pub fn into_raw(self) -> String {
        self.raw
    }
}

/// A lenient value was asked for its typed reading, but the server sent something else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidFormat {
    raw: String,
    format: &'static str,
}

impl InvalidFormat {
    /// The raw string that is not in the expected format.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The OpenAPI format it was expected to have (`ip`, `date-time`).
    pub fn format(&self) -> &'static str {
        self.format
    }
}

impl fmt::Display for InvalidFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a valid {} value", self.raw, self.format)
    }
}

impl std::error::Error for InvalidFormat {}

impl<T: WireFormat> From<T> for Lenient<T> {
    fn from(value: T) -> Self {
        Self {
            raw: value.to_wire(),
            value: Some(value),
        }
    }
}

impl<T: WireFormat> FromStr for Lenient<T> {
    type Err = std::convert::Infallible;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(raw))
    }
}

impl<T: WireFormat> From<&str> for Lenient<T> {
    fn from(raw: &str) -> Self {
        Self::new(raw)
    }
}

impl<T: WireFormat> From<String> for Lenient<T> {
    fn from(raw: String) -> Self {
        Self::new(raw)
    }
}

impl<T> fmt::Display for Lenient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl<T: fmt::Debug> fmt::Debug for Lenient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(value) => f.debug_tuple("Lenient").field(value).finish(),
            None => f
                .debug_struct("Lenient")
                .field("invalid", &self.raw)
                .finish(),
        }
    }
}

impl<T> PartialEq for Lenient<T> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl<T> Eq for Lenient<T> {}

impl<T> Hash for Lenient<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}

impl<T> Serialize for Lenient<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.raw)
    }
}

impl<'de, T: WireFormat> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

impl<T: WireFormat> schemars::JsonSchema for Lenient<T> {
    fn is_referenceable() -> bool {
        false
    }

    fn schema_name() -> String {
        format!("Lenient_{}", T::FORMAT)
    }

    fn json_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
        schemars::schema::SchemaObject {
            instance_type: Some(schemars::schema::InstanceType::String.into()),
            format: Some(T::FORMAT.to_owned()),
            ..Default::default()
        }
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_a_placeholder_that_is_not_an_ip_address() {
        let address: LenientIpAddr = serde_json::from_str(r#""<string>""#).unwrap();
        assert_eq!(address.raw(), "<string>");
        assert_eq!(address.value(), None);
        assert_eq!(address.parse().unwrap_err().format(), "ip");
        assert_eq!(serde_json::to_string(&address).unwrap(), r#""<string>""#);
    }

    #[test]
    fn reads_both_ip_versions() {
        let v4 = LenientIpAddr::new("203.0.113.7");
        let v6 = LenientIpAddr::new("2001:db8::7");
        assert_eq!(v4.value(), Some(&"203.0.113.7".parse::<IpAddr>().unwrap()));
        assert!(v6.value().is_some_and(IpAddr::is_ipv6));
    }

    #[test]
    fn a_versioned_ip_field_keeps_a_value_of_the_other_version_raw() {
        assert!(LenientIpv4Addr::new("203.0.113.7").is_valid());
        let v6_in_v4 = LenientIpv4Addr::new("2001:db8::7");
        assert_eq!(v6_in_v4.value(), None);
        assert_eq!(v6_in_v4.raw(), "2001:db8::7");
        assert_eq!(
            LenientIpv6Addr::new("203.0.113.7")
                .parse()
                .unwrap_err()
                .format(),
            "ipv6"
        );
    }

    #[test]
    fn date_time_keeps_the_raw_form_and_reads_offsets() {
        let time = LenientDateTime::new("2023-11-07T06:31:56.250+01:00");
        assert_eq!(time.raw(), "2023-11-07T06:31:56.250+01:00");
        assert_eq!(time.value().unwrap().to_wire(), "2023-11-07T05:31:56.250Z");
        assert!(!LenientDateTime::new("yesterday").is_valid());
    }

    #[test]
    fn built_from_a_typed_value_writes_the_canonical_form() {
        let time = DateTime::parse_from_rfc3339("2023-11-07T05:31:56Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(LenientDateTime::from(time).raw(), "2023-11-07T05:31:56Z");
    }

    #[test]
    fn a_number_is_still_a_type_error() {
        let err = serde_json::from_str::<LenientIpAddr>("17").unwrap_err();
        assert!(err.to_string().contains("expected a string"), "{err}");
    }
}
