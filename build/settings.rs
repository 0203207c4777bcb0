//! The progenitor settings, in one place: build.rs uses them, and tests/build_script.rs runs the
//! same pipeline with them. Other modules' needs (hooks, inner type) go here too.

use progenitor::{GenerationSettings, InterfaceStyle, TypeImpl};

/// The generator settings.
pub fn settings() -> GenerationSettings {
    let mut settings = GenerationSettings::new();
    settings
        .with_interface(InterfaceStyle::Builder)
        // Signing, timeouts, size cap and retries live in the `exec` hook (src/transport.rs);
        // `Expected` makes a missing hook impl a compile error instead of a silent no-op.
        .with_inner_type(quote::quote!(crate::transport::Transport))
        .with_hooks(progenitor::HooksMode::Expected)
        .with_derive("PartialEq")
        .with_derive("schemars::JsonSchema")
        // Keep the raw string of IPs and timestamps; see src/lenient.rs.
        .with_conversion(
            string_format("ip"),
            "crate::lenient::LenientIpAddr",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        )
        .with_conversion(
            string_format("ipv4"),
            "crate::lenient::LenientIpv4Addr",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        )
        .with_conversion(
            string_format("ipv6"),
            "crate::lenient::LenientIpv6Addr",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        )
        .with_conversion(
            string_format("date-time"),
            "crate::lenient::LenientDateTime",
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    settings
}

/// The schema progenitor hands to typify for `{type: string, format: <format>}`.
fn string_format(format: &str) -> schemars::schema::SchemaObject {
    schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        format: Some(format.to_owned()),
        ..Default::default()
    }
}
