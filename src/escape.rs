//! Strings from logs are data. This is the one place each output's rule for them lives:
//! - a terminal (the table report, anything on stdout when it is a terminal, every line on
//!   stderr) never receives a control character from a log: ESC, CR, the C1 controls, bidi
//!   overrides and invisible format characters are shown escaped (`\x1b`, `\u{202e}`);
//! - a CSV cell that a spreadsheet would run as a formula is neutralised (OWASP's rule: a cell
//!   starting with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`), unless it is a number;
//! - JSON escapes the same characters as `\uXXXX`, so the file stays lossless and valid;
//! - Markdown escapes every character its syntax gives a meaning to.
//!
//! - HTML turns its specials into entities, and escapes the same characters as a terminal.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};

/// Whether a character must never reach a terminal as is: C0 controls other than newline and
/// tab, DEL, the C1 controls, and the Unicode format characters that reorder or hide text
/// (bidi embeddings, overrides and isolates, zero-width characters, line and paragraph
/// separators, the byte-order mark).
pub fn is_unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// A string as a terminal may show it: unsafe characters escaped (`\x1b`, `\u{202e}`). Tabs and
/// newlines pass; a caller that needs one line replaces them itself.
pub fn terminal_text(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_safe(&mut safe, c);
    }
    Cow::Owned(safe)
}

fn push_safe(out: &mut String, c: char) {
    if !is_unsafe_char(c) {
        out.push(c);
    } else if (c as u32) < 0x80 {
        let _ = write!(out, "\\x{:02x}", c as u32);
    } else {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    }
}

/// A string on one line: unsafe characters escaped, newlines and tabs as spaces.
pub fn one_line(text: &str) -> String {
    terminal_text(text)
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect()
}

/// A writer for a terminal: every unsafe character written through it is escaped, and bytes
/// that are not UTF-8 are shown as `\xNN`. A character split across two writes is held until
/// its last byte arrives.
pub struct TerminalWriter<W: Write> {
    inner: W,
    /// The start of a UTF-8 sequence whose end has not been written yet.
    pending: Vec<u8>,
}

impl<W: Write> TerminalWriter<W> {
    pub fn new(inner: W) -> TerminalWriter<W> {
        TerminalWriter {
            inner,
            pending: Vec::new(),
        }
    }

    fn write_text(&mut self, text: &str) -> io::Result<()> {
        match terminal_text(text) {
            Cow::Borrowed(text) => self.inner.write_all(text.as_bytes()),
            Cow::Owned(text) => self.inner.write_all(text.as_bytes()),
        }
    }

    /// Writes what is complete of `bytes`; keeps a trailing incomplete character.
    fn write_bytes(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        loop {
            match std::str::from_utf8(bytes) {
                Ok(text) => return self.write_text(text),
                Err(err) => {
                    let (valid, rest) = bytes.split_at(err.valid_up_to());
                    // Checked by `from_utf8` just now.
                    self.write_text(std::str::from_utf8(valid).unwrap_or_default())?;
                    match err.error_len() {
                        None => {
                            self.pending.extend_from_slice(rest);
                            return Ok(());
                        }
                        Some(len) => {
                            for byte in &rest[..len] {
                                write!(self.inner, "\\x{byte:02x}")?;
                            }
                            bytes = &rest[len..];
                        }
                    }
                }
            }
        }
    }
}

impl<W: Write> Write for TerminalWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.pending.is_empty() {
            self.write_bytes(buf)?;
        } else {
            let mut joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(buf);
            self.write_bytes(&joined)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        for byte in std::mem::take(&mut self.pending) {
            write!(self.inner, "\\x{byte:02x}")?;
        }
        self.inner.flush()
    }
}

/// Standard output for a report: escaped for the terminal when it is one, and when the report
/// is for people (`human`: tables) wherever it goes, since a saved table is read with `cat`.
/// Also says whether stdout is a terminal.
#[allow(clippy::disallowed_methods)] // The one place stdout is opened for a report.
pub fn report_stdout(human: bool) -> (bool, Box<dyn Write>) {
    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    let out = io::BufWriter::new(stdout.lock());
    if terminal || human {
        (terminal, Box::new(TerminalWriter::new(out)))
    } else {
        (terminal, Box::new(out))
    }
}

