//! The run's calls, held encoded: about two fifths of the memory of the decoded rows and their
//! ids, so peak memory follows the bytes a call takes to describe, not the width of
//! [`CallRow`].
//!
//! Each row is a fixed head, a body of the other fields (counts as variable-length integers, so
//! small ones take a byte or two; zero counts and absent fields not at all), then the call's
//! id. The head holds the fields that are renumbered or set after the row is made (source,
//! model, tag set, session, attempt group), rewritten in place, and those that passes over
//! every row look up alone (time, whether the id was logged, whether there is a dedupe key),
//! read without decoding the rest. Rows are decoded when read; a decoded row is a plain `Copy`
//! value.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::ops::Range;

use rayon::prelude::*;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::classify::{Classification, Reasons, Task, Tier, Verifiable};
use crate::money::Money;
use crate::pipeline::spill::Spill;
use crate::pipeline::{CallFlags, CallRow};
use crate::pipeline::{Sorted, sort_filter_map};
use crate::policy::TextTokens;
use crate::record::{
    FailureCause, MAX_PROMPT_PREFIXES, PromptPrefix, PromptPrefixes, Provider, Residency,
    ServiceTier, TokenBuckets,
};

/// Bytes of the fixed head: source, model, tag set and session (`u32` each), a byte of
/// [`Bits`], the attempt group (`u64`), the time (`i64`) and the id's length (`u64`), all
/// little-endian. The body follows the head, and the id (UTF-8) ends the row.
const HEAD: usize = 41;

/// The head's byte of flags.
struct Bits;

impl Bits {
    const GROUP: u8 = 1;
    const LOGGED_ID: u8 = 2;
    const DEDUPE_KEY: u8 = 4;
    const TIME: u8 = 8;
    /// The request's text proved nothing (`retries::distrust_placeholders`): read back without
    /// its prefixes and request hash, as redacted.
    const UNPROVEN: u8 = 16;
    const ALL: u8 = 31;
}

/// Calls in input order, encoded.
#[derive(Default, Deserialize)]
#[serde(try_from = "Encoded")]
pub struct Rows {
    bytes: Store,
    /// Where each row starts in `bytes`, eight bytes (little-endian) a row, kept where the
    /// bytes are: in a temporary file too once they are.
    starts: Store,
    /// Bytes of rows beyond which [`Rows::append`] moves them to a temporary file.
    spill_above: Option<usize>,
}

/// Where the rows' bytes, or where each starts, are kept.
enum Store {
    Heap(Vec<u8>),
    File(Spill),
}

impl Default for Store {
    fn default() -> Store {
        Store::Heap(Vec::new())
    }
}

impl Store {
    fn len(&self) -> usize {
        match self {
            Store::Heap(bytes) => bytes.len(),
            Store::File(spill) => spill.len(),
        }
    }

    #[inline]
    fn read(&self, range: Range<usize>) -> &[u8] {
        match self {
            Store::Heap(bytes) => &bytes[range],
            Store::File(spill) => spill.read(range),
        }
    }

    #[inline]
    fn write(&mut self, range: Range<usize>) -> &mut [u8] {
        match self {
            Store::Heap(bytes) => &mut bytes[range],
            Store::File(spill) => spill.write(range),
        }
    }

    fn copy_within(&mut self, from: Range<usize>, to: usize) {
        match self {
            Store::Heap(bytes) => bytes.copy_within(from, to),
            Store::File(spill) => spill.copy_within(from, to),
        }
    }

    fn truncate(&mut self, len: usize) {
        match self {
            Store::Heap(bytes) => bytes.truncate(len),
            Store::File(spill) => spill.truncate(len),
        }
    }

    /// All the bytes (copied when they are in a file).
    fn to_vec(&self) -> Cow<'_, [u8]> {
        match self {
            Store::Heap(bytes) => Cow::Borrowed(bytes),
            Store::File(spill) => Cow::Owned(spill.to_vec()),
        }
    }

    /// Adds `bytes` at the end.
    fn extend(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Store::Heap(heap) => {
                heap.extend_from_slice(bytes);
                Ok(())
            }
            Store::File(spill) => spill.extend(bytes),
        }
    }

    /// Moves the bytes to a temporary file.
    fn move_to_file(&mut self) -> io::Result<()> {
        if let Store::Heap(heap) = self {
            *self = Store::File(Spill::create(heap)?);
        }
        Ok(())
    }

    /// Moves the bytes back to the heap.
    fn move_to_heap(&mut self) {
        if let Store::File(spill) = self {
            *self = Store::Heap(spill.to_vec());
        }
    }

    /// The offset kept at `index` of a store of offsets.
    #[inline]
    fn offset(&self, index: usize) -> usize {
        let bytes = self.read(index * 8..index * 8 + 8);
        u64::from_le_bytes(bytes.try_into().expect(CHECKED)) as usize
    }

    /// The offsets kept at `index` and `index + 1`, read at once.
    #[inline]
    fn offsets(&self, index: usize) -> (usize, usize) {
        let bytes = self.read(index * 8..index * 8 + 16);
        let at = |from: usize| {
            u64::from_le_bytes(bytes[from..from + 8].try_into().expect(CHECKED)) as usize
        };
        (at(0), at(8))
    }

    fn set_offset(&mut self, index: usize, offset: usize) {
        self.write(index * 8..index * 8 + 8)
            .copy_from_slice(&(offset as u64).to_le_bytes());
    }
}

/// Offsets as a store of them keeps them.
fn offset_bytes(offsets: impl IntoIterator<Item = usize>) -> Vec<u8> {
    offsets
        .into_iter()
        .flat_map(|offset| (offset as u64).to_le_bytes())
        .collect()
}

/// A copy on the heap.
impl Clone for Rows {
    fn clone(&self) -> Rows {
        Rows {
            bytes: Store::Heap(self.bytes.to_vec().into_owned()),
            starts: Store::Heap(self.starts.to_vec().into_owned()),
            spill_above: self.spill_above,
        }
    }
}

