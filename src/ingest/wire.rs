//! Wire shapes shared by the adapters: the envelope that body-pair loggers wrap around a
//! request and its response, timestamps in their several spellings, and stable hashes.

use crate::ingest::values::Text;
use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use xxhash_rust::xxh3::Xxh3Default;

use crate::ingest::scan::{Cursor, scan_fields};
use crate::ingest::values::parse_timestamp;
use crate::ingest::{LineOutcome, json_error};
use crate::record::{CallRecord, FailureCause};

/// Fields a logger may put around a request/response pair (or beside a bare response).
/// Every field is optional; unknown fields are ignored.
///
/// The request and response are kept as raw JSON by default, for the adapter to read; an
/// adapter may instead name the types they deserialize to (`Q`, `S`), so that a line is read
/// in one pass rather than skipped over once here and parsed again.
#[derive(Deserialize, Debug)]
#[serde(bound(deserialize = "'de: 'a, Q: Deserialize<'de>, S: Deserialize<'de>"))]
pub(crate) struct Envelope<'a, Q = &'a RawValue, S = &'a RawValue> {
    pub request: Option<Q>,
    pub response: Option<S>,
    pub timestamp: Option<&'a RawValue>,
    pub start_time: Option<&'a RawValue>,
    pub created_at: Option<&'a RawValue>,
    pub latency_ms: Option<f64>,
    pub duration_ms: Option<f64>,
    pub time_to_first_token_ms: Option<f64>,
    pub ttft_ms: Option<f64>,
    pub session_id: Option<Text<'a>>,
    pub trace_id: Option<Text<'a>>,
    pub tags: Option<&'a RawValue>,
    pub cost_usd: Option<f64>,
}

/// The line as text, when it is UTF-8: checked with SIMD, for the one-pass readers that parse
/// a whole line in place (the check is a sizable share of reading long lines).
pub(crate) fn utf8(line: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(line).ok()
}