/// Prints one diagnostic line on stderr, escaped for the terminal: messages may name files,
/// models and ids from logs.
pub fn eprint_line(line: std::fmt::Arguments<'_>) {
    let text = line.to_string();
    let _ = writeln!(io::stderr().lock(), "{}", terminal_text(&text));
}

/// A diagnostic line on stderr, escaped for the terminal (see [`eprint_line`]).
#[macro_export]
macro_rules! diag {
    ($($arg:tt)*) => {
        $crate::escape::eprint_line(format_args!($($arg)*))
    };
}

/// A CSV cell that no spreadsheet runs as a formula: a text starting with `=`, `+`, `-`, `@`,
/// tab or CR gets a leading `'` (OWASP, "CSV Injection"). Numbers (`-0.5`, `+3`) stay numbers,
/// and a negative zero (`-0`, `-0.00`) is written `0`. Control and bidi characters are escaped
/// as for a terminal, since a CSV file is read with `cat` too.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    match terminal_text(text) {
        Cow::Borrowed(text) => neutral_cell(text),
        Cow::Owned(text) => Cow::Owned(neutral_cell(&text).into_owned()),
    }
}

fn neutral_cell(text: &str) -> Cow<'_, str> {
    let risky = matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    );
    if !risky {
        return Cow::Borrowed(text);
    }
    // Digits, not `inf` or `NaN`, which a spreadsheet would not read as numbers.
    let digits = text.len() > 1
        && text[1..]
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    match text.parse::<f64>() {
        Ok(zero) if digits && zero == 0.0 => Cow::Borrowed(&text[1..]),
        Ok(_) if digits => Cow::Borrowed(text),
        _ => Cow::Owned(format!("'{text}")),
    }
}

/// A CSV writer whose every cell goes through [`csv_cell`]. Every CSV the tool writes is made
/// with it.
pub struct CsvWriter<W: Write> {
    inner: csv::Writer<W>,
}

impl<W: Write> CsvWriter<W> {
    #[allow(clippy::disallowed_methods)] // The one place a csv::Writer is made.
    pub fn new(out: W) -> CsvWriter<W> {
        CsvWriter {
            inner: csv::Writer::from_writer(out),
        }
    }

    /// Writes one row; its cells are neutralised.
    pub fn write_record<I, T>(&mut self, record: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.inner.write_record(
            record
                .into_iter()
                .map(|cell| csv_cell(cell.as_ref()).into_owned()),
        )
    }

    /// Writes one cell of the current row, neutralised; [`CsvWriter::end_record`] ends it.
    pub fn write_field(&mut self, cell: &str) -> csv::Result<()> {
        self.inner.write_field(csv_cell(cell).as_bytes())
    }

    pub fn end_record(&mut self) -> csv::Result<()> {
        self.inner.write_record(None::<&[u8]>)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    /// The writer underneath, flushed.
    pub fn into_inner(self) -> io::Result<W> {
        self.inner.into_inner().map_err(|err| err.into_error())
    }
}

/// Text for HTML content and attribute values: the five specials as entities, unsafe characters
/// escaped as for a terminal.
pub fn html_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => push_safe(&mut escaped, c),
        }
    }
    escaped
}

/// Text for Markdown: the punctuation that makes links, images, code, emphasis, tables, headings
/// and (on GitHub) math is backslash-escaped (CommonMark lets any ASCII punctuation be), `<` and `>` become entities so no HTML
/// is made, newlines become spaces, and unsafe characters are escaped as for a terminal.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '!' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => push_safe(&mut out, c),
        }
    }
    out
}

/// A JSON formatter that also escapes the characters [`is_unsafe_char`] names beyond those JSON
/// itself escapes (DEL, C1, bidi and format characters) as `\uXXXX`: the file reads back to the
/// same strings, and printing it cannot drive a terminal.
#[derive(Default)]
pub struct SafeJsonFormatter<'a> {
    pretty: serde_json::ser::PrettyFormatter<'a>,
}

