//! The rule catalog, as data: every finding names one of these rules.
//!
//! Two families: structural rules (paths, operations, parameters, bodies, responses, security,
//! servers) and schema rules. A schema change means different things depending on where the
//! schema sits (a removed enum value breaks a request, not a response), so each schema change
//! is a rule per *site*: `request-body-…`, `request-parameter-…`, `response-body-…`,
//! `response-header-…`. The level of each follows its direction: on the request side narrowing
//! breaks, on the response side widening does.

use std::fmt;
use std::sync::LazyLock;

/// How bad a change is for a client built for the base document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Nothing a client relies on changed.
    Info,
    /// Some clients may break.
    Warning,
    /// A client built for the base fails against the revision.
    Breaking,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Breaking => "breaking",
        }
    }

    pub fn parse(text: &str) -> Option<Level> {
        match text {
            "info" => Some(Level::Info),
            "warning" => Some(Level::Warning),
            "breaking" => Some(Level::Breaking),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which way the data flows where the change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Request,
    Response,
    None,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
            Direction::None => "none",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    pub level: Level,
    pub direction: Direction,
    pub description: String,
}

macro_rules! structural_rules {
    ($($variant:ident => $id:literal, $level:ident, $direction:ident, $description:literal;)*) => {
        /// Changes outside schemas.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Change { $($variant),* }

        const STRUCTURAL: &[(Change, &str, Level, Direction, &str)] = &[
            $((Change::$variant, $id, Level::$level, Direction::$direction, $description)),*
        ];
    };
}

structural_rules! {
    PathRemoved => "path-removed", Breaking, None, "a path was removed with all its operations";
    PathAdded => "path-added", Info, None, "a path was added";
    OperationRemoved => "operation-removed", Breaking, None, "an operation was removed from a path that remains";
    OperationAdded => "operation-added", Info, None, "an operation was added to an existing path";
    OperationDeprecated => "operation-deprecated", Warning, None, "an operation became deprecated";
    OperationUndeprecated => "operation-no-longer-deprecated", Info, None, "an operation is no longer deprecated";
    OperationIdChanged => "operation-id-changed", Warning, None, "the operationId changed (generated method names change)";
    OperationIdRemoved => "operation-id-removed", Warning, None, "the operationId was removed (generated method names change)";
    ParameterRemoved => "request-parameter-removed", Warning, Request, "a request parameter was removed";
    ParameterLocationChanged => "request-parameter-location-changed", Breaking, Request, "a request parameter moved (e.g. query to header)";
    NewRequiredParameter => "new-required-request-parameter", Breaking, Request, "a required request parameter was added";
    NewOptionalParameter => "new-optional-request-parameter", Info, Request, "an optional request parameter was added";
    ParameterBecameRequired => "request-parameter-became-required", Breaking, Request, "a request parameter became required";
    ParameterBecameOptional => "request-parameter-became-optional", Info, Request, "a request parameter became optional";
    ParameterStyleChanged => "request-parameter-style-changed", Breaking, Request, "a request parameter's serialisation style changed";
    ParameterExplodeChanged => "request-parameter-explode-changed", Breaking, Request, "a request parameter's explode flag changed";
    ParameterDeprecated => "request-parameter-deprecated", Info, Request, "a request parameter became deprecated";
    PathParameterRenamed => "request-path-parameter-renamed", Info, Request, "a path parameter was renamed; the URL is unchanged";
    NewRequiredBody => "new-required-request-body", Breaking, Request, "a required request body was added";
    NewOptionalBody => "new-optional-request-body", Info, Request, "an optional request body was added";
    BodyRemoved => "request-body-removed", Warning, Request, "the request body was removed";
    BodyBecameRequired => "request-body-became-required", Breaking, Request, "the request body became required";
    BodyBecameOptional => "request-body-became-optional", Info, Request, "the request body became optional";
    BodyMediaTypeRemoved => "request-body-media-type-removed", Breaking, Request, "a request body media type is no longer accepted";
    BodyMediaTypeAdded => "request-body-media-type-added", Info, Request, "a request body media type was added";
    SuccessStatusRemoved => "response-success-status-removed", Breaking, Response, "a success (2xx) response was removed";
    NonSuccessStatusRemoved => "response-non-success-status-removed", Info, Response, "a non-success response was removed";
    SuccessStatusAdded => "response-success-status-added", Warning, Response, "a success (2xx) response was added: clients may not handle it";
    NonSuccessStatusAdded => "response-non-success-status-added", Info, Response, "a non-success response was added";
    ResponseMediaTypeRemoved => "response-media-type-removed", Breaking, Response, "a response media type was removed";
    ResponseMediaTypeAdded => "response-media-type-added", Info, Response, "a response media type was added";
    RequiredHeaderRemoved => "response-required-header-removed", Breaking, Response, "a required response header was removed";
    OptionalHeaderRemoved => "response-optional-header-removed", Warning, Response, "an optional response header was removed";
    HeaderBecameOptional => "response-header-became-optional", Breaking, Response, "a response header is no longer always sent";
    HeaderBecameRequired => "response-header-became-required", Info, Response, "a response header is now always sent";
    HeaderAdded => "response-header-added", Info, Response, "a response header was added";
    SecurityAdded => "operation-security-added", Breaking, Request, "an operation that needed no credentials now needs them";
    SecurityRemoved => "operation-security-removed", Info, Request, "an operation no longer needs credentials";
    SecurityRequirementRemoved => "security-requirement-removed", Breaking, Request, "a way to authenticate an operation was removed";
    SecurityRequirementAdded => "security-requirement-added", Info, Request, "another way to authenticate an operation was added";
    SecurityScopeAdded => "security-scope-added", Breaking, Request, "an operation needs an extra OAuth scope";
    SecurityScopeRemoved => "security-scope-removed", Info, Request, "an operation needs fewer OAuth scopes";
    SecuritySchemeTypeChanged => "security-scheme-type-changed", Breaking, Request, "a security scheme changed type or location";
    ServerRemoved => "server-removed", Breaking, None, "a server URL was removed";
    ServerAdded => "server-added", Info, None, "a server URL was added";
}

macro_rules! schema_rules {
    ($($variant:ident => $suffix:literal, $request:ident, $response:ident, $description:literal;)*) => {
        /// Changes inside a schema; the rule id and level also depend on the [`Site`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum SchemaChange { $($variant),* }

        const SCHEMA: &[(SchemaChange, &str, Level, Level, &str)] = &[
            $((SchemaChange::$variant, $suffix, Level::$request, Level::$response, $description)),*
        ];
    };
}

schema_rules! {
    TypeChanged => "type-changed", Breaking, Breaking, "type changed to an incompatible one";
    TypeWidened => "type-widened", Info, Breaking, "type accepts more (a type added or dropped, integer to number)";
    TypeNarrowed => "type-narrowed", Breaking, Info, "type accepts less (a type removed or newly set)";
    FormatChanged => "format-changed", Breaking, Breaking, "format changed";
    FormatAdded => "format-added", Breaking, Info, "a format was set";
    FormatRemoved => "format-removed", Info, Warning, "the format was dropped";
    BecameNullable => "became-nullable", Info, Breaking, "null became allowed";
    BecameNotNullable => "became-not-nullable", Breaking, Info, "null is no longer allowed";
    EnumValueAdded => "enum-value-added", Info, Warning, "an enum value was added";
    EnumValueRemoved => "enum-value-removed", Breaking, Info, "an enum value was removed";
    EnumAdded => "enum-constraint-added", Breaking, Info, "values are now restricted to an enum";
    EnumRemoved => "enum-constraint-removed", Info, Warning, "values are no longer restricted to an enum";
    NewRequiredProperty => "new-required-property", Breaking, Info, "a required property was added";
    NewOptionalProperty => "new-optional-property", Info, Info, "an optional property was added";
    RequiredPropertyRemoved => "required-property-removed", Warning, Breaking, "a required property was removed";
    OptionalPropertyRemoved => "optional-property-removed", Warning, Warning, "an optional property was removed";
    PropertyBecameRequired => "property-became-required", Breaking, Info, "a property became required";
    PropertyBecameOptional => "property-became-optional", Info, Breaking, "a property became optional";
    MaxDecreased => "max-decreased", Breaking, Info, "maximum lowered or set";
    MaxIncreased => "max-increased", Info, Breaking, "maximum raised or dropped";
    MinIncreased => "min-increased", Breaking, Info, "minimum raised or set";
    MinDecreased => "min-decreased", Info, Breaking, "minimum lowered or dropped";
    MaxLengthDecreased => "max-length-decreased", Breaking, Info, "maxLength lowered or set";
    MaxLengthIncreased => "max-length-increased", Info, Breaking, "maxLength raised or dropped";
    MinLengthIncreased => "min-length-increased", Breaking, Info, "minLength raised or set";
    MinLengthDecreased => "min-length-decreased", Info, Breaking, "minLength lowered or dropped";
    MaxItemsDecreased => "max-items-decreased", Breaking, Info, "maxItems lowered or set";
    MaxItemsIncreased => "max-items-increased", Info, Breaking, "maxItems raised or dropped";
    MinItemsIncreased => "min-items-increased", Breaking, Info, "minItems raised or set";
    MinItemsDecreased => "min-items-decreased", Info, Breaking, "minItems lowered or dropped";
    UniqueItemsAdded => "unique-items-added", Breaking, Info, "items must now be unique";
    UniqueItemsRemoved => "unique-items-removed", Info, Breaking, "items no longer need to be unique";
    MultipleOfChanged => "multiple-of-changed", Breaking, Breaking, "multipleOf changed";
    PatternAdded => "pattern-added", Breaking, Info, "a pattern was set";
    PatternRemoved => "pattern-removed", Info, Warning, "the pattern was dropped";
    PatternChanged => "pattern-changed", Breaking, Warning, "the pattern changed";
    BecameReadOnly => "became-read-only", Warning, Info, "became readOnly: no longer sent in requests";
    NoLongerReadOnly => "no-longer-read-only", Info, Info, "is no longer readOnly";
    BecameWriteOnly => "became-write-only", Info, Breaking, "became writeOnly: no longer returned in responses";
    NoLongerWriteOnly => "no-longer-write-only", Info, Info, "is no longer writeOnly";
    DefaultAdded => "default-added", Info, Info, "a default value was set";
    DefaultRemoved => "default-removed", Warning, Info, "the default value was dropped";
    DefaultChanged => "default-changed", Warning, Info, "the default value changed";
    BecameDeprecated => "became-deprecated", Info, Info, "became deprecated";
    AdditionalPropertiesNarrowed => "additional-properties-narrowed", Breaking, Info, "additional properties are no longer allowed";
    AdditionalPropertiesWidened => "additional-properties-widened", Info, Warning, "additional properties became allowed";
    OneOfAdded => "one-of-added", Info, Breaking, "a oneOf alternative was added";
    OneOfRemoved => "one-of-removed", Breaking, Info, "a oneOf alternative was removed";
    AnyOfAdded => "any-of-added", Info, Breaking, "an anyOf alternative was added";
    AnyOfRemoved => "any-of-removed", Breaking, Info, "an anyOf alternative was removed";
    DiscriminatorPropertyChanged => "discriminator-property-changed", Breaking, Breaking, "the discriminator property changed";
    DiscriminatorMappingRemoved => "discriminator-mapping-removed", Breaking, Info, "a discriminator mapping entry was removed";
    DiscriminatorMappingAdded => "discriminator-mapping-added", Info, Warning, "a discriminator mapping entry was added";
}

/// Where a schema sits; decides the rule id prefix and the direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Site {
    RequestBody,
    RequestParameter,
    ResponseBody,
    ResponseHeader,
}