impl<'a, Q, S> Envelope<'a, Q, S> {
    /// Reads an envelope as its serde reader does, the request and response by the readers
    /// given, or gives up ([`Cursor`]).
    pub(crate) fn scan(
        cursor: &mut Cursor<'a>,
        mut request: impl FnMut(&mut Cursor<'a>) -> Option<Q>,
        mut response: impl FnMut(&mut Cursor<'a>) -> Option<S>,
    ) -> Option<Self> {
        let mut envelope = Envelope {
            request: None,
            response: None,
            timestamp: None,
            start_time: None,
            created_at: None,
            latency_ms: None,
            duration_ms: None,
            time_to_first_token_ms: None,
            ttft_ms: None,
            session_id: None,
            trace_id: None,
            tags: None,
            cost_usd: None,
        };
        let e = &mut envelope;
        scan_fields!(cursor, {
            "request" => e.request = cursor.nullable(&mut request)?,
            "response" => e.response = cursor.nullable(&mut response)?,
            "timestamp" => e.timestamp = cursor.nullable(Cursor::raw_value)?,
            "start_time" => e.start_time = cursor.nullable(Cursor::raw_value)?,
            "created_at" => e.created_at = cursor.nullable(Cursor::raw_value)?,
            "latency_ms" => e.latency_ms = cursor.nullable(Cursor::float)?,
            "duration_ms" => e.duration_ms = cursor.nullable(Cursor::float)?,
            "time_to_first_token_ms" => e.time_to_first_token_ms = cursor.nullable(Cursor::float)?,
            "ttft_ms" => e.ttft_ms = cursor.nullable(Cursor::float)?,
            "session_id" => e.session_id = cursor.nullable(Cursor::text)?,
            "trace_id" => e.trace_id = cursor.nullable(Cursor::text)?,
            "tags" => e.tags = cursor.nullable(Cursor::raw_value)?,
            "cost_usd" => e.cost_usd = cursor.nullable(Cursor::float)?,
        })?;
        Some(envelope)
    }
}

impl<'a> Envelope<'a> {
    /// The response's JSON: the `response` member of a pair, or the whole line when it is a
    /// bare response object.
    pub fn response_json(&self, line: &'a [u8]) -> Result<&'a str, LineOutcome> {
        match self.response {
            Some(raw) => Ok(raw.get()),
            None => std::str::from_utf8(line)
                .map_err(|_| LineOutcome::Error("line is not UTF-8".to_string())),
        }
    }
}

impl<'a> Envelope<'a> {
    /// Reads a line's envelope, both sides kept raw, and the response's JSON
    /// ([`Envelope::response_json`]); the outcome of a line that is neither.
    pub fn read(line: &'a [u8]) -> Result<(Self, &'a str), LineOutcome> {
        let envelope: Envelope<'a> =
            serde_json::from_slice(line).map_err(|err| json_error(err, line))?;
        let response = envelope.response_json(line)?;
        Ok((envelope, response))
    }
}

/// JSON that did not read as a request or response, or as the object its wrapper holds.
pub(crate) struct UnwrapError<'a> {
    err: serde_json::Error,
    json: &'a str,
    in_body: bool,
}

impl UnwrapError<'_> {
    /// The line's outcome: the JSON error, named by the field it was met in.
    pub fn outcome(self) -> LineOutcome {
        json_error(self.err, self.json.as_bytes())
    }

    /// A message naming `what` did not read (`OpenAI request`), or its body.
    pub fn message(&self, what: &str) -> String {
        let body = if self.in_body { " body" } else { "" };
        format!("invalid {what}{body}: {}", self.err)
    }
}

/// `json` read as a `T`, a request or response as a body-pair logger may store it: the object
/// itself, or a wrapper (`{method, body}`, `{status_code, body}`) that holds it raw under
/// `body`, read one level deep as loggers wrap. `wrapper` gives what a `T` has as a wrapper:
/// its `body` and its status code. Returns the object and the outer status code.
pub(crate) fn read_wrapped<'a, T: Deserialize<'a>>(
    json: &'a str,
    wrapper: impl Fn(&T) -> (Option<&'a RawValue>, Option<u16>),
) -> Result<(T, Option<u16>), UnwrapError<'a>> {
    let outer: T = serde_json::from_str(json).map_err(|err| UnwrapError {
        err,
        json,
        in_body: false,
    })?;
    let (body, status_code) = wrapper(&outer);
    let Some(body) = body else {
        return Ok((outer, status_code));
    };
    let inner = serde_json::from_str(body.get()).map_err(|err| UnwrapError {
        err,
        json: body.get(),
        in_body: true,
    })?;
    Ok((inner, status_code))
}

/// A response format as OpenAI and Anthropic requests name it: `{"type": "json_schema", …}`.
#[derive(Deserialize, Debug)]
#[serde(bound(deserialize = "'de: 'a"))]
pub(crate) struct FormatSpec<'a> {
    #[serde(rename = "type", default)]
    pub kind: Text<'a>,
}

impl<'a> FormatSpec<'a> {
    /// Reads a format as its serde reader does, or gives up ([`Cursor`]).
    pub(crate) fn scan(cursor: &mut Cursor<'a>) -> Option<Self> {
        let mut kind = Text::default();
        scan_fields!(cursor, { "type" => kind = cursor.text()? })?;
        Some(FormatSpec { kind })
    }
}

/// The model of a call: the one the response names, else the one its request asked for.
pub(crate) fn model_of(response: Option<&str>, requested: Option<String>) -> Option<String> {
    response.map(str::to_string).or(requested)
}

