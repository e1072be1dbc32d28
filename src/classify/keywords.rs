//! Keyword tables for the prompt-text scanner: which lowercase ASCII word is which cue.
//!
//! Words are matched whole (or by stem), so "classify" never fires inside
//! "unclassified". Whole words sit in one list ([`WORDS`]) from which a small hash table is
//! built at compile time: the scanner looks every word up, and most words are no keyword, so
//! a lookup mostly ends on an empty slot after one hash and one load (cheaper, measured,
//! than the `match` on byte strings it replaced).
//!
//! Stems are ASCII. Whole words may hold non-ASCII letters (task words in
//! Spanish, German and French: "übersetze", "résumé"): the scanner lowercases
//! ASCII bytes only, so a word that is often capitalised on a non-ASCII
//! letter is listed in both forms. Chinese and Japanese have no spaces, so
//! their task words are found by [`cjk_cue`] on pairs of characters instead.

/// Which counter a keyword bumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cue {
    Translate,
    Summarize,
    Classify,
    Extract,
    Creative,
    WriteVerb,
    Code,
    Error,
    Math,
    Proof,
    Retrieval,
    Chatty,
    Constraint,
    Json,
    /// Everyday writing forms ("email", "essay"): creative only with a write verb.
    Prose,
}

pub(super) fn is_question_word(w: &[u8]) -> bool {
    matches!(
        w,
        b"what"
            | b"how"
            | b"why"
            | b"when"
            | b"where"
            | b"who"
            | b"whom"
            | b"whose"
            | b"which"
            | b"can"
            | b"could"
            | b"would"
            | b"should"
            | b"is"
            | b"are"
            | b"do"
            | b"does"
            | b"did"
            | b"will"
            | b"explain"
    )
}

pub(super) fn is_latex_command(w: &[u8]) -> bool {
    matches!(
        w,
        b"frac"
            | b"int"
            | b"sum"
            | b"prod"
            | b"sqrt"
            | b"cdot"
            | b"times"
            | b"infty"
            | b"partial"
            | b"lim"
            | b"mathbb"
            | b"alpha"
            | b"beta"
            | b"theta"
            | b"pi"
            | b"leq"
            | b"geq"
            | b"neq"
    )
}

/// Word stems: any word starting with one is the cue ("summarise", "categories").
const STEMS: [(&[u8], Cue); 14] = [
    (b"translat", Cue::Translate),
    (b"summar", Cue::Summarize),
    (b"classif", Cue::Classify),
    (b"categor", Cue::Classify),
    // German "Kategorie", "klassifizieren"; Spanish "clasificar".
    (b"kategor", Cue::Classify),
    (b"klassifi", Cue::Classify),
    (b"clasific", Cue::Classify),
    (b"extract", Cue::Extract),
    // Spanish "extraer", German "extrahieren".
    (b"extrae", Cue::Extract),
    (b"extrahier", Cue::Extract),
    (b"mathemat", Cue::Math),
    (b"equation", Cue::Math),
    (b"probabil", Cue::Math),
    (b"statistic", Cue::Math),
];

