//! `proptest` strategies that turn valid JSON bodies into hostile ones.
//!
//! The property these serve: **a decoder never panics**. Fed any body, it
//! returns the decoded value or a typed error; it does not overflow the
//! stack, and a small body never makes it allocate a large amount.
//! Recorded fixtures make the best seeds: a mutation of a real body gets past
//! the outer layers of a decoder (envelope, first fields) and reaches the
//! deep, rarely exercised paths, which fully random bytes almost never do.
//!
//! [`hostile_body`] mixes every kind of input:
//!
//! - [`mutated`]: one of the seeds with 1 to 3 structural mutations, each at
//!   a random position at any depth:
//!   - a field or array element **deleted** (deleting the root leaves an
//!     empty body);
//!   - a value **replaced by one of another type** (string ↔ number ↔ bool
//!     ↔ null ↔ array ↔ object, blank and `"N/A"` strings, small, boundary
//!     — 255, 65 536, `u32::MAX + 1` … — and extreme integers and floats);
//!   - a value **perturbed within its type**: a number made 0, ±1, negated,
//!     ×1000, 255, 65 536, `u32::MAX + 1`, `i64::MAX`…; a string emptied,
//!     padded, upper-cased, reversed, repeated, given a NUL or combining
//!     characters; a bool flipped; an array emptied, doubled or reversed —
//!     values that pass the type checks and reach the code using them;
//!   - a field **inserted** into an object, under a key the seed uses
//!     elsewhere (so it lands where a decoder reads it) or a new one;
//!   - a value replaced by a **raw literal** no `serde_json::Value` can
//!     hold: huge numbers (`1e308`, `-1e308`, `u64::MAX + 1`, `1e400`,
//!     400-digit integers), [`NESTING_DEPTH`] nested arrays or objects
//!     (serde_json stops at its recursion limit of 128 with an error; a
//!     decoder that recursed on its own would overflow the stack), a 64 KiB
//!     string, strings holding invalid UTF-8 bytes or lone surrogate escapes,
//!     and near-JSON such as `NaN` or `01`;
//!
//!   then, sometimes, byte-level damage (a flipped, inserted or removed byte)
//!   and truncation at an arbitrary offset;
//! - [`arbitrary_json`]: any JSON document of small depth;
//! - [`arbitrary_bytes`]: any bytes.
//!
//! Every input is bounded (a few hundred KiB at most), so a run is quick and
//! its memory small. The boundary and huge numbers reach every count and
//! length field, so a decoder that pre-allocates from a number the vendor
//! sent (say `Vec::with_capacity(total_records)`) meets `u32::MAX + 1` and
//! `i64::MAX` there: a capacity overflow panic, an allocation failure or a
//! peak memory far above the input's size, rather than a quiet pass.
//!
//! [`nesting_bombs`] gives, deterministically, a seed with deeply nested
//! values at the root and at every position, for a plain `#[test]` that
//! proves the stack survives.
//!
//! Case counts: proptest runs 256 cases per property unless told otherwise;
//! the `PROPTEST_CASES` environment variable raises that, e.g.
//! `PROPTEST_CASES=100000 cargo test --release -p loop-client --test never_panics`.
//!
//! ```
//! use http_transport::testing::decode;
//! use http_transport::testing::json_mutation::hostile_body;
//! use proptest::prelude::*;
//! use proptest::test_runner::{Config, TestRunner};
//!
//! #[derive(Debug, serde::Deserialize)]
//! struct Ticket {
//!     id: u64,
//!     lines: Vec<String>,
//! }
//!
//! let seeds: &[&[u8]] = &[br#"{"id": 7, "lines": ["A", "B"]}"#];
//! let mut runner = TestRunner::new(Config::with_cases(64));
//! runner
//!     .run(&hostile_body(seeds), |body| {
//!         // Ok or a typed error; a panic would fail the run.
//!         let _ = decode::<Ticket>(&body);
//!         Ok(())
//!     })
//!     .unwrap();
//! ```

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, LazyLock};

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Number, Value};

/// Depth of the nested arrays and objects the mutations insert: far beyond
/// serde_json's recursion limit (128), deep enough to overflow a thread's
/// stack if a decoder recursed without limit.
pub const NESTING_DEPTH: usize = 10_000;

