//! Rewrites progenitor's output to add what it lacks:
//! - every string enum that can arrive in a response gets `Unknown(String)`, which keeps a value
//!   the spec does not list and serialises back to the same string (so a new status upstream
//!   never makes a node unreadable);
//! - deprecated schemas and properties get `#[deprecated(note = ...)]` (on the model field and
//!   on its builder setter);
//! - a formatted string that escaped the lenient conversions (so would decode strictly) stops the
//!   build at its property;
//! - structs and open enums are `#[non_exhaustive]`, so a new response field or enum value is a
//!   minor release (users build structs with their builders).
//!
//! Every fact from the spec must find its item in the generated code; a miss stops the build
//! with the spec pointer, so a generator change cannot silently drop a guarantee.

use quote::{format_ident, quote};
use syn::{Attribute, Fields, Item, ItemEnum, ItemMod, Meta};

use crate::spec_check::{Located, SpecFacts};

pub fn rewrite(mut file: syn::File, facts: &SpecFacts) -> Result<syn::File, Located> {
    let types = find_module_mut(&mut file.items, "types").ok_or_else(|| Located {
        pointer: None,
        message: "progenitor's output has no `types` module".to_owned(),
    })?;
    let items = &mut types.content.as_mut().expect("an inline module").1;

    for (name, pointer) in &facts.response_enums {
        open_enum(items, name).map_err(|message| Located {
            pointer: Some(pointer.clone()),
            message,
        })?;
    }
    mark_deprecated(items, facts)?;
    refuse_strict_strings(items)?;
    mark_non_exhaustive(items, facts);
    Ok(file)
}

/// `#[non_exhaustive]` on every generated struct with named fields and on the open enums, so a
/// new response field or enum value is a minor release, not a major one (the semver verdicts of
/// `cargo xtask spec check`). Users build structs with their builders (`types::Node::builder()`).
fn mark_non_exhaustive(items: &mut [Item], facts: &SpecFacts) {
    for item in items {
        let attrs = match item {
            Item::Struct(item) if matches!(item.fields, Fields::Named(_)) => &mut item.attrs,
            Item::Enum(item) if facts.response_enums.contains_key(&item.ident.to_string()) => {
                &mut item.attrs
            }
            _ => continue,
        };
        attrs.push(syn::parse_quote!(#[non_exhaustive]));
    }
}

/// Rust types typify uses for formatted strings; each rejects a whole node over one bad value.
const STRICT_STRING_TYPES: [&str; 6] = [
    "IpAddr",
    "Ipv4Addr",
    "Ipv6Addr",
    "DateTime",
    "NaiveDate",
    "Uuid",
];

/// Every formatted string must have been turned into a lenient type by a `with_conversion`;
/// a schema that escaped it (another format, or extra keywords that defeat the exact-match
/// conversion) is reported at its property instead of silently decoding strictly.
fn refuse_strict_strings(items: &[Item]) -> Result<(), Located> {
    for item in items {
        let Item::Struct(item) = item else { continue };
        for field in &item.fields {
            let ty = quote::ToTokens::to_token_stream(&field.ty).to_string();
            let strict = STRICT_STRING_TYPES.iter().find(|name| {
                ty.split(|c: char| !c.is_alphanumeric())
                    .any(|part| part == **name)
            });
            if let Some(strict) = strict {
                let mut pointer = format!("/components/schemas/{}/properties/", item.ident);
                pointer.push_str(&wire_name(field).replace('~', "~0").replace('/', "~1"));
                return Err(Located {
                    pointer: Some(pointer),
                    message: format!(
                        "this string became a strict `{strict}`, so one malformed value would \
                         make the whole response unreadable; build.rs decodes formatted strings \
                         leniently only for `type: string` + `format` (ip, ipv4, ipv6, date-time) \
                         with no other keywords: remove them, or add a with_conversion in build.rs"
                    ),
                });
            }
        }
    }
    Ok(())
}

fn find_module_mut<'a>(items: &'a mut [Item], name: &str) -> Option<&'a mut ItemMod> {
    items.iter_mut().find_map(|item| match item {
        Item::Mod(module) if module.ident == name && module.content.is_some() => Some(module),
        _ => None,
    })
}