impl PartialEq for Rows {
    fn eq(&self, other: &Rows) -> bool {
        self.starts.to_vec() == other.starts.to_vec() && self.bytes.to_vec() == other.bytes.to_vec()
    }
}

impl Eq for Rows {}

impl fmt::Debug for Rows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rows")
            .field("rows", &self.len())
            .field("bytes", &self.bytes.len())
            .field("in_file", &matches!(self.bytes, Store::File(_)))
            .finish()
    }
}

/// Written as [`Encoded`] is read.
impl Serialize for Rows {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut encoded = serializer.serialize_struct("Rows", 2)?;
        encoded.serialize_field("bytes", &*self.bytes.to_vec())?;
        let starts: Vec<usize> = (0..self.len()).map(|i| self.starts.offset(i)).collect();
        encoded.serialize_field("starts", &starts)?;
        encoded.end()
    }
}

/// Rows as read from a partial result, checked before use.
#[derive(Deserialize)]
struct Encoded {
    bytes: Vec<u8>,
    starts: Vec<usize>,
}

impl TryFrom<Encoded> for Rows {
    type Error = String;

    /// Accepts the rows only if every one decodes, so reading a row later cannot fail.
    fn try_from(encoded: Encoded) -> Result<Rows, String> {
        let Encoded { bytes, starts } = encoded;
        let ends = starts.iter().skip(1).copied().chain([bytes.len()]);
        for (index, (&start, end)) in starts.iter().zip(ends).enumerate() {
            let Some(row) = bytes.get(start..end) else {
                return Err(format!("row {index} lies outside the encoded rows"));
            };
            if decode(row).is_none() {
                return Err(format!("row {index} does not decode"));
            }
        }
        if starts
            .first()
            .map_or(!bytes.is_empty(), |&start| start != 0)
        {
            return Err("the encoded rows do not start with a row".into());
        }
        Ok(Rows {
            bytes: Store::Heap(bytes),
            starts: Store::Heap(offset_bytes(starts)),
            spill_above: None,
        })
    }
}

/// The `u32` at `at` of a head.
#[inline]
fn word(head: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(head[at..at + 4].try_into().unwrap())
}

/// The `u64` at `at` of a head.
#[inline]
fn long(head: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(head[at..at + 8].try_into().unwrap())
}

/// The body and id bytes of an encoded row, or `None` if the row is too short for its head
/// and id.
#[inline]
fn split_row(row: &[u8]) -> Option<(&[u8], &[u8])> {
    let id_length = usize::try_from(long(row.get(..HEAD)?, 33)).ok()?;
    let body_end = row.len().checked_sub(id_length)?.checked_sub(HEAD)? + HEAD;
    Some((&row[HEAD..body_end], &row[body_end..]))
}

/// The row and id of one encoded row, or `None` if the bytes are not one.
fn decode(bytes: &[u8]) -> Option<(CallRow, &str)> {
    let head = bytes.get(..HEAD)?;
    let bits = head[16];
    if bits & !Bits::ALL != 0 {
        return None;
    }
    let (body, id) = split_row(bytes)?;
    let row = decode_body(head, body)?;
    if row.dedupe_key.is_some() != (bits & Bits::DEDUPE_KEY != 0) {
        return None;
    }
    Some((row, std::str::from_utf8(id).ok()?))
}

/// Bytes of the body's fixed start.
const FIXED: usize = 16;

/// Bits of a body's first word: which optional fields it holds.
struct Has;

impl Has {
    const PRICE: u16 = 1;
    const COST: u16 = 1 << 1;
    const LATENCY: u16 = 1 << 2;
    const FIRST_TOKEN: u16 = 1 << 3;
    const VERIFIABLE: u16 = 1 << 4;
    const RULE: u16 = 1 << 5;
    const RESIDENCY: u16 = 1 << 6;
    const PREFIX: u16 = 1 << 7;
    const DEDUPE_KEY: u16 = 1 << 8;
    const REQUEST_HASH: u16 = 1 << 9;
    const TEXT_TOKENS: u16 = 1 << 10;
    const STATED_COST: u16 = 1 << 11;
    const FAILURE: u16 = 1 << 12;
    /// No field: the row sums a session's requests ([`CallFlags::summed`]).
    const SUMMED: u16 = 1 << 13;
}

/// Appends the encoding of `row` and its id to `bytes`.
fn encode(bytes: &mut Vec<u8>, row: &CallRow, call_id: &str) {
    for word in [row.source, row.model, row.tags, row.session] {
        bytes.extend_from_slice(&word.to_le_bytes());
    }
    let bits = [
        (row.attempt_group.is_some(), Bits::GROUP),
        (row.logged_id, Bits::LOGGED_ID),
        (row.dedupe_key.is_some(), Bits::DEDUPE_KEY),
        (row.timestamp_ms.is_some(), Bits::TIME),
    ];
    bytes.push(bits.iter().filter(|(on, _)| *on).map(|(_, bit)| bit).sum());
    bytes.extend_from_slice(&row.attempt_group.unwrap_or(0).to_le_bytes());
    bytes.extend_from_slice(&row.timestamp_ms.unwrap_or(0).to_le_bytes());
    bytes.extend_from_slice(&(call_id.len() as u64).to_le_bytes());
    put_body(bytes, row);
    bytes.extend_from_slice(call_id.as_bytes());
}

