//! Walk both documents side by side: servers, paths, operations, parameters, request bodies,
//! responses and security. Schemas met on the way become root pairs of the [`SchemaGraph`];
//! once every pair is compared, each operation collects the schema findings it reaches.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::load::DiffError;
use super::resolve::{DocumentSet, Loc};
use super::rules::{self, Change, Site};
use super::schema::{PairId, SchemaGraph};
use super::Finding;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Compare two resolved documents into (unsorted) findings.
pub fn compare(base: &DocumentSet, revision: &DocumentSet) -> Result<Vec<Finding>, DiffError> {
    let mut walker = Walker {
        base,
        revision,
        graph: SchemaGraph::new(base, revision),
        findings: Vec::new(),
        roots: Vec::new(),
    };
    let (b, r) = (base.root(), revision.root());
    walker.servers(&b, &r, "", Change::ServerRemoved, Change::ServerAdded);
    walker.security_schemes(&b, &r)?;
    walker.paths(&b, &r)?;
    walker.graph.run()?;
    let Walker {
        graph,
        mut findings,
        roots,
        ..
    } = walker;
    for root in roots {
        for found in graph.findings_from(root.pair) {
            let rule = rules::schema(root.site, found.change);
            findings.push(Finding {
                operation: root.operation.clone(),
                id: &rule.id,
                level: rule.level,
                direction: rule.direction,
                base_pointer: found.base_pointer.clone(),
                revision_pointer: found.revision_pointer.clone(),
                message: match subject(&found.revision_pointer, &found.message) {
                    Some(property) => {
                        format!("{}: property `{property}`: {}", root.context, found.message)
                    }
                    None => format!("{}: {}", root.context, found.message),
                },
            });
        }
    }
    Ok(findings)
}

/// The property a schema finding is about, from its pointer, when the message does not name it.
fn subject(pointer: &str, message: &str) -> Option<String> {
    if message.contains("property `") {
        return None;
    }
    let (_, rest) = pointer.rsplit_once("/properties/")?;
    let name = rest.split('/').next()?;
    Some(name.replace("~1", "/").replace("~0", "~"))
}

/// A schema pair at the top of a request or response part of an operation.
struct Root {
    operation: String,
    site: Site,
    /// What the schema belongs to, e.g. `response 200 application/json`.
    context: String,
    pair: PairId,
}

struct Walker<'a> {
    base: &'a DocumentSet,
    revision: &'a DocumentSet,
    graph: SchemaGraph<'a>,
    findings: Vec<Finding>,
    roots: Vec<Root>,
}

/// A keyed set of children (`paths`, `responses`, media types...), in a stable order.
fn entries<'a>(parent: &Loc<'a>, key: &str) -> BTreeMap<String, Loc<'a>> {
    let mut out = BTreeMap::new();
    if let Some(container) = parent.child(key) {
        if let Value::Object(map) = container.value {
            for name in map.keys() {
                if let Some(child) = container.child(name) {
                    out.insert(name.clone(), child);
                }
            }
        }
    }
    out
}

/// `/users/{id}` and `/users/{user_id}` are the same URL template.
fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("{}");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

fn path_parameter_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect()
}

/// Parameter identity: path parameters by position in the template (so a rename is a rename),
/// headers case-insensitively, others by location and name.
fn parameter_key(location: &str, name: &str, path_names: &[&str]) -> String {
    match location {
        "path" => match path_names.iter().position(|n| *n == name) {
            Some(index) => format!("path#{index}"),
            None => format!("path:{name}"),
        },
        "header" => format!("header:{}", name.to_ascii_lowercase()),
        _ => format!("{location}:{name}"),
    }
}

/// Media types compare without parameters and case.
fn media_key(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or(media)
        .trim()
        .to_ascii_lowercase()
}

struct Parameter<'a> {
    loc: Loc<'a>,
    name: String,
    location: String,
}

impl<'a> Walker<'a> {
    fn push(
        &mut self,
        change: Change,
        operation: &str,
        base_pointer: String,
        revision_pointer: String,
        message: String,
    ) {
        let rule = rules::structural(change);
        self.findings.push(Finding {
            operation: operation.to_string(),
            id: &rule.id,
            level: rule.level,
            direction: rule.direction,
            base_pointer,
            revision_pointer,
            message,
        });
    }