impl<Q, S> Envelope<'_, Q, S> {
    /// Copies what the envelope says about timing, session, tags and stated cost into a record
    /// the adapter built from the request and response.
    pub fn apply_to(&self, record: &mut CallRecord) {
        let stamp = [self.timestamp, self.start_time, self.created_at]
            .into_iter()
            .flatten()
            .find_map(parse_timestamp);
        if stamp.is_some() {
            record.timestamp_ms = stamp;
        }
        if let Some(latency) = self.latency_ms.or(self.duration_ms).filter(|v| *v >= 0.0) {
            record.latency_ms = Some(latency);
        }
        if let Some(ttft) = self
            .time_to_first_token_ms
            .or(self.ttft_ms)
            .filter(|v| *v >= 0.0)
        {
            record.time_to_first_token_ms = Some(ttft);
        }
        if let Some(session) = self.session_id.as_ref().or(self.trace_id.as_ref()) {
            record.session_id = Some(session.to_string());
        }
        if let Some(tags) = self.tags {
            add_string_tags(tags, &mut record.tags);
        }
        if self.cost_usd.is_some() {
            record.stated_cost_usd = self.cost_usd;
        }
    }
}

/// The project a coding agent worked in, as a report label: the last folder name of its working
/// directory (`/home/dev/src/app` → `app`), never the full path, which shows the layout of
/// someone's disk.
pub(crate) fn project_of(cwd: &str) -> String {
    let trimmed = cwd.trim_end_matches(['/', '\\']);
    let name = trimmed.rsplit(['/', '\\']).next().unwrap_or(trimmed);
    name.to_string()
}

/// Adds the string-valued members of a JSON object as tags, in the order of their names (the
/// last of a repeated name counts); other values are ignored. Read by the strict reader, or by
/// serde_json ([`add_string_tags_by_serde`]) where it gives up.
pub(crate) fn add_string_tags(raw: &RawValue, tags: &mut Vec<(String, String)>) {
    let mut cursor = Cursor::new(raw.get());
    let mut members: Vec<(&str, Option<Text<'_>>)> = Vec::new();
    let read = cursor.object(|cursor, name| {
        let text = match cursor.peek()? {
            b'"' => Some(cursor.text()?),
            _ => cursor.raw().map(|_| None)?,
        };
        members.push((name, text));
        Some(())
    });
    if read.and_then(|()| cursor.end()).is_none() {
        return add_string_tags_by_serde(raw, tags);
    }
    // In name order, as a map keeps them; a stable sort leaves a repeated name's last last.
    members.sort_by(|a, b| a.0.cmp(b.0));
    let mut members = members.into_iter().peekable();
    while let Some((name, text)) = members.next() {
        let repeated = members.peek().is_some_and(|next| next.0 == name);
        if let Some(text) = text
            && !repeated
        {
            tags.push((name.to_string(), text.into_owned()));
        }
    }
}

/// [`add_string_tags`] by serde_json: the members read into a map.
fn add_string_tags_by_serde(raw: &RawValue, tags: &mut Vec<(String, String)>) {
    type Members<'r> = std::collections::BTreeMap<Cow<'r, str>, &'r RawValue>;
    if let Ok(map) = serde_json::from_str::<Members<'_>>(raw.get()) {
        for (key, value) in map {
            if let Ok(text) = serde_json::from_str::<Cow<'_, str>>(value.get()) {
                tags.push((key.into_owned(), text.into_owned()));
            }
        }
    }
}

/// A hash that is the same on every run, machine and thread count: XXH3-64 of the parts,
/// each followed by a zero byte. Streamed into the hasher, so the parts (a system prompt, the
/// last user turn) are never copied into one buffer.
pub(crate) fn stable_hash(parts: &[&[u8]]) -> u64 {
    let mut hasher = PrefixHasher::default();
    for part in parts {
        hasher.update(part);
        hasher.end_part();
    }
    hasher.digest()
}

/// [`stable_hash`] built up piece by piece: bytes are added as they come, and a part ends
/// with [`PrefixHasher::end_part`]. Also counts the bytes added.
#[derive(Clone, Default)]
pub(crate) struct PrefixHasher {
    hasher: Xxh3Default,
    len: u64,
}