/// Appends `value` as a variable-length integer: seven bits a byte, low first, the high bit
/// set on every byte but the last.
fn put_varint(out: &mut Vec<u8>, mut value: u128) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Appends the body of `row`: [`FIXED`] bytes (a word of [`Has`], a byte of request flags,
/// the enums as their index in their `ALL`, complexity and confidence, a byte of which
/// counts are not zero), the line, the counts that are not zero, then the optional fields
/// present, in [`Has`] order.
fn put_body(out: &mut Vec<u8>, row: &CallRow) {
    let (class, flags) = (&row.classification, &row.flags);
    let has = [
        (row.price.is_some(), Has::PRICE),
        (row.cost.is_some(), Has::COST),
        (row.latency_ms.is_some(), Has::LATENCY),
        (row.time_to_first_token_ms.is_some(), Has::FIRST_TOKEN),
        (class.verifiable.is_some(), Has::VERIFIABLE),
        (class.rule.is_some(), Has::RULE),
        (flags.residency.is_some(), Has::RESIDENCY),
        (row.prefixes.is_some(), Has::PREFIX),
        (row.dedupe_key.is_some(), Has::DEDUPE_KEY),
        (row.request_hash.is_some(), Has::REQUEST_HASH),
        (row.text_tokens.is_some(), Has::TEXT_TOKENS),
        (row.stated_cost.is_some(), Has::STATED_COST),
        (flags.failure.is_some(), Has::FAILURE),
        (flags.summed, Has::SUMMED),
    ];
    let has: u16 = has.iter().filter(|(on, _)| *on).map(|(_, bit)| bit).sum();
    out.extend_from_slice(&has.to_le_bytes());
    let request = [
        flags.streamed,
        flags.interactive,
        flags.batch,
        flags.tools,
        flags.json_schema,
        flags.images,
        flags.failed,
        flags.redacted,
    ];
    out.push(
        (0..8)
            .filter(|&bit| request[bit])
            .map(|bit| 1u8 << bit)
            .sum(),
    );
    out.extend_from_slice(&[
        row.provider as u8,
        class.tier as u8,
        class.task as u8,
        flags.tier as u8,
    ]);
    out.extend_from_slice(&class.complexity.to_le_bytes());
    out.extend_from_slice(&class.confidence.to_le_bytes());
    let t = &row.tokens;
    let counts = [
        t.input,
        t.cache_read,
        t.cache_write_5m,
        t.cache_write_1h,
        t.output,
        t.reasoning,
        class.reasons.bits(),
        u64::from(flags.web_searches),
    ];
    // Many counts are zero (no cache writes, no reasoning): a bit each says which follow.
    out.push(
        (0..counts.len())
            .filter(|&bit| counts[bit] != 0)
            .map(|bit| 1u8 << bit)
            .sum(),
    );
    put_varint(out, row.line.into());
    for count in counts.into_iter().filter(|&count| count != 0) {
        put_varint(out, count.into());
    }
    if let Some(price) = row.price {
        put_varint(out, price.into());
    }
    if let Some(cost) = row.cost {
        put_money(out, cost);
    }
    for time in [row.latency_ms, row.time_to_first_token_ms]
        .into_iter()
        .flatten()
    {
        out.extend_from_slice(&time.to_le_bytes());
    }
    if let Some(verifiable) = class.verifiable {
        out.push(verifiable as u8);
    }
    if let Some(rule) = class.rule {
        put_varint(out, rule.into());
    }
    if let Some(residency) = flags.residency {
        out.push(residency as u8);
    }
    if let Some(prefixes) = row.prefixes {
        // The count, with the system-first mark in the high bit.
        let items = prefixes.as_slice();
        out.push(items.len() as u8 | (u8::from(prefixes.system_first()) << 7));
        for prefix in items {
            out.extend_from_slice(&prefix.hash.to_le_bytes());
            put_varint(out, prefix.tokens.into());
        }
    }
    for hash in [row.dedupe_key, row.request_hash].into_iter().flatten() {
        out.extend_from_slice(&hash.to_le_bytes());
    }
    if let Some(text) = row.text_tokens {
        put_varint(out, text.o200k.into());
        put_varint(out, text.cl100k.into());
    }
    if let Some(stated) = row.stated_cost {
        put_money(out, stated);
    }
    if let Some(failure) = flags.failure {
        out.push(failure as u8);
    }
}

/// Appends an amount as a zigzag variable-length integer, so small amounts of either sign
/// stay short.
fn put_money(out: &mut Vec<u8>, money: Money) {
    let pico = money.pico();
    put_varint(out, ((pico << 1) ^ (pico >> 127)) as u128);
}

/// Reads a body from the front.
struct Reader<'b>(&'b [u8]);

impl Reader<'_> {
    #[inline]
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let (taken, rest) = self.0.split_first_chunk::<N>()?;
        self.0 = rest;
        Some(*taken)
    }

    #[inline]
    fn byte(&mut self) -> Option<u8> {
        Some(self.take::<1>()?[0])
    }

    /// One of `all` by its index.
    #[inline]
    fn one_of<T: Copy>(&mut self, all: &[T]) -> Option<T> {
        all.get(usize::from(self.byte()?)).copied()
    }

    /// A value written by [`put_varint`], up to 128 bits (a cost, zigzagged).
    #[inline]
    fn varint(&mut self) -> Option<u128> {
        // The first nine bytes (63 bits: every count, nearly every amount) in a `u64`.
        let mut low = 0u64;
        for shift in (0..63).step_by(7) {
            let byte = self.byte()?;
            low |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(low.into());
            }
        }
        let mut value = u128::from(low);
        for shift in (63..128).step_by(7) {
            let byte = self.byte()?;
            // The nineteenth byte holds the top two bits alone.
            if shift == 126 && byte > 3 {
                return None;
            }
            value |= u128::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }

    /// A count written by [`put_varint`], which must fit in `T`.
    #[inline]
    fn count<T: TryFrom<u64>>(&mut self) -> Option<T> {
        // Most counts take a byte; none takes more than ten.
        if let [first @ 0..0x80, rest @ ..] = self.0 {
            self.0 = rest;
            return T::try_from(u64::from(*first)).ok();
        }
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            // The tenth byte holds the top bit alone.
            if shift == 63 && byte > 1 {
                return None;
            }
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return T::try_from(value).ok();
            }
        }
        None
    }

    /// What `read` reads when the field is `present`, else `Some(None)`; `None` when `read`
    /// fails.
    #[inline]
    fn optional<T>(
        &mut self,
        present: bool,
        read: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        if present {
            read(self).map(Some)
        } else {
            Some(None)
        }
    }

    #[inline]
    fn f32(&mut self) -> Option<f32> {
        Some(f32::from_le_bytes(self.take()?))
    }

    #[inline]
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take()?))
    }

    /// An amount written by [`put_money`].
    fn money(&mut self) -> Option<Money> {
        let zigzag = self.varint()?;
        Some(Money::from_pico(
            (zigzag >> 1) as i128 ^ -((zigzag & 1) as i128),
        ))
    }
}