/// Whole words and their cues. Spanish, French and German task words are listed too: the
/// scanner keeps accented words whole.
///
/// Looked up through [`lookup`], a hash table built from this list at compile time (a
/// duplicate word fails the build), so the list is the one place a keyword is written.
const WORDS: &[(Cue, &[&[u8]])] = &[
    // Spanish, French and German verbs and nouns too: the scanner keeps accented words whole.
    (
        Cue::Translate,
        &[
            b"traduce",
            b"traducir",
            b"traduire",
            b"traduis",
            b"traduisez",
            b"traduction",
            b"traduzione",
            b"traduci",
            b"\xc3\xbcbersetze",
            b"\xc3\xbcbersetzen",
            b"\xc3\xbcbersetzung",
            b"\xc3\x9cbersetze",
            b"\xc3\x9cbersetzen",
            b"\xc3\x9cbersetzung",
            b"traducci\xc3\xb3n",
        ],
    ),
    (
        Cue::Summarize,
        &[
            b"condense",
            b"condensed",
            b"digest",
            b"gist",
            b"recap",
            b"shorten",
            b"synopsis",
            b"takeaways",
            b"tldr",
            b"resumen",
            b"resumir",
            b"r\xc3\xa9sum\xc3\xa9",
            b"r\xc3\xa9sumer",
            b"r\xc3\xa9sume",
            b"zusammenfassung",
            b"zusammenfassen",
            b"fasse",
        ],
    ),
    // "Detect the language", "is this toxic", "triage the ticket": picking a label.
    (
        Cue::Classify,
        &[
            b"classifier",
            b"detect",
            b"intent",
            b"intents",
            b"label",
            b"labeled",
            b"labeling",
            b"labelled",
            b"labelling",
            b"labels",
            b"sentiment",
            b"toxic",
            b"toxicity",
            b"triage",
            b"cat\xc3\xa9gorie",
            b"cat\xc3\xa9gories",
        ],
    ),
    (
        Cue::Extract,
        &[
            b"entities",
            b"ner",
            b"parse",
            b"parsing",
            b"extrais",
            b"extraire",
        ],
    ),
    (
        Cue::Creative,
        &[
            b"copywriter",
            b"copywriting",
            b"creative",
            b"fairytale",
            b"fiction",
            b"haiku",
            b"jingle",
            b"limerick",
            b"lyric",
            b"lyrics",
            b"manuscript",
            b"novel",
            b"novelist",
            b"novelists",
            b"novella",
            b"poem",
            b"poems",
            b"poetry",
            b"rhyme",
            b"screenplay",
            b"song",
            b"sonnet",
            b"stories",
            b"story",
            b"storytelling",
            b"texter",
            b"verse",
            b"poema",
            b"gedicht",
            b"cuento",
            b"po\xc3\xa8me",
        ],
    ),
    (
        Cue::Prose,
        &[
            b"article",
            b"blog",
            b"caption",
            b"captions",
            b"email",
            b"emails",
            b"essay",
            b"essays",
            b"headline",
            b"headlines",
            b"letter",
            b"newsletter",
            b"posts",
            b"slogan",
            b"slogans",
            b"speech",
            b"tagline",
            b"taglines",
            b"toast",
            b"tweet",
            b"tweets",
        ],
    ),
    (
        Cue::WriteVerb,
        &[
            b"compose",
            b"craft",
            b"draft",
            b"write",
            b"escribe",
            b"escribir",
            b"redacta",
            b"schreibe",
            b"schreiben",
            b"verfasse",
            b"\xc3\xa9cris",
            b"\xc3\xa9crire",
            b"r\xc3\xa9dige",
        ],
    ),
    (
        Cue::Code,
        &[
            b"algorithm",
            b"api",
            b"async",
            b"await",
            b"bash",
            b"boolean",
            b"bug",
            b"bugs",
            b"cargo",
            b"code",
            b"coding",
            b"compile",
            b"compiler",
            b"console",
            b"const",
            b"cpp",
            b"csharp",
            b"css",
            b"debug",
            b"debugging",
            b"def",
            b"dockerfile",
            b"endpoint",
            b"enum",
            b"fn",
            b"function",
            b"functions",
            b"git",
            b"golang",
            b"html",
            b"impl",
            b"java",
            b"javascript",
            b"js",
            b"kotlin",
            b"lambda",
            b"method",
            b"npm",
            b"php",
            b"pip",
            b"powershell",
            b"printf",
            b"println",
            b"programming",
            b"python",
            b"refactor",
            b"regex",
            b"repo",
            b"repository",
            b"ruby",
            b"rust",
            b"script",
            b"sql",
            b"struct",
            b"typescript",
            b"undefined",
            b"var",
            b"variable",
            b"variables",
        ],
    ),
    (
        Cue::Error,
        &[
            b"errno",
            b"panicked",
            b"segfault",
            b"stacktrace",
            b"traceback",
        ],
    ),
    // Everyday arithmetic and statistics words, and "math" in a few languages.
    (
        Cue::Math,
        &[
            b"algebra",
            b"arithmetic",
            b"calculate",
            b"calculus",
            b"compounded",
            b"derivation",
            b"derivations",
            b"derivative",
            b"derive",
            b"deviation",
            b"eigenvalue",
            b"factorial",
            b"fraction",
            b"fractions",
            b"geometry",
            b"integral",
            b"logarithm",
            b"math",
            b"mathe",
            b"maths",
            b"matrix",
            b"median",
            b"percent",
            b"percentage",
            b"percentile",
            b"polynomial",
            b"porcentaje",
            b"pourcentage",
            b"prozent",
            b"quadratic",
            b"solve",
            b"sqrt",
            b"triangle",
            b"variance",
            b"matem\xc3\xa1ticas",
            b"math\xc3\xa9matiques",
        ],
    ),
    (
        Cue::Proof,
        &[
            b"corollary",
            b"lemma",
            b"proof",
            b"proofs",
            b"prove",
            b"theorem",
        ],
    ),
    (
        Cue::Retrieval,
        &[
            b"citation",
            b"citations",
            b"cite",
            b"context",
            b"document",
            b"documents",
            b"excerpt",
            b"excerpts",
            b"knowledge",
            b"passage",
            b"passages",
            b"retrieved",
            b"snippet",
            b"snippets",
            b"sources",
        ],
    ),
    (
        Cue::Chatty,
        &[
            b"assistant",
            b"chat",
            b"chatbot",
            b"conversation",
            b"hello",
            b"hey",
            b"hi",
            b"thank",
            b"thanks",
            b"thx",
        ],
    ),
    (
        Cue::Constraint,
        &[
            b"always",
            b"avoid",
            b"ensure",
            b"exactly",
            b"mandatory",
            b"must",
            b"never",
            b"required",
            b"should",
        ],
    ),
    (Cue::Json, &[b"json", b"schema"]),
];