impl PrefixHasher {
    /// Adds bytes to the current part.
    pub fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.len += bytes.len() as u64;
    }

    /// Adds a marker byte, not counted in [`PrefixHasher::len`] (a message's role).
    pub fn mark(&mut self, byte: u8) {
        self.hasher.update(&[byte]);
    }

    /// Ends the current part (a zero byte, not counted in [`PrefixHasher::len`]).
    pub fn end_part(&mut self) {
        self.hasher.update(&[0]);
    }

    /// Bytes added, part ends not counted.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// The hash of everything added so far.
    pub fn digest(&self) -> u64 {
        self.hasher.digest()
    }
}

/// Counts the items of a JSON array (0 for anything else): by the strict reader, which builds
/// nothing, or by serde_json where that reader gives up.
pub(crate) fn array_len(json: Option<&str>) -> u32 {
    let Some(json) = json else {
        return 0;
    };
    let mut cursor = Cursor::new(json);
    if cursor.peek() != Some(b'[') {
        return 0;
    }
    if let Some(list) = cursor.raw_list()
        && cursor.end().is_some()
    {
        return list.items;
    }
    serde_json::from_str::<Vec<serde::de::IgnoredAny>>(json).map_or(0, |items| items.len() as u32)
}

/// Whether a JSON value is present and not `null`.
pub(crate) fn is_present(raw: Option<&RawValue>) -> bool {
    raw.is_some_and(|r| r.get().trim() != "null")
}

/// An error as OpenAI, Anthropic and the gateways that relay them write it: an object with a
/// type, a code and a message (Anthropic's wrapped once more under `error`), or a bare string.
#[derive(Deserialize, Default)]
#[serde(bound(deserialize = "'de: 'a"))]
struct WireError<'a> {
    #[serde(rename = "type")]
    kind: Option<Text<'a>>,
    code: Option<&'a RawValue>,
    message: Option<Text<'a>>,
    error: Option<&'a RawValue>,
}

/// The cause of a failed call from its HTTP status code and the error object its log holds
/// ([`FailureCause::derive`]). The message is matched there and dropped: it can quote the
/// prompt.
pub(crate) fn failure_of(status_code: Option<u16>, error: Option<&RawValue>) -> FailureCause {
    let mut texts: Vec<Cow<'_, str>> = Vec::new();
    let mut next = error;
    // An error object, then the one it wraps (Anthropic's `{"type": "error", "error": …}`).
    for _ in 0..2 {
        let Some(raw) = next.filter(|raw| is_present(Some(raw))) else {
            break;
        };
        if let Ok(text) = serde_json::from_str::<Cow<'_, str>>(raw.get()) {
            texts.push(text);
            break;
        }
        let parsed: WireError<'_> = serde_json::from_str(raw.get()).unwrap_or_default();
        texts.extend(parsed.kind.map(Cow::from));
        texts.extend(parsed.message.map(Cow::from));
        if let Some(code) = parsed.code {
            let code = code.get().trim().trim_matches('"');
            texts.push(Cow::Owned(code.to_string()));
        }
        next = parsed.error;
    }
    let texts: Vec<&str> = texts.iter().map(|text| text.as_ref()).collect();
    FailureCause::derive(status_code, &texts)
}