impl serde_json::ser::Formatter for SafeJsonFormatter<'_> {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (at, c) in fragment.char_indices() {
            if is_unsafe_char(c) {
                writer.write_all(&fragment.as_bytes()[start..at])?;
                write!(writer, "\\u{:04x}", c as u32)?;
                start = at + c.len_utf8();
            }
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.begin_array(writer)
    }
    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.end_array(writer)
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.pretty.begin_array_value(writer, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.end_array_value(writer)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.begin_object(writer)
    }
    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.end_object(writer)
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.pretty.begin_object_key(writer, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.begin_object_value(writer)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.pretty.end_object_value(writer)
    }
}

/// Writes `value` as pretty JSON through [`SafeJsonFormatter`]. Every JSON output uses it.
pub fn write_json<T: serde::Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    let mut serializer =
        serde_json::Serializer::with_formatter(&mut *out, SafeJsonFormatter::default());
    value.serialize(&mut serializer)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOSTILE: &str = "a\x1b]8;;https://x\x07b\x1b[2J\r\u{9b}31m\u{202e}c\u{2066}\u{200b}";

    #[test]
    fn terminal_text_escapes_every_control_and_bidi_character() {
        let safe = terminal_text(HOSTILE);
        assert!(!safe.chars().any(is_unsafe_char), "{safe}");
        assert_eq!(
            safe,
            "a\\x1b]8;;https://x\\x07b\\x1b[2J\\x0d\\u{9b}31m\\u{202e}c\\u{2066}\\u{200b}"
        );
        assert!(matches!(terminal_text("plain\ttext\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_terminal_writer_escapes_across_split_writes() {
        let mut out = TerminalWriter::new(Vec::new());
        let bytes = format!("x{HOSTILE}é").into_bytes();
        // One byte at a time: every multi-byte character is split.
        for byte in &bytes {
            out.write_all(std::slice::from_ref(byte)).unwrap();
        }
        out.write_all(b"\xff\xfe!").unwrap();
        out.flush().unwrap();
        let text = String::from_utf8(out.inner).unwrap();
        assert_eq!(text, format!("x{}é\\xff\\xfe!", terminal_text(HOSTILE)));
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        for formula in [
            "=HYPERLINK(\"http://x\")",
            "+1+2",
            "-2+3",
            "@SUM(A1)",
            "\tx",
        ] {
            assert_eq!(csv_cell(formula), format!("'{formula}"));
        }
        for plain in ["-0.5", "+3", "1e3", "gpt-4o", "", "a=b", "-1.5e-3"] {
            assert_eq!(csv_cell(plain), plain);
        }
        for text in ["-inf", "-NaN", "+infinity", "-", "@"] {
            assert_eq!(csv_cell(text), format!("'{text}"));
        }
        assert_eq!(csv_cell("-0"), "0");
        assert_eq!(csv_cell("a\u{1b}[2Jb"), "a\\x1b[2Jb");
        // A CR cannot start a formula once it is escaped.
        assert_eq!(csv_cell("\r=1"), "\\x0d=1");
        assert_eq!(csv_cell("-0.000000"), "0.000000");
        let mut writer = CsvWriter::new(Vec::new());
        writer.write_record(["=1+1", "ok"]).unwrap();
        writer.flush().unwrap();
        let written = String::from_utf8(writer.into_inner().unwrap()).unwrap();
        assert_eq!(written, "'=1+1,ok\n");
    }

    #[test]
    fn markdown_text_makes_no_link_image_code_or_html() {
        let text = markdown_text("![x](https://e.com/a.png) `c` <b>|*_</b>\nnext");
        assert_eq!(
            text,
            "\\!\\[x\\]\\(https://e.com/a.png\\) \\`c\\` &lt;b&gt;\\|\\*\\_&lt;/b&gt; next"
        );
    }

    #[test]
    fn json_escapes_unsafe_characters_and_reads_back_the_same() {
        let value = serde_json::json!({ "model": HOSTILE, "ok": [1, "é"] });
        let mut out = Vec::new();
        write_json(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.chars().any(is_unsafe_char), "{text}");
        assert!(text.contains("\\u202e"));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
        // The same layout as serde_json's own pretty printer.
        assert_eq!(
            text.replace("\\u009b", "\u{9b}")
                .replace("\\u202e", "\u{202e}")
                .replace("\\u2066", "\u{2066}")
                .replace("\\u200b", "\u{200b}"),
            serde_json::to_string_pretty(&value).unwrap()
        );
    }
}
