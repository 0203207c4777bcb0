//! Schema comparison as a memoised graph of schema pairs.
//!
//! A pair is (base schema, revision schema, direction), identified by the addresses of the two
//! values after `$ref`s are followed. Each pair is compared exactly once: its own changes are
//! stored on it, and the pairs of its subschemas become its children. Pairs are processed from
//! a work list, never by recursion, so recursive schemas terminate and deep ones cannot
//! overflow the stack. An operation's schema findings are then everything reachable from its
//! root pairs (a cheap traversal that skips subgraphs without findings).
//!
//! `allOf` is flattened into one view (properties and `required` merged, types intersected), so
//! extracting part of a schema into an `allOf` member preserves meaning, and so does the 3.1
//! `oneOf: [X, {type: "null"}]` spelling of a nullable X.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use serde_json::Value;

use super::load::DiffError;
use super::resolve::{DocumentSet, Loc};
use super::rules::{Direction, SchemaChange};

pub type PairId = usize;

/// A change found on one schema pair; the site (and so the rule id) is decided per operation.
#[derive(Debug, Clone)]
pub struct SchemaFinding {
    pub change: SchemaChange,
    pub base_pointer: String,
    pub revision_pointer: String,
    pub message: String,
}

#[derive(Debug, Default)]
struct Pair {
    findings: Vec<SchemaFinding>,
    children: Vec<PairId>,
}

/// How deep `allOf` members may nest inside each other when flattening.
const MAX_ALL_OF_DEPTH: usize = 32;

pub struct SchemaGraph<'a> {
    base: &'a DocumentSet,
    revision: &'a DocumentSet,
    memo: HashMap<(usize, usize, Direction), PairId, BuildHasherDefault<AddressHasher>>,
    targets: HashMap<usize, Loc<'a>, BuildHasherDefault<AddressHasher>>,
    pairs: Vec<Pair>,
    pending: Vec<(PairId, Loc<'a>, Loc<'a>, Direction)>,
    /// Whether any finding is reachable from the pair; filled by [`SchemaGraph::run`].
    reaches_findings: Vec<bool>,
    /// Traversal marks: a pair is visited in this traversal when its stamp equals the counter.
    visited: RefCell<(u32, Vec<u32>)>,
}

/// The memo is keyed by addresses: a multiply-rotate hash is enough and much cheaper than SipHash.
#[derive(Default)]
pub struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.write_u64(u64::from(*byte));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl<'a> SchemaGraph<'a> {
    pub fn new(base: &'a DocumentSet, revision: &'a DocumentSet) -> Self {
        SchemaGraph {
            base,
            revision,
            memo: HashMap::default(),
            targets: HashMap::default(),
            pairs: Vec::new(),
            pending: Vec::new(),
            reaches_findings: Vec::new(),
            visited: RefCell::new((0, Vec::new())),
        }
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The pair for two schemas (after following `$ref`s), queued for comparison if new.
    pub fn pair(
        &mut self,
        base: Loc<'a>,
        revision: Loc<'a>,
        direction: Direction,
    ) -> Result<PairId, DiffError> {
        let base = Self::deref_cached(&mut self.targets, self.base, base)?;
        let revision = Self::deref_cached(&mut self.targets, self.revision, revision)?;
        let key = (base.address(), revision.address(), direction);
        if let Some(id) = self.memo.get(&key) {
            return Ok(*id);
        }
        let id = self.pairs.len();
        self.pairs.push(Pair::default());
        self.memo.insert(key, id);
        self.pending.push((id, base, revision, direction));
        Ok(id)
    }

    /// `$ref` targets by the address of the referring value: the same reference is met once per
    /// pair that contains it, and a pointer walk costs several map lookups.
    fn deref_cached(
        targets: &mut HashMap<usize, Loc<'a>, BuildHasherDefault<AddressHasher>>,
        set: &'a DocumentSet,
        loc: Loc<'a>,
    ) -> Result<Loc<'a>, DiffError> {
        if loc.get("$ref").is_none() {
            return Ok(loc);
        }
        let address = loc.address();
        if let Some(target) = targets.get(&address) {
            return Ok(target.clone());
        }
        let target = set.deref(loc)?;
        targets.insert(address, target.clone());
        Ok(target)
    }

    /// Compare every queued pair (and the pairs they reach).
    pub fn run(&mut self) -> Result<(), DiffError> {
        while let Some((id, base, revision, direction)) = self.pending.pop() {
            let base_view = View::build(self.base, base)?;
            let revision_view = View::build(self.revision, revision)?;
            let mut comparison = Comparison {
                graph: self,
                direction,
                findings: Vec::new(),
                children: Vec::new(),
            };
            comparison.compare(&base_view, &revision_view)?;
            let Comparison {
                findings, children, ..
            } = comparison;
            self.pairs[id] = Pair { findings, children };
        }
        self.mark_reaching();
        Ok(())
    }

    /// Backward propagation from pairs with findings, so traversals can skip clean subgraphs.
    fn mark_reaching(&mut self) {
        let mut parents: Vec<Vec<PairId>> = vec![Vec::new(); self.pairs.len()];
        for (id, pair) in self.pairs.iter().enumerate() {
            for child in &pair.children {
                parents[*child].push(id);
            }
        }
        let mut reaches = vec![false; self.pairs.len()];
        let mut stack: Vec<PairId> = Vec::new();
        for (id, pair) in self.pairs.iter().enumerate() {
            if !pair.findings.is_empty() {
                reaches[id] = true;
                stack.push(id);
            }
        }
        while let Some(id) = stack.pop() {
            for parent in &parents[id] {
                if !reaches[*parent] {
                    reaches[*parent] = true;
                    stack.push(*parent);
                }
            }
        }
        self.reaches_findings = reaches;
    }

    /// Every finding reachable from `root`, each once.
    pub fn findings_from(&self, root: PairId) -> Vec<&SchemaFinding> {
        let mut found = Vec::new();
        if !self.reaches_findings.get(root).copied().unwrap_or(false) {
            return found;
        }
        let mut visited = self.visited.borrow_mut();
        let (stamp, marks) = &mut *visited;
        *stamp += 1;
        marks.resize(self.pairs.len(), 0);
        let mut stack = vec![root];
        marks[root] = *stamp;
        while let Some(id) = stack.pop() {
            let pair = &self.pairs[id];
            found.extend(pair.findings.iter());
            for child in &pair.children {
                if self.reaches_findings[*child] && marks[*child] != *stamp {
                    marks[*child] = *stamp;
                    stack.push(*child);
                }
            }
        }
        found
    }
}

