//! A strict, borrowed reader of JSON for the hottest line formats. It marks where a line's
//! quotes and escapes are in one vector pass, then walks the line once, hands each object's
//! keys to the caller, and checks and skips what the caller does not read, building nothing:
//! serde_json's derived readers spend most of a line's time dispatching tokens to visitors,
//! not scanning bytes.
//!
//! It accepts only what serde_json accepts and gives up (`None`) on whatever it is not sure of:
//! a key holding an escape, nesting deeper than [`MAX_DEPTH`], a control character in a
//! string, a number or literal out of JSON's grammar, anything after the value. The caller then
//! reads the line with serde_json, which decides. So a line read here reads as serde_json would
//! read it, only faster; each reader built on it is tested against its serde_json twin on every
//! fixture line and on mutations of each.

use std::borrow::Cow;
use std::cell::Cell;

use crate::ingest::values::{Raw, RawList, Text};

/// Deepest nesting read (serde_json stops at 128).
const MAX_DEPTH: u32 = 100;

/// A position in one JSON text.
pub(crate) struct Cursor<'a> {
    text: &'a str,
    /// Where the text's quotes, backslashes and control bytes are: [`Specials`].
    specials: Specials,
    at: usize,
    depth: u32,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(text: &'a str) -> Cursor<'a> {
        Cursor {
            text,
            specials: Specials::of(text.as_bytes()),
            at: 0,
            depth: 0,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The next byte that is not JSON whitespace, left unread.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        let byte = *self.bytes().get(self.at)?;
        // JSON's four whitespace bytes are the space and three below it; in a compact line
        // the next byte is the value's own.
        if byte > b' ' {
            return Some(byte);
        }
        self.peek_past_whitespace()
    }

    /// [`Cursor::peek`] from whitespace or a control byte.
    fn peek_past_whitespace(&mut self) -> Option<u8> {
        let bytes = self.bytes();
        while let Some(&byte) = bytes.get(self.at) {
            if !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(byte);
            }
            self.at += 1;
        }
        None
    }

    /// Reads `byte`, after whitespace.
    #[inline]
    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// Only whitespace is left.
    pub(crate) fn end(&mut self) -> Option<()> {
        self.peek().is_none().then_some(())
    }

    /// The raw text of the string at the cursor (quotes included), and whether it holds an
    /// escape. Each escape is checked as serde_json checks it (a `\u` takes four hex digits).
    /// Most strings hold none: they are read here, the rest out of line.
    #[inline]
    fn string_span(&mut self) -> Option<(&'a str, bool)> {
        let bytes = self.bytes();
        let start = self.at;
        if bytes.get(start) != Some(&b'"') {
            return None;
        }
        let end = self.specials.next(start + 1, bytes.len());
        if bytes.get(end) != Some(&b'"') {
            return self.escaped_span(start, end);
        }
        self.at = end + 1;
        // Quotes are ASCII: both ends are character boundaries.
        Some((&self.text[start..=end], false))
    }

    /// [`Cursor::string_span`] of the string at `start` from `at`, its first byte that is no
    /// plain text and no quote.
    #[cold]
    #[inline(never)]
    fn escaped_span(&mut self, start: usize, mut at: usize) -> Option<(&'a str, bool)> {
        let bytes = self.bytes();
        let mut escaped = false;
        loop {
            match *bytes.get(at)? {
                b'"' => break,
                b'\\' => escaped = true,
                _ => return None,
            }
            match *bytes.get(at + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => at += 2,
                b'u' if bytes.get(at + 2..at + 6)?.iter().all(u8::is_ascii_hexdigit) => {
                    at += 6;
                }
                _ => return None,
            }
            at = self.specials.next(at, bytes.len());
        }
        self.at = at + 1;
        Some((&self.text[start..=at], escaped))
    }

    /// A string: borrowed when it holds no escape, else decoded as it is read (one pass), as
    /// serde_json decodes it into a `String`: a `\u` escape of half a UTF-16 surrogate pair
    /// must be followed by the other half, or the string gives up (serde_json rejects it).
    pub(crate) fn text(&mut self) -> Option<Text<'a>> {
        self.peek()?;
        let bytes = self.bytes();
        if bytes.get(self.at) != Some(&b'"') {
            return None;
        }
        let start = self.at + 1;
        let end = self.specials.next(start, bytes.len());
        if bytes.get(end) != Some(&b'"') {
            return self.decoded_text(start, end);
        }
        self.at = end + 1;
        Some(Text(Cow::Borrowed(&self.text[start..end])))
    }

    /// [`Cursor::text`] of the string whose text starts at `start`, from `at`, its first byte
    /// that is no plain text and no quote.
    #[cold]
    #[inline(never)]
    fn decoded_text(&mut self, start: usize, mut at: usize) -> Option<Text<'a>> {
        let (text, bytes) = (self.text, self.bytes());
        // Where the string ends, found first (an escape is a backslash and at least one more
        // byte), so that the decoded text takes its memory once: escapes only shorten it. A
        // prompt's text, grown as it was decoded, was copied at every doubling.
        let mut end = at;
        while *bytes.get(end)? == b'\\' {
            end = self.specials.next(end + 2, bytes.len());
        }
        // The text decoded so far, and where the plain text not yet copied starts. Escapes
        // are ASCII, so every cut is a character boundary.
        let mut out = String::with_capacity(end - start);
        let mut from = start;
        loop {
            match *bytes.get(at)? {
                b'"' => break,
                b'\\' => {}
                _ => return None,
            }
            out.push_str(&text[from..at]);
            // The escape's length, once its character is pushed.
            at += match *bytes.get(at + 1)? {
                b'u' => {
                    let (decoded, len) = unicode_escape(bytes, at)?;
                    out.push(decoded);
                    len
                }
                simple => {
                    out.push(match simple {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        _ => return None,
                    });
                    2
                }
            };
            from = at;
            at = self.specials.next(at, bytes.len());
        }
        self.at = at + 1;
        out.push_str(&text[from..at]);
        Some(Text(Cow::Owned(out)))
    }

    /// A number as serde_json reads an `f64`: a whole number of up to 15 digits exactly (as
    /// serde_json reads it, as a `u64` made a float), any other by serde_json itself.
    pub(crate) fn float(&mut self) -> Option<f64> {
        let number = self.number()?;
        if number.len() <= 15 && number.bytes().all(|byte| byte.is_ascii_digit()) {
            return number.parse::<u64>().ok().map(|whole| whole as f64);
        }
        serde_json::from_str(number).ok()
    }

    /// Any value, checked and passed over, as serde_json's borrowed raw value of its text (for
    /// the small fields that shared readers keep raw).
    pub(crate) fn raw_value(&mut self) -> Option<&'a serde_json::value::RawValue> {
        serde_json::from_str(self.raw()?.0).ok()
    }

    /// `true` or `false`.
    pub(crate) fn bool(&mut self) -> Option<bool> {
        match self.peek()? {
            b't' => self.literal("true").map(|()| true),
            b'f' => self.literal("false").map(|()| false),
            _ => None,
        }
    }

    /// `None` for `null`, else what `read` reads.
    #[inline]
    pub(crate) fn nullable<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        if self.peek()? == b'n' {
            self.literal("null")?;
            return Some(None);
        }
        read(self).map(Some)
    }

    /// Any value, checked and passed over; its text as written.
    pub(crate) fn raw(&mut self) -> Option<Raw<'a>> {
        let first = self.peek()?;
        let start = self.at;
        match first {
            b'"' => drop(self.string_span()?),
            b'{' => self.object(|cursor, _| cursor.raw().map(drop))?,
            b'[' => self.array(|cursor| cursor.raw().map(drop))?,
            b't' | b'f' => drop(self.bool()?),
            b'n' => self.literal("null")?,
            b'-' | b'0'..=b'9' => drop(self.number()?),
            _ => return None,
        }
        Some(Raw(&self.text[start..self.at]))
    }

    /// [`Cursor::raw`], the items of an array counted as they are passed over.
    pub(crate) fn raw_list(&mut self) -> Option<RawList<'a>> {
        if self.peek()? != b'[' {
            return Some(RawList {
                raw: self.raw()?,
                items: 0,
            });
        }
        let start = self.at;
        let mut items = 0u32;
        self.array(|cursor| {
            items = items.saturating_add(1);
            cursor.raw().map(drop)
        })?;
        Some(RawList {
            raw: Raw(&self.text[start..self.at]),
            items,
        })
    }

    /// A number's text, by JSON's grammar: `-`, then `0` or digits not starting with `0`, then
    /// an optional fraction and exponent, each with at least one digit.
    pub(crate) fn number(&mut self) -> Option<&'a str> {
        self.peek()?;
        let bytes = self.bytes();
        let start = self.at;
        let mut at = start;
        let digits = |mut at: usize| {
            while bytes.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
            at
        };
        if bytes.get(at) == Some(&b'-') {
            at += 1;
        }
        match bytes.get(at)? {
            b'0' => at += 1,
            b'1'..=b'9' => at = digits(at),
            _ => return None,
        }
        if bytes.get(at) == Some(&b'.') {
            let end = digits(at + 1);
            if end == at + 1 {
                return None;
            }
            at = end;
        }
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            at += 1;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            let end = digits(at);
            if end == at {
                return None;
            }
            at = end;
        }
        self.at = at;
        Some(&self.text[start..at])
    }

    /// A whole number as serde_json reads a `u64`: digits only (a sign, a fraction or an
    /// exponent gives up), within `u64`.
    pub(crate) fn count(&mut self) -> Option<u64> {
        let number = self.number()?;
        if !number.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        number.parse().ok()
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        self.text[self.at..]
            .starts_with(word)
            .then(|| self.at += word.len())
    }

    /// Reads an object: `field` gets each key (which must hold no escape) with the cursor at
    /// its value, and reads the value.
    pub(crate) fn object(
        &mut self,
        mut field: impl FnMut(&mut Self, &'a str) -> Option<()>,
    ) -> Option<()> {
        self.items(b'{', b'}', |cursor| {
            cursor.peek()?;
            let (key, escaped) = cursor.string_span()?;
            if escaped {
                return None;
            }
            cursor.eat(b':')?;
            field(cursor, &key[1..key.len() - 1])
        })
    }

    /// Reads an array: `item` reads each value.
    pub(crate) fn array(&mut self, item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.items(b'[', b']', item)
    }

    /// Reads `open`, the items `item` reads separated by commas, and `close`.
    fn items(
        &mut self,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.eat(open)?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        if self.peek()? == close {
            self.at += 1;
        } else {
            loop {
                item(self)?;
                match self.peek()? {
                    b',' => self.at += 1,
                    byte if byte == close => {
                        self.at += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(())
    }
}

/// Where a text's bytes that end a run of plain string text are: quotes, backslashes and
/// control characters (below 0x20, which JSON strings may not hold), one bit a byte, 64 bytes
/// a word. Made in one pass over the whole text when its cursor is made (32 or 16 bytes at a
/// time), so that finding where a string ends or its next escape is a look at a word or two:
/// a Claude Code line holds about fifty strings, most of them under 40 bytes, and searching
/// each one from its start cost more than the pass (callgrind: 12 % of a run's instructions
/// on Claude Code lines, 6 % on OpenAI's).
struct Specials(Vec<u64>);

/// The most words a thread keeps for its next index: enough for a line of 512 KiB.
const SPARE_WORDS: usize = 8 << 10;

thread_local! {
    /// The words of the last index a thread dropped, for its next one: a reader makes an index
    /// a line, and need not take memory for each.
    static SPARE: Cell<Vec<u64>> = const { Cell::new(Vec::new()) };
}

impl Specials {
    fn of(bytes: &[u8]) -> Specials {
        let mut words = SPARE.try_with(Cell::take).unwrap_or_default();
        words.clear();
        words.reserve(bytes.len().div_ceil(64));
        let whole = bytes.len() / 64 * 64;
        fill(&bytes[..whole], &mut words);
        let rest = &bytes[whole..];
        if !rest.is_empty() {
            // Spaces are plain text: the bits past the end stay clear.
            let mut padded = [b' '; 64];
            padded[..rest.len()].copy_from_slice(rest);
            fill(&padded, &mut words);
        }
        Specials(words)
    }

    /// The first special byte at or after `at` (at most `len`, the text's length), or `len`
    /// if none.
    #[inline]
    fn next(&self, at: usize, len: usize) -> usize {
        let mut word = at / 64;
        let Some(&first) = self.0.get(word) else {
            return len;
        };
        let mut bits = first & (u64::MAX << (at % 64));
        loop {
            if bits != 0 {
                return word * 64 + bits.trailing_zeros() as usize;
            }
            word += 1;
            match self.0.get(word) {
                Some(&next) => bits = next,
                None => return len,
            }
        }
    }
}

impl Drop for Specials {
    fn drop(&mut self) {
        if self.0.capacity() <= SPARE_WORDS {
            let words = std::mem::take(&mut self.0);
            // A thread that is ending has no spare to keep.
            let _ = SPARE.try_with(|spare| spare.set(words));
        }
    }
}

/// Whether `byte` ends a run of plain string text.
fn is_special(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20
}

/// Pushes the special bytes of each 64 of `blocks` (a whole number of 64), bit `i` for byte
/// `i`: with AVX2 where the processor has it, else SSE2 where the build has it, else a byte
/// at a time.
fn fill(blocks: &[u8], words: &mut Vec<u64>) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    {
        if std::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2 (checked above).
            unsafe { simd::fill_avx2(blocks, words) }
        } else {
            // SAFETY: SSE2 is enabled for this build (the `cfg` above).
            unsafe { simd::fill_sse2(blocks, words) }
        }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
    fill_bytes(blocks, words);
}

/// [`fill`] a byte at a time: where there is no SSE2, and for the tests.
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn fill_bytes(blocks: &[u8], words: &mut Vec<u64>) {
    words.extend(blocks.chunks_exact(64).map(|block| {
        block.iter().enumerate().fold(0, |bits, (i, &byte)| {
            bits | u64::from(is_special(byte)) << i
        })
    }));
}

#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod simd {
    use std::arch::x86_64::{
        __m128i, __m256i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_min_epu8,
        _mm256_movemask_epi8, _mm256_or_si256, _mm256_set1_epi8,
    };

    /// [`super::fill`] thirty-two bytes at a time.
    #[target_feature(enable = "avx2")]
    pub(super) fn fill_avx2(blocks: &[u8], words: &mut Vec<u64>) {
        let quote = _mm256_set1_epi8(b'"' as i8);
        let backslash = _mm256_set1_epi8(b'\\' as i8);
        let below_space = _mm256_set1_epi8(0x1f);
        let mask = |half: &[u8]| {
            // SAFETY: `half` holds thirty-two bytes, which an unaligned load reads.
            let chunk = unsafe { _mm256_loadu_si256(half.as_ptr().cast::<__m256i>()) };
            // A byte is below 0x20 when its unsigned minimum with 0x1f is itself.
            let special = _mm256_or_si256(
                _mm256_or_si256(
                    _mm256_cmpeq_epi8(chunk, quote),
                    _mm256_cmpeq_epi8(chunk, backslash),
                ),
                _mm256_cmpeq_epi8(_mm256_min_epu8(chunk, below_space), chunk),
            );
            u64::from(_mm256_movemask_epi8(special) as u32)
        };
        words.extend(
            blocks
                .chunks_exact(64)
                .map(|block| mask(&block[..32]) | mask(&block[32..]) << 32),
        );
    }

    /// [`super::fill`] sixteen bytes at a time.
    #[target_feature(enable = "sse2")]
    pub(super) fn fill_sse2(blocks: &[u8], words: &mut Vec<u64>) {
        let quote = _mm_set1_epi8(b'"' as i8);
        let backslash = _mm_set1_epi8(b'\\' as i8);
        let below_space = _mm_set1_epi8(0x1f);
        let mask = |quarter: &[u8]| {
            // SAFETY: `quarter` holds sixteen bytes, which an unaligned load reads.
            let chunk = unsafe { _mm_loadu_si128(quarter.as_ptr().cast::<__m128i>()) };
            let special = _mm_or_si128(
                _mm_or_si128(
                    _mm_cmpeq_epi8(chunk, quote),
                    _mm_cmpeq_epi8(chunk, backslash),
                ),
                _mm_cmpeq_epi8(_mm_min_epu8(chunk, below_space), chunk),
            );
            u64::from(_mm_movemask_epi8(special) as u16)
        };
        words.extend(blocks.chunks_exact(64).map(|block| {
            mask(&block[..16])
                | mask(&block[16..32]) << 16
                | mask(&block[32..48]) << 32
                | mask(&block[48..]) << 48
        }));
    }
}

/// The character of the `\u` escape at `at` (a surrogate pair takes two escapes) and the
/// bytes its escapes take; `None` for four digits that are no hex, or half a pair alone.
fn unicode_escape(bytes: &[u8], at: usize) -> Option<(char, usize)> {
    let hex = |at: usize| {
        let digits = bytes.get(at + 2..at + 6)?;
        let digits = std::str::from_utf8(digits).ok()?;
        // `from_str_radix` takes a sign: only hex digits are an escape.
        digits
            .bytes()
            .all(|byte| byte.is_ascii_hexdigit())
            .then(|| u32::from_str_radix(digits, 16).ok())?
    };
    let first = hex(at)?;
    match first {
        0xD800..=0xDBFF => {
            if bytes.get(at + 6..at + 8)? != b"\\u" {
                return None;
            }
            let second = hex(at + 6)?;
            if !(0xDC00..=0xDFFF).contains(&second) {
                return None;
            }
            let code = 0x1_0000 + ((first - 0xD800) << 10) + (second - 0xDC00);
            Some((char::from_u32(code)?, 12))
        }
        0xDC00..=0xDFFF => None,
        _ => Some((char::from_u32(first)?, 6)),
    }
}

/// Marks each known field of a struct as read, so that a field read twice gives up: serde's
/// derived readers reject a duplicate field.
#[derive(Default)]
pub(crate) struct Seen(u32);

impl Seen {
    /// Marks field `bit`; `None` if it was read before.
    #[inline]
    pub(crate) fn first(&mut self, bit: u32) -> Option<()> {
        let mask = 1 << bit;
        (self.0 & mask == 0).then(|| self.0 |= mask)
    }
}

/// Where `name` stands in `names`, worked out at compile time for [`scan_fields`].
pub(crate) const fn position(names: &[&str], name: &str) -> u32 {
    let mut at = 0;
    while at < names.len() {
        let (a, b) = (names[at].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut i = 0;
            while i < a.len() && a[i] == b[i] {
                i += 1;
            }
            if i == a.len() {
                return at as u32;
            }
        }
        at += 1;
    }
    panic!("a field the list does not name")
}

/// Reads the object at `cursor` as serde's derived reader reads a struct: each named field by
/// its expression (with `cursor` at the field's value), any other key passed over, a field given
/// twice giving up (`None`). At most 32 fields.
macro_rules! scan_fields {
    ($cursor:ident, { $($name:literal => $read:expr),+ $(,)? }) => {{
        const NAMES: &[&str] = &[$($name),+];
        let mut seen = $crate::ingest::scan::Seen::default();
        $cursor.object(|$cursor, key| {
            match key {
                $($name => {
                    const BIT: u32 = $crate::ingest::scan::position(NAMES, $name);
                    seen.first(BIT)?;
                    $read;
                })+
                _ => drop($cursor.raw()?),
            }
            Some(())
        })
    }};
}
pub(crate) use scan_fields;

/// The edits of `text` the strict reader's tests read both ways (by it and by serde_json), at
/// every `step`-th character boundary: the text cut there, the character there taken out, and
/// one of JSON's syntax (or the start of an escape) put in.
#[cfg(test)]
pub(crate) fn edits(text: &str, step: usize) -> Vec<String> {
    let mut edits = Vec::new();
    let boundaries = (0..=text.len()).filter(|&at| text.is_char_boundary(at));
    for at in boundaries.step_by(step) {
        let next = text[at..].chars().next().map_or(0, char::len_utf8);
        edits.push(format!("{}{}", &text[..at], &text[at + next..]));
        edits.push(text[..at].to_string());
        for put in [
            "\"", "\\", ",", "}", "]", "{", "[", ":", "\u{1}", "0", "-", "n", " ", "\\u00",
        ] {
            edits.push(format!("{}{put}{}", &text[..at], &text[at..]));
        }
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::IgnoredAny;

    /// Whether the cursor reads `text` as one value and nothing after it.
    fn reads(text: &str) -> bool {
        let mut cursor = Cursor::new(text);
        cursor.raw().is_some() && cursor.end().is_some()
    }

    /// Whatever the cursor accepts, serde_json accepts, as the same value's text; on these,
    /// written to hit each rule, it accepts what serde_json accepts except deep nesting.
    #[test]
    fn accepts_only_what_serde_json_accepts() {
        let cases = [
            r#"{"a":1}"#,
            r#" { "a" : [ 1 , 2.5e-3 , -0 , true , false , null ] } "#,
            r#"{"a":"x\"y\\z\/\b\f\n\r\t\u00e9"}"#,
            r#"{"a":"\u12G4"}"#,
            r#"{"a":"\x"}"#,
            "{\"a\":\"tab\there\"}",
            "{\"a\":\"nul\u{0}\"}",
            r#"{"a":1,}"#,
            r#"[1,]"#,
            r#"{"a" 1}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":.5}"#,
            r#"{"a":+1}"#,
            r#"{"a":1e}"#,
            r#"{"a":1e+}"#,
            r#"{"a":-}"#,
            r#"{"a":tru}"#,
            r#"{"a":truex}"#,
            r#"{"a":nul}"#,
            r#"{"a":1} x"#,
            r#"{"a":1}{}"#,
            r#"{"a":"unterminated}"#,
            r#"{"a":1"#,
            "",
            "  ",
            r#""just a string""#,
            r#"{"é":"ü","k":"日本"}"#,
            r#"{"a":{"b":{"c":[[[]]]}}}"#,
            r#"{1:2}"#,
            r#"{"a":1 "b":2}"#,
            r#"[1 2]"#,
            r#"{"a":123456789012345678901234567890}"#,
            r#"{"a":1E400}"#,
        ];
        for case in cases {
            let serde = serde_json::from_str::<IgnoredAny>(case).is_ok();
            assert_eq!(reads(case), serde, "{case:?}");
        }
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH as usize + 1), "]".repeat(101));
        assert!(serde_json::from_str::<IgnoredAny>(&deep).is_ok());
        assert!(!reads(&deep), "gives up past its depth");
        let within = format!("{}{}", "[".repeat(50), "]".repeat(50));
        assert!(reads(&within));
    }

    /// A string with escapes decodes as serde_json decodes it into a `String`, or gives up
    /// where serde_json fails: every simple escape, `\u` escapes of each range, surrogate
    /// pairs whole, cut, reversed and alone, next to plain and multi-byte text.
    #[test]
    fn decodes_escapes_as_serde_json() {
        let pieces = [
            "plain",
            "é日",
            r"\n",
            r#"\""#,
            r"\\",
            r"\/",
            r"\b",
            r"\f",
            r"\r",
            r"\t",
            r"\u0041",
            r"\u00e9",
            r"\u65e5",
            r"\u0000",
            r"\uFFFF",
            r"\ud83d\ude00",
            r"\uD83D\uDE00",
            r"\ud83d",
            r"\ude00",
            r"\ud83d\u0041",
            r"\ud83dx",
            r"\ud83d\n",
            r"\u12",
            r"\u+123",
            r"\u-123",
            r"\x",
            " ",
        ];
        let mut state = 0x9e37_79b9_u64;
        for case in 0..4000 {
            let mut body = String::new();
            for _ in 0..(case % 7) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                body.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            let json = format!("\"{body}\"");
            let serde = serde_json::from_str::<String>(&json).ok();
            let mut cursor = Cursor::new(&json);
            let read = cursor.text().map(|text| text.0.into_owned());
            assert_eq!(read, serde, "{json}");
            if read.is_some() {
                assert!(cursor.end().is_some(), "{json}");
            }
        }
    }

    /// Strings come out borrowed without escapes and decoded with them; raw values keep their
    /// text as written; numbers their digits.
    #[test]
    fn reads_strings_raw_values_and_numbers() {
        let text = r#"{"s":"plain","e":"a\nb\u00e9","r":{"x":[1,"y"]},"n":-12.5e3,"c":18446744073709551615,"b":true,"z":null}"#;
        let mut cursor = Cursor::new(text);
        let mut got = Vec::new();
        cursor
            .object(|cursor, key| {
                let value = match key {
                    "s" | "e" => {
                        let text = cursor.text()?;
                        let borrowed = matches!(text.0, Cow::Borrowed(_));
                        format!("{}:{borrowed}", text.0)
                    }
                    "r" => cursor.raw()?.0.to_string(),
                    "n" => cursor.number()?.to_string(),
                    "c" => cursor.count()?.to_string(),
                    "b" => cursor.bool()?.to_string(),
                    _ => format!("{:?}", cursor.nullable(Cursor::bool)?),
                };
                got.push(format!("{key}={value}"));
                Some(())
            })
            .unwrap();
        assert!(cursor.end().is_some());
        assert_eq!(
            got,
            [
                "s=plain:true",
                "e=a\nbé:false",
                r#"r={"x":[1,"y"]}"#,
                "n=-12.5e3",
                "c=18446744073709551615",
                "b=true",
                "z=None",
            ]
        );
    }

    /// The index finds what a byte loop finds, from every offset of text of every length
    /// around a word's edges, with a special byte at each place and one before the search's
    /// start that it must pass over; the vector mask is the byte loop's.
    #[test]
    fn specials_find_the_first_quote_backslash_or_control() {
        // Neighbours that are close to special without being so.
        let near = [
            b'a', b' ', b'!', b'#', b'[', b']', 0xc3, 0x7f, 0x80, 0xff, 0x5d,
        ];
        for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
            for len in [0usize, 1, 7, 15, 16, 17, 63, 64, 65, 127, 128, 129, 200] {
                for at in 0..=len {
                    let mut bytes: Vec<u8> = (0..len).map(|i| near[i % near.len()]).collect();
                    if at < len {
                        bytes[at] = special;
                    }
                    let before = at.saturating_sub(3);
                    if before < at {
                        bytes[before] = special;
                    }
                    let specials = Specials::of(&bytes);
                    for from in [0, 1, 5, 63, 64, 65, before + 1, at, len] {
                        if from > len {
                            continue;
                        }
                        let expected = (from..len).find(|&i| is_special(bytes[i])).unwrap_or(len);
                        assert_eq!(specials.next(from, len), expected, "{bytes:?} from {from}");
                    }
                    let whole = &bytes[..len / 64 * 64];
                    let (mut simd, mut plain) = (Vec::new(), Vec::new());
                    fill(whole, &mut simd);
                    fill_bytes(whole, &mut plain);
                    assert_eq!(simd, plain);
                    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
                    {
                        let mut sse2 = Vec::new();
                        // SAFETY: SSE2 is enabled for this build.
                        unsafe { simd::fill_sse2(whole, &mut sse2) };
                        assert_eq!(sse2, plain);
                    }
                }
            }
        }
    }

    /// An index made from the words a dropped one leaves keeps none of its bits: after a text
    /// of quotes, one of plain bytes has no special byte, at any length around a word's edge.
    #[test]
    fn an_index_from_spare_words_keeps_no_stale_bits() {
        for len in [0usize, 1, 63, 64, 65, 200] {
            drop(Specials::of(&vec![b'"'; 300]));
            let plain = vec![b'a'; len];
            assert_eq!(Specials::of(&plain).next(0, len), len, "{len}");
        }
        // A long text's words are let go, not kept; the next index still reads right.
        drop(Specials::of(&vec![b'"'; SPARE_WORDS * 64 + 1]));
        assert_eq!(Specials::of(b"ab\"c").next(0, 4), 2);
    }

    /// Floats are what serde_json reads as an `f64`, whole numbers read here included, to
    /// the bit; what is no JSON number is not read as one.
    #[test]
    fn floats_read_as_serde_json_reads_them() {
        for text in [
            "0",
            "-0",
            "7",
            "26497",
            "999999999999999",
            "9999999999999999",
            "18446744073709551616",
            "-5",
            "1.5",
            "0.1",
            "1e3",
            "2.5E-3",
            "1790841654.123",
        ] {
            let serde = serde_json::from_str::<f64>(text).unwrap();
            let read = Cursor::new(text).float().unwrap();
            assert_eq!(read.to_bits(), serde.to_bits(), "{text}");
        }
        for text in ["01", "1.", "+1", "\"1\"", "null"] {
            let mut cursor = Cursor::new(text);
            let whole = cursor.float().is_some() && cursor.end().is_some();
            assert!(!whole, "{text}");
        }
    }

    /// Counts are what serde_json reads as a `u64`, or the reader gives up on them.
    #[test]
    fn counts_read_as_serde_json_reads_them() {
        for text in [
            "0",
            "7",
            "1234",
            "18446744073709551615",
            "18446744073709551616",
            "-1",
            "-0",
            "1.0",
            "1e3",
            "01",
            "1.5",
        ] {
            let mut cursor = Cursor::new(text);
            let ours = cursor.count().filter(|_| cursor.end().is_some());
            let serde = serde_json::from_str::<u64>(text).ok();
            assert!(ours.is_none() || ours == serde, "{text}");
            assert_eq!(
                ours.is_some(),
                text.bytes().all(|b| b.is_ascii_digit()) && serde.is_some(),
                "{text}"
            );
        }
    }

    /// Fields named are read whatever their order, others are passed over, and a field given
    /// twice gives up, as serde's derived readers reject it.
    #[test]
    fn fields_are_read_by_name_once() {
        let read = |text: &str| {
            let (mut a, mut b) = (None, None);
            let mut cursor = Cursor::new(text);
            scan_fields!(cursor, {
                "a" => a = Some(cursor.count()?),
                "b" => b = cursor.nullable(Cursor::text)?,
            })?;
            cursor.end()?;
            Some((a, b.map(|text| text.into_owned())))
        };
        assert_eq!(
            read(r#"{"b":"x","other":[1,{"a":2}],"a":1}"#),
            Some((Some(1), Some("x".to_string())))
        );
        assert_eq!(read(r#"{}"#), Some((None, None)));
        assert_eq!(read(r#"{"a":1,"b":null,"a":2}"#), None);
        assert_eq!(read(r#"{"b":"x","b":"x"}"#), None);
        assert_eq!(position(&["a", "bb", "b"], "b"), 2);
    }

    #[test]
    fn a_field_read_twice_is_told() {
        let mut seen = Seen::default();
        assert!(seen.first(3).is_some());
        assert!(seen.first(4).is_some());
        assert!(seen.first(3).is_none());
    }
}
