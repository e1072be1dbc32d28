//! `pricing check`: what loading a catalog cannot reject on one entry alone but a careful reader
//! would. Loading already refuses negative or missing prices, unknown keys, bad dates, two
//! periods of a model starting the same day, aliases claimed twice and dangling downgrade
//! targets; these checks look at the catalog as a whole.

use crate::pricing::{Origin, PriceCatalog, Resolution, normalize_model_name};

/// One problem found in a catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub model: String,
    pub problem: String,
}

/// Checks a loaded catalog. An empty list means it is sound.
pub fn check_catalog(catalog: &PriceCatalog) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut report = |model: &str, problem: String| {
        problems.push(Problem {
            model: model.to_string(),
            problem,
        })
    };
    for entry in catalog.entries() {
        let id = normalize_model_name(&entry.id);
        for name in std::iter::once(&entry.id).chain(&entry.aliases) {
            match catalog.resolve_name(name, entry.effective_from_ms) {
                Resolution::Priced(index)
                    if normalize_model_name(&catalog.entry(index).id) == id => {}
                Resolution::Priced(index) => report(
                    &entry.id,
                    format!("name `{name}` resolves to `{}`", catalog.entry(index).id),
                ),
                Resolution::Ambiguous(ids) => report(
                    &entry.id,
                    format!("name `{name}` is ambiguous: {}", ids.join(", ")),
                ),
                Resolution::Unknown => report(&entry.id, format!("name `{name}` does not resolve")),
            }
        }
        if entry.origin == Origin::Embedded {
            if !entry.source.starts_with("https://") {
                report(
                    &entry.id,
                    format!("source `{}` is not a provider page URL", entry.source),
                );
            }
            if chrono::NaiveDate::parse_from_str(&entry.checked, "%Y-%m-%d").is_err() {
                report(
                    &entry.id,
                    format!("checked `{}` is not a YYYY-MM-DD date", entry.checked),
                );
            }
        }
        let rates = &entry.rates;
        if entry.caches_prompts && rates.cache_read > rates.input {
            report(
                &entry.id,
                "cache reads cost more than uncached input".to_string(),
            );
        }
        if let Some(long) = &entry.long_context {
            if long.rates.input < rates.input || long.rates.output < rates.output {
                report(
                    &entry.id,
                    "long-context rates are below the standard ones".to_string(),
                );
            }
            if entry
                .context_window
                .is_some_and(|window| long.threshold >= window)
            {
                report(
                    &entry.id,
                    format!(
                        "long-context threshold {} is not below the context window",
                        long.threshold
                    ),
                );
            }
        }
        if let Some(target) = &entry.downgrade_to
            && let Some(index) = catalog.resolve(target, entry.effective_from_ms)
        {
            let target = catalog.entry(index);
            if target.provider != entry.provider {
                report(
                    &entry.id,
                    format!(
                        "downgrade target `{}` is another provider's model",
                        target.id
                    ),
                );
            }
            if target.rates.input > rates.input && target.rates.output > rates.output {
                report(
                    &entry.id,
                    format!("downgrade target `{}` costs more", target.id),
                );
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_is_sound() {
        let catalog = PriceCatalog::embedded().unwrap();
        let problems = check_catalog(&catalog);
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn finds_what_loading_lets_through() {
        let text = r#"
[[model]]
id = "big"
provider = "openai"
tier = "flagship"
downgrade_to = "dear"
input = 1.0
output = 2.0
cache_read = 3.0
context_window = 100000
source = "my notes"
checked = "soon"
[model.long_context]
threshold = 200000
input = 0.5
output = 2.0
[[model]]
id = "dear"
provider = "openai"
tier = "small"
input = 5.0
output = 5.0
source = "https://example.com"
checked = "2026-01-01"
"#;
        let catalog = PriceCatalog::from_toml(text).unwrap();
        let problems: Vec<String> = check_catalog(&catalog)
            .into_iter()
            .map(|p| p.problem)
            .collect();
        for expected in [
            "source `my notes` is not a provider page URL",
            "checked `soon` is not a YYYY-MM-DD date",
            "cache reads cost more than uncached input",
            "long-context rates are below the standard ones",
            "long-context threshold 200000 is not below the context window",
            "downgrade target `dear` costs more",
        ] {
            assert!(
                problems.iter().any(|p| p == expected),
                "{expected}: {problems:?}"
            );
        }
    }
}