/// A schema with its `allOf` members flattened in.
struct View<'a> {
    main: Loc<'a>,
    /// The schema itself first, then its `allOf` members (transitively), `$ref`s followed.
    parts: Vec<Loc<'a>>,
    /// `None`: any type. Never contains "null" (that is `nullable`).
    types: Option<BTreeSet<&'a str>>,
    nullable: bool,
    properties: BTreeMap<&'a str, Loc<'a>>,
    required: BTreeSet<&'a str>,
    one_of: Vec<Loc<'a>>,
    any_of: Vec<Loc<'a>>,
    /// For each of [`KEYWORDS`], the first part that sets it: one pass over each part instead
    /// of a map lookup per keyword per part.
    slots: [Option<(usize, &'a Value)>; KEYWORDS.len()],
}

/// The keywords the comparison reads.
const KEYWORDS: [&str; 25] = [
    "type",
    "format",
    "nullable",
    "enum",
    "const",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
    "pattern",
    "readOnly",
    "writeOnly",
    "default",
    "deprecated",
    "discriminator",
    "additionalProperties",
    "items",
    "properties",
    "required",
];

fn keyword_index(key: &str) -> Option<usize> {
    KEYWORDS.iter().position(|k| *k == key)
}

impl<'a> View<'a> {
    fn build(set: &'a DocumentSet, main: Loc<'a>) -> Result<Self, DiffError> {
        let mut parts: Vec<Loc<'a>> = Vec::new();
        let mut seen: HashSet<usize> = HashSet::new();
        let mut queue: Vec<(Loc<'a>, usize)> = vec![(main.clone(), 0)];
        let mut nullable = false;
        let mut one_of = Vec::new();
        let mut any_of = Vec::new();
        while let Some((part, depth)) = queue.pop() {
            if !seen.insert(part.address()) || depth > MAX_ALL_OF_DEPTH {
                continue;
            }
            if part.flag("nullable") {
                nullable = true;
            }
            let mut members = Vec::new();
            if let Some(all_of) = part.child("allOf") {
                members.extend(alternatives(&all_of));
            }
            for (keyword, list) in [("oneOf", &mut one_of), ("anyOf", &mut any_of)] {
                let Some(alts) = part.child(keyword) else {
                    continue;
                };
                if !list.is_empty() {
                    continue;
                }
                let mut alts = alternatives(&alts);
                // `oneOf: [X, {type: "null"}]` is how 3.1 spells a nullable X.
                let before = alts.len();
                let mut kept = Vec::new();
                for alt in alts.drain(..) {
                    if is_null_schema(&set.deref(alt.clone())?) {
                        continue;
                    }
                    kept.push(alt);
                }
                if kept.len() < before {
                    nullable = true;
                    if kept.len() == 1 {
                        members.extend(kept);
                        continue;
                    }
                }
                *list = kept;
            }
            parts.push(part);
            // Members are pushed in reverse so they pop in document order.
            for member in members.into_iter().rev() {
                queue.push((set.deref(member)?, depth + 1));
            }
        }

        let mut types: Option<BTreeSet<&'a str>> = None;
        for part in &parts {
            let declared: Option<BTreeSet<&str>> = match part.get("type") {
                Some(Value::String(t)) => Some([t.as_str()].into()),
                Some(Value::Array(ts)) => Some(ts.iter().filter_map(Value::as_str).collect()),
                _ => None,
            };
            if let Some(mut declared) = declared {
                if declared.remove("null") {
                    nullable = true;
                    if declared.is_empty() {
                        continue;
                    }
                }
                types = Some(match types {
                    None => declared,
                    Some(existing) => existing.intersection(&declared).copied().collect(),
                });
            }
        }
        if types.is_none() {
            let has = |key: &str| parts.iter().any(|p| p.get(key).is_some());
            if has("properties") || has("additionalProperties") {
                types = Some(["object"].into());
            } else if has("items") {
                types = Some(["array"].into());
            }
        }

        let mut properties = BTreeMap::new();
        let mut required = BTreeSet::new();
        for part in &parts {
            if let Some(props) = part.child("properties") {
                if let Value::Object(map) = props.value {
                    for name in map.keys() {
                        if let Some(child) = props.child(name) {
                            properties.entry(name.as_str()).or_insert(child);
                        }
                    }
                }
            }
            if let Some(Value::Array(names)) = part.get("required") {
                required.extend(names.iter().filter_map(Value::as_str));
            }
        }
        let mut slots = [None; KEYWORDS.len()];
        for (index, part) in parts.iter().enumerate() {
            if let Value::Object(map) = part.value {
                for (key, value) in map {
                    if let Some(slot) = keyword_index(key) {
                        slots[slot].get_or_insert((index, value));
                    }
                }
            }
        }
        Ok(View {
            main,
            parts,
            types,
            nullable,
            properties,
            required,
            one_of,
            any_of,
            slots,
        })
    }

    /// The first part that has `key`, with the value.
    fn keyword(&self, key: &str) -> Option<(&Loc<'a>, &'a Value)> {
        match keyword_index(key) {
            Some(slot) => self.slots[slot].map(|(index, value)| (&self.parts[index], value)),
            None => self
                .parts
                .iter()
                .find_map(|part| part.get(key).map(|value| (part, value))),
        }
    }

    fn value(&self, key: &str) -> Option<&'a Value> {
        self.keyword(key).map(|(_, v)| v)
    }

    fn flag(&self, key: &str) -> bool {
        self.value(key).and_then(Value::as_bool).unwrap_or(false)
    }

    fn number(&self, key: &str) -> Option<f64> {
        self.value(key).and_then(Value::as_f64)
    }

    /// Pointer of `key` where it is set, else of the schema.
    fn pointer(&self, key: &str) -> String {
        match self.keyword(key) {
            Some((part, _)) => part.pointer_to(key),
            None => self.main.ptr(),
        }
    }

    fn enumeration(&self) -> Option<Vec<&'a Value>> {
        if let Some(Value::Array(values)) = self.value("enum") {
            return Some(values.iter().collect());
        }
        self.value("const").map(|value| vec![value])
    }

    /// Upper (or lower) bound as (value, exclusive), for 3.0 and 3.1 spellings alike.
    fn bound(&self, inclusive: &str, exclusive: &str) -> Option<(f64, bool)> {
        let exclusive_value = self.value(exclusive);
        if let Some(limit) = exclusive_value.and_then(Value::as_f64) {
            return Some((limit, true));
        }
        let limit = self.number(inclusive)?;
        Some((
            limit,
            exclusive_value.and_then(Value::as_bool).unwrap_or(false),
        ))
    }
}