    fn root(
        &mut self,
        operation: &str,
        site: Site,
        context: String,
        base: Loc<'a>,
        revision: Loc<'a>,
    ) -> Result<(), DiffError> {
        let pair = self.graph.pair(base, revision, site.direction())?;
        self.roots.push(Root {
            operation: operation.to_string(),
            site,
            context,
            pair,
        });
        Ok(())
    }

    fn servers(
        &mut self,
        b: &Loc<'a>,
        r: &Loc<'a>,
        operation: &str,
        removed: Change,
        added: Change,
    ) {
        let urls = |loc: &Loc<'a>| -> BTreeMap<String, String> {
            let mut out = BTreeMap::new();
            if let Some(Value::Array(servers)) = loc.get("servers") {
                for (i, server) in servers.iter().enumerate() {
                    if let Some(url) = server.get("url").and_then(Value::as_str) {
                        out.entry(url.trim_end_matches('/').to_string())
                            .or_insert_with(|| loc.pointer_to("servers") + &format!("/{i}"));
                    }
                }
            }
            out
        };
        let (base_urls, revision_urls) = (urls(b), urls(r));
        for (url, pointer) in &base_urls {
            if !revision_urls.contains_key(url) {
                self.push(
                    removed,
                    operation,
                    pointer.clone(),
                    r.pointer_to("servers"),
                    format!("server `{url}` removed"),
                );
            }
        }
        for (url, pointer) in &revision_urls {
            if !base_urls.contains_key(url) {
                self.push(
                    added,
                    operation,
                    b.pointer_to("servers"),
                    pointer.clone(),
                    format!("server `{url}` added"),
                );
            }
        }
    }

    fn security_schemes(&mut self, b: &Loc<'a>, r: &Loc<'a>) -> Result<(), DiffError> {
        let schemes = |root: &Loc<'a>| {
            root.child("components")
                .map(|c| entries(&c, "securitySchemes"))
                .unwrap_or_default()
        };
        let revision_schemes = schemes(r);
        for (name, base_scheme) in schemes(b) {
            let Some(revision_scheme) = revision_schemes.get(&name) else {
                continue;
            };
            let base_scheme = self.base.deref(base_scheme)?;
            let revision_scheme = self.revision.deref(revision_scheme.clone())?;
            let signature = |s: &Loc<'_>| {
                ["type", "scheme", "in", "name"]
                    .map(|k| s.str(k).unwrap_or_default().to_ascii_lowercase())
            };
            if signature(&base_scheme) != signature(&revision_scheme) {
                self.push(
                    Change::SecuritySchemeTypeChanged,
                    "",
                    base_scheme.ptr(),
                    revision_scheme.ptr(),
                    format!("security scheme `{name}` changed how credentials are sent"),
                );
            }
        }
        Ok(())
    }

    fn paths(&mut self, b: &Loc<'a>, r: &Loc<'a>) -> Result<(), DiffError> {
        let by_template = |root: &Loc<'a>| -> BTreeMap<String, (String, Loc<'a>)> {
            entries(root, "paths")
                .into_iter()
                .map(|(path, item)| (normalize_path(&path), (path, item)))
                .collect()
        };
        let base_paths = by_template(b);
        let revision_paths = by_template(r);
        for (template, (path, item)) in &base_paths {
            if revision_paths.contains_key(template) {
                continue;
            }
            let item = self.base.deref(item.clone())?;
            for method in METHODS {
                if item.get(method).is_some() {
                    self.push(
                        Change::PathRemoved,
                        &format!("{} {path}", method.to_uppercase()),
                        item.pointer_to(method),
                        r.pointer_to("paths"),
                        format!("path `{path}` removed"),
                    );
                }
            }
        }
        for (template, (path, revision_item)) in &revision_paths {
            let revision_item = self.revision.deref(revision_item.clone())?;
            let Some((base_path, base_item)) = base_paths.get(template) else {
                for method in METHODS {
                    if revision_item.get(method).is_some() {
                        self.push(
                            Change::PathAdded,
                            &format!("{} {path}", method.to_uppercase()),
                            b.pointer_to("paths"),
                            revision_item.pointer_to(method),
                            format!("path `{path}` added"),
                        );
                    }
                }
                continue;
            };
            let base_item = self.base.deref(base_item.clone())?;
            for method in METHODS {
                let operation = format!("{} {path}", method.to_uppercase());
                match (base_item.child(method), revision_item.child(method)) {
                    (Some(_), None) => self.push(
                        Change::OperationRemoved,
                        &operation,
                        base_item.pointer_to(method),
                        revision_item.ptr(),
                        format!("operation `{operation}` removed"),
                    ),
                    (None, Some(revision_op)) => self.push(
                        Change::OperationAdded,
                        &operation,
                        base_item.ptr(),
                        revision_op.ptr(),
                        format!("operation `{operation}` added"),
                    ),
                    (Some(base_op), Some(revision_op)) => {
                        let sides = Sides {
                            base_item: base_item.clone(),
                            revision_item: revision_item.clone(),
                            base_op,
                            revision_op,
                            base_path: base_path.clone(),
                            revision_path: path.clone(),
                        };
                        self.operation(&operation, &sides, b, r)?;
                    }
                    (None, None) => {}
                }
            }
        }
        Ok(())
    }

    fn operation(
        &mut self,
        operation: &str,
        sides: &Sides<'a>,
        b_root: &Loc<'a>,
        r_root: &Loc<'a>,
    ) -> Result<(), DiffError> {
        let (b, r) = (&sides.base_op, &sides.revision_op);
        match (b.flag("deprecated"), r.flag("deprecated")) {
            (false, true) => self.push(
                Change::OperationDeprecated,
                operation,
                b.ptr(),
                r.pointer_to("deprecated"),
                "operation deprecated".into(),
            ),
            (true, false) => self.push(
                Change::OperationUndeprecated,
                operation,
                b.pointer_to("deprecated"),
                r.ptr(),
                "operation no longer deprecated".into(),
            ),
            _ => {}
        }
        match (b.str("operationId"), r.str("operationId")) {
            (Some(x), Some(y)) if x != y => self.push(
                Change::OperationIdChanged,
                operation,
                b.pointer_to("operationId"),
                r.pointer_to("operationId"),
                format!("operationId changed from `{x}` to `{y}`"),
            ),
            (Some(x), None) => self.push(
                Change::OperationIdRemoved,
                operation,
                b.pointer_to("operationId"),
                r.ptr(),
                format!("operationId `{x}` removed"),
            ),
            _ => {}
        }
        self.parameters(operation, sides)?;
        self.request_body(operation, b, r)?;
        self.responses(operation, b, r)?;
        self.security(operation, b, r, b_root, r_root);
        let has_own = |item: &Loc<'a>, op: &Loc<'a>| {
            item.get("servers").is_some() || op.get("servers").is_some()
        };
        if has_own(&sides.base_item, b) || has_own(&sides.revision_item, r) {
            let effective = |root: &Loc<'a>, item: &Loc<'a>, op: &Loc<'a>| {
                if op.get("servers").is_some() {
                    op.clone()
                } else if item.get("servers").is_some() {
                    item.clone()
                } else {
                    root.clone()
                }
            };
            let base_servers = effective(b_root, &sides.base_item, b);
            let revision_servers = effective(r_root, &sides.revision_item, r);
            self.servers(
                &base_servers,
                &revision_servers,
                operation,
                Change::ServerRemoved,
                Change::ServerAdded,
            );
        }
        Ok(())
    }

    /// Path-level parameters overridden by operation-level ones, keyed by identity.
    fn effective_parameters(
        &self,
        set: &'a DocumentSet,
        item: &Loc<'a>,
        op: &Loc<'a>,
        path: &str,
    ) -> Result<BTreeMap<String, Parameter<'a>>, DiffError> {
        let names = path_parameter_names(path);
        let mut out = BTreeMap::new();
        for owner in [item, op] {
            let Some(list) = owner.child("parameters") else {
                continue;
            };
            let count = list.value.as_array().map_or(0, Vec::len);
            for i in 0..count {
                let Some(entry) = list.child(&i.to_string()) else {
                    continue;
                };
                let loc = set.deref(entry)?;
                let (Some(name), Some(location)) = (loc.str("name"), loc.str("in")) else {
                    continue;
                };
                out.insert(
                    parameter_key(location, name, &names),
                    Parameter {
                        name: name.to_string(),
                        location: location.to_string(),
                        loc,
                    },
                );
            }
        }
        Ok(out)
    }

    fn parameters(&mut self, operation: &str, sides: &Sides<'a>) -> Result<(), DiffError> {
        let base = self.effective_parameters(
            self.base,
            &sides.base_item,
            &sides.base_op,
            &sides.base_path,
        )?;
        let revision = self.effective_parameters(
            self.revision,
            &sides.revision_item,
            &sides.revision_op,
            &sides.revision_path,
        )?;
        let revision_pointer = |side: &Loc<'a>| side.pointer_to("parameters");
        let mut moved: BTreeSet<String> = BTreeSet::new();
        for (key, param) in &base {
            if revision.contains_key(key) {
                continue;
            }
            let moved_to = revision
                .iter()
                .find(|(k, p)| !base.contains_key(*k) && p.name.eq_ignore_ascii_case(&param.name));
            match moved_to {
                Some((moved_key, moved_param)) => {
                    moved.insert(moved_key.clone());
                    self.push(
                        Change::ParameterLocationChanged,
                        operation,
                        param.loc.ptr(),
                        moved_param.loc.ptr(),
                        format!(
                            "{} parameter `{}` moved to {}",
                            param.location, param.name, moved_param.location
                        ),
                    );
                }
                None => self.push(
                    Change::ParameterRemoved,
                    operation,
                    param.loc.ptr(),
                    revision_pointer(&sides.revision_op),
                    format!("{} parameter `{}` removed", param.location, param.name),
                ),
            }
        }
        for (key, param) in &revision {
            if base.contains_key(key) || moved.contains(key) {
                continue;
            }
            let required = param.loc.flag("required");
            self.push(
                if required {
                    Change::NewRequiredParameter
                } else {
                    Change::NewOptionalParameter
                },
                operation,
                revision_pointer(&sides.base_op),
                param.loc.ptr(),
                format!(
                    "{} {} parameter `{}` added",
                    if required { "required" } else { "optional" },
                    param.location,
                    param.name
                ),
            );
        }
        for (key, b) in &base {
            let Some(r) = revision.get(key) else { continue };
            self.parameter_pair(operation, b, r)?;
        }
        Ok(())
    }

    fn parameter_pair(
        &mut self,
        operation: &str,
        b: &Parameter<'a>,
        r: &Parameter<'a>,
    ) -> Result<(), DiffError> {
        let label = format!("{} parameter `{}`", r.location, r.name);
        let (bl, rl) = (&b.loc, &r.loc);
        if b.name != r.name && b.location == "path" {
            self.push(
                Change::PathParameterRenamed,
                operation,
                bl.pointer_to("name"),
                rl.pointer_to("name"),
                format!("path parameter `{}` renamed to `{}`", b.name, r.name),
            );
        }
        let required = |p: &Parameter<'_>| p.location == "path" || p.loc.flag("required");
        match (required(b), required(r)) {
            (false, true) => self.push(
                Change::ParameterBecameRequired,
                operation,
                bl.ptr(),
                rl.pointer_to("required"),
                format!("{label} became required"),
            ),
            (true, false) => self.push(
                Change::ParameterBecameOptional,
                operation,
                bl.pointer_to("required"),
                rl.ptr(),
                format!("{label} became optional"),
            ),
            _ => {}
        }
        let default_style = |location: &str| match location {
            "query" | "cookie" => "form",
            _ => "simple",
        };
        let style = |p: &Parameter<'a>| {
            p.loc
                .str("style")
                .unwrap_or(default_style(&p.location))
                .to_string()
        };
        let (base_style, revision_style) = (style(b), style(r));
        if base_style != revision_style {
            self.push(
                Change::ParameterStyleChanged,
                operation,
                bl.pointer_to("style"),
                rl.pointer_to("style"),
                format!("{label} style changed from `{base_style}` to `{revision_style}`"),
            );
        }
        let explode = |p: &Parameter<'a>, style: &str| {
            p.loc
                .get("explode")
                .and_then(Value::as_bool)
                .unwrap_or(style == "form")
        };
        let (base_explode, revision_explode) =
            (explode(b, &base_style), explode(r, &revision_style));
        if base_explode != revision_explode && base_style == revision_style {
            self.push(
                Change::ParameterExplodeChanged,
                operation,
                bl.pointer_to("explode"),
                rl.pointer_to("explode"),
                format!("{label} explode changed from {base_explode} to {revision_explode}"),
            );
        }
        if !bl.flag("deprecated") && rl.flag("deprecated") {
            self.push(
                Change::ParameterDeprecated,
                operation,
                bl.ptr(),
                rl.pointer_to("deprecated"),
                format!("{label} deprecated"),
            );
        }
        let schema = |p: &Loc<'a>| {
            p.child("schema").or_else(|| {
                entries(p, "content")
                    .into_values()
                    .next()
                    .and_then(|media| media.child("schema"))
            })
        };
        if let (Some(x), Some(y)) = (schema(bl), schema(rl)) {
            self.root(operation, Site::RequestParameter, label, x, y)?;
        }
        Ok(())
    }

    fn request_body(&mut self, operation: &str, b: &Loc<'a>, r: &Loc<'a>) -> Result<(), DiffError> {
        let base = b
            .child("requestBody")
            .map(|x| self.base.deref(x))
            .transpose()?;
        let revision = r
            .child("requestBody")
            .map(|x| self.revision.deref(x))
            .transpose()?;
        let (base, revision) = match (base, revision) {
            (None, None) => return Ok(()),
            (None, Some(revision)) => {
                let required = revision.flag("required");
                self.push(
                    if required {
                        Change::NewRequiredBody
                    } else {
                        Change::NewOptionalBody
                    },
                    operation,
                    b.ptr(),
                    revision.ptr(),
                    format!(
                        "{} request body added",
                        if required { "required" } else { "optional" }
                    ),
                );
                return Ok(());
            }
            (Some(base), None) => {
                self.push(
                    Change::BodyRemoved,
                    operation,
                    base.ptr(),
                    r.ptr(),
                    "request body removed".into(),
                );
                return Ok(());
            }
            (Some(base), Some(revision)) => (base, revision),
        };
        match (base.flag("required"), revision.flag("required")) {
            (false, true) => self.push(
                Change::BodyBecameRequired,
                operation,
                base.ptr(),
                revision.pointer_to("required"),
                "request body became required".into(),
            ),
            (true, false) => self.push(
                Change::BodyBecameOptional,
                operation,
                base.pointer_to("required"),
                revision.ptr(),
                "request body became optional".into(),
            ),
            _ => {}
        }
        self.content(
            operation,
            &base,
            &revision,
            Site::RequestBody,
            "request body",
            (Change::BodyMediaTypeRemoved, Change::BodyMediaTypeAdded),
        )
    }

    /// Media types of a body, and the schema pairs of the ones on both sides.
    fn content(
        &mut self,
        operation: &str,
        base: &Loc<'a>,
        revision: &Loc<'a>,
        site: Site,
        what: &str,
        (removed, added): (Change, Change),
    ) -> Result<(), DiffError> {
        let keyed = |loc: &Loc<'a>| -> BTreeMap<String, Loc<'a>> {
            entries(loc, "content")
                .into_iter()
                .map(|(media, l)| (media_key(&media), l))
                .collect()
        };
        let (base_media, revision_media) = (keyed(base), keyed(revision));
        for (media, loc) in &base_media {
            match revision_media.get(media) {
                None => self.push(
                    removed,
                    operation,
                    loc.ptr(),
                    revision.pointer_to("content"),
                    format!("{what} media type `{media}` removed"),
                ),
                Some(revision_loc) => {
                    if let (Some(x), Some(y)) = (loc.child("schema"), revision_loc.child("schema"))
                    {
                        self.root(operation, site, format!("{what} `{media}`"), x, y)?;
                    }
                }
            }
        }
        for (media, loc) in &revision_media {
            if !base_media.contains_key(media) {
                self.push(
                    added,
                    operation,
                    base.pointer_to("content"),
                    loc.ptr(),
                    format!("{what} media type `{media}` added"),
                );
            }
        }
        Ok(())
    }

    fn responses(&mut self, operation: &str, b: &Loc<'a>, r: &Loc<'a>) -> Result<(), DiffError> {
        let keyed = |loc: &Loc<'a>| -> BTreeMap<String, Loc<'a>> {
            entries(loc, "responses")
                .into_iter()
                .map(|(status, l)| (status.to_ascii_uppercase(), l))
                .collect()
        };
        let (base, revision) = (keyed(b), keyed(r));
        let success = |status: &str| status.starts_with('2');
        for (status, loc) in &base {
            if !revision.contains_key(status) {
                self.push(
                    if success(status) {
                        Change::SuccessStatusRemoved
                    } else {
                        Change::NonSuccessStatusRemoved
                    },
                    operation,
                    loc.ptr(),
                    r.pointer_to("responses"),
                    format!("response {status} removed"),
                );
            }
        }
        for (status, loc) in &revision {
            let Some(base_loc) = base.get(status) else {
                self.push(
                    if success(status) {
                        Change::SuccessStatusAdded
                    } else {
                        Change::NonSuccessStatusAdded
                    },
                    operation,
                    b.pointer_to("responses"),
                    loc.ptr(),
                    format!("response {status} added"),
                );
                continue;
            };
            let base_response = self.base.deref(base_loc.clone())?;
            let revision_response = self.revision.deref(loc.clone())?;
            let what = format!("response {status}");
            self.content(
                operation,
                &base_response,
                &revision_response,
                Site::ResponseBody,
                &what,
                (
                    Change::ResponseMediaTypeRemoved,
                    Change::ResponseMediaTypeAdded,
                ),
            )?;
            self.headers(operation, &what, &base_response, &revision_response)?;
        }
        Ok(())
    }

    fn headers(
        &mut self,
        operation: &str,
        what: &str,
        b: &Loc<'a>,
        r: &Loc<'a>,
    ) -> Result<(), DiffError> {
        let keyed = |loc: &Loc<'a>| -> BTreeMap<String, (String, Loc<'a>)> {
            entries(loc, "headers")
                .into_iter()
                .map(|(name, l)| (name.to_ascii_lowercase(), (name, l)))
                .collect()
        };
        let (base, revision) = (keyed(b), keyed(r));
        for (key, (name, loc)) in &base {
            let base_header = self.base.deref(loc.clone())?;
            match revision.get(key) {
                None => {
                    let required = base_header.flag("required");
                    self.push(
                        if required {
                            Change::RequiredHeaderRemoved
                        } else {
                            Change::OptionalHeaderRemoved
                        },
                        operation,
                        base_header.ptr(),
                        r.pointer_to("headers"),
                        format!("{what} header `{name}` removed"),
                    );
                }
                Some((revision_name, revision_loc)) => {
                    let revision_header = self.revision.deref(revision_loc.clone())?;
                    match (
                        base_header.flag("required"),
                        revision_header.flag("required"),
                    ) {
                        (true, false) => self.push(
                            Change::HeaderBecameOptional,
                            operation,
                            base_header.pointer_to("required"),
                            revision_header.ptr(),
                            format!("{what} header `{revision_name}` became optional"),
                        ),
                        (false, true) => self.push(
                            Change::HeaderBecameRequired,
                            operation,
                            base_header.ptr(),
                            revision_header.pointer_to("required"),
                            format!("{what} header `{revision_name}` became required"),
                        ),
                        _ => {}
                    }
                    let schema = |h: &Loc<'a>| {
                        h.child("schema").or_else(|| {
                            entries(h, "content")
                                .into_values()
                                .next()
                                .and_then(|m| m.child("schema"))
                        })
                    };
                    if let (Some(x), Some(y)) = (schema(&base_header), schema(&revision_header)) {
                        self.root(
                            operation,
                            Site::ResponseHeader,
                            format!("{what} header `{revision_name}`"),
                            x,
                            y,
                        )?;
                    }
                }
            }
        }
        for (key, (name, loc)) in &revision {
            if !base.contains_key(key) {
                self.push(
                    Change::HeaderAdded,
                    operation,
                    b.pointer_to("headers"),
                    loc.ptr(),
                    format!("{what} header `{name}` added"),
                );
            }
        }
        Ok(())
    }

    /// Security is a list of alternatives, each a set of schemes with scopes that must all hold.
    fn security(
        &mut self,
        operation: &str,
        b: &Loc<'a>,
        r: &Loc<'a>,
        b_root: &Loc<'a>,
        r_root: &Loc<'a>,
    ) {
        let effective = |op: &Loc<'a>, root: &Loc<'a>| -> Loc<'a> {
            op.child("security")
                .or_else(|| root.child("security"))
                .unwrap_or_else(|| op.clone())
        };
        let base_loc = effective(b, b_root);
        let revision_loc = effective(r, r_root);
        let (base, revision) = (
            security_alternatives(base_loc.value),
            security_alternatives(revision_loc.value),
        );
        let open = |alts: &[BTreeMap<String, BTreeSet<String>>]| {
            alts.is_empty() || alts.iter().any(BTreeMap::is_empty)
        };
        match (open(&base), open(&revision)) {
            (true, false) => {
                self.push(
                    Change::SecurityAdded,
                    operation,
                    base_loc.ptr(),
                    revision_loc.ptr(),
                    "operation now requires credentials".into(),
                );
                return;
            }
            (false, true) => {
                self.push(
                    Change::SecurityRemoved,
                    operation,
                    base_loc.ptr(),
                    revision_loc.ptr(),
                    "operation no longer requires credentials".into(),
                );
                return;
            }
            (true, true) => return,
            (false, false) => {}
        }
        let schemes = |alt: &BTreeMap<String, BTreeSet<String>>| -> BTreeSet<String> {
            alt.keys().cloned().collect()
        };
        for base_alt in &base {
            let matching = revision.iter().find(|r| schemes(r) == schemes(base_alt));
            let names = schemes(base_alt)
                .into_iter()
                .collect::<Vec<_>>()
                .join(" + ");
            match matching {
                None => self.push(
                    Change::SecurityRequirementRemoved,
                    operation,
                    base_loc.ptr(),
                    revision_loc.ptr(),
                    format!("security requirement `{names}` removed"),
                ),
                Some(revision_alt) => {
                    for (scheme, scopes) in revision_alt {
                        let empty = BTreeSet::new();
                        let before = base_alt.get(scheme).unwrap_or(&empty);
                        for scope in scopes.difference(before) {
                            self.push(
                                Change::SecurityScopeAdded,
                                operation,
                                base_loc.ptr(),
                                revision_loc.ptr(),
                                format!("`{scheme}` now needs scope `{scope}`"),
                            );
                        }
                        for scope in before.difference(scopes) {
                            self.push(
                                Change::SecurityScopeRemoved,
                                operation,
                                base_loc.ptr(),
                                revision_loc.ptr(),
                                format!("`{scheme}` no longer needs scope `{scope}`"),
                            );
                        }
                    }
                }
            }
        }
        for revision_alt in &revision {
            if !base.iter().any(|b| schemes(b) == schemes(revision_alt)) {
                let names = schemes(revision_alt)
                    .into_iter()
                    .collect::<Vec<_>>()
                    .join(" + ");
                self.push(
                    Change::SecurityRequirementAdded,
                    operation,
                    base_loc.ptr(),
                    revision_loc.ptr(),
                    format!("security requirement `{names}` added"),
                );
            }
        }
    }
}