/// The non-empty lines of fixture files (paths from the crate root), for tests.
#[cfg(test)]
pub(crate) fn fixture_lines(paths: &[&str]) -> Vec<Vec<u8>> {
    let root = env!("CARGO_MANIFEST_DIR");
    paths
        .iter()
        .flat_map(|p| {
            std::fs::read(format!("{root}/{p}"))
                .unwrap()
                .split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .map(<[u8]>::to_vec)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every line and every variant of it (see [`pair_mutants`]) comes out of an adapter's one-pass
/// reader (`fast`) exactly as out of its general one; and every line with a `response` object
/// (bare responses go the general way) is indeed read in one pass (`one_pass`).
#[cfg(test)]
pub(crate) fn assert_one_pass_matches_general<T: std::fmt::Debug>(
    lines: &[Vec<u8>],
    one_pass: impl Fn(&[u8]) -> bool,
    fast: impl Fn(&[u8]) -> T,
    general: impl Fn(&[u8]) -> T,
) {
    let mut read_in_one_pass = 0;
    let mut pairs = 0;
    for line in lines {
        let value: serde_json::Value = serde_json::from_slice(line).unwrap();
        pairs += usize::from(value.get("response").is_some_and(|r| r.is_object()));
        read_in_one_pass += usize::from(one_pass(line));
        for variant in pair_mutants(line) {
            let fast = format!("{:?}", fast(&variant));
            let general = format!("{:?}", general(&variant));
            assert_eq!(fast, general, "{}", String::from_utf8_lossy(&variant));
        }
    }
    assert_eq!(read_in_one_pass, pairs);
    assert!(pairs * 2 > lines.len());
}

/// Variants of a `{request, response}` line that a one-pass reader must either read as the
/// general path does or hand over to it: body wrappers on either side, a bare response,
/// message, system and Responses input content of every JSON type, missing usage, sides of
/// the wrong type, invalid UTF-8 inside a skipped field, a duplicate key, and the line cut
/// short.
#[cfg(test)]
pub(crate) fn pair_mutants(line: &[u8]) -> Vec<Vec<u8>> {
    use serde_json::{Value, json};
    let mut out = vec![line.to_vec()];
    let Ok(Value::Object(base)) = serde_json::from_slice::<Value>(line) else {
        return out;
    };
    let text = |v: &Value| serde_json::to_vec(v).unwrap();
    let mut push = |mutate: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut copy = base.clone();
        mutate(&mut copy);
        out.push(text(&Value::Object(copy)));
    };
    push(&|m| {
        if let Some(request) = m.remove("request") {
            m.insert("request".into(), json!({"method": "POST", "body": request}));
        }
    });
    push(&|m| {
        if let Some(response) = m.remove("response") {
            m.insert(
                "response".into(),
                json!({"status_code": 200, "body": response}),
            );
        }
    });
    for status in [200, 500] {
        push(&|m| {
            if let Some(mut response) = m.remove("response") {
                if let Value::Object(inner) = &mut response {
                    inner.remove("usage");
                    if let Some(Value::Object(body)) = inner.get_mut("body") {
                        body.remove("usage");
                    }
                }
                m.insert(
                    "response".into(),
                    json!({"status_code": status, "body": response}),
                );
            }
        });
    }
    push(&|m| {
        m.remove("request");
    });
    push(&|m| {
        m.insert("request".into(), json!("a string"));
    });
    push(&|m| {
        m.insert("request".into(), Value::Null);
    });
    push(&|m| {
        m.insert("response".into(), json!([]));
    });
    push(&|m| {
        if let Some(Value::Object(response)) = m.get_mut("response") {
            response.remove("usage");
            if let Some(Value::Object(body)) = response.get_mut("body") {
                body.remove("usage");
            }
        }
    });
    let contents = [
        json!(42),
        json!({}),
        Value::Null,
        json!([1]),
        json!([{"type": 5}]),
        json!(["text"]),
        json!([{"type": "text", "text": 7}]),
        json!([{"type": "text", "text": "two\nlines \"quoted\" \u{e9}"}, {"type": "image_url"}]),
        json!([{"type": "tool_result", "content": [{"type": "text", "text": "nested"}]}]),
        json!("plain \\ text with \t escapes"),
    ];
    for content in &contents {
        push(&|m| {
            let Some(Value::Object(request)) = m.get_mut("request") else {
                return;
            };
            let request = match request.get_mut("body") {
                Some(Value::Object(body)) => body,
                _ => request,
            };
            if request.contains_key("system") {
                request.insert("system".into(), content.clone());
            }
            if let Some(Value::Array(messages)) = request.get_mut("messages") {
                for message in messages {
                    if let Value::Object(message) = message {
                        message.insert("content".into(), content.clone());
                    }
                }
            }
            // A Responses input's items: their content, and a tool output beside them.
            if let Some(Value::Array(items)) = request.get_mut("input") {
                for item in items.iter_mut() {
                    if let Value::Object(item) = item {
                        item.insert("content".into(), content.clone());
                    }
                }
                items.push(json!({"type": "function_call_output", "output": content.clone()}));
            }
        });
        // A Responses input that is this value itself.
        push(&|m| {
            let Some(Value::Object(request)) = m.get_mut("request") else {
                return;
            };
            if request.contains_key("input") {
                request.insert("input".into(), content.clone());
            }
        });
    }
    // Invalid UTF-8 in a field nobody reads, inside the request and beside it.
    for side in ["request", "label"] {
        let mut copy = base.clone();
        match copy.get_mut(side) {
            Some(Value::Object(object)) => {
                object.insert("unread".into(), json!("@@BAD@@"));
            }
            _ => {
                copy.insert(side.into(), json!({"unread": "@@BAD@@"}));
            }
        }
        let bytes = text(&Value::Object(copy));
        let at = bytes.windows(7).position(|w| w == b"@@BAD@@").unwrap();
        let mut bad = bytes[..at].to_vec();
        bad.extend_from_slice(b"\xff\xfe");
        bad.extend_from_slice(&bytes[at + 7..]);
        out.push(bad);
    }
    // A duplicate key, and the line cut short.
    let plain = text(&Value::Object(base.clone()));
    if let Some(at) = plain.windows(8).position(|w| w == b"\"model\":") {
        let mut duplicate = plain[..at].to_vec();
        duplicate.extend_from_slice(b"\"model\":\"dup\",");
        duplicate.extend_from_slice(&plain[at..]);
        out.push(duplicate);
    }
    for cut in [plain.len() / 3, plain.len() / 2, plain.len() - 1] {
        out.push(plain[..cut].to_vec());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::values::RawList;
    use xxhash_rust::xxh3::xxh3_64;

    /// The strict count agrees with serde_json's on arrays it reads and on those it hands
    /// over (an escaped key, nesting past its depth), and anything but an array counts 0.
    #[test]
    fn array_len_counts_as_serde_json() {
        let deep = format!("[{}{}]", "[".repeat(120), "]".repeat(120));
        let cases: [(&str, u32); 10] = [
            ("[]", 0),
            (" [ 1 , \"two\", null ] ", 3),
            (
                r#"[{"type":"function","function":{"name":"f","parameters":{}}},{"type":"x"}]"#,
                2,
            ),
            (r#"[{"\u0074ype":"escaped key"}, 2]"#, 2),
            (
                r#"["a \" quote", ["nested", [1e3]], {"k": [true, false]}]"#,
                3,
            ),
            (&deep, 1),
            ("{}", 0),
            ("\"[1,2]\"", 0),
            ("null", 0),
            ("7", 0),
        ];
        for (json, count) in cases {
            let serde = serde_json::from_str::<Vec<serde::de::IgnoredAny>>(json)
                .map_or(0, |items| items.len() as u32);
            assert_eq!(array_len(Some(json)), count, "{json}");
            assert_eq!(serde, count, "{json}");
            // Counted as the strict reader passes over the value, where it reads it.
            let mut cursor = Cursor::new(json);
            if let Some(list) = cursor.raw_list().filter(|_| cursor.end().is_some()) {
                assert_eq!(list.items, count, "{json}");
                assert_eq!(list.raw.0, json.trim(), "{json}");
            }
            let read: RawList<'_> = serde_json::from_str(json).unwrap();
            assert_eq!((read.raw.0, read.items), (json.trim(), count), "{json}");
        }
        assert_eq!(array_len(None), 0);
    }

    /// Tags read by the strict reader are those serde_json's map gives: on objects of every
    /// kind of member (escapes, a repeated name, an escaped name, nesting, not an object), and
    /// on each of them cut, or with a character taken out or one of JSON's syntax put in, at
    /// every position.
    #[test]
    fn string_tags_are_read_as_serde_json_reads_them() {
        let objects = [
            r#"{"team":"search","env":"prod"}"#,
            r#"{"b":"2","a":"1","b":"3"}"#,
            r#"{"b":"2","a":"1","b":3}"#,
            r#"{"b":4,"a":"1","b":"last"}"#,
            r#"{"quote":"a \" b \u00e9 \ud83d\ude00","n":null,"t":true,"x":[1,{"y":"z"}]}"#,
            r#"{"\u0074eam":"escaped name","team":"plain"}"#,
            r#" { "spaced" : "out" } "#,
            r#"{}"#,
            r#"["not","an","object"]"#,
            r#""a string""#,
            r#"{"bad":"\ud800 alone"}"#,
            r#"{"deep":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],"k":"v"}"#,
        ];
        let mut texts: Vec<String> = Vec::new();
        for object in objects {
            texts.push(object.to_string());
            texts.extend(crate::ingest::scan::edits(object, 1));
        }
        let mut compared = 0;
        for text in &texts {
            // A raw value is valid JSON: only those reach the readers.
            let Ok(raw) = serde_json::from_str::<&RawValue>(text) else {
                continue;
            };
            let (mut strict, mut serde) = (Vec::new(), Vec::new());
            add_string_tags(raw, &mut strict);
            add_string_tags_by_serde(raw, &mut serde);
            assert_eq!(strict, serde, "{text}");
            compared += 1;
        }
        assert!(compared > 500, "{compared}");
    }

    /// OpenAI's error object, Anthropic's wrapped one, a bare string and a status code alone.
    #[test]
    fn failure_causes_come_from_error_objects_and_status_codes() {
        let cause = |status: Option<u16>, error: &str| {
            let raw: Box<RawValue> = serde_json::from_str(error).unwrap();
            failure_of(status, Some(&raw))
        };
        let openai = r#"{"message":"This model's maximum context length is 128000 tokens","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}"#;
        assert_eq!(cause(Some(400), openai), FailureCause::ContextLength);
        let anthropic =
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        assert_eq!(cause(Some(529), anthropic), FailureCause::ServerError);
        let limited =
            r#"{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}"#;
        assert_eq!(cause(None, limited), FailureCause::RateLimit);
        assert_eq!(cause(None, r#""Request timed out""#), FailureCause::Timeout);
        assert_eq!(cause(None, r#"{"code":429}"#), FailureCause::RateLimit);
        assert_eq!(failure_of(Some(503), None), FailureCause::ServerError);
        assert_eq!(failure_of(None, None), FailureCause::Other);
    }

    /// The streamed hash is the hash of the parts joined with zero bytes, as it was computed
    /// before (one buffer, one call), for part sizes on both sides of XXH3's internal size
    /// classes (16, 128, 240 bytes, the 256-byte buffer, 1 KiB stripes).
    #[test]
    fn streamed_hash_equals_the_hash_of_the_joined_parts() {
        let sizes = [
            0, 1, 3, 15, 16, 17, 100, 128, 129, 200, 239, 240, 241, 255, 256, 257, 1023,
        ];
        let bytes: Vec<u8> = (0..5000u32).map(|i| (i * 31 % 251) as u8).collect();
        for &a in &sizes {
            for &b in &sizes {
                for c in [0, 5, 4000] {
                    let parts: [&[u8]; 3] = [&bytes[..a], &bytes[7..7 + b], &bytes[..c]];
                    let mut joined = Vec::new();
                    for part in parts {
                        joined.extend_from_slice(part);
                        joined.push(0);
                    }
                    assert_eq!(stable_hash(&parts), xxh3_64(&joined), "{a} {b} {c}");
                }
            }
        }
        assert_eq!(stable_hash(&[]), xxh3_64(b""));
    }
}