impl Site {
    pub const ALL: [Site; 4] = [
        Site::RequestBody,
        Site::RequestParameter,
        Site::ResponseBody,
        Site::ResponseHeader,
    ];

    pub fn prefix(self) -> &'static str {
        match self {
            Site::RequestBody => "request-body",
            Site::RequestParameter => "request-parameter",
            Site::ResponseBody => "response-body",
            Site::ResponseHeader => "response-header",
        }
    }

    pub fn direction(self) -> Direction {
        match self {
            Site::RequestBody | Site::RequestParameter => Direction::Request,
            Site::ResponseBody | Site::ResponseHeader => Direction::Response,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Site::RequestBody => "request body",
            Site::RequestParameter => "request parameter",
            Site::ResponseBody => "response body",
            Site::ResponseHeader => "response header",
        }
    }
}

/// Every rule: structural ones first, then schema rules site by site.
pub static CATALOG: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    let mut rules: Vec<Rule> = STRUCTURAL
        .iter()
        .map(|(_, id, level, direction, description)| Rule {
            id: (*id).to_string(),
            level: *level,
            direction: *direction,
            description: (*description).to_string(),
        })
        .collect();
    for site in Site::ALL {
        for (_, suffix, request, response, description) in SCHEMA {
            let direction = site.direction();
            rules.push(Rule {
                id: format!("{}-{suffix}", site.prefix()),
                level: if direction == Direction::Request {
                    *request
                } else {
                    *response
                },
                direction,
                description: format!("{}: {description}", site.noun()),
            });
        }
    }
    rules
});