/// A security requirement list: alternatives, each a map of scheme to the scopes it needs.
/// Anything that is not a list (no security at all) has no alternatives.
fn security_alternatives(value: &Value) -> Vec<BTreeMap<String, BTreeSet<String>>> {
    let Value::Array(list) = value else {
        return Vec::new();
    };
    let scopes = |scopes: &Value| -> BTreeSet<String> {
        scopes
            .as_array()
            .map(|s| {
                s.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    };
    list.iter()
        .filter_map(Value::as_object)
        .map(|requirement| {
            requirement
                .iter()
                .map(|(scheme, needed)| (scheme.clone(), scopes(needed)))
                .collect()
        })
        .collect()
}

struct Sides<'a> {
    base_item: Loc<'a>,
    revision_item: Loc<'a>,
    base_op: Loc<'a>,
    revision_op: Loc<'a>,
    base_path: String,
    revision_path: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_templates_normalise_parameter_names() {
        assert_eq!(normalize_path("/a/{id}/b/{x}"), "/a/{}/b/{}");
        assert_eq!(path_parameter_names("/a/{id}/b/{x}"), vec!["id", "x"]);
        assert_eq!(
            media_key("Application/JSON; charset=utf-8"),
            "application/json"
        );
    }

    #[test]
    fn schema_findings_name_the_property_they_are_about() {
        let pointer = "/components/schemas/A/properties/a~1b/properties/lat/type";
        assert_eq!(subject(pointer, "type changed").as_deref(), Some("lat"));
        assert_eq!(subject(pointer, "property `x` became required"), None);
        assert_eq!(subject("/components/schemas/A/type", "type changed"), None);
    }

    #[test]
    fn security_lists_become_alternatives_of_schemes_and_scopes() {
        let value = serde_json::json!([{"oauth": ["read", "write"]}, {}]);
        let alternatives = security_alternatives(&value);
        assert_eq!(alternatives.len(), 2);
        assert_eq!(alternatives[0]["oauth"].len(), 2);
        assert!(alternatives[1].is_empty());
        assert!(security_alternatives(&serde_json::json!({"x": 1})).is_empty());
    }
}