/// Words that are no task cue but that the scanner reacts to. They sit in the same table as
/// the keywords, so that a word the table does not know needs nothing more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Marker {
    /// "stack": "stack trace" is an error word.
    Stack,
    /// "key", "main": "key points" asks for a summary.
    Key,
    /// "how": "how many", "how much" ask for a quantity.
    How,
    /// "not", "never", the "t" of "don't": negates a following write verb.
    Not,
    /// "question": "Question:" labels the question in RAG and exam templates.
    QuestionLabel,
    /// "tl": the first half of "tl;dr".
    Tl,
}

/// Marker words. A word may be a keyword too ("never" is a constraint).
const MARKERS: &[(Marker, &[&[u8]])] = &[
    (Marker::Stack, &[b"stack"]),
    (Marker::Key, &[b"key", b"main"]),
    (Marker::How, &[b"how"]),
    (Marker::Not, &[b"not", b"never", b"t"]),
    (Marker::QuestionLabel, &[b"question"]),
    (Marker::Tl, &[b"tl"]),
];

/// What the table knows of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Known {
    /// Its whole-word cue (stems are not in the table).
    pub cue: Option<Cue>,
    pub marker: Option<Marker>,
}

/// Words in [`WORDS`] and [`MARKERS`], each counted once.
const KNOWN_COUNT: usize = {
    let mut n = 0;
    let mut group = 0;
    while group < WORDS.len() {
        n += WORDS[group].1.len();
        group += 1;
    }
    let mut group = 0;
    while group < MARKERS.len() {
        let words = MARKERS[group].1;
        let mut i = 0;
        while i < words.len() {
            if keyword_cue(words[i]).is_none() {
                n += 1;
            }
            i += 1;
        }
        group += 1;
    }
    n
};

/// The cue [`WORDS`] gives `word`, by a plain search (only while the table is built).
const fn keyword_cue(word: &[u8]) -> Option<Cue> {
    let mut group = 0;
    while group < WORDS.len() {
        let (cue, words) = WORDS[group];
        let mut i = 0;
        while i < words.len() {
            if same(words[i], word) {
                return Some(cue);
            }
            i += 1;
        }
        group += 1;
    }
    None
}

/// Bytes hashed per word: the scanner's word buffer, zero past the word's end. No keyword is
/// longer (checked when the table is built).
pub(super) const PAD: usize = 32;

/// Slots of the open-addressing table: a power of two about four times the word count, so a
/// word that is no keyword mostly lands on an empty slot at once.
const SLOTS: usize = 1024;
const SLOT_BITS: u32 = SLOTS.trailing_zeros();

/// A lowercase word, zero-padded to [`PAD`] bytes: the scanner's buffer.
pub(super) type Padded = [u8; PAD];

/// A word as four little-endian lanes of eight bytes, zero past its end: the scanner's
/// buffer as numbers.
pub(super) type Lanes = [u64; 4];

/// Multipliers of [`lanes_hash`] (the 64-bit golden ratio, and xxHash's second prime).
const K1: u64 = 0x9e37_79b9_7f4a_7c15;
const K2: u64 = 0xc2b2_ae3d_27d4_eb4f;

/// Hash of a zero-padded word. Words hold no zero byte, so the padding makes the hash depend
/// on the word alone. The top [`SLOT_BITS`] bits pick the slot, the next 16 are the tag kept
/// in the slot to reject most mismatches without comparing bytes.
pub(super) const fn word_hash(word: &Padded) -> u64 {
    lanes_hash(&[lane(word, 0), lane(word, 8), lane(word, 16), lane(word, 24)])
}

/// [`word_hash`] of the word whose lanes are `lanes`.
#[inline]
pub(super) const fn lanes_hash(lanes: &Lanes) -> u64 {
    let mut h = lanes[0].wrapping_mul(K1);
    // Most words fit the first lane (the second is zero); only longer ones pay for the rest.
    if lanes[1] != 0 {
        let rest = lanes[1] ^ lanes[2].rotate_left(21) ^ lanes[3].rotate_left(42);
        h ^= rest.wrapping_mul(K2);
        h = h.wrapping_mul(K1);
    }
    h
}