/// The row of a head and the body that follows it.
#[inline]
fn decode_body(head: &[u8], body: &[u8]) -> Option<CallRow> {
    let (fixed, rest) = body.split_first_chunk::<FIXED>()?;
    let has = u16::from_le_bytes([fixed[0], fixed[1]]);
    let with = |bit: u16| has & bit != 0;
    let request = fixed[2];
    let on = |bit: u8| request & (1 << bit) != 0;
    let provider = *Provider::ALL.get(usize::from(fixed[3]))?;
    let tier = *Tier::ALL.get(usize::from(fixed[4]))?;
    let task = *Task::ALL.get(usize::from(fixed[5]))?;
    let service_tier = *ServiceTier::ALL.get(usize::from(fixed[6]))?;
    let complexity = f32::from_le_bytes([fixed[7], fixed[8], fixed[9], fixed[10]]);
    let confidence = f32::from_le_bytes([fixed[11], fixed[12], fixed[13], fixed[14]]);
    let nonzero = fixed[15];
    let mut read = Reader(rest);
    let line = read.count()?;
    let mut counts = [0u64; 8];
    for (bit, count) in counts.iter_mut().enumerate() {
        if nonzero & (1 << bit) != 0 {
            *count = read.count()?;
        }
    }
    let [
        input,
        cache_read,
        cache_write_5m,
        cache_write_1h,
        output,
        reasoning,
        reasons,
        web,
    ] = counts;
    let tokens = TokenBuckets {
        input,
        cache_read,
        cache_write_5m,
        cache_write_1h,
        output,
        reasoning,
    };
    let reasons = Reasons::from_bits(reasons);
    let web_searches = u32::try_from(web).ok()?;
    let price = read.optional(with(Has::PRICE), Reader::count)?;
    let cost = read.optional(with(Has::COST), Reader::money)?;
    let latency_ms = read.optional(with(Has::LATENCY), Reader::f32)?;
    let first_token_ms = read.optional(with(Has::FIRST_TOKEN), Reader::f32)?;
    let verifiable = read.optional(with(Has::VERIFIABLE), |read| read.one_of(&Verifiable::ALL))?;
    let rule = read.optional(with(Has::RULE), Reader::count)?;
    let residency = read.optional(with(Has::RESIDENCY), |read| read.one_of(&Residency::ALL))?;
    let prefixes = read.optional(with(Has::PREFIX), |read| {
        let head = read.byte()?;
        let mut items = [PromptPrefix::default(); MAX_PROMPT_PREFIXES];
        let len = usize::from(head & 0x7f);
        for item in items.get_mut(..len)? {
            *item = PromptPrefix {
                hash: read.u64()?,
                tokens: read.count()?,
            };
        }
        PromptPrefixes::from_kept(head & 0x80 != 0, &items[..len])
    })?;
    let dedupe_key = read.optional(with(Has::DEDUPE_KEY), Reader::u64)?;
    let request_hash = read.optional(with(Has::REQUEST_HASH), Reader::u64)?;
    let text_tokens = read.optional(with(Has::TEXT_TOKENS), |read| {
        Some(TextTokens {
            o200k: read.count()?,
            cl100k: read.count()?,
        })
    })?;
    let stated_cost = read.optional(with(Has::STATED_COST), Reader::money)?;
    let failure = read.optional(with(Has::FAILURE), |read| read.one_of(&FailureCause::ALL))?;
    if !read.0.is_empty() || has >> 14 != 0 {
        return None;
    }
    let bits = head[16];
    let proven = bits & Bits::UNPROVEN == 0;
    Some(CallRow {
        source: word(head, 0),
        line,
        timestamp_ms: (bits & Bits::TIME != 0).then(|| long(head, 25) as i64),
        model: word(head, 4),
        provider,
        price,
        tokens,
        cost,
        stated_cost,
        latency_ms,
        time_to_first_token_ms: first_token_ms,
        classification: Classification {
            complexity,
            tier,
            task,
            confidence,
            reasons,
            verifiable,
            rule,
        },
        flags: CallFlags {
            streamed: on(0),
            interactive: on(1),
            batch: on(2),
            tools: on(3),
            json_schema: on(4),
            images: on(5),
            failed: on(6),
            redacted: on(7) || !proven,
            summed: with(Has::SUMMED),
            failure,
            tier: service_tier,
            residency,
            web_searches,
        },
        prefixes: prefixes.filter(|_| proven),
        dedupe_key,
        logged_id: bits & Bits::LOGGED_ID != 0,
        attempt_group: (bits & Bits::GROUP != 0).then(|| long(head, 17)),
        request_hash: request_hash.filter(|_| proven),
        tags: word(head, 8),
        session: word(head, 12),
        text_tokens,
    })
}

/// Rows are checked when they are made or read from a partial, so reading one cannot fail.
const CHECKED: &str = "rows are checked when made or read";

impl Rows {
    pub fn new() -> Rows {
        Rows::default()
    }

    /// Room for `rows` rows of `bytes` bytes in all.
    pub fn with_capacity(rows: usize, bytes: usize) -> Rows {
        Rows {
            bytes: Store::Heap(Vec::with_capacity(bytes)),
            starts: Store::Heap(Vec::with_capacity(rows * 8)),
            spill_above: None,
        }
    }

    /// No rows yet; once [`Rows::append`] has added more than `limit` bytes of them, they are
    /// kept in a temporary file ([`Spill`]) instead of the heap.
    pub fn spilling_above(limit: usize) -> Rows {
        Rows {
            spill_above: Some(limit),
            ..Rows::default()
        }
    }

