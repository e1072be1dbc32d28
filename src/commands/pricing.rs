//! `llm-audit pricing list|show|check`, and the catalog every pricing command loads: the
//! embedded one with the user's override files laid over it.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};

use crate::cli::{PricingAction, PricingArgs, PricingCommand};
use crate::commands::ExitStatus;
use crate::export::{PeriodView, current_prices, write_model_detail, write_price_list};
use crate::pricing::{CatalogFile, PriceCatalog, Resolution, check_catalog, import_litellm};

/// The embedded catalog with the `--pricing-litellm` files, then the `--pricing` files, laid
/// over it in order.
pub fn load_catalog(args: &PricingArgs) -> anyhow::Result<PriceCatalog> {
    let mut catalog = PriceCatalog::embedded().context("loading the embedded price catalog")?;
    for path in &args.litellm {
        let name = path.display().to_string();
        let import = import_litellm(&read(path)?, &name)
            .with_context(|| format!("importing LiteLLM prices from {name}"))?;
        crate::diag!(
            "note: {name}: {} LiteLLM entries imported, {} left out (not text models, makers \
             llm-audit has no name for, or invalid prices)",
            import.imported,
            import.skipped.len()
        );
        catalog = catalog
            .with_overrides(import.file, &name)
            .with_context(|| format!("applying {name}"))?;
    }
    for path in &args.files {
        let text = read(path)?;
        let file = CatalogFile::parse(&text)
            .with_context(|| format!("reading price overrides from {}", path.display()))?;
        catalog = catalog
            .with_overrides(file, &path.display().to_string())
            .with_context(|| format!("applying {}", path.display()))?;
    }
    Ok(catalog)
}

fn read(path: &Path) -> anyhow::Result<String> {
    crate::ingest::read_input_text(path)
}

pub fn run(command: PricingCommand) -> anyhow::Result<ExitStatus> {
    let catalog = load_catalog(&command.pricing)?;
    let human = match &command.action {
        PricingAction::List { format, .. } | PricingAction::Show { format, .. } => {
            *format == crate::export::ReportFormat::Table
        }
        _ => true,
    };
    let (unicode, mut out) = crate::escape::report_stdout(human);
    match command.action {
        PricingAction::List { provider, format } => {
            let views = current_prices(&catalog, provider.as_deref());
            if views.is_empty()
                && let Some(provider) = provider
            {
                bail!("the catalog has no models of provider `{provider}`");
            }
            write_price_list(&views, format, unicode, &mut out)?;
        }
        PricingAction::Show { model, format } => {
            let periods = match catalog.resolve_name(&model, None) {
                Resolution::Priced(index) => catalog.periods(index),
                Resolution::Ambiguous(ids) => {
                    bail!("`{model}` is ambiguous: it could be {}", ids.join(" or "))
                }
                Resolution::Unknown => bail!(
                    "`{model}` is not in the price catalog (`llm-audit pricing list` shows what is)"
                ),
            };
            let views: Vec<PeriodView> = periods
                .iter()
                .map(|&index| PeriodView::of(catalog.entry(index)))
                .collect();
            write_model_detail(&views, format, unicode, &mut out)?;
        }
        PricingAction::Check => {
            let problems = check_catalog(&catalog);
            let periods = catalog.entries().len();
            let models = current_prices(&catalog, None).len();
            if problems.is_empty() {
                writeln!(
                    out,
                    "ok: catalog {}: {models} models, {periods} price periods",
                    catalog.version
                )?;
            } else {
                for problem in &problems {
                    writeln!(out, "{}: {}", problem.model, problem.problem)?;
                }
                out.flush()?;
                crate::diag!(
                    "error: {} problems in catalog {}",
                    problems.len(),
                    catalog.version
                );
                return Ok(ExitStatus::Error);
            }
        }
    }
    out.flush()?;
    Ok(ExitStatus::Success)
}