/// Length of the long string the mutations insert.
pub const LONG_STRING_LEN: usize = 64 * 1024;

/// A generated body: bytes, shown in failure reports as (lossy) text.
#[derive(Clone, PartialEq, Eq)]
pub struct Body(pub Vec<u8>);

impl Deref for Body {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Body {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const HEAD: usize = 512;
        const TAIL: usize = 256;
        let bytes = &self.0;
        if bytes.len() <= HEAD + TAIL {
            write!(f, "Body({:?})", String::from_utf8_lossy(bytes))
        } else {
            write!(
                f,
                "Body({:?} … {} bytes in all … {:?})",
                String::from_utf8_lossy(&bytes[..HEAD]),
                bytes.len(),
                String::from_utf8_lossy(&bytes[bytes.len() - TAIL..]),
            )
        }
    }
}

/// `[[[…]]]`, `depth` arrays deep.
pub fn nested_arrays(depth: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(2 * depth);
    out.extend(std::iter::repeat_n(b'[', depth));
    out.extend(std::iter::repeat_n(b']', depth));
    out
}

/// `{"a":{"a":…null…}}`, `depth` objects deep.
pub fn nested_objects(depth: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(6 * depth + 4);
    for _ in 0..depth {
        out.extend_from_slice(br#"{"a":"#);
    }
    out.extend_from_slice(b"null");
    out.extend(std::iter::repeat_n(b'}', depth));
    out
}

/// Number literals that fit no Rust number type, or only lose precision.
pub fn huge_numbers() -> Vec<String> {
    let mut numbers: Vec<String> = [
        "1e308",
        "-1e308",
        "1.7976931348623157e308",
        "18446744073709551616",
        "-9223372036854775809",
        "340282366920938463463374607431768211456",
        "1e400",
        "-1e400",
        "1e-400",
        "1E+2147483648",
        "4294967296",
        "-1",
        "-0",
        "0.5",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    numbers.push("9".repeat(400));
    numbers.push(format!("0.{}1", "0".repeat(400)));
    numbers
}

/// The raw literals a value may be replaced with.
static RAW_LITERALS: LazyLock<Vec<Vec<u8>>> = LazyLock::new(|| {
    let mut raw: Vec<Vec<u8>> = huge_numbers().into_iter().map(String::into_bytes).collect();
    raw.push(nested_arrays(NESTING_DEPTH));
    raw.push(nested_objects(NESTING_DEPTH));
    let mut long = Vec::with_capacity(LONG_STRING_LEN + 2);
    long.push(b'"');
    long.extend(std::iter::repeat_n(b'x', LONG_STRING_LEN));
    long.push(b'"');
    raw.push(long);
    for literal in [
        &b"\"\xff\xfe\xfd\""[..],
        b"\"ok\xc3(\"",
        b"\"\xed\xa0\x80\"",
        b"\"\xf4\x90\x80\x80\"",
        b"\"\\ud800\"",
        b"\"\\udc00\\ud800x\"",
        b"\"\\u00\"",
        b"NaN",
        b"Infinity",
        b"01",
        b"1.",
        b"-",
        b"tru",
    ] {
        raw.push(literal.to_vec());
    }
    raw
});

/// A choice among `len` things: drawn by proptest, or exact.
#[derive(Debug, Clone, Copy)]
enum Pick {
    Drawn(Index),
    Exact(usize),
}

impl Pick {
    fn index(self, len: usize) -> usize {
        match self {
            Pick::Drawn(index) => index.index(len),
            Pick::Exact(n) => n.min(len.saturating_sub(1)),
        }
    }
}

fn pick() -> impl Strategy<Value = Pick> {
    any::<Index>().prop_map(Pick::Drawn)
}

/// What a value is replaced with.
#[derive(Debug, Clone)]
enum Replacement {
    Json(Value),
    /// Which of [`RAW_LITERALS`].
    Raw(Pick),
}

/// Where an inserted field's key comes from.
#[derive(Debug, Clone)]
enum Key {
    /// A key the seed uses somewhere.
    Known(Pick),
    New(String),
}

/// A change to the parsed seed.
#[derive(Debug, Clone)]
enum Structural {
    Delete(Pick),
    Replace(Pick, Replacement),
    Insert(Pick, Key, Replacement),
    /// A change that keeps the value's type (see [`perturb`]).
    Perturb(Pick, Pick),
}

/// A change to the serialized bytes.
#[derive(Debug, Clone)]
enum ByteDamage {
    Flip(Index, u8),
    Insert(Index, Vec<u8>),
    Remove(Index),
}

/// One step of a path into a JSON value.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    At(usize),
}

/// A seed body, parsed when it is JSON.
#[derive(Debug)]
struct Seed {
    raw: Vec<u8>,
    json: Option<Value>,
    keys: Vec<String>,
}

impl Seed {
    fn new(raw: &[u8]) -> Self {
        let json: Option<Value> = serde_json::from_slice(raw).ok();
        let mut keys = Vec::new();
        if let Some(json) = &json {
            collect_keys(json, &mut keys);
        }
        keys.sort();
        keys.dedup();
        Self {
            raw: raw.to_vec(),
            json,
            keys,
        }
    }
}

fn collect_keys(value: &Value, keys: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                keys.push(key.clone());
                collect_keys(value, keys);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_keys(item, keys)),
        _ => {}
    }
}