    /// Bytes a list with an entry per row may take in memory before it is sorted through a
    /// temporary file ([`crate::pipeline::ExternalSort`]): a quarter of the rows' own limit
    /// (several such lists can be at work at once), none when the rows have none. Never less
    /// than [`MIN_LIST_CHUNK`]: each chunk written is read back through a buffer of its own.
    pub fn list_limit(&self) -> Option<usize> {
        self.spill_above
            .map(|limit| (limit / 4).max(MIN_LIST_CHUNK))
    }

    /// Whether the rows are kept in a temporary file.
    pub fn spilled(&self) -> bool {
        matches!(self.bytes, Store::File(_))
    }

    pub fn len(&self) -> usize {
        self.starts.len() / 8
    }

    pub fn is_empty(&self) -> bool {
        self.starts.len() == 0
    }

    /// Adds a call and its id (the provider's response or request id, or a derived hash).
    pub fn push(&mut self, row: &CallRow, call_id: &str) {
        let start = (self.bytes.len() as u64).to_le_bytes();
        match (&mut self.bytes, &mut self.starts) {
            (Store::Heap(bytes), Store::Heap(starts)) => {
                starts.extend_from_slice(&start);
                encode(bytes, row, call_id);
            }
            _ => {
                let mut bytes = Vec::new();
                encode(&mut bytes, row, call_id);
                self.extend(&bytes, &start);
            }
        }
    }

    /// Where the row at `index` lies in `bytes`.
    #[inline]
    fn span(&self, index: usize) -> Range<usize> {
        if index + 1 < self.len() {
            let (start, end) = self.starts.offsets(index);
            start..end
        } else {
            self.starts.offset(index)..self.bytes.len()
        }
    }

    #[inline]
    fn encoded(&self, index: usize) -> &[u8] {
        self.bytes.read(self.span(index))
    }

    #[inline]
    fn head(&self, index: usize) -> &[u8] {
        let start = self.starts.offset(index);
        self.bytes.read(start..start + HEAD)
    }

    /// The body and id bytes of the row at `index`.
    #[inline]
    fn split(&self, index: usize) -> (&[u8], &[u8]) {
        split_row(self.encoded(index)).expect(CHECKED)
    }

    /// The row at `index` (which must be below `len`).
    #[inline]
    pub fn get(&self, index: usize) -> CallRow {
        decode_body(self.head(index), self.split(index).0).expect(CHECKED)
    }

    /// The call id of the row at `index`.
    pub fn call_id(&self, index: usize) -> &str {
        std::str::from_utf8(self.split(index).1).expect(CHECKED)
    }

    /// The rows that have a time, as (time, index) in time order, rows at the same
    /// millisecond in input order (the keys are unique). The times are read without decoding
    /// the rows, and sorted as [`Rows::list_limit`] allows.
    pub fn time_order(&self) -> Sorted<(i64, usize)> {
        sort_filter_map(self.len(), self.list_limit(), |index| {
            Some((self.timestamp_ms(index)?, index))
        })
    }

    /// The time of the row at `index`, read without decoding the row.
    #[inline]
    pub fn timestamp_ms(&self, index: usize) -> Option<i64> {
        let head = self.head(index);
        (head[16] & Bits::TIME != 0).then(|| long(head, 25) as i64)
    }

    /// The attempt group of the row at `index`, read without decoding the row.
    #[inline]
    pub fn attempt_group(&self, index: usize) -> Option<u64> {
        let head = self.head(index);
        (head[16] & Bits::GROUP != 0).then(|| long(head, 17))
    }

    /// The session of the row at `index`, read without decoding the row.
    #[inline]
    pub fn session(&self, index: usize) -> u32 {
        word(self.head(index), 12)
    }

    /// Whether the row at `index` has a dedupe key, read without decoding the row.
    #[inline]
    pub fn has_dedupe_key(&self, index: usize) -> bool {
        self.head(index)[16] & Bits::DEDUPE_KEY != 0
    }

    /// Whether the id of the row at `index` is one the log wrote, read without decoding the row.
    #[inline]
    pub fn logged_id(&self, index: usize) -> bool {
        self.head(index)[16] & Bits::LOGGED_ID != 0
    }

    /// Whether the row at `index` holds a session's totals ([`CallFlags::summed`]), read
    /// without decoding the row.
    #[inline]
    pub fn summed(&self, index: usize) -> bool {
        let body = self.split(index).0;
        u16::from_le_bytes([body[0], body[1]]) & Has::SUMMED != 0
    }