fn alternatives<'a>(list: &Loc<'a>) -> Vec<Loc<'a>> {
    let count = list.value.as_array().map_or(0, Vec::len);
    (0..count)
        .filter_map(|i| list.child(&i.to_string()))
        .collect()
}

fn is_null_schema(loc: &Loc<'_>) -> bool {
    match loc.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.len() == 1 && ts[0] == "null",
        _ => loc
            .get("enum")
            .and_then(Value::as_array)
            .is_some_and(|values| values.len() == 1 && values[0].is_null()),
    }
}

/// A canonical key for enum and default values: numbers compare by value (1 == 1.0).
fn value_key(value: &Value) -> String {
    match value {
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), |f| format!("{f}")),
        other => other.to_string(),
    }
}

fn render(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}

fn types_text(types: &Option<BTreeSet<&str>>) -> String {
    match types {
        None => "any".to_string(),
        Some(types) if types.is_empty() => "nothing".to_string(),
        Some(types) => types.iter().copied().collect::<Vec<_>>().join(" | "),
    }
}

/// `a` accepts nothing that `b` does not (integer is a kind of number).
fn types_within(a: &BTreeSet<&str>, b: &BTreeSet<&str>) -> bool {
    a.iter()
        .all(|t| b.contains(t) || (*t == "integer" && b.contains("number")))
}

