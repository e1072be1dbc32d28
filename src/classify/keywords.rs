//! Keyword tables for the prompt-text scanner: which lowercase ASCII word is which cue.
//!
//! Words are matched whole (or by stem), so "classify" never fires inside
//! "unclassified" and the tables stay cheap `match`es on byte slices.

/// Which counter a keyword bumps.
#[derive(Clone, Copy)]
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
const STEMS: [(&[u8], Cue); 7] = [
    (b"translat", Cue::Translate),
    (b"summar", Cue::Summarize),
    (b"classif", Cue::Classify),
    (b"categor", Cue::Classify),
    (b"extract", Cue::Extract),
    (b"mathemat", Cue::Math),
    (b"equation", Cue::Math),
];

/// The cue of one lowercase word, if any.
pub(super) fn word_cue(w: &[u8]) -> Option<Cue> {
    // A `match` on byte strings compiles to a length switch and inline
    // integer compares: measured faster than a binary search over a table.
    let cue = match w {
        b"condense" | b"gist" | b"recap" | b"synopsis" | b"tldr" => Cue::Summarize,
        b"intent" | b"label" | b"labeling" | b"labelling" | b"labels" | b"sentiment" => {
            Cue::Classify
        }
        b"entities" | b"ner" | b"parse" | b"parsing" => Cue::Extract,
        b"creative" | b"fairytale" | b"fiction" | b"haiku" | b"limerick" | b"lyrics" | b"poem"
        | b"poems" | b"poetry" | b"screenplay" | b"song" | b"sonnet" | b"stories" | b"story"
        | b"verse" => Cue::Creative,
        b"article" | b"blog" | b"caption" | b"email" | b"emails" | b"essay" | b"essays"
        | b"letter" | b"newsletter" | b"slogan" | b"speech" | b"tagline" | b"tweet" => Cue::Prose,
        b"compose" | b"draft" | b"write" => Cue::WriteVerb,
        b"algorithm" | b"api" | b"async" | b"await" | b"bash" | b"boolean" | b"bug" | b"bugs"
        | b"cargo" | b"code" | b"coding" | b"compile" | b"compiler" | b"console" | b"const"
        | b"cpp" | b"csharp" | b"css" | b"debug" | b"debugging" | b"def" | b"dockerfile"
        | b"endpoint" | b"enum" | b"fn" | b"function" | b"functions" | b"git" | b"golang"
        | b"html" | b"impl" | b"java" | b"javascript" | b"kotlin" | b"lambda" | b"method"
        | b"npm" | b"php" | b"pip" | b"powershell" | b"printf" | b"println" | b"programming"
        | b"python" | b"refactor" | b"regex" | b"repo" | b"repository" | b"ruby" | b"rust"
        | b"script" | b"sql" | b"struct" | b"typescript" | b"undefined" | b"var" | b"variable"
        | b"variables" => Cue::Code,
        b"errno" | b"panicked" | b"segfault" | b"stacktrace" | b"traceback" => Cue::Error,
        b"algebra" | b"arithmetic" | b"calculate" | b"calculus" | b"derivative" | b"eigenvalue"
        | b"factorial" | b"geometry" | b"integral" | b"math" | b"maths" | b"matrix"
        | b"polynomial" | b"probability" | b"solve" | b"sqrt" | b"triangle" => Cue::Math,
        b"corollary" | b"lemma" | b"proof" | b"proofs" | b"prove" | b"theorem" => Cue::Proof,
        b"citation" | b"citations" | b"cite" | b"context" | b"document" | b"documents"
        | b"excerpt" | b"excerpts" | b"knowledge" | b"passage" | b"passages" | b"retrieved"
        | b"snippet" | b"snippets" | b"sources" => Cue::Retrieval,
        b"assistant" | b"chat" | b"chatbot" | b"conversation" | b"hello" | b"hey" | b"hi"
        | b"thank" | b"thanks" | b"thx" => Cue::Chatty,
        b"always" | b"avoid" | b"ensure" | b"exactly" | b"mandatory" | b"must" | b"never"
        | b"required" | b"should" => Cue::Constraint,
        b"json" | b"schema" => Cue::Json,
        _ => return stem_cue(w),
    };
    Some(cue)
}

/// Cues matched by stem or suffix rather than whole word.
fn stem_cue(w: &[u8]) -> Option<Cue> {
    // Every stem is at least six bytes; most words are shorter.
    if w.len() >= 6 {
        if let Some((_, cue)) = STEMS.iter().find(|(stem, _)| w.starts_with(stem)) {
            return Some(*cue);
        }
        // Exception and error type names: "TypeError", "NullPointerException".
        if (w.ends_with(b"error") && w != b"terror") || w.ends_with(b"exception") {
            return Some(Cue::Error);
        }
    }
    None
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
    }

    #[test]
    fn stems_fit_the_scanner() {
        for (k, _) in STEMS {
            assert!(k.len() >= 6 && k.len() <= super::super::text::MAX_WORD);
            assert!(k.iter().all(u8::is_ascii_lowercase));
        }
    }
}