    /// The rows in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = CallRow> + '_ {
        (0..self.len()).map(|index| self.get(index))
    }

    /// The rows of `range`, in order.
    pub fn range(&self, range: Range<usize>) -> impl ExactSizeIterator<Item = CallRow> + '_ {
        range.map(|index| self.get(index))
    }

    /// The rows with their indices, decoded on all cores.
    pub fn par_iter(&self) -> impl IndexedParallelIterator<Item = (usize, CallRow)> + '_ {
        (0..self.len())
            .into_par_iter()
            .map(|index| (index, self.get(index)))
    }

    /// The index ranges of consecutive blocks of `size` rows (the last may be shorter).
    pub fn blocks(&self, size: usize) -> Vec<Range<usize>> {
        let (len, size) = (self.len(), size.max(1));
        (0..len)
            .step_by(size)
            .map(|start| start..(start + size).min(len))
            .collect()
    }

    /// Adds `other`'s rows after these, renumbering each row's source, model, tag set and
    /// session through `renumber` (from the other rows' numbering to these rows').
    pub fn append(&mut self, mut other: Rows, renumber: impl Fn(Renumber) -> Renumber) {
        other.renumber(renumber);
        let base = self.bytes.len();
        let starts = offset_bytes((0..other.len()).map(|i| base + other.starts.offset(i)));
        self.extend(&other.bytes.to_vec(), &starts);
    }

    /// Adds `bytes` of rows that start at `starts` (encoded offsets) at the end, first moving
    /// the rows to a temporary file if that takes them past [`Rows::spilling_above`]'s limit.
    /// Rows that cannot be kept in a file (the file cannot be made or written) stay on the
    /// heap, with a warning.
    fn extend(&mut self, bytes: &[u8], starts: &[u8]) {
        if !self.spilled()
            && self
                .spill_above
                .is_some_and(|limit| self.bytes.len() + bytes.len() > limit)
            && let Err(error) = self
                .bytes
                .move_to_file()
                .and_then(|()| self.starts.move_to_file())
        {
            self.keep_on_heap(&error);
        }
        // On the heap (where a failure leaves them) adding cannot fail.
        while let Err(error) = self.bytes.extend(bytes) {
            self.keep_on_heap(&error);
        }
        while let Err(error) = self.starts.extend(starts) {
            self.keep_on_heap(&error);
        }
    }

    /// Moves the rows back to the heap for good, after the temporary file failed.
    fn keep_on_heap(&mut self, error: &std::io::Error) {
        crate::diag!(
            "warning: cannot keep the calls in a temporary file in {} ({error}); keeping them in memory",
            std::env::temp_dir().display()
        );
        self.spill_above = None;
        self.bytes.move_to_heap();
        self.starts.move_to_heap();
    }

    /// Renumbers every row's source, model, tag set and session through `renumber`.
    pub fn renumber(&mut self, renumber: impl Fn(Renumber) -> Renumber) {
        for index in 0..self.len() {
            let start = self.starts.offset(index);
            let head = self.bytes.write(start..start + HEAD);
            let new = renumber(Renumber {
                source: word(head, 0),
                model: word(head, 4),
                tags: word(head, 8),
                session: word(head, 12),
            });
            for (at, value) in [
                (0, new.source),
                (4, new.model),
                (8, new.tags),
                (12, new.session),
            ] {
                head[at..at + 4].copy_from_slice(&value.to_le_bytes());
            }
        }
    }

    /// Sets the attempt group of the row at `index`.
    /// Marks the row's text as proving nothing: it reads back without prefixes or request
    /// hash, as redacted.
    pub fn mark_unproven(&mut self, index: usize) {
        let start = self.starts.offset(index);
        self.bytes.write(start..start + HEAD)[16] |= Bits::UNPROVEN;
    }

    pub fn set_attempt_group(&mut self, index: usize, group: u64) {
        let start = self.starts.offset(index);
        let head = self.bytes.write(start..start + HEAD);
        head[16] |= Bits::GROUP;
        head[17..25].copy_from_slice(&group.to_le_bytes());
    }

    /// Removes the rows marked in `dropped` (one flag per row; missing flags keep their row).
    pub fn remove(&mut self, dropped: &RowSet) {
        let mut bytes = 0;
        let mut rows = 0;
        for index in 0..self.len() {
            if dropped.contains(index) {
                continue;
            }
            let range = self.span(index);
            let len = range.len();
            self.bytes.copy_within(range, bytes);
            self.starts.set_offset(rows, bytes);
            bytes += len;
            rows += 1;
        }
        self.bytes.truncate(bytes);
        self.starts.truncate(rows * 8);
    }

    /// Every row with its id, for tests that edit rows.
    #[cfg(test)]
    pub fn entries(&self) -> Vec<(CallRow, String)> {
        (0..self.len())
            .map(|index| (self.get(index), self.call_id(index).to_string()))
            .collect()
    }

    /// Gives back room left over from growing.
    pub fn shrink_to_fit(&mut self) {
        for store in [&mut self.bytes, &mut self.starts] {
            if let Store::Heap(bytes) = store {
                bytes.shrink_to_fit();
            }
        }
    }
}

/// The least a list over the rows keeps in memory before it is sorted through a file: with
/// `--spill-above 0`, ten million calls make some 2,500 runs of a list, not ten million.
pub const MIN_LIST_CHUNK: usize = 64 << 10;

/// Rows a pass over all of them hands to the cores at a time: each block is done in parallel
/// and handed on in input order, so a pass holds one block's results, never the run's.
pub const BLOCK_ROWS: usize = 1 << 14;

/// Rows picked out of a run, a bit each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowSet(Vec<u64>);

impl RowSet {
    /// None of `rows` rows.
    pub fn new(rows: usize) -> RowSet {
        RowSet(vec![0; rows.div_ceil(64)])
    }

    /// Adds row `index` (which must be below the set's rows).
    pub fn insert(&mut self, index: usize) {
        self.0[index / 64] |= 1 << (index % 64);
    }

    /// Rows in the set.
    pub fn len(&self) -> usize {
        self.0.iter().map(|word| word.count_ones() as usize).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|&word| word == 0)
    }

    pub fn contains(&self, index: usize) -> bool {
        self.0
            .get(index / 64)
            .is_some_and(|word| word >> (index % 64) & 1 == 1)
    }

    /// The rows in the set, in row order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(at, &word)| {
            (0..64)
                .filter(move |bit| word >> bit & 1 == 1)
                .map(move |bit| at * 64 + bit)
        })
    }
}

/// The numbers [`Rows::append`] renumbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Renumber {
    pub source: u32,
    pub model: u32,
    pub tags: u32,
    pub session: u32,
}

impl<S: AsRef<str>> FromIterator<(CallRow, S)> for Rows {
    fn from_iter<I: IntoIterator<Item = (CallRow, S)>>(rows: I) -> Rows {
        let mut all = Rows::new();
        for (row, id) in rows {
            all.push(&row, id.as_ref());
        }
        all
    }
}