struct Comparison<'g, 'a> {
    graph: &'g mut SchemaGraph<'a>,
    direction: Direction,
    findings: Vec<SchemaFinding>,
    children: Vec<PairId>,
}

impl<'a> Comparison<'_, 'a> {
    fn add(&mut self, change: SchemaChange, base: String, revision: String, message: String) {
        self.findings.push(SchemaFinding {
            change,
            base_pointer: base,
            revision_pointer: revision,
            message,
        });
    }

    fn child(&mut self, base: Loc<'a>, revision: Loc<'a>) -> Result<(), DiffError> {
        let id = self.graph.pair(base, revision, self.direction)?;
        self.children.push(id);
        Ok(())
    }

    fn compare(&mut self, b: &View<'a>, r: &View<'a>) -> Result<(), DiffError> {
        if !self.compare_types(b, r) {
            return Ok(());
        }
        self.compare_format(b, r);
        self.compare_nullable(b, r);
        self.compare_enum(b, r);
        self.compare_bounds(b, r);
        self.compare_strings_and_flags(b, r);
        self.compare_default(b, r);
        self.compare_discriminator(b, r);
        self.compare_properties(b, r)?;
        self.compare_additional(b, r)?;
        let items = |view: &View<'a>| {
            view.keyword("items")
                .and_then(|(part, _)| part.child("items"))
                .filter(|items| items.value.is_object())
        };
        if let (Some(base_items), Some(revision_items)) = (items(b), items(r)) {
            self.child(base_items, revision_items)?;
        }
        self.compare_alternatives((&b.main, &b.one_of), (&r.main, &r.one_of), true)?;
        self.compare_alternatives((&b.main, &b.any_of), (&r.main, &r.any_of), false)?;
        Ok(())
    }

    /// Returns false when the types are incompatible: then nothing else about the schema is
    /// reported (the most specific finding is the type change).
    fn compare_types(&mut self, b: &View<'a>, r: &View<'a>) -> bool {
        let change = match (&b.types, &r.types) {
            (None, None) => return true,
            (Some(_), None) => SchemaChange::TypeWidened,
            (None, Some(_)) => SchemaChange::TypeNarrowed,
            (Some(bt), Some(rt)) if bt == rt => return true,
            (Some(bt), Some(rt)) if types_within(bt, rt) => SchemaChange::TypeWidened,
            (Some(bt), Some(rt)) if types_within(rt, bt) => SchemaChange::TypeNarrowed,
            _ => SchemaChange::TypeChanged,
        };
        self.add(
            change,
            b.pointer("type"),
            r.pointer("type"),
            format!(
                "type changed from `{}` to `{}`",
                types_text(&b.types),
                types_text(&r.types)
            ),
        );
        change != SchemaChange::TypeChanged
    }

    fn compare_format(&mut self, b: &View<'a>, r: &View<'a>) {
        let base = b.value("format").and_then(Value::as_str);
        let revision = r.value("format").and_then(Value::as_str);
        let (change, message) = match (base, revision) {
            (Some(x), Some(y)) if x != y => (
                SchemaChange::FormatChanged,
                format!("format changed from `{x}` to `{y}`"),
            ),
            (None, Some(y)) => (SchemaChange::FormatAdded, format!("format `{y}` set")),
            (Some(x), None) => (SchemaChange::FormatRemoved, format!("format `{x}` dropped")),
            _ => return,
        };
        self.add(change, b.pointer("format"), r.pointer("format"), message);
    }

    fn compare_nullable(&mut self, b: &View<'a>, r: &View<'a>) {
        let change = match (b.nullable, r.nullable) {
            (false, true) => SchemaChange::BecameNullable,
            (true, false) => SchemaChange::BecameNotNullable,
            _ => return,
        };
        let message = if r.nullable {
            "became nullable"
        } else {
            "is no longer nullable"
        };
        self.add(
            change,
            b.pointer("nullable"),
            r.pointer("nullable"),
            message.to_string(),
        );
    }

    fn compare_enum(&mut self, b: &View<'a>, r: &View<'a>) {
        let pointers = || {
            let key = |v: &View| {
                if v.value("enum").is_some() {
                    "enum"
                } else {
                    "const"
                }
            };
            (b.pointer(key(b)), r.pointer(key(r)))
        };
        match (b.enumeration(), r.enumeration()) {
            (None, None) => {}
            (None, Some(values)) => {
                let (bp, rp) = pointers();
                let list: Vec<String> = values.iter().map(|v| render(v)).collect();
                self.add(
                    SchemaChange::EnumAdded,
                    bp,
                    rp,
                    format!("values restricted to [{}]", list.join(", ")),
                );
            }
            (Some(_), None) => {
                let (bp, rp) = pointers();
                self.add(
                    SchemaChange::EnumRemoved,
                    bp,
                    rp,
                    "values are no longer restricted to an enum".to_string(),
                );
            }
            (Some(base), Some(revision)) => {
                let base_keys: HashSet<String> = base.iter().map(|v| value_key(v)).collect();
                let revision_keys: HashSet<String> =
                    revision.iter().map(|v| value_key(v)).collect();
                let (bp, rp) = pointers();
                for value in &base {
                    if !revision_keys.contains(&value_key(value)) {
                        self.add(
                            SchemaChange::EnumValueRemoved,
                            bp.clone(),
                            rp.clone(),
                            format!("enum value {} removed", render(value)),
                        );
                    }
                }
                for value in &revision {
                    if !base_keys.contains(&value_key(value)) {
                        self.add(
                            SchemaChange::EnumValueAdded,
                            bp.clone(),
                            rp.clone(),
                            format!("enum value {} added", render(value)),
                        );
                    }
                }
            }
        }
    }

    fn compare_bounds(&mut self, b: &View<'a>, r: &View<'a>) {
        use SchemaChange as C;
        // Upper bounds: a lower (or newly set) maximum narrows.
        let upper = |v: &View| v.bound("maximum", "exclusiveMaximum");
        let lower = |v: &View| v.bound("minimum", "exclusiveMinimum");
        let tighter_upper =
            |a: (f64, bool), b: (f64, bool)| a.0 < b.0 || (a.0 == b.0 && a.1 && !b.1);
        let tighter_lower =
            |a: (f64, bool), b: (f64, bool)| a.0 > b.0 || (a.0 == b.0 && a.1 && !b.1);
        let show = |bound: Option<(f64, bool)>| match bound {
            None => "unbounded".to_string(),
            Some((value, true)) => format!("{value} (exclusive)"),
            Some((value, false)) => format!("{value}"),
        };
        let (bu, ru) = (upper(b), upper(r));
        let narrowed = match (bu, ru) {
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (Some(x), Some(y)) if tighter_upper(y, x) => Some(true),
            (Some(x), Some(y)) if tighter_upper(x, y) => Some(false),
            _ => None,
        };
        if let Some(narrowed) = narrowed {
            self.add(
                if narrowed {
                    C::MaxDecreased
                } else {
                    C::MaxIncreased
                },
                b.pointer("maximum"),
                r.pointer("maximum"),
                format!("maximum changed from {} to {}", show(bu), show(ru)),
            );
        }
        let (bl, rl) = (lower(b), lower(r));
        let narrowed = match (bl, rl) {
            (None, Some(_)) => Some(true),
            (Some(_), None) => Some(false),
            (Some(x), Some(y)) if tighter_lower(y, x) => Some(true),
            (Some(x), Some(y)) if tighter_lower(x, y) => Some(false),
            _ => None,
        };
        if let Some(narrowed) = narrowed {
            self.add(
                if narrowed {
                    C::MinIncreased
                } else {
                    C::MinDecreased
                },
                b.pointer("minimum"),
                r.pointer("minimum"),
                format!("minimum changed from {} to {}", show(bl), show(rl)),
            );
        }
        for (key, is_max, narrowed_change, widened_change) in [
            (
                "maxLength",
                true,
                C::MaxLengthDecreased,
                C::MaxLengthIncreased,
            ),
            (
                "minLength",
                false,
                C::MinLengthIncreased,
                C::MinLengthDecreased,
            ),
            ("maxItems", true, C::MaxItemsDecreased, C::MaxItemsIncreased),
            (
                "minItems",
                false,
                C::MinItemsIncreased,
                C::MinItemsDecreased,
            ),
        ] {
            let (x, y) = (b.number(key), r.number(key));
            // A missing minimum is 0, a missing maximum is infinite.
            let default = if is_max { f64::INFINITY } else { 0.0 };
            let (xv, yv) = (x.unwrap_or(default), y.unwrap_or(default));
            if xv == yv {
                continue;
            }
            let narrowed = if is_max { yv < xv } else { yv > xv };
            let show = |v: Option<f64>| v.map_or("unset".to_string(), |v| format!("{v}"));
            self.add(
                if narrowed {
                    narrowed_change
                } else {
                    widened_change
                },
                b.pointer(key),
                r.pointer(key),
                format!("{key} changed from {} to {}", show(x), show(y)),
            );
        }
    }

    fn compare_strings_and_flags(&mut self, b: &View<'a>, r: &View<'a>) {
        use SchemaChange as C;
        match (b.flag("uniqueItems"), r.flag("uniqueItems")) {
            (false, true) => self.add(
                C::UniqueItemsAdded,
                b.pointer("uniqueItems"),
                r.pointer("uniqueItems"),
                "items must now be unique".into(),
            ),
            (true, false) => self.add(
                C::UniqueItemsRemoved,
                b.pointer("uniqueItems"),
                r.pointer("uniqueItems"),
                "items no longer need to be unique".into(),
            ),
            _ => {}
        }
        let (bm, rm) = (b.number("multipleOf"), r.number("multipleOf"));
        if bm != rm {
            let show = |v: Option<f64>| v.map_or("unset".to_string(), |v| format!("{v}"));
            self.add(
                C::MultipleOfChanged,
                b.pointer("multipleOf"),
                r.pointer("multipleOf"),
                format!("multipleOf changed from {} to {}", show(bm), show(rm)),
            );
        }
        let base = b.value("pattern").and_then(Value::as_str);
        let revision = r.value("pattern").and_then(Value::as_str);
        let pattern = match (base, revision) {
            (None, Some(y)) => Some((C::PatternAdded, format!("pattern `{y}` set"))),
            (Some(x), None) => Some((C::PatternRemoved, format!("pattern `{x}` dropped"))),
            (Some(x), Some(y)) if x != y => Some((
                C::PatternChanged,
                format!("pattern changed from `{x}` to `{y}`"),
            )),
            _ => None,
        };
        if let Some((change, message)) = pattern {
            self.add(change, b.pointer("pattern"), r.pointer("pattern"), message);
        }
        for (key, became, no_longer, word) in [
            (
                "readOnly",
                C::BecameReadOnly,
                C::NoLongerReadOnly,
                "readOnly",
            ),
            (
                "writeOnly",
                C::BecameWriteOnly,
                C::NoLongerWriteOnly,
                "writeOnly",
            ),
        ] {
            match (b.flag(key), r.flag(key)) {
                (false, true) => self.add(
                    became,
                    b.pointer(key),
                    r.pointer(key),
                    format!("became {word}"),
                ),
                (true, false) => self.add(
                    no_longer,
                    b.pointer(key),
                    r.pointer(key),
                    format!("is no longer {word}"),
                ),
                _ => {}
            }
        }
        if !b.flag("deprecated") && r.flag("deprecated") {
            self.add(
                C::BecameDeprecated,
                b.main.ptr(),
                r.pointer("deprecated"),
                "became deprecated".into(),
            );
        }
    }

    fn compare_default(&mut self, b: &View<'a>, r: &View<'a>) {
        let (change, message) = match (b.value("default"), r.value("default")) {
            (None, Some(y)) => (
                SchemaChange::DefaultAdded,
                format!("default {} set", render(y)),
            ),
            (Some(x), None) => (
                SchemaChange::DefaultRemoved,
                format!("default {} dropped", render(x)),
            ),
            (Some(x), Some(y)) if value_key(x) != value_key(y) => (
                SchemaChange::DefaultChanged,
                format!("default changed from {} to {}", render(x), render(y)),
            ),
            _ => return,
        };
        self.add(change, b.pointer("default"), r.pointer("default"), message);
    }

    fn compare_discriminator(&mut self, b: &View<'a>, r: &View<'a>) {
        let (Some(bd), Some(rd)) = (b.value("discriminator"), r.value("discriminator")) else {
            return;
        };
        let (bp, rp) = (b.pointer("discriminator"), r.pointer("discriminator"));
        let name = |d: &'a Value| d.get("propertyName").and_then(Value::as_str);
        if name(bd) != name(rd) {
            self.add(
                SchemaChange::DiscriminatorPropertyChanged,
                format!("{bp}/propertyName"),
                format!("{rp}/propertyName"),
                format!(
                    "discriminator property changed from `{}` to `{}`",
                    name(bd).unwrap_or_default(),
                    name(rd).unwrap_or_default()
                ),
            );
            return;
        }
        let keys = |d: &'a Value| -> BTreeSet<&'a str> {
            d.get("mapping")
                .and_then(Value::as_object)
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default()
        };
        let (base_keys, revision_keys) = (keys(bd), keys(rd));
        for key in base_keys.difference(&revision_keys) {
            self.add(
                SchemaChange::DiscriminatorMappingRemoved,
                format!("{bp}/mapping/{}", super::lines::escape(key)),
                format!("{rp}/mapping"),
                format!("discriminator value `{key}` removed"),
            );
        }
        for key in revision_keys.difference(&base_keys) {
            self.add(
                SchemaChange::DiscriminatorMappingAdded,
                format!("{bp}/mapping"),
                format!("{rp}/mapping/{}", super::lines::escape(key)),
                format!("discriminator value `{key}` added"),
            );
        }
    }

    /// A property's own readOnly/writeOnly: such a property is not part of one direction.
    fn absent_in_direction(&self, set: &'a DocumentSet, property: &Loc<'a>) -> bool {
        let key = match self.direction {
            Direction::Request => "readOnly",
            Direction::Response => "writeOnly",
            Direction::None => return false,
        };
        set.deref(property.clone()).is_ok_and(|p| p.flag(key)) || property.flag(key)
    }

    fn compare_properties(&mut self, b: &View<'a>, r: &View<'a>) -> Result<(), DiffError> {
        use SchemaChange as C;
        let (base_set, revision_set) = (self.graph.base, self.graph.revision);
        for (name, base_property) in &b.properties {
            match r.properties.get(name) {
                None => {
                    if self.absent_in_direction(base_set, base_property) {
                        continue;
                    }
                    let required = b.required.contains(name);
                    self.add(
                        if required {
                            C::RequiredPropertyRemoved
                        } else {
                            C::OptionalPropertyRemoved
                        },
                        base_property.ptr(),
                        r.pointer("properties"),
                        format!(
                            "{} property `{name}` removed",
                            if required { "required" } else { "optional" }
                        ),
                    );
                }
                Some(revision_property) => {
                    let (was, is) = (b.required.contains(name), r.required.contains(name));
                    if was != is && !self.absent_in_direction(revision_set, revision_property) {
                        self.add(
                            if is {
                                C::PropertyBecameRequired
                            } else {
                                C::PropertyBecameOptional
                            },
                            base_property.ptr(),
                            revision_property.ptr(),
                            format!(
                                "property `{name}` became {}",
                                if is { "required" } else { "optional" }
                            ),
                        );
                    }
                    self.child(base_property.clone(), revision_property.clone())?;
                }
            }
        }
        for (name, revision_property) in &r.properties {
            if b.properties.contains_key(name) {
                continue;
            }
            let required = r.required.contains(name)
                && !self.absent_in_direction(revision_set, revision_property);
            self.add(
                if required {
                    C::NewRequiredProperty
                } else {
                    C::NewOptionalProperty
                },
                b.pointer("properties"),
                revision_property.ptr(),
                format!(
                    "{} property `{name}` added",
                    if required { "required" } else { "optional" }
                ),
            );
        }
        // `required` naming properties that neither side declares.
        for name in r.required.difference(&b.required) {
            if !b.properties.contains_key(name) && !r.properties.contains_key(name) {
                self.add(
                    C::PropertyBecameRequired,
                    b.pointer("required"),
                    r.pointer("required"),
                    format!("property `{name}` became required"),
                );
            }
        }
        for name in b.required.difference(&r.required) {
            if !b.properties.contains_key(name) && !r.properties.contains_key(name) {
                self.add(
                    C::PropertyBecameOptional,
                    b.pointer("required"),
                    r.pointer("required"),
                    format!("property `{name}` became optional"),
                );
            }
        }
        Ok(())
    }

    fn compare_additional(&mut self, b: &View<'a>, r: &View<'a>) -> Result<(), DiffError> {
        let base = b.keyword("additionalProperties");
        let revision = r.keyword("additionalProperties");
        // Absent means allowed; `false` forbids; a schema allows some.
        let allows =
            |kw: Option<(&Loc<'a>, &'a Value)>| !matches!(kw, Some((_, Value::Bool(false))));
        match (allows(base), allows(revision)) {
            (true, false) => self.add(
                SchemaChange::AdditionalPropertiesNarrowed,
                b.pointer("additionalProperties"),
                r.pointer("additionalProperties"),
                "additional properties are no longer allowed".into(),
            ),
            (false, true) => self.add(
                SchemaChange::AdditionalPropertiesWidened,
                b.pointer("additionalProperties"),
                r.pointer("additionalProperties"),
                "additional properties became allowed".into(),
            ),
            _ => {
                if let (Some((bp, Value::Object(_))), Some((rp, Value::Object(_)))) =
                    (base, revision)
                {
                    if let (Some(x), Some(y)) = (
                        bp.child("additionalProperties"),
                        rp.child("additionalProperties"),
                    ) {
                        self.child(x, y)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Pair alternatives by the same `$ref`, then the same target pointer, then the same
    /// shape, then (equal counts only) by position; what is left was added or removed.
    fn compare_alternatives(
        &mut self,
        (base_owner, base): (&Loc<'a>, &[Loc<'a>]),
        (revision_owner, revision): (&Loc<'a>, &[Loc<'a>]),
        one_of: bool,
    ) -> Result<(), DiffError> {
        if base.is_empty() && revision.is_empty() {
            return Ok(());
        }
        let (base_set, revision_set) = (self.graph.base, self.graph.revision);
        let base_targets: Vec<Loc<'a>> = base
            .iter()
            .map(|alt| base_set.deref(alt.clone()))
            .collect::<Result<_, _>>()?;
        let revision_targets: Vec<Loc<'a>> = revision
            .iter()
            .map(|alt| revision_set.deref(alt.clone()))
            .collect::<Result<_, _>>()?;
        let mut base_free: Vec<bool> = vec![true; base.len()];
        let mut revision_match: Vec<Option<usize>> = vec![None; revision.len()];
        let keys: [&MatchKey<'a>; 3] = [
            &|alt, _| alt.str("$ref").map(str::to_string),
            &|_, target| Some(target.ptr()),
            &|_, target| Some(shape(target)),
        ];
        for key in keys {
            for (ri, rt) in revision_targets.iter().enumerate() {
                if revision_match[ri].is_some() {
                    continue;
                }
                let Some(rk) = key(&revision[ri], rt) else {
                    continue;
                };
                let found = (0..base.len()).find(|bi| {
                    base_free[*bi] && key(&base[*bi], &base_targets[*bi]).as_ref() == Some(&rk)
                });
                if let Some(bi) = found {
                    base_free[bi] = false;
                    revision_match[ri] = Some(bi);
                }
            }
        }
        let free_base: Vec<usize> = (0..base.len()).filter(|i| base_free[*i]).collect();
        let free_revision: Vec<usize> = (0..revision.len())
            .filter(|i| revision_match[*i].is_none())
            .collect();
        if free_base.len() == free_revision.len() {
            for (bi, ri) in free_base.iter().zip(&free_revision) {
                base_free[*bi] = false;
                revision_match[*ri] = Some(*bi);
            }
        }
        let (added, removed, word) = if one_of {
            (
                SchemaChange::OneOfAdded,
                SchemaChange::OneOfRemoved,
                "oneOf",
            )
        } else {
            (
                SchemaChange::AnyOfAdded,
                SchemaChange::AnyOfRemoved,
                "anyOf",
            )
        };
        let list_pointer = |alts: &[Loc<'a>], fallback: &str| {
            alts.first()
                .and_then(|a| a.ptr().rsplit_once('/').map(|(p, _)| p.to_string()))
                .unwrap_or_else(|| fallback.to_string())
        };
        let base_list = list_pointer(base, &base_owner.ptr());
        let revision_list = list_pointer(revision, &revision_owner.ptr());
        for (bi, free) in base_free.iter().enumerate() {
            if *free {
                self.add(
                    removed,
                    base[bi].ptr(),
                    revision_list.clone(),
                    format!(
                        "{word} alternative {} removed",
                        describe(&base[bi], &base_targets[bi])
                    ),
                );
            }
        }
        for (ri, matched) in revision_match.iter().enumerate() {
            match matched {
                None => self.add(
                    added,
                    base_list.clone(),
                    revision[ri].ptr(),
                    format!(
                        "{word} alternative {} added",
                        describe(&revision[ri], &revision_targets[ri])
                    ),
                ),
                Some(bi) => self.child(base[*bi].clone(), revision[ri].clone())?,
            }
        }
        Ok(())
    }
}

/// How alternatives are matched: from the alternative as written and its `$ref` target.
type MatchKey<'a> = dyn Fn(&Loc<'a>, &Loc<'a>) -> Option<String>;

fn describe(alt: &Loc<'_>, target: &Loc<'_>) -> String {
    match alt.str("$ref") {
        Some(reference) => format!("`{}`", reference.rsplit('/').next().unwrap_or(reference)),
        None => format!("`{}`", shape(target)),
    }
}

/// A rough fingerprint of a schema: its title, or its type and property names.
fn shape(target: &Loc<'_>) -> String {
    if let Some(title) = target.str("title") {
        return title.to_string();
    }
    let kind = match target.get("type") {
        Some(value) => value.to_string(),
        None => "any".to_string(),
    };
    let properties: Vec<&str> = target
        .get("properties")
        .and_then(Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    if properties.is_empty() {
        kind
    } else {
        format!("{kind} {{{}}}", properties.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::load::{load, Source};

    fn set(text: &str) -> DocumentSet {
        DocumentSet::resolve(load(&Source::text("doc.yaml", text)).unwrap()).unwrap()
    }

    #[test]
    fn recursive_schemas_are_compared_once_per_pair_and_direction() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Node:\n      type: object\n      properties:\n        next: {$ref: '#/components/schemas/Node'}\n        children: {type: array, items: {$ref: '#/components/schemas/Node'}}\n";
        let (base, revision) = (set(text), set(text));
        fn node(set: &DocumentSet) -> Loc<'_> {
            let schemas = set
                .root()
                .child("components")
                .unwrap()
                .child("schemas")
                .unwrap();
            schemas.child("Node").unwrap()
        }
        let mut graph = SchemaGraph::new(&base, &revision);
        let first = graph
            .pair(node(&base), node(&revision), Direction::Request)
            .unwrap();
        let again = graph
            .pair(node(&base), node(&revision), Direction::Request)
            .unwrap();
        assert_eq!(first, again);
        let other = graph
            .pair(node(&base), node(&revision), Direction::Response)
            .unwrap();
        assert_ne!(first, other);
        graph.run().unwrap();
        // Node×Node per direction, plus the `children` array pair per direction.
        assert_eq!(graph.len(), 4);
        assert!(graph.findings_from(first).is_empty());
    }
}