/// Eight bytes of a padded word from `at`, as a little-endian number.
const fn lane(word: &Padded, at: usize) -> u64 {
    u64::from_le_bytes([
        word[at],
        word[at + 1],
        word[at + 2],
        word[at + 3],
        word[at + 4],
        word[at + 5],
        word[at + 6],
        word[at + 7],
    ])
}

/// `word` zero-padded; `None` when it is longer than [`PAD`].
const fn pad(word: &[u8]) -> Option<Padded> {
    if word.len() > PAD {
        return None;
    }
    let mut padded = [0u8; PAD];
    let mut i = 0;
    while i < word.len() {
        padded[i] = word[i];
        i += 1;
    }
    Some(padded)
}

/// The words of [`WORDS`] and [`MARKERS`] in one list, each once, with what is known of it.
static KNOWN: [(&[u8], Known); KNOWN_COUNT] = {
    const NONE: Known = Known {
        cue: None,
        marker: None,
    };
    let mut known: [(&[u8], Known); KNOWN_COUNT] = [(b"", NONE); KNOWN_COUNT];
    let mut n = 0;
    let mut group = 0;
    while group < WORDS.len() {
        let (cue, words) = WORDS[group];
        let mut i = 0;
        while i < words.len() {
            let mut k = 0;
            while k < n {
                assert!(!same(known[k].0, words[i]), "a keyword is listed twice");
                k += 1;
            }
            known[n] = (
                words[i],
                Known {
                    cue: Some(cue),
                    marker: None,
                },
            );
            n += 1;
            i += 1;
        }
        group += 1;
    }
    let mut group = 0;
    while group < MARKERS.len() {
        let (marker, words) = MARKERS[group];
        let mut i = 0;
        while i < words.len() {
            let mut k = 0;
            while k < n && !same(known[k].0, words[i]) {
                k += 1;
            }
            assert!(known[k].1.marker.is_none(), "a marker is listed twice");
            if k == n {
                known[n].0 = words[i];
                n += 1;
            }
            known[k].1.marker = Some(marker);
            i += 1;
        }
        group += 1;
    }
    known
};

/// Slot `tag << 16 | index + 1` for each word of [`KNOWN`]; 0 is an empty slot.
static TABLE: [u32; SLOTS] = {
    assert!(KNOWN_COUNT * 3 < SLOTS, "keep the table sparse");
    let mut table = [0u32; SLOTS];
    let mut index = 0;
    while index < KNOWN_COUNT {
        let word = KNOWN[index].0;
        let Some(padded) = pad(word) else {
            panic!("a keyword is longer than the scanner's word buffer");
        };
        assert!(!word.is_empty(), "an empty keyword");
        let hash = word_hash(&padded);
        let mut slot = (hash >> (64 - SLOT_BITS)) as usize;
        while table[slot] != 0 {
            slot = (slot + 1) % SLOTS;
        }
        table[slot] = (tag(hash) << 16) | (index as u32 + 1);
        index += 1;
    }
    table
};

/// The 16 bits of a hash below the slot bits.
const fn tag(hash: u64) -> u32 {
    ((hash >> (48 - SLOT_BITS)) & 0xffff) as u32
}

/// Byte-wise equality, usable while the table is built.
const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// What the table knows of `word` (lowercase, `len` bytes, zero-padded), if anything. Most
/// words are unknown, and most of those land on an empty slot: one hash, one load.
#[inline]
pub(super) fn known_word(word: &Padded, len: usize) -> Option<Known> {
    let hash = word_hash(word);
    let tag = tag(hash);
    let mut slot = (hash >> (64 - SLOT_BITS)) as usize;
    loop {
        let entry = TABLE[slot];
        if entry == 0 {
            return None;
        }
        if entry >> 16 == tag {
            let (candidate, known) = KNOWN[(entry & 0xffff) as usize - 1];
            if candidate == &word[..len] {
                return Some(known);
            }
        }
        slot = (slot + 1) % SLOTS;
    }
}

/// Whether the table may know the word whose [`word_hash`] is `hash`: `false` means surely
/// not (no slot on its probe chain holds its tag), with no byte compared.
#[inline]
pub(super) fn may_be_known(hash: u64) -> bool {
    let tag = tag(hash);
    let mut slot = (hash >> (64 - SLOT_BITS)) as usize;
    loop {
        let entry = TABLE[slot];
        if entry == 0 {
            return false;
        }
        if entry >> 16 == tag {
            return true;
        }
        slot = (slot + 1) % SLOTS;
    }
}