/// Rows for tests that do not look at ids: row `i` is call `test-i`.
#[cfg(test)]
impl From<Vec<CallRow>> for Rows {
    fn from(rows: Vec<CallRow>) -> Rows {
        let ids = (0..rows.len()).map(|index| format!("test-{index}"));
        rows.into_iter().zip(ids).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{Task, Tier};
    use crate::record::ServiceTier;

    fn row(n: u64) -> CallRow {
        CallRow {
            source: n as u32 % 3,
            line: n * 1_000_003,
            timestamp_ms: (!n.is_multiple_of(4)).then_some(1_700_000_000_000 + n as i64 * 7),
            model: n as u32 % 5,
            provider: Provider::ALL[n as usize % Provider::ALL.len()],
            price: n.is_multiple_of(2).then_some(n as u32),
            tokens: TokenBuckets {
                input: n,
                cache_read: n * 3,
                cache_write_5m: u64::MAX - n,
                cache_write_1h: 0,
                output: n * 11,
                reasoning: n,
            },
            // Amounts of both signs, up to the largest.
            cost: (!n.is_multiple_of(3)).then(|| match n % 4 {
                0 => Money::from_pico(i128::MAX - n as i128),
                1 => Money::from_pico(i128::MIN + n as i128),
                _ => Money::from_pico(n as i128 * 12_345_678 - 7),
            }),
            // Stated as logs write them: cents, fractions of a cent, now and then nothing.
            stated_cost: (n % 7 != 3).then(|| Money::from_pico(n as i128 * 10_000_000_000)),
            latency_ms: Some(n as f32 * 1.5),
            time_to_first_token_ms: (n % 2 == 1).then_some(0.25),
            classification: Classification {
                complexity: 0.125 * (n % 8) as f32,
                tier: Tier::ALL[n as usize % Tier::ALL.len()],
                task: Task::ALL[n as usize % Task::ALL.len()],
                confidence: 0.5,
                reasons: Reasons::from_bits(n.wrapping_mul(0x2545_f491_4f6c_dd1d)),
                verifiable: Verifiable::ALL.get(n as usize % 4).copied(),
                rule: n.is_multiple_of(5).then_some(n as u16),
            },
            flags: CallFlags {
                streamed: n.is_multiple_of(2),
                interactive: n % 3 == 1,
                batch: n % 5 == 2,
                tools: n % 11 == 3,
                json_schema: n % 13 == 4,
                images: n.is_multiple_of(17),
                failed: n.is_multiple_of(7),
                redacted: n % 9 == 2,
                summed: n % 4 == 3,
                failure: FailureCause::ALL.get(n as usize % 7).copied(),
                tier: ServiceTier::ALL[n as usize % ServiceTier::ALL.len()],
                residency: Residency::ALL.get(n as usize % 5).copied(),
                web_searches: n as u32,
            },
            prefixes: PromptPrefixes::new(
                n % 2 == 1,
                &(0..n % 4)
                    .map(|k| PromptPrefix {
                        hash: n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ k,
                        tokens: 2_048 * (k + 1),
                    })
                    .collect::<Vec<_>>(),
            ),
            dedupe_key: (n % 2 == 1).then_some(n),
            logged_id: n.is_multiple_of(2),
            attempt_group: n.is_multiple_of(6).then_some(u64::MAX - n),
            request_hash: Some(n ^ 0xdead_beef),
            tags: n as u32 % 4,
            session: n as u32 % 9,
            text_tokens: (n % 5 == 1).then_some(TextTokens {
                o200k: n as u32,
                cl100k: n as u32 + 1,
            }),
        }
    }

    fn id(n: u64) -> String {
        format!("chatcmpl-{n:x}")
    }

    fn sample(count: u64) -> Rows {
        (0..count).map(|n| (row(n), id(n))).collect()
    }

    /// Values read as the plain loop over 128 bits reads them: of every bit length, written
    /// by `put_varint`, with bytes after them or none, and each of their shorter cuts; and
    /// bytes of every kind (written not the shortest way, without an end, too long).
    #[test]
    fn values_read_as_the_loop_over_128_bits_reads_them() {
        let plain = |bytes: &[u8]| -> Option<(u128, usize)> {
            let mut value = 0u128;
            for (at, shift) in (0..128).step_by(7).enumerate() {
                let byte = *bytes.get(at)?;
                if shift == 126 && byte > 3 {
                    return None;
                }
                value |= u128::from(byte & 0x7f) << shift;
                if byte & 0x80 == 0 {
                    return Some((value, at + 1));
                }
            }
            None
        };
        let mut inputs: Vec<Vec<u8>> = Vec::new();
        for bits in 0..=128u32 {
            // The top bit at `bits - 1`, and every other one of the sixteen bits below.
            let value = match bits {
                0 => 0,
                _ => (1u128 << (bits - 1)) | (0x5555 & ((1u128 << (bits - 1)) - 1)),
            };
            let mut bytes = Vec::new();
            put_varint(&mut bytes, value);
            inputs.extend((0..bytes.len()).map(|cut| bytes[..cut].to_vec()));
            inputs.push([&bytes[..], &[0x01, 0xff]].concat());
            inputs.push(bytes);
        }
        for len in 0..=20 {
            for last in [0x00, 0x01, 0x03, 0x04, 0x7f, 0x80] {
                let mut bytes = vec![0xff; len];
                bytes.push(last);
                inputs.push(bytes);
            }
        }
        for bytes in &inputs {
            let mut read = Reader(bytes);
            let value = read
                .varint()
                .map(|value| (value, bytes.len() - read.0.len()));
            assert_eq!(value, plain(bytes), "{bytes:02x?}");
        }
    }

    #[test]
    fn a_row_set_holds_the_rows_put_in_it() {
        let mut set = RowSet::new(130);
        for index in [0, 63, 64, 129] {
            set.insert(index);
        }
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 63, 64, 129]);
        assert!(set.contains(64) && !set.contains(65) && !set.contains(1_000));
        assert_eq!(RowSet::new(0).iter().count(), 0);
    }

    #[test]
    fn every_field_reads_back_as_written() {
        let rows = sample(200);
        assert_eq!(rows.len(), 200);
        for n in 0..200 {
            let index = n as usize;
            assert_eq!(rows.get(index), row(n), "row {n}");
            assert_eq!(rows.call_id(index), id(n));
            // What is read without decoding is what decoding reads.
            assert_eq!(rows.summed(index), row(n).flags.summed);
            assert_eq!(rows.session(index), row(n).session);
            assert_eq!(rows.timestamp_ms(index), row(n).timestamp_ms);
            assert_eq!(rows.attempt_group(index), row(n).attempt_group);
            assert_eq!(rows.logged_id(index), row(n).logged_id);
            assert_eq!(rows.has_dedupe_key(index), row(n).dedupe_key.is_some());
        }
        let all: Vec<CallRow> = rows.iter().collect();
        assert_eq!(all, (0..200).map(row).collect::<Vec<_>>());
        let parallel: Vec<(usize, CallRow)> = rows.par_iter().collect();
        assert!(parallel.iter().all(|(i, r)| *r == row(*i as u64)));
    }

    /// The body writes enums as their index in `ALL`, so `ALL` must list them in declaration
    /// order.
    #[test]
    fn enums_are_listed_in_declaration_order() {
        assert!(
            Provider::ALL
                .iter()
                .enumerate()
                .all(|(i, &p)| p as usize == i)
        );
        assert!(Tier::ALL.iter().enumerate().all(|(i, &t)| t as usize == i));
        assert!(Task::ALL.iter().enumerate().all(|(i, &t)| t as usize == i));
        assert!(
            Verifiable::ALL
                .iter()
                .enumerate()
                .all(|(i, &v)| v as usize == i)
        );
        assert!(
            ServiceTier::ALL
                .iter()
                .enumerate()
                .all(|(i, &t)| t as usize == i)
        );
        assert!(
            Residency::ALL
                .iter()
                .enumerate()
                .all(|(i, &r)| r as usize == i)
        );
        assert_eq!(Provider::ALL.last(), Some(&Provider::Unknown));
    }

    #[test]
    fn blocks_cover_every_row_once() {
        let rows = sample(10);
        let blocks = rows.blocks(4);
        assert_eq!(blocks, vec![0..4, 4..8, 8..10]);
        assert!(Rows::new().blocks(4).is_empty());
    }

    #[test]
    fn removing_keeps_the_others_in_order() {
        let mut rows = sample(50);
        let mut dropped = RowSet::new(50);
        (0..50)
            .filter(|n| n % 3 == 0 || *n > 45)
            .for_each(|n| dropped.insert(n));
        rows.remove(&dropped);
        let kept: Vec<u64> = (0..50).filter(|n| !dropped.contains(*n as usize)).collect();
        assert_eq!(rows.len(), kept.len());
        for (index, &n) in kept.iter().enumerate() {
            assert_eq!(rows.get(index), row(n));
            assert_eq!(rows.call_id(index), id(n));
        }
    }

    #[test]
    fn appending_renumbers_heads_and_setting_a_group_changes_only_it() {
        let mut rows = sample(5);
        let more = (5..9).map(|n| (row(n), id(n))).collect::<Rows>();
        rows.append(more, |old| Renumber {
            source: old.source + 10,
            model: old.model * 2,
            tags: old.tags + 1,
            session: 0,
        });
        assert_eq!(rows.len(), 9);
        for n in 0..5 {
            assert_eq!(rows.get(n as usize), row(n));
        }
        for n in 5..9 {
            let expected = CallRow {
                source: row(n).source + 10,
                model: row(n).model * 2,
                tags: row(n).tags + 1,
                session: 0,
                ..row(n)
            };
            assert_eq!(rows.get(n as usize), expected);
            assert_eq!(rows.call_id(n as usize), id(n));
        }
        rows.set_attempt_group(7, 42);
        assert_eq!(
            rows.get(7),
            CallRow {
                attempt_group: Some(42),
                ..rows.get(7)
            }
        );
        assert_eq!(rows.get(7).attempt_group, Some(42));
        assert_eq!(rows.get(6).attempt_group, row(6).attempt_group);
    }

    #[test]
    fn encoded_rows_take_a_fraction_of_the_row() {
        // The fixture logs' calls, ids and all, against the rows as they are used.
        let catalog = crate::pricing::PriceCatalog::embedded().unwrap();
        let rules = crate::classify::ClassifyRules::default();
        let rows = crate::pipeline::run_fixture("fixtures", &catalog, &rules).rows;
        let held = rows.bytes.len() + rows.starts.len();
        let ids: usize = (0..rows.len()).map(|index| rows.call_id(index).len()).sum();
        let decoded = rows.len() * size_of::<CallRow>() + ids;
        assert!(rows.len() > 300, "{} calls", rows.len());
        assert!(
            held * 2 < decoded,
            "{held} bytes held for {} calls, against {decoded} decoded",
            rows.len()
        );
    }

    #[test]
    fn read_back_rows_are_checked() {
        let rows = sample(20);
        let bytes = postcard::to_stdvec(&rows).unwrap();
        assert_eq!(postcard::from_bytes::<Rows>(&bytes).unwrap(), rows);
        let mut broken = rows.clone();
        broken.bytes.truncate(broken.bytes.len() - 3);
        let bytes = postcard::to_stdvec(&broken).unwrap();
        assert!(postcard::from_bytes::<Rows>(&bytes).is_err());
        let mut shuffled = rows.clone();
        let (third, fourth) = shuffled.starts.offsets(3);
        shuffled.starts.set_offset(3, fourth);
        shuffled.starts.set_offset(4, third);
        let bytes = postcard::to_stdvec(&shuffled).unwrap();
        assert!(postcard::from_bytes::<Rows>(&bytes).is_err());
        // A flag the head does not have, and a provider past the last.
        let mut unknown_flag = rows.clone();
        let at = unknown_flag.starts.offset(2) + 16;
        unknown_flag.bytes.write(at..at + 1)[0] |= 0x80;
        let bytes = postcard::to_stdvec(&unknown_flag).unwrap();
        assert!(postcard::from_bytes::<Rows>(&bytes).is_err());
        let mut no_provider = rows.clone();
        // Head, the word of present fields, the request flags.
        let provider = no_provider.starts.offset(2) + HEAD + 3;
        let byte = &mut no_provider.bytes.write(provider..provider + 1)[0];
        assert_eq!(*byte, rows.get(2).provider as u8);
        *byte = Provider::ALL.len() as u8;
        let bytes = postcard::to_stdvec(&no_provider).unwrap();
        assert!(postcard::from_bytes::<Rows>(&bytes).is_err());
    }
}
