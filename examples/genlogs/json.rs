//! A minimal streaming JSON writer: records are written field by field in the order real
//! loggers use, straight into a reusable buffer, without building a `serde_json::Value` tree
//! (the generator writes gigabytes; a tree per record would dominate its time).

/// One open object or array.
struct Frame {
    has_items: bool,
    after_key: bool,
    close: char,
}

/// A JSON text under construction. Calls must nest properly; `finish` hands the text back.
#[derive(Default)]
pub struct Json {
    /// The text written so far.
    pub buf: String,
    stack: Vec<Frame>,
}

impl Json {
    /// An empty writer.
    pub fn new() -> Json {
        Json::default()
    }

    /// Clears the text for the next record, keeping the allocation.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.stack.clear();
    }

    /// Writes the comma a new array item or object member needs.
    fn before_value(&mut self) {
        if let Some(top) = self.stack.last_mut() {
            if top.after_key {
                top.after_key = false;
                return;
            }
            if top.has_items {
                self.buf.push(',');
            }
            top.has_items = true;
        }
    }

    /// Opens an object (as a value, or the record itself).
    pub fn obj(&mut self) -> &mut Json {
        self.before_value();
        self.buf.push('{');
        self.stack.push(Frame {
            has_items: false,
            after_key: false,
            close: '}',
        });
        self
    }

    /// Opens an array.
    pub fn arr(&mut self) -> &mut Json {
        self.before_value();
        self.buf.push('[');
        self.stack.push(Frame {
            has_items: false,
            after_key: false,
            close: ']',
        });
        self
    }

    /// Closes the innermost object or array.
    pub fn end(&mut self) -> &mut Json {
        if let Some(frame) = self.stack.pop() {
            self.buf.push(frame.close);
        }
        self
    }

    /// Writes an object member's name; the next call writes its value.
    pub fn key(&mut self, name: &str) -> &mut Json {
        self.before_value();
        escape_into(&mut self.buf, name);
        self.buf.push(':');
        if let Some(top) = self.stack.last_mut() {
            top.after_key = true;
        }
        self
    }

    /// A string value.
    pub fn str(&mut self, value: &str) -> &mut Json {
        self.before_value();
        escape_into(&mut self.buf, value);
        self
    }

    /// An unsigned integer value.
    pub fn num(&mut self, value: u64) -> &mut Json {
        self.before_value();
        push_u64(&mut self.buf, value);
        self
    }

    /// A decimal value, written with up to `decimals` digits after the point.
    pub fn float(&mut self, value: f64, decimals: usize) -> &mut Json {
        self.before_value();
        let text = format!("{value:.decimals$}");
        let trimmed = if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.')
        } else {
            &text
        };
        self.buf.push_str(trimmed);
        self
    }

    /// A boolean value.
    pub fn bool(&mut self, value: bool) -> &mut Json {
        self.before_value();
        self.buf.push_str(if value { "true" } else { "false" });
        self
    }

    /// A null value.
    pub fn null(&mut self) -> &mut Json {
        self.before_value();
        self.buf.push_str("null");
        self
    }

    /// A value that is already JSON text.
    pub fn raw(&mut self, json: &str) -> &mut Json {
        self.before_value();
        self.buf.push_str(json);
        self
    }

    /// `"name": "value"`.
    pub fn kstr(&mut self, name: &str, value: &str) -> &mut Json {
        self.key(name).str(value)
    }

    /// `"name": value` for a count.
    pub fn knum(&mut self, name: &str, value: u64) -> &mut Json {
        self.key(name).num(value)
    }
}

/// Appends `value` as a quoted JSON string. Runs of plain bytes are copied at once; quotes,
/// backslashes and control characters are escaped; other UTF-8 passes through as is.
pub fn escape_into(out: &mut String, value: &str) {
    out.push('"');
    let bytes = value.as_bytes();
    let mut start = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&value[start..index]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
            out.push(char::from(b"0123456789abcdef"[usize::from(byte & 0xf)]));
        } else {
            out.push_str(escape);
        }
        start = index + 1;
    }
    out.push_str(&value[start..]);
    out.push('"');
}

/// Appends the decimal digits of `value`.
pub fn push_u64(out: &mut String, value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = value;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
}