/// The cue of one lowercase word, if any. (The scanner asks [`known_word`] and
/// [`padded_word_cue`] directly; this is their meaning for any word.)
#[cfg(test)]
pub(super) fn word_cue(w: &[u8]) -> Option<Cue> {
    match pad(w) {
        Some(padded) => padded_word_cue(known_word(&padded, w.len()), w),
        // No keyword is this long; a stem or suffix may still match.
        None => stem_cue(w),
    }
}

/// The cue of the lowercase word `w`, given what the table knows of it: its whole-word cue,
/// else its stem's or suffix's.
#[inline]
pub(super) fn padded_word_cue(known: Option<Known>, w: &[u8]) -> Option<Cue> {
    match known.and_then(|k| k.cue) {
        Some(cue) => Some(cue),
        // Checked here so that the many short words skip the call.
        None if w.len() >= 6 => stem_cue(w),
        None => None,
    }
}

/// The cue of two adjacent Chinese or Japanese characters, if they spell a task word.
///
/// Kept to a handful of unambiguous words (translate, summarise, classify, extract, math,
/// proof, fiction, code) in both scripts where they differ; a `match` on the pair is a
/// cheap jump per character.
pub(super) fn cjk_cue(a: char, b: char) -> Option<Cue> {
    let cue = match (a, b) {
        ('翻', '訳' | '译') => Cue::Translate,
        ('要', '約' | '约' | '点') | ('摘', '要') | ('总', '结') | ('概', '要') | ('ま', 'と') => {
            Cue::Summarize
        }
        ('分', '類' | '类') | ('感', '情') | ('情', '感') => Cue::Classify,
        ('抽', '出') | ('提', '取') => Cue::Extract,
        ('数', '学')
        | ('計', '算')
        | ('计', '算')
        | ('期', '待')
        | ('確', '率')
        | ('概', '率')
        | ('方', '程') => Cue::Math,
        ('証', '明') | ('证', '明') => Cue::Proof,
        ('小', '説' | '说')
        | ('物', '語')
        | ('故', '事')
        | ('俳', '句')
        | ('詩', '歌')
        | ('诗', '歌') => Cue::Creative,
        ('代', '码') | ('関', '数') | ('函', '数') => Cue::Code,
        _ => return None,
    };
    Some(cue)
}

/// The first six bytes of each of [`STEMS`] as a little-endian number: the one candidate stem
/// of a word is found by comparing numbers (the six-byte prefixes differ; a test checks).
const STEM_KEYS: [u64; STEMS.len()] = {
    let mut keys = [0u64; STEMS.len()];
    let mut i = 0;
    while i < STEMS.len() {
        let s = STEMS[i].0;
        keys[i] = u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], 0, 0]);
        i += 1;
    }
    keys
};

/// Slots of [`STEM_TABLE`]: a power of two well above the number of stems.
const STEM_SLOTS: usize = 64;

/// The slot of a six-byte stem key in [`STEM_TABLE`].
const fn stem_slot(key: u64) -> usize {
    (key.wrapping_mul(K1) >> (64 - STEM_SLOTS.trailing_zeros())) as usize
}

/// Open-addressing table of [`STEM_KEYS`]: index + 1 of the stem, 0 for an empty slot.
static STEM_TABLE: [u8; STEM_SLOTS] = {
    let mut table = [0u8; STEM_SLOTS];
    let mut i = 0;
    while i < STEMS.len() {
        let mut slot = stem_slot(STEM_KEYS[i]);
        while table[slot] != 0 {
            slot = (slot + 1) % STEM_SLOTS;
        }
        table[slot] = i as u8 + 1;
        i += 1;
    }
    table
};

/// Whether a lowercase word of at least six bytes may have a stem or suffix cue, from its
/// first lane and its last byte: `false` means [`stem_cue`] surely finds none. Words ending
/// in `r` or `n` (the suffixes "error" and "exception") are always `true`.
#[inline]
pub(super) fn may_have_stem_cue(first: u64, last: u8) -> bool {
    if matches!(last, b'r' | b'n') {
        return true;
    }
    let key = first & 0xffff_ffff_ffff;
    let mut slot = stem_slot(key);
    loop {
        let entry = STEM_TABLE[slot];
        if entry == 0 {
            return false;
        }
        if STEM_KEYS[usize::from(entry) - 1] == key {
            return true;
        }
        slot = (slot + 1) % STEM_SLOTS;
    }
}