/// Adds the catch-all variant to enum `name` and replaces its conversions and serde impls with
/// ones that accept any string.
fn open_enum(items: &mut Vec<Item>, name: &str) -> Result<(), String> {
    let position = items
        .iter()
        .position(|item| matches!(item, Item::Enum(e) if e.ident == name))
        .ok_or_else(|| format!("build.rs found no generated enum `{name}` to add `Unknown` to"))?;
    let Item::Enum(item) = &mut items[position] else {
        unreachable!("position matched an enum")
    };
    let known = known_variants(item)?;
    drop_derives(
        &mut item.attrs,
        &["Copy", "Serialize", "Deserialize", "JsonSchema"],
    );
    item.variants.push(syn::parse_quote! {
        /// A value this client does not know yet, kept verbatim; it serialises back unchanged.
        Unknown(::std::string::String)
    });

    // typify's Display/FromStr/TryFrom reject unknown values; ours never do.
    items.retain(|item| !is_trait_impl_for(item, name));

    let ident = format_ident!("{name}");
    let idents: Vec<_> = known.iter().map(|(ident, _)| ident).collect();
    let wires: Vec<_> = known.iter().map(|(_, wire)| wire).collect();
    let doc_values = wires
        .iter()
        .map(|wire| format!("`{wire}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let schema_description =
        format!("One of {doc_values}, or any other string (kept as `Unknown`).");
    let generated: syn::File = syn::parse2(quote! {
        impl #ident {
            /// The value exactly as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #wires,)*
                    Self::Unknown(value) => value.as_str(),
                }
            }

            /// Whether this is a value the spec does not list.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
        }
        impl ::std::fmt::Display for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for #ident {
            type Err = ::std::convert::Infallible;
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }
        impl ::std::convert::From<&str> for #ident {
            fn from(value: &str) -> Self {
                match value {
                    #(#wires => Self::#idents,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }
        impl ::std::convert::From<::std::string::String> for #ident {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#wires => Self::#idents,)*
                    _ => Self::Unknown(value),
                }
            }
        }
        impl ::std::convert::From<#ident> for ::std::string::String {
            fn from(value: #ident) -> Self {
                match value {
                    #ident::Unknown(value) => value,
                    known => known.as_str().to_owned(),
                }
            }
        }
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)
                    .map(Self::from)
            }
        }
        impl ::schemars::JsonSchema for #ident {
            fn schema_name() -> ::std::string::String {
                #name.to_owned()
            }
            fn json_schema(
                _: &mut ::schemars::gen::SchemaGenerator,
            ) -> ::schemars::schema::Schema {
                ::schemars::schema::SchemaObject {
                    instance_type: Some(::schemars::schema::InstanceType::String.into()),
                    metadata: Some(Box::new(::schemars::schema::Metadata {
                        description: Some(#schema_description.to_owned()),
                        examples: vec![#(::serde_json::Value::from(#wires)),*],
                        ..Default::default()
                    })),
                    ..Default::default()
                }
                .into()
            }
        }
    })
    .map_err(|error| format!("build.rs produced unparsable code for `{name}`: {error}"))?;
    items.extend(generated.items);
    Ok(())
}

/// (variant, wire string) of every unit variant; the wire string is the serde rename if any.
fn known_variants(item: &mut ItemEnum) -> Result<Vec<(syn::Ident, String)>, String> {
    let mut known = Vec::new();
    for variant in &mut item.variants {
        if !matches!(variant.fields, Fields::Unit) {
            return Err(format!(
                "variant `{}::{}` carries data; only string enums can get a catch-all",
                item.ident, variant.ident
            ));
        }
        let wire = serde_rename(&variant.attrs).unwrap_or_else(|| variant.ident.to_string());
        // Without the serde derive these helper attributes would not compile.
        variant.attrs.retain(|attr| !attr.path().is_ident("serde"));
        known.push((variant.ident.clone(), wire));
    }
    Ok(known)
}

/// The `rename = "..."` of a `#[serde(...)]` attribute, if any.
fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    let mut rename = None;
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                rename = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                // Skip the value of any other `key = value` entry.
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    rename
}

