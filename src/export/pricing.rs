//! `pricing list` and `pricing show`: the catalog as tables, JSON or CSV.

use std::io::Write;

use serde::Serialize;

use crate::export::ReportFormat;
use crate::export::terminal::new_table;
use crate::money::Rate;
use crate::pricing::{ModelPrice, Origin, PriceCatalog, Rates, TierPrice};

/// Prices in USD per million tokens, as published.
#[derive(Debug, Serialize)]
pub struct RatesView {
    pub input: f64,
    pub cache_read: f64,
    pub cache_write_5m: f64,
    pub cache_write_1h: f64,
    pub output: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_output: Option<f64>,
}

impl RatesView {
    fn of(rates: &Rates) -> RatesView {
        let usd = Rate::usd_per_million;
        RatesView {
            input: usd(rates.input),
            cache_read: usd(rates.cache_read),
            cache_write_5m: usd(rates.cache_write_5m),
            cache_write_1h: usd(rates.cache_write_1h),
            output: usd(rates.output),
            reasoning_output: (rates.reasoning_output != rates.output)
                .then(|| usd(rates.reasoning_output)),
        }
    }
}

/// One price period of a model, every rule the catalog holds for it.
#[derive(Debug, Serialize)]
pub struct PeriodView {
    pub id: String,
    pub provider: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// First day of this period; `None` for the model's first.
    pub effective_from: Option<String>,
    pub tier: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downgrade_to: Option<String>,
    pub rates: RatesView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_discount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_cache_read: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub long_context_threshold: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub long_context: Option<RatesView>,
    /// Service tier → its multiplier or its rates.
    pub service_tiers: Vec<(String, String)>,
    /// Where the request ran → multiplier.
    pub regional: Vec<(&'static str, f64)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub off_peak: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub web_search_per_1k: Option<f64>,
    pub capabilities: Vec<&'static str>,
    pub prompt_caching: bool,
    pub context_window: Option<u64>,
    pub max_output: Option<u64>,
    pub aliases: Vec<String>,
    pub source: String,
    pub checked: String,
    /// `embedded`, or the override file that supplied the entry.
    pub origin: String,
}

impl PeriodView {
    pub fn of(entry: &ModelPrice) -> PeriodView {
        let service_tiers = entry
            .service_tiers
            .iter()
            .map(|(tier, price)| {
                let text = match price {
                    TierPrice::Multiplier(factor) => format!("{factor}x"),
                    TierPrice::Rates(rates) => format!(
                        "${} in / ${} cached / ${} out",
                        rates.input.usd_per_million(),
                        rates.cache_read.usd_per_million(),
                        rates.output.usd_per_million()
                    ),
                };
                (tier.as_str().to_string(), text)
            })
            .collect();
        let regional = entry
            .regional
            .entries()
            .into_iter()
            .filter_map(|(name, uplift)| uplift.map(|uplift| (name, uplift)))
            .collect();
        let off_peak = entry.off_peak.as_ref().map(|off_peak| {
            let windows: Vec<String> = off_peak
                .windows
                .iter()
                .map(|(start, end)| {
                    format!(
                        "{:02}:{:02}-{:02}:{:02}",
                        start / 60,
                        start % 60,
                        end / 60,
                        end % 60
                    )
                })
                .collect();
            format!("{}x {} UTC", off_peak.multiplier, windows.join(", "))
        });
        PeriodView {
            id: entry.id.clone(),
            provider: entry.provider.as_str(),
            host: entry.host.clone(),
            effective_from: entry.effective_from(),
            tier: entry.tier.clone(),
            downgrade_to: entry.downgrade_to.clone(),
            rates: RatesView::of(&entry.rates),
            batch_discount: entry.batch_discount,
            batch_cache_read: entry.batch_cache_read.map(Rate::usd_per_million),
            long_context_threshold: entry.long_context.map(|tier| tier.threshold),
            long_context: entry.long_context.map(|tier| RatesView::of(&tier.rates)),
            service_tiers,
            regional,
            off_peak,
            web_search_per_1k: entry.web_search_fee.map(|fee| fee.usd() * 1000.0),
            capabilities: entry.capabilities.names(),
            prompt_caching: entry.caches_prompts,
            context_window: entry.context_window,
            max_output: entry.max_output,
            aliases: entry.aliases.clone(),
            source: entry.source.clone(),
            checked: entry.checked.clone(),
            origin: match &entry.origin {
                Origin::Embedded => "embedded".to_string(),
                Origin::Override(file) => file.clone(),
            },
        }
    }
}

/// The newest period of every model, optionally one provider's, in catalog order.
pub fn current_prices(catalog: &PriceCatalog, provider: Option<&str>) -> Vec<PeriodView> {
    let mut views = Vec::new();
    for (index, entry) in (0u32..).zip(catalog.entries()) {
        if provider.is_some_and(|p| !p.eq_ignore_ascii_case(entry.provider.as_str())) {
            continue;
        }
        // Each model once, where its first period stands in the file.
        let periods = catalog.periods(index);
        if periods.iter().min() != Some(&index) {
            continue;
        }
        if let Some(&newest) = periods.last() {
            views.push(PeriodView::of(catalog.entry(newest)));
        }
    }
    views
}

fn money(value: f64) -> String {
    format!("${value}")
}

fn optional<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// Writes `pricing list`.
pub fn write_price_list(
    views: &[PeriodView],
    format: ReportFormat,
    unicode: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let header = [
        "model", "provider", "tier", "input", "cached", "write 5m", "write 1h", "output", "batch",
        "context", "since", "source",
    ];
    let row = |v: &PeriodView| {
        vec![
            v.id.clone(),
            match &v.host {
                Some(host) => format!("{} ({host})", v.provider),
                None => v.provider.to_string(),
            },
            v.tier.clone(),
            money(v.rates.input),
            money(v.rates.cache_read),
            money(v.rates.cache_write_5m),
            money(v.rates.cache_write_1h),
            money(v.rates.output),
            optional(v.batch_discount.map(|d| format!("{d}x"))),
            optional(v.context_window),
            optional(v.effective_from.clone()),
            v.source.clone(),
        ]
    };
    match format {
        ReportFormat::Json => {
            crate::escape::write_json(&mut *out, views)?;
            writeln!(out)?;
        }
        ReportFormat::Csv => {
            let mut writer = crate::escape::CsvWriter::new(out);
            writer.write_record(header)?;
            for view in views {
                writer.write_record(row(view))?;
            }
            writer.flush()?;
        }
        ReportFormat::Table => {
            let mut table = new_table(unicode, &header);
            for view in views {
                table.add_row(row(view));
            }
            writeln!(out, "{table}")?;
            writeln!(
                out,
                "{} models; prices in USD per million tokens.",
                views.len()
            )?;
        }
    }
    Ok(())
}

/// Writes `pricing show`: every period of one model, oldest first.
pub fn write_model_detail(
    periods: &[PeriodView],
    format: ReportFormat,
    unicode: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if format != ReportFormat::Table {
        crate::escape::write_json(&mut *out, periods)?;
        writeln!(out)?;
        return Ok(());
    }
    let Some(current) = periods.last() else {
        return Ok(());
    };
    let mut facts = new_table(unicode, &["", ""]);
    let host = current
        .host
        .as_ref()
        .map_or(String::new(), |host| format!(" on {host}"));
    facts.add_row(vec![
        "model".to_string(),
        format!("{} ({}{host})", current.id, current.provider),
    ]);
    facts.add_row(vec!["aliases".to_string(), current.aliases.join(", ")]);
    facts.add_row(vec!["tier".to_string(), current.tier.clone()]);
    facts.add_row(vec![
        "downgrade to".to_string(),
        optional(current.downgrade_to.clone()),
    ]);
    let mut capabilities = current.capabilities.clone();
    if current.prompt_caching {
        capabilities.push("prompt_caching");
    }
    facts.add_row(vec!["capabilities".to_string(), capabilities.join(", ")]);
    facts.add_row(vec![
        "context / max output".to_string(),
        format!(
            "{} / {}",
            optional(current.context_window),
            optional(current.max_output)
        ),
    ]);
    writeln!(out, "{facts}")?;
    let mut history = new_table(
        unicode,
        &[
            "since", "input", "cached", "write 5m", "write 1h", "output", "rules", "source",
        ],
    );
    for period in periods {
        let mut rules = Vec::new();
        if let Some(discount) = period.batch_discount {
            rules.push(format!("batch {discount}x"));
        }
        if let Some(read) = period.batch_cache_read {
            rules.push(format!("batch cache read ${read}"));
        }
        if let Some(reasoning) = period.rates.reasoning_output {
            rules.push(format!("thinking output ${reasoning}"));
        }
        if let (Some(threshold), Some(long)) = (period.long_context_threshold, &period.long_context)
        {
            rules.push(format!(
                "> {threshold} prompt tokens: ${} in / ${} out",
                long.input, long.output
            ));
        }
        for (tier, price) in &period.service_tiers {
            rules.push(format!("{tier}: {price}"));
        }
        for (place, uplift) in &period.regional {
            rules.push(format!("{place}: {uplift}x"));
        }
        if let Some(off_peak) = &period.off_peak {
            rules.push(format!("off-peak {off_peak}"));
        }
        if let Some(fee) = period.web_search_per_1k {
            rules.push(format!("web search ${fee}/1k"));
        }
        history.add_row(vec![
            period
                .effective_from
                .clone()
                .unwrap_or_else(|| "first".to_string()),
            money(period.rates.input),
            money(period.rates.cache_read),
            money(period.rates.cache_write_5m),
            money(period.rates.cache_write_1h),
            money(period.rates.output),
            rules.join("\n"),
            format!(
                "{}\nchecked {} ({})",
                period.source, period.checked, period.origin
            ),
        ]);
    }
    writeln!(out, "{history}")?;
    writeln!(out, "Prices in USD per million tokens.")?;
    Ok(())
}