/// Cues matched by stem or suffix rather than whole word.
#[inline]
fn stem_cue(w: &[u8]) -> Option<Cue> {
    // Every stem is at least six bytes; most words are shorter.
    if w.len() < 6 {
        return None;
    }
    let key = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], 0, 0]);
    if let Some(i) = STEM_KEYS.iter().position(|k| *k == key) {
        let (stem, cue) = STEMS[i];
        if w.starts_with(stem) {
            return Some(cue);
        }
    }
    // Exception and error type names: "TypeError", "NullPointerException".
    let suffix = match w[w.len() - 1] {
        b'r' => w.ends_with(b"error") && w != b"terror",
        b'n' => w.ends_with(b"exception"),
        _ => false,
    };
    suffix.then_some(Cue::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_exceptions_and_plain_words() {
        assert!(matches!(word_cue(b"summarisation"), Some(Cue::Summarize)));
        assert!(matches!(word_cue(b"categories"), Some(Cue::Classify)));
        assert!(matches!(word_cue(b"typeerror"), Some(Cue::Error)));
        assert!(matches!(
            word_cue(b"nullpointerexception"),
            Some(Cue::Error)
        ));
        assert!(word_cue(b"terror").is_none());
        assert!(word_cue(b"error").is_none());
        assert!(matches!(word_cue(b"haiku"), Some(Cue::Creative)));
        assert!(word_cue(b"the").is_none());
        assert!(word_cue(b"").is_none());
        assert!(is_question_word(b"how"));
        assert!(is_latex_command(b"frac"));
        assert!(matches!(word_cue(b"email"), Some(Cue::Prose)));
        assert!(matches!(
            word_cue("übersetze".as_bytes()),
            Some(Cue::Translate)
        ));
        assert!(matches!(word_cue(b"kategorie"), Some(Cue::Classify)));
        assert_eq!(cjk_cue('翻', '译'), Some(Cue::Translate));
        assert_eq!(cjk_cue('翻', '翻'), None);
    }

    #[test]
    fn stems_fit_the_scanner() {
        for (k, _) in STEMS {
            assert!(k.len() >= 6 && k.len() <= super::super::text::MAX_WORD);
            assert!(k.iter().all(u8::is_ascii_lowercase));
        }
        // `stem_cue` finds a word's one candidate stem by its first six bytes.
        for (i, a) in STEM_KEYS.iter().enumerate() {
            assert!(!STEM_KEYS[i + 1..].contains(a), "{:?}", STEMS[i].0);
        }
    }

    /// Every listed word is found by the table, with its own cue, however the scanner pads it;
    /// and no ASCII letter in a keyword is uppercase (the scanner lowercases ASCII only, so such
    /// a keyword could never match).
    #[test]
    fn every_word_is_found_with_its_cue() {
        let mut seen = 0;
        for (cue, words) in WORDS {
            for word in *words {
                assert_eq!(
                    word_cue(word),
                    Some(*cue),
                    "{}",
                    String::from_utf8_lossy(word)
                );
                assert!(!word.iter().any(u8::is_ascii_uppercase));
                seen += 1;
            }
        }
        assert!(seen <= KNOWN_COUNT);
        for (marker, words) in MARKERS {
            for word in *words {
                let known = known_word(&pad(word).unwrap(), word.len()).unwrap();
                assert_eq!(known.marker, Some(*marker));
                assert_eq!(known.cue, reference_word_cue(word));
            }
        }
    }

    /// The quick filters never say "surely not" of a word that has a cue or a marker: checked
    /// on every listed word, stem and suffix, and on words built on them.
    #[test]
    fn filters_never_reject_a_word_with_a_cue() {
        let mut words: Vec<Vec<u8>> = Vec::new();
        let lists = WORDS
            .iter()
            .map(|(_, l)| l)
            .chain(MARKERS.iter().map(|(_, l)| l));
        for list in lists {
            words.extend(list.iter().map(|w| w.to_vec()));
        }
        for (stem, _) in STEMS {
            for tail in [&b""[..], b"s", b"ation", b"ize", b"ing"] {
                words.push([stem, tail].concat());
            }
        }
        for word in [
            &b"typeerror"[..],
            b"valueerror",
            b"ioexception",
            b"nullpointerexception",
        ] {
            words.push(word.to_vec());
        }
        for word in &words {
            let padded = pad(word).unwrap();
            if known_word(&padded, word.len()).is_some() {
                assert!(may_be_known(word_hash(&padded)));
            }
            if word.len() >= 6 && stem_cue(word).is_some() {
                assert!(may_have_stem_cue(lane(&padded, 0), word[word.len() - 1]));
            }
        }
        assert!(!may_have_stem_cue(
            lane(&pad(b"customers").unwrap(), 0),
            b's'
        ));
    }

    /// Words that are not keywords: near misses by one byte, prefixes and extensions of
    /// keywords, and long words, all miss the table (stems and suffixes aside).
    #[test]
    fn near_misses_are_not_keywords() {
        for (_, words) in WORDS {
            for word in *words {
                let mut longer = word.to_vec();
                longer.push(b'q');
                let shorter = &word[..word.len() - 1];
                let mut changed = word.to_vec();
                changed[0] = if changed[0] == b'q' { b'z' } else { b'q' };
                for other in [&longer[..], shorter, &changed[..]] {
                    if WORDS.iter().any(|(_, ws)| ws.contains(&other)) {
                        continue;
                    }
                    if MARKERS.iter().any(|(_, ws)| ws.contains(&other)) {
                        continue;
                    }
                    assert_eq!(
                        known_word(&pad(other).unwrap(), other.len()),
                        None,
                        "{}",
                        String::from_utf8_lossy(other)
                    );
                }
            }
        }
        assert_eq!(word_cue(&[b'x'; 40]), None);
        assert_eq!(
            word_cue(b"translationsxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
            Some(Cue::Translate)
        );
    }

    /// `word_cue` as it was before the hash table: a `match` on byte strings, then the stems
    /// tried in order. The table must answer exactly as this did.
    fn reference_word_cue(w: &[u8]) -> Option<Cue> {
        // A `match` on byte strings compiles to a length switch and inline
        // integer compares: measured faster than a binary search over a table.
        let cue = match w {
            // Spanish, French and German verbs and nouns too: the scanner keeps accented words whole.
            b"traduce"
            | b"traducir"
            | b"traduire"
            | b"traduis"
            | b"traduisez"
            | b"traduction"
            | b"traduzione"
            | b"traduci"
            | b"\xc3\xbcbersetze"
            | b"\xc3\xbcbersetzen"
            | b"\xc3\xbcbersetzung"
            | b"\xc3\x9cbersetze"
            | b"\xc3\x9cbersetzen"
            | b"\xc3\x9cbersetzung"
            | b"traducci\xc3\xb3n" => Cue::Translate,
            b"condense"
            | b"condensed"
            | b"digest"
            | b"gist"
            | b"recap"
            | b"shorten"
            | b"synopsis"
            | b"takeaways"
            | b"tldr"
            | b"resumen"
            | b"resumir"
            | b"r\xc3\xa9sum\xc3\xa9"
            | b"r\xc3\xa9sumer"
            | b"r\xc3\xa9sume"
            | b"zusammenfassung"
            | b"zusammenfassen"
            | b"fasse" => Cue::Summarize,
            // "Detect the language", "is this toxic", "triage the ticket": picking a label.
            b"classifier" | b"detect" | b"intent" | b"intents" | b"label" | b"labeled"
            | b"labeling" | b"labelled" | b"labelling" | b"labels" | b"sentiment" | b"toxic"
            | b"toxicity" | b"triage" | b"cat\xc3\xa9gorie" | b"cat\xc3\xa9gories" => Cue::Classify,
            b"entities" | b"ner" | b"parse" | b"parsing" | b"extrais" | b"extraire" => Cue::Extract,
            b"copywriter" | b"copywriting" | b"creative" | b"fairytale" | b"fiction" | b"haiku"
            | b"jingle" | b"limerick" | b"lyric" | b"lyrics" | b"manuscript" | b"novel"
            | b"novelist" | b"novelists" | b"novella" | b"poem" | b"poems" | b"poetry"
            | b"rhyme" | b"screenplay" | b"song" | b"sonnet" | b"stories" | b"story"
            | b"storytelling" | b"texter" | b"verse" | b"poema" | b"gedicht" | b"cuento"
            | b"po\xc3\xa8me" => Cue::Creative,
            b"article" | b"blog" | b"caption" | b"captions" | b"email" | b"emails" | b"essay"
            | b"essays" | b"headline" | b"headlines" | b"letter" | b"newsletter" | b"posts"
            | b"slogan" | b"slogans" | b"speech" | b"tagline" | b"taglines" | b"toast"
            | b"tweet" | b"tweets" => Cue::Prose,
            b"compose" | b"craft" | b"draft" | b"write" | b"escribe" | b"escribir" | b"redacta"
            | b"schreibe" | b"schreiben" | b"verfasse" | b"\xc3\xa9cris" | b"\xc3\xa9crire"
            | b"r\xc3\xa9dige" => Cue::WriteVerb,
            b"algorithm" | b"api" | b"async" | b"await" | b"bash" | b"boolean" | b"bug"
            | b"bugs" | b"cargo" | b"code" | b"coding" | b"compile" | b"compiler" | b"console"
            | b"const" | b"cpp" | b"csharp" | b"css" | b"debug" | b"debugging" | b"def"
            | b"dockerfile" | b"endpoint" | b"enum" | b"fn" | b"function" | b"functions"
            | b"git" | b"golang" | b"html" | b"impl" | b"java" | b"javascript" | b"js"
            | b"kotlin" | b"lambda" | b"method" | b"npm" | b"php" | b"pip" | b"powershell"
            | b"printf" | b"println" | b"programming" | b"python" | b"refactor" | b"regex"
            | b"repo" | b"repository" | b"ruby" | b"rust" | b"script" | b"sql" | b"struct"
            | b"typescript" | b"undefined" | b"var" | b"variable" | b"variables" => Cue::Code,
            b"errno" | b"panicked" | b"segfault" | b"stacktrace" | b"traceback" => Cue::Error,
            // Everyday arithmetic and statistics words, and "math" in a few languages.
            b"algebra"
            | b"arithmetic"
            | b"calculate"
            | b"calculus"
            | b"compounded"
            | b"derivation"
            | b"derivations"
            | b"derivative"
            | b"derive"
            | b"deviation"
            | b"eigenvalue"
            | b"factorial"
            | b"fraction"
            | b"fractions"
            | b"geometry"
            | b"integral"
            | b"logarithm"
            | b"math"
            | b"mathe"
            | b"maths"
            | b"matrix"
            | b"median"
            | b"percent"
            | b"percentage"
            | b"percentile"
            | b"polynomial"
            | b"porcentaje"
            | b"pourcentage"
            | b"prozent"
            | b"quadratic"
            | b"solve"
            | b"sqrt"
            | b"triangle"
            | b"variance"
            | b"matem\xc3\xa1ticas"
            | b"math\xc3\xa9matiques" => Cue::Math,
            b"corollary" | b"lemma" | b"proof" | b"proofs" | b"prove" | b"theorem" => Cue::Proof,
            b"citation" | b"citations" | b"cite" | b"context" | b"document" | b"documents"
            | b"excerpt" | b"excerpts" | b"knowledge" | b"passage" | b"passages" | b"retrieved"
            | b"snippet" | b"snippets" | b"sources" => Cue::Retrieval,
            b"assistant" | b"chat" | b"chatbot" | b"conversation" | b"hello" | b"hey" | b"hi"
            | b"thank" | b"thanks" | b"thx" => Cue::Chatty,
            b"always" | b"avoid" | b"ensure" | b"exactly" | b"mandatory" | b"must" | b"never"
            | b"required" | b"should" => Cue::Constraint,
            b"json" | b"schema" => Cue::Json,
            _ => return reference_stem_cue(w),
        };
        Some(cue)
    }

    fn reference_stem_cue(w: &[u8]) -> Option<Cue> {
        if w.len() >= 6 {
            if let Some((_, cue)) = STEMS.iter().find(|(stem, _)| w.starts_with(stem)) {
                return Some(*cue);
            }
            if (w.ends_with(b"error") && w != b"terror") || w.ends_with(b"exception") {
                return Some(Cue::Error);
            }
        }
        None
    }

    /// The table gives every word the cue the former `match` gave it: every listed word and
    /// stem, variants of them one byte off, and every lowercased word of the labelled calls.
    #[test]
    fn table_answers_as_the_former_match() {
        let mut words: Vec<Vec<u8>> = Vec::new();
        for (_, list) in WORDS {
            words.extend(list.iter().map(|w| w.to_vec()));
        }
        words.extend(STEMS.iter().map(|(s, _)| s.to_vec()));
        words.extend([
            b"typeerror".to_vec(),
            b"terror".to_vec(),
            b"exception".to_vec(),
        ]);
        for word in words.clone() {
            for cut in 1..word.len() {
                words.push(word[..cut].to_vec());
            }
            for extra in [b's', b'q', b'e'] {
                let mut longer = word.clone();
                longer.push(extra);
                words.push(longer);
            }
        }
        for name in ["labelled_a.jsonl", "labelled_b.jsonl"] {
            let path = format!("{}/fixtures/classify/{name}", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read(path).unwrap();
            for word in text.split(|b| !(b.is_ascii_alphanumeric() || *b == b'_' || *b >= 0x80)) {
                words.push(word.to_ascii_lowercase());
            }
        }
        assert!(words.len() > 50_000);
        for word in &words {
            assert_eq!(
                word_cue(word),
                reference_word_cue(word),
                "{}",
                String::from_utf8_lossy(word)
            );
        }
    }
}