/// Removes the named traits (matched by last path segment) from `#[derive(...)]`.
fn drop_derives(attrs: &mut [Attribute], unwanted: &[&str]) {
    for attr in attrs.iter_mut() {
        let Meta::List(list) = &attr.meta else {
            continue;
        };
        if !list.path.is_ident("derive") {
            continue;
        }
        let Ok(paths) = list.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) else {
            continue;
        };
        let kept = paths.into_iter().filter(|path| {
            let last = path
                .segments
                .last()
                .map(|segment| segment.ident.to_string());
            !last.is_some_and(|last| unwanted.contains(&last.as_str()))
        });
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}

/// Whether `item` is `impl SomeTrait for <name>`.
fn is_trait_impl_for(item: &Item, name: &str) -> bool {
    let Item::Impl(item) = item else {
        return false;
    };
    item.trait_.is_some()
        && matches!(&*item.self_ty, syn::Type::Path(path) if path.qself.is_none() && path.path.is_ident(name))
}

/// Puts `#[deprecated]` on deprecated schemas, properties and their builder setters.
fn mark_deprecated(items: &mut [Item], facts: &SpecFacts) -> Result<(), Located> {
    // (schema, Rust field name, note) of every deprecated field found.
    let mut marked: Vec<(String, syn::Ident, &str)> = Vec::new();
    for item in items.iter_mut() {
        let Item::Struct(item) = item else { continue };
        let name = item.ident.to_string();
        if let Some((_, note)) = facts.deprecated_schemas.get(&name) {
            item.attrs.push(deprecated(note));
        }
        let Fields::Named(fields) = &mut item.fields else {
            continue;
        };
        for field in &mut fields.named {
            let key = (name.clone(), wire_name(field));
            if let Some((_, note)) = facts.deprecated_properties.get(&key) {
                field.attrs.push(deprecated(note));
                if let Some(ident) = &field.ident {
                    marked.push((name.clone(), ident.clone(), note));
                }
            }
        }
    }
    for ((schema, property), (pointer, _)) in &facts.deprecated_properties {
        let found = marked.iter().any(|(marked_schema, ident, _)| {
            marked_schema == schema
                && property_of(items, schema, ident).as_deref() == Some(property)
        });
        if !found {
            return Err(Located {
                pointer: Some(pointer.clone()),
                message: "build.rs found no generated field for this deprecated property"
                    .to_owned(),
            });
        }
    }
    for (name, (pointer, _)) in &facts.deprecated_schemas {
        let exists = items
            .iter()
            .any(|item| matches!(item, Item::Struct(s) if s.ident == name));
        if !exists {
            return Err(Located {
                pointer: Some(pointer.clone()),
                message: format!("build.rs found no generated struct `{name}` to deprecate"),
            });
        }
    }

    // Builder setters: `impl <Schema> { pub fn <field>(...) }` inside `mod builder`.
    if let Some(builder) = find_module_mut(items, "builder") {
        let builder_items = &mut builder.content.as_mut().expect("an inline module").1;
        for (schema, field, note) in &marked {
            mark_builder_setter(builder_items, schema, field, note);
        }
    }
    Ok(())
}

/// The wire name of field `ident` of struct `schema`.
fn property_of(items: &[Item], schema: &str, ident: &syn::Ident) -> Option<String> {
    items.iter().find_map(|item| match item {
        Item::Struct(s) if s.ident == schema => s
            .fields
            .iter()
            .find(|field| field.ident.as_ref() == Some(ident))
            .map(wire_name),
        _ => None,
    })
}

fn mark_builder_setter(items: &mut [Item], schema: &str, setter: &syn::Ident, note: &str) {
    for item in items.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let is_schema_impl = block.trait_.is_none()
            && matches!(&*block.self_ty, syn::Type::Path(path) if path.path.is_ident(schema));
        if !is_schema_impl {
            continue;
        }
        for impl_item in &mut block.items {
            if let syn::ImplItem::Fn(method) = impl_item {
                if method.sig.ident == *setter {
                    method.attrs.push(deprecated(note));
                }
            }
        }
    }
}

/// The property name on the wire: the serde rename, or the field's own name.
fn wire_name(field: &syn::Field) -> String {
    serde_rename(&field.attrs).unwrap_or_else(|| {
        field
            .ident
            .as_ref()
            .map(|ident| ident.to_string().trim_start_matches("r#").to_owned())
            .unwrap_or_default()
    })
}

fn deprecated(note: &str) -> Attribute {
    syn::parse_quote!(#[deprecated(note = #note)])
}