/// The rule for a structural change.
pub fn structural(change: Change) -> &'static Rule {
    &CATALOG[change as usize]
}

/// The rule for a schema change at a site.
pub fn schema(site: Site, change: SchemaChange) -> &'static Rule {
    let site_index = Site::ALL.iter().position(|s| *s == site).unwrap_or(0);
    &CATALOG[STRUCTURAL.len() + site_index * SCHEMA.len() + change as usize]
}

/// Look a rule up by id.
pub fn find(id: &str) -> Option<&'static Rule> {
    CATALOG.iter().find(|rule| rule.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_in_enum_order_so_lookups_by_index_hold() {
        for (index, (change, ..)) in STRUCTURAL.iter().enumerate() {
            assert_eq!(*change as usize, index);
        }
        for (index, (change, ..)) in SCHEMA.iter().enumerate() {
            assert_eq!(*change as usize, index);
        }
        assert_eq!(
            schema(Site::ResponseHeader, SchemaChange::TypeChanged).id,
            "response-header-type-changed"
        );
        assert_eq!(structural(Change::ServerAdded).id, "server-added");
    }

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut ids: Vec<&str> = CATALOG.iter().map(|r| r.id.as_str()).collect();
        assert!(ids
            .iter()
            .all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c == '-')));
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before);
    }
}