/// Every path in `value`, the root (empty path) first, depth first.
fn paths(value: &Value) -> Vec<Vec<Step>> {
    fn walk(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        out.push(prefix.clone());
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    prefix.push(Step::Key(key.clone()));
                    walk(value, prefix, out);
                    prefix.pop();
                }
            }
            Value::Array(items) => {
                for (i, value) in items.iter().enumerate() {
                    prefix.push(Step::At(i));
                    walk(value, prefix, out);
                    prefix.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn get_mut<'a>(mut value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    for step in path {
        value = match (step, value) {
            (Step::Key(key), Value::Object(map)) => map.get_mut(key)?,
            (Step::At(i), Value::Array(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// The text a raw literal stands in for until the document is serialized;
/// control characters keep it from clashing with any seed's text.
fn marker(n: usize) -> String {
    format!("\u{1}raw-literal-{n}\u{1}")
}

fn is_marker(text: &str) -> bool {
    text.starts_with("\u{1}raw-literal-")
}

/// Applies the mutations to a seed and renders the body.
fn render(
    seed: &Seed,
    structural: &[Structural],
    damage: &[ByteDamage],
    cut: Option<Index>,
) -> Vec<u8> {
    let mut body = match &seed.json {
        Some(json) => {
            let mut doc = json.clone();
            let mut raws: Vec<usize> = Vec::new();
            let mut gone = false;
            for mutation in structural {
                if let Structural::Delete(at) = mutation
                    && at.index(paths(&doc).len()) == 0
                {
                    gone = true;
                    break;
                }
                apply(&mut doc, seed, mutation, &mut raws);
            }
            if gone {
                Vec::new()
            } else {
                splice_raw(serde_json::to_vec(&doc).unwrap_or_default(), &raws)
            }
        }
        None => seed.raw.clone(),
    };
    for step in damage {
        match step {
            ByteDamage::Flip(at, mask) if !body.is_empty() => {
                let i = at.index(body.len());
                body[i] ^= mask | 1;
            }
            ByteDamage::Insert(at, bytes) => {
                let i = at.index(body.len() + 1);
                body.splice(i..i, bytes.iter().copied());
            }
            ByteDamage::Remove(at) if !body.is_empty() => {
                body.remove(at.index(body.len()));
            }
            _ => {}
        }
    }
    if let Some(cut) = cut {
        body.truncate(cut.index(body.len() + 1));
    }
    body
}

/// Applies one structural mutation in place; raw literals are recorded in
/// `raws` and left as markers.
fn apply(value: &mut Value, seed: &Seed, mutation: &Structural, raws: &mut Vec<usize>) {
    let all = paths(value);
    let mut resolve = |with: &Replacement| -> Value {
        match with {
            Replacement::Json(json) => json.clone(),
            Replacement::Raw(at) => {
                let n = at.index(RAW_LITERALS.len());
                raws.push(n);
                Value::String(marker(raws.len() - 1))
            }
        }
    };
    match mutation {
        Structural::Delete(at) => {
            let path = &all[at.index(all.len())];
            if let Some((last, parent)) = path.split_last() {
                match (last, get_mut(value, parent)) {
                    (Step::Key(key), Some(Value::Object(map))) => {
                        map.remove(key);
                    }
                    (Step::At(i), Some(Value::Array(items))) if *i < items.len() => {
                        items.remove(*i);
                    }
                    _ => {}
                }
            }
        }
        Structural::Replace(at, with) => {
            let path = &all[at.index(all.len())];
            let new = resolve(with);
            if let Some(slot) = get_mut(value, path) {
                *slot = new;
            }
        }
        Structural::Perturb(at, how) => {
            let path = &all[at.index(all.len())];
            if let Some(slot) = get_mut(value, path)
                && !slot.as_str().is_some_and(is_marker)
            {
                let variants = perturb(slot);
                *slot = variants[how.index(variants.len())].clone();
            }
        }
        Structural::Insert(at, key, with) => {
            let objects: Vec<&Vec<Step>> = all
                .iter()
                .filter(|path| matches!(get_ref(value, path), Some(Value::Object(_))))
                .collect();
            if objects.is_empty() {
                return;
            }
            let path = objects[at.index(objects.len())].clone();
            let key = match key {
                Key::Known(i) if !seed.keys.is_empty() => {
                    seed.keys[i.index(seed.keys.len())].clone()
                }
                Key::Known(_) => "extra".to_owned(),
                Key::New(key) => key.clone(),
            };
            let new = resolve(with);
            if let Some(Value::Object(map)) = get_mut(value, &path) {
                map.insert(key, new);
            }
        }
    }
}

fn get_ref<'a>(mut value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    for step in path {
        value = match (step, value) {
            (Step::Key(key), Value::Object(map)) => map.get(key)?,
            (Step::At(i), Value::Array(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Replaces every occurrence of each marker string in the serialized
/// document with its raw literal.
fn splice_raw(mut body: Vec<u8>, raws: &[usize]) -> Vec<u8> {
    for (n, &literal) in raws.iter().enumerate() {
        let quoted = serde_json::to_vec(&marker(n)).unwrap_or_default();
        // A later mutation may have copied the marker (an array doubled).
        while let Some(start) = find(&body, &quoted) {
            body.splice(
                start..start + quoted.len(),
                RAW_LITERALS[literal].iter().copied(),
            );
        }
    }
    body
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A JSON value of another type than most fields expect, or an extreme one.
fn json_replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1000i64..100_000).prop_map(Value::from),
        prop::sample::select(vec![
            0,
            1,
            255,
            256,
            65_535,
            65_536,
            i64::from(i32::MIN),
            i64::from(i32::MAX),
            i64::from(u32::MAX),
            i64::from(u32::MAX) + 1,
            i64::MAX,
        ])
        .prop_map(Value::from),
        prop::sample::select(vec![
            i64::MIN as f64,
            u64::MAX as f64,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            -0.0,
            0.1,
            1e15 + 0.5,
        ])
        .prop_filter_map("finite", Number::from_f64)
        .prop_map(Value::Number),
        any::<f64>()
            .prop_filter_map("finite", Number::from_f64)
            .prop_map(Value::Number),
        "\\PC{0,40}".prop_map(Value::String),
        prop::sample::select(vec![
            "",
            " ",
            "N/A",
            "null",
            "0",
            "-1",
            "1.5",
            "true",
            "false",
            "1e400",
            "[]",
            "{}",
            "2024-02-30T25:61:61Z",
            "1970-01-01",
            "9999-12-31T23:59:59+99:99",
            "\u{0}",
            "\u{FEFF}",
            "é\u{301}",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
        Just(Value::Array(Vec::new())),
        Just(Value::Object(Map::new())),
        arbitrary_json(),
    ]
}

fn replacement() -> impl Strategy<Value = Replacement> {
    prop_oneof![
        4 => json_replacement().prop_map(Replacement::Json),
        1 => pick().prop_map(Replacement::Raw),
    ]
}

fn structural() -> impl Strategy<Value = Structural> {
    let key = prop_oneof![
        3 => pick().prop_map(Key::Known),
        1 => "\\PC{0,12}".prop_map(Key::New),
    ];
    prop_oneof![
        2 => pick().prop_map(Structural::Delete),
        4 => (pick(), replacement()).prop_map(|(at, with)| Structural::Replace(at, with)),
        2 => (pick(), key, replacement())
            .prop_map(|(at, key, with)| Structural::Insert(at, key, with)),
        4 => (pick(), pick()).prop_map(|(at, how)| Structural::Perturb(at, how)),
    ]
}

/// The type-preserving variants of `value`, one of which a
/// [`Structural::Perturb`] picks: they pass a decoder's type checks and
/// reach the code that uses the value (a count used as a size, an index, a
/// string sliced by position).
fn perturb(value: &Value) -> Vec<Value> {
    match value {
        Value::Number(n) => {
            let mut out: Vec<Value> = [0, 1, -1, 255, 256, 1000, 65_536]
                .into_iter()
                .chain([
                    i64::from(u32::MAX),
                    i64::from(u32::MAX) + 1,
                    i64::MAX,
                    i64::MIN,
                ])
                .map(Value::from)
                .collect();
            out.push(Value::from(u64::MAX));
            if let Some(i) = n.as_i64() {
                for v in [i.wrapping_neg(), i.saturating_add(1), i.saturating_sub(1)] {
                    out.push(Value::from(v));
                }
                for v in [i.saturating_mul(10), i.saturating_mul(1000)] {
                    out.push(Value::from(v));
                }
            }
            if let Some(f) = n.as_f64() {
                out.extend(
                    [-f, f + 0.5, f * 1e6, f / 3.0]
                        .into_iter()
                        .filter_map(Number::from_f64)
                        .map(Value::Number),
                );
            }
            out
        }
        Value::String(text) => [
            String::new(),
            " ".to_owned(),
            format!(" {text} "),
            text.to_uppercase(),
            text.chars().rev().collect(),
            text.repeat(100),
            format!("{text}\u{0}"),
            format!("{text}é\u{301}\u{1F600}"),
            "N/A".to_owned(),
        ]
        .into_iter()
        .map(Value::String)
        .collect(),
        Value::Bool(b) => vec![Value::Bool(!b)],
        Value::Array(items) => {
            let mut doubled = items.clone();
            doubled.extend(items.iter().cloned());
            let mut reversed = items.clone();
            reversed.reverse();
            vec![
                Value::Array(Vec::new()),
                Value::Array(doubled),
                Value::Array(reversed),
            ]
        }
        Value::Object(_) | Value::Null => vec![value.clone()],
    }
}

fn byte_damage() -> impl Strategy<Value = ByteDamage> {
    prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(at, mask)| ByteDamage::Flip(at, mask)),
        (any::<Index>(), vec(any::<u8>(), 1..8)).prop_map(|(at, b)| ByteDamage::Insert(at, b)),
        any::<Index>().prop_map(ByteDamage::Remove),
    ]
}

fn seeds_of(seeds: &[&[u8]]) -> Arc<Vec<Seed>> {
    assert!(
        !seeds.is_empty(),
        "json_mutation needs at least one seed body"
    );
    Arc::new(seeds.iter().map(|raw| Seed::new(raw)).collect())
}

/// A seed with 1 to 3 structural mutations, then sometimes byte damage and
/// truncation (see the [module documentation](self)).
///
/// Seeds that are not JSON (an HTML error page, a truncated body) only get
/// the byte-level mutations.
///
/// # Panics
/// When `seeds` is empty.
pub fn mutated(seeds: &[&[u8]]) -> BoxedStrategy<Body> {
    let seeds = seeds_of(seeds);
    (
        any::<Index>(),
        vec(structural(), 1..=3),
        prop::option::weighted(0.15, vec(byte_damage(), 1..=2)),
        prop::option::weighted(0.15, any::<Index>()),
    )
        .prop_map(move |(seed, structural, damage, cut)| {
            let seed = &seeds[seed.index(seeds.len())];
            Body(render(seed, &structural, &damage.unwrap_or_default(), cut))
        })
        .boxed()
}

/// Any JSON document: scalars, arrays and objects up to depth 4.
pub fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter_map("finite", Number::from_f64)
            .prop_map(Value::Number),
        "\\PC{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec(("\\PC{0,10}", inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// Any bytes, up to 1 KiB.
pub fn arbitrary_bytes() -> impl Strategy<Value = Body> {
    vec(any::<u8>(), 0..=1024).prop_map(Body)
}

/// Every kind of hostile body: mostly [`mutated`] seeds, some
/// [`arbitrary_json`] documents and some [`arbitrary_bytes`].
///
/// # Panics
/// When `seeds` is empty.
pub fn hostile_body(seeds: &[&[u8]]) -> BoxedStrategy<Body> {
    prop_oneof![
        8 => mutated(seeds),
        1 => arbitrary_json().prop_map(|json| Body(serde_json::to_vec(&json).unwrap_or_default())),
        1 => arbitrary_bytes(),
    ]
    .boxed()
}

/// Deterministic nesting bombs built from one seed: [`NESTING_DEPTH`]
/// nested arrays, then as many nested objects, as the whole body; then the
/// seed with nested arrays in place of each of its values, and with nested
/// objects as an extra field of each of its objects.
///
/// A decoder that recursed without limit would overflow the stack on one of
/// them (and abort the test process); serde_json answers each with an error
/// at its recursion limit, or skips it without recursing when the type
/// ignores that field.
pub fn nesting_bombs(seed: &[u8]) -> Vec<Body> {
    let seed = Seed::new(seed);
    let arrays = nested_arrays(NESTING_DEPTH);
    let objects = nested_objects(NESTING_DEPTH);
    let raw = |literal: &[u8]| {
        Replacement::Raw(Pick::Exact(
            RAW_LITERALS
                .iter()
                .position(|raw| raw == literal)
                .unwrap_or_else(|| unreachable!("the bombs are raw literals")),
        ))
    };
    let mut bodies = vec![Body(arrays.clone()), Body(objects.clone())];
    let Some(json) = &seed.json else {
        return bodies;
    };
    let all = paths(json);
    let object_count = all
        .iter()
        .filter(|path| matches!(get_ref(json, path), Some(Value::Object(_))))
        .count();
    for position in 0..all.len() {
        let mutation = Structural::Replace(Pick::Exact(position), raw(&arrays));
        bodies.push(Body(render(&seed, &[mutation], &[], None)));
    }
    for object in 0..object_count {
        let key = Key::New("nested".to_owned());
        let mutation = Structural::Insert(Pick::Exact(object), key, raw(&objects));
        bodies.push(Body(render(&seed, &[mutation], &[], None)));
    }
    bodies
}

#[cfg(test)]
mod tests {
    use proptest::test_runner::{Config, TestRunner};

    use super::*;

    #[test]
    fn raw_literals_are_always_spliced_in() {
        let seed: &[u8] = br#"{"id": 7, "lines": [{"sku": "A", "qty": 2}], "note": null}"#;
        let config = Config {
            failure_persistence: None,
            ..Config::with_cases(2048)
        };
        TestRunner::new(config)
            .run(&mutated(&[seed]), |body| {
                prop_assert!(find(&body, b"raw-literal-").is_none(), "{:?}", body);
                prop_assert!(body.len() < 1024 * 1024);
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn nesting_bombs_cover_the_root_every_value_and_every_object() {
        // Values: the root, a, a[0], a[1], a[1].b; objects: the root, a[1].
        let bombs = nesting_bombs(br#"{"a": [1, {"b": 2}]}"#);
        assert_eq!(bombs.len(), 2 + 5 + 2);
        for bomb in &bombs {
            let deep_arrays = find(bomb, &nested_arrays(NESTING_DEPTH)).is_some();
            let deep_objects = find(bomb, &nested_objects(NESTING_DEPTH)).is_some();
            assert!(deep_arrays || deep_objects, "{bomb:?}");
        }
        assert_eq!(nesting_bombs(b"<html>").len(), 2);
    }

    #[test]
    fn deleting_the_root_leaves_an_empty_body() {
        let seed = Seed::new(br#"{"a": 1}"#);
        let body = render(&seed, &[Structural::Delete(Pick::Exact(0))], &[], None);
        assert!(body.is_empty());
    }
}
