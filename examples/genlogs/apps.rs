//! The applications the generated traffic comes from: their system prompts (the templates
//! reused on every call), tools and schemas, and what their users send and their models answer.
//! All text is drawn fresh from the generator, so no user turn repeats.

use crate::genlogs::json::Json;
use crate::genlogs::rng::Rng;
use crate::genlogs::scenario::{App, AppKind, Tool, ToolCall};
use crate::genlogs::text::{self, Code, Lang};

/// The support assistant's tools.
const SUPPORT_TOOLS: &[Tool] = &[
    Tool {
        name: "lookup_order",
        description: "Look up an order by its id and return its status, items and tracking.",
        parameters: r#"{"type":"object","properties":{"order_id":{"type":"string","description":"The order id, e.g. ORD-12345-AB"}},"required":["order_id"]}"#,
    },
    Tool {
        name: "create_ticket",
        description: "Open a ticket for the billing or logistics team when the assistant cannot solve the problem.",
        parameters: r#"{"type":"object","properties":{"queue":{"type":"string","enum":["billing","logistics","technical"]},"summary":{"type":"string"},"priority":{"type":"string","enum":["low","normal","high"]}},"required":["queue","summary"]}"#,
    },
];

/// The SQL assistant's tool.
const SQL_TOOLS: &[Tool] = &[Tool {
    name: "run_query",
    description: "Run a read-only SQL query on the analytics warehouse and return at most 200 rows.",
    parameters: r#"{"type":"object","properties":{"sql":{"type":"string","description":"One SELECT statement"}},"required":["sql"]}"#,
}];

/// The invoice extractor's response schema.
const INVOICE_SCHEMA: &str = r#"{"type":"object","properties":{"vendor":{"type":"string"},"invoice_number":{"type":"string"},"date":{"type":"string"},"currency":{"type":"string"},"total":{"type":"number"},"lines":{"type":"array","items":{"type":"object","properties":{"description":{"type":"string"},"quantity":{"type":"number"},"amount":{"type":"number"}}}}},"required":["vendor","total"],"additionalProperties":false}"#;

/// The ticket classifier's response schema.
const CLASSIFY_SCHEMA: &str = r#"{"type":"object","properties":{"label":{"type":"string","enum":["billing","shipping","account","technical","sales","other"]},"urgent":{"type":"boolean"}},"required":["label","urgent"],"additionalProperties":false}"#;

/// Builds the apps and their system prompts (the reused templates) from `rng`.
pub fn apps(rng: &mut Rng) -> Vec<App> {
    let company = text::company(rng);
    let mut support = format!(
        "You are the support assistant of {company}. Answer in the customer's language. Be brief and \
         friendly, never invent order data, and use the tools to look orders up. Follow the policy below \
         exactly and cite the clause number when you refuse something.\n"
    );
    for clause in 1..=rng.range(24, 40) {
        support.push_str(&format!("{clause}. "));
        text::sentence(rng, &mut support);
        support.push('\n');
    }
    let mut invoice = String::from(
        "You extract structured data from invoices. Return only JSON that matches the schema. Amounts \
         are numbers without currency symbols; dates are ISO 8601. If a field is missing, leave it out.\n",
    );
    text::prose(rng, &mut invoice, 400);
    let mut review = String::from(
        "You are a senior engineer reviewing a pull request. Point out bugs first, then risky changes, \
         then style. Quote the lines you comment on. Suggest a fix as a code block when one is short.\n\nHouse rules:\n",
    );
    for rule in 1..=rng.range(40, 60) {
        review.push_str(&format!("- R{rule}: "));
        text::sentence(rng, &mut review);
        review.push('\n');
    }
    let summarize = String::from(
        "Summarize the text for a busy manager: five bullet points at most, then one line of next steps. \
         Keep names, numbers and dates exactly as written.",
    );
    let mut classify = String::from(
        "Classify the customer message into one label. Labels:\n- billing: invoices, charges, refunds\n\
         - shipping: deliveries, tracking, returns\n- account: login, password, profile\n\
         - technical: errors, outages, integrations\n- sales: pricing, upgrades, quotes\n- other\n\
         Set urgent when the customer is blocked or threatens to cancel. Examples:\n",
    );
    for _ in 0..rng.range(8, 14) {
        classify.push_str("Message: ");
        text::sentence(rng, &mut classify);
        classify.push_str(&format!(
            "\nLabel: {}\n",
            rng.pick(&[
                "billing",
                "shipping",
                "account",
                "technical",
                "sales",
                "other"
            ])
        ));
    }
    let translate = String::from(
        "Translate the user's text into clear, natural English. Keep product names, ids and numbers \
         unchanged. Output only the translation.",
    );
    let mut sql = String::from(
        "You write SQL for the analytics warehouse (PostgreSQL 16). Use the run_query tool to check \
         your query before answering, then explain the result in two sentences. Schema:\n",
    );
    for _ in 0..rng.range(14, 22) {
        sql.push_str("CREATE TABLE ");
        text::ident(rng, &mut sql, false);
        sql.push_str("s (\n  id bigint PRIMARY KEY,\n");
        for _ in 0..rng.range(4, 10) {
            sql.push_str("  ");
            text::ident(rng, &mut sql, false);
            sql.push_str(rng.pick(&[
                " text,\n",
                " bigint,\n",
                " numeric(12,2),\n",
                " timestamptz,\n",
            ]));
        }
        sql.push_str("  created_at timestamptz NOT NULL\n);\n");
    }
    let mut rag = String::from(
        "Answer the question using only the numbered context passages. Cite passages as [n]. If the \
         context does not answer the question, say so. Product background:\n",
    );
    text::prose(rng, &mut rag, 900);
    vec![
        App {
            kind: AppKind::Support,
            feature: "support-chat",
            system: support,
            tools: SUPPORT_TOOLS,
            schema: None,
            tiers: [0.2, 0.4, 0.4],
            stream_share: 0.8,
            weight: 0.24,
            long_cache: false,
        },
        App {
            kind: AppKind::InvoiceExtract,
            feature: "invoice-extract",
            system: invoice,
            tools: &[],
            schema: Some(("invoice", INVOICE_SCHEMA)),
            tiers: [0.3, 0.3, 0.4],
            stream_share: 0.0,
            weight: 0.12,
            long_cache: false,
        },
        App {
            kind: AppKind::CodeReview,
            feature: "code-review",
            system: review,
            tools: &[],
            schema: None,
            tiers: [0.0, 0.3, 0.7],
            stream_share: 0.3,
            weight: 0.12,
            long_cache: true,
        },
        App {
            kind: AppKind::Summarize,
            feature: "summarize",
            system: summarize,
            tools: &[],
            schema: None,
            tiers: [0.3, 0.4, 0.3],
            stream_share: 0.2,
            weight: 0.14,
            long_cache: false,
        },
        App {
            kind: AppKind::Classify,
            feature: "ticket-triage",
            system: classify,
            tools: &[],
            schema: Some(("triage", CLASSIFY_SCHEMA)),
            tiers: [0.6, 0.3, 0.1],
            stream_share: 0.0,
            weight: 0.14,
            long_cache: false,
        },
        App {
            kind: AppKind::Translate,
            feature: "translate",
            system: translate,
            tools: &[],
            schema: None,
            tiers: [0.3, 0.5, 0.2],
            stream_share: 0.1,
            weight: 0.06,
            long_cache: false,
        },
        App {
            kind: AppKind::SqlAssistant,
            feature: "sql-assistant",
            system: sql,
            tools: SQL_TOOLS,
            schema: None,
            tiers: [0.1, 0.4, 0.5],
            stream_share: 0.5,
            weight: 0.08,
            long_cache: true,
        },
        App {
            kind: AppKind::RagQa,
            feature: "docs-qa",
            system: rag,
            tools: &[],
            schema: None,
            tiers: [0.2, 0.5, 0.3],
            stream_share: 0.6,
            weight: 0.10,
            long_cache: false,
        },
    ]
}

/// A tool call the app's model makes, with arguments drawn fresh.
pub fn tool_call(rng: &mut Rng, app: &App) -> ToolCall {
    let mut id = String::from("call_");
    rng.base62(&mut id, 24);
    let tool = if app.tools.len() > 1 && rng.chance(0.25) {
        &app.tools[1]
    } else {
        &app.tools[0]
    };
    let mut arguments = Json::new();
    arguments.obj();
    match tool.name {
        "lookup_order" => {
            let mut order = String::new();
            text::ticket_id(rng, &mut order, "ORD");
            arguments.kstr("order_id", &order);
        }
        "create_ticket" => {
            let mut summary = String::new();
            text::sentence(rng, &mut summary);
            arguments
                .kstr("queue", rng.pick(&["billing", "logistics", "technical"]))
                .kstr("summary", &summary)
                .kstr("priority", rng.pick(&["low", "normal", "high"]));
        }
        _ => {
            let mut sql = String::new();
            text::code(rng, &mut sql, Code::Sql, 1);
            arguments.kstr("sql", sql.trim_end());
        }
    }
    arguments.end();
    ToolCall {
        id,
        name: tool.name,
        arguments: arguments.buf,
    }
}

/// What a tool returned.
pub fn tool_result(rng: &mut Rng, tool: &str) -> String {
    let mut json = Json::new();
    match tool {
        "lookup_order" => {
            json.obj().kstr(
                "status",
                rng.pick(&["shipped", "delayed", "delivered", "processing", "cancelled"]),
            );
            json.key("items").arr();
            for _ in 0..rng.range(1, 6) {
                let mut amount = String::new();
                text::amount(rng, &mut amount);
                json.obj()
                    .kstr("sku", &format!("SKU-{}", rng.range(1000, 99_999)))
                    .knum("quantity", rng.range(1, 5))
                    .kstr("price", &amount)
                    .end();
            }
            json.end();
            let mut tracking = String::from("1Z");
            rng.base62(&mut tracking, 16);
            json.kstr("tracking", &tracking)
                .kstr("carrier_city", text::city(rng))
                .end();
        }
        "create_ticket" => {
            json.obj()
                .kstr("ticket", &format!("TCK-{}", rng.range(100_000, 999_999)))
                .kstr("status", "open")
                .end();
        }
        _ => {
            json.obj().key("columns").arr();
            let columns = rng.range(2, 6);
            for _ in 0..columns {
                let mut name = String::new();
                text::ident(rng, &mut name, false);
                json.str(&name);
            }
            json.end().key("rows").arr();
            for _ in 0..rng.log_normal(12.0, 1.0).clamp(1.0, 200.0) as u64 {
                json.arr();
                for _ in 0..columns {
                    if rng.chance(0.5) {
                        json.num(rng.range(0, 1_000_000));
                    } else {
                        json.str(text::word(rng));
                    }
                }
                json.end();
            }
            json.end().end();
        }
    }
    json.buf
}

/// A message length in bytes: log-normal around `median`, between `low` and `high`.
fn length(rng: &mut Rng, median: f64, low: f64, high: f64) -> usize {
    rng.log_normal(median, 1.0).clamp(low, high) as usize
}

/// A user message for an app: always new text (names, numbers, ids), from a few words to
/// several kilobytes, some in other languages, some with code.
pub fn user_message(rng: &mut Rng, kind: AppKind) -> String {
    let mut out = String::new();
    match kind {
        AppKind::Support => {
            if rng.chance(0.3) {
                let lang = rng.pick(&Lang::ALL);
                let size = length(rng, 160.0, 20.0, 2_000.0);
                text::foreign(rng, &mut out, lang, size);
                out.push(' ');
                text::ticket_id(rng, &mut out, "ORD");
            } else if rng.chance(0.15) {
                // A few words, as people type into a chat box.
                for index in 0..rng.range(2, 6) {
                    if index > 0 {
                        out.push(' ');
                    }
                    out.push_str(text::word(rng));
                }
                out.push('?');
            } else {
                let size = length(rng, 300.0, 30.0, 4_000.0);
                text::prose(rng, &mut out, size);
                out.push_str(" My order is ");
                text::ticket_id(rng, &mut out, "ORD");
                out.push('.');
            }
        }
        AppKind::InvoiceExtract => {
            out.push_str("Extract the fields from this invoice.\n\nINVOICE ");
            text::ticket_id(rng, &mut out, "INV");
            out.push_str("\nFrom: ");
            out.push_str(text::company(rng));
            out.push_str(", ");
            out.push_str(text::city(rng));
            out.push_str("\nBill to: ");
            text::person(rng, &mut out);
            out.push_str(&format!(
                "\nDate: 2026-{:02}-{:02}\n\n",
                rng.range(1, 12),
                rng.range(1, 28)
            ));
            for line in 1..=rng.log_normal(6.0, 0.8).clamp(1.0, 80.0) as u64 {
                out.push_str(&format!("{line}. "));
                let words = rng.range(2, 6);
                for index in 0..words {
                    if index > 0 {
                        out.push(' ');
                    }
                    out.push_str(text::word(rng));
                }
                out.push_str(&format!("  x{}  ", rng.range(1, 40)));
                text::amount(rng, &mut out);
                out.push('\n');
            }
            out.push_str("\nTotal due: ");
            text::amount(rng, &mut out);
            out.push_str(rng.pick(&[" EUR", " USD", " GBP", " JPY"]));
            if rng.chance(0.3) {
                out.push_str("\n\nNotes: ");
                let size = length(rng, 200.0, 40.0, 1_500.0);
                text::prose(rng, &mut out, size);
            }
        }
        AppKind::CodeReview => {
            out.push_str("Please review this change");
            if rng.chance(0.5) {
                out.push_str(": ");
                text::sentence(rng, &mut out);
            }
            let lang = rng.pick(&Code::ALL);
            out.push_str(&format!("\n\n```{}\n", lang.tag().0));
            let size = length(rng, 60.0, 6.0, 400.0);
            text::code(rng, &mut out, lang, size);
            out.push_str("```\n");
        }
        AppKind::Summarize => {
            out.push_str(rng.pick(&[
                "Summarize these meeting notes:\n\n",
                "Summarize this customer email thread:\n\n",
                "TL;DR of this incident report please:\n\n",
                "Summarize:\n\n",
            ]));
            let size = length(rng, 3_000.0, 200.0, 14_000.0);
            text::prose(rng, &mut out, size);
        }
        AppKind::Classify => {
            if rng.chance(0.25) {
                let lang = rng.pick(&Lang::ALL);
                let size = length(rng, 60.0, 8.0, 600.0);
                text::foreign(rng, &mut out, lang, size);
            } else if rng.chance(0.3) {
                for index in 0..rng.range(2, 7) {
                    if index > 0 {
                        out.push(' ');
                    }
                    out.push_str(text::word(rng));
                }
            } else {
                let size = length(rng, 120.0, 20.0, 1_200.0);
                text::prose(rng, &mut out, size);
            }
        }
        AppKind::Translate => {
            let lang = rng.pick(&Lang::ALL);
            let size = length(rng, 250.0, 20.0, 4_000.0);
            text::foreign(rng, &mut out, lang, size);
        }
        AppKind::SqlAssistant => {
            out.push_str(rng.pick(&[
                "How many ",
                "Show me the ",
                "Which ",
                "What was the total of ",
                "List the top 10 ",
            ]));
            let words = rng.range(4, 14);
            for index in 0..words {
                if index > 0 {
                    out.push(' ');
                }
                out.push_str(text::word(rng));
            }
            out.push_str(&format!(
                " in {} 2026",
                rng.pick(&["Q1", "Q2", "Q3", "September", "October"])
            ));
            out.push('?');
            if rng.chance(0.3) {
                out.push_str("\nThis query I tried is too slow:\n");
                text::code(rng, &mut out, Code::Sql, 7);
            }
        }
        AppKind::RagQa => {
            out.push_str("Context:\n");
            for passage in 1..=rng.range(3, 8) {
                out.push_str(&format!("[{passage}] "));
                let size = length(rng, 700.0, 150.0, 2_500.0);
                text::prose(rng, &mut out, size);
                out.push('\n');
            }
            out.push_str("\nQuestion: ");
            text::sentence(rng, &mut out);
        }
    }
    out
}

/// The model's answer for an app.
pub fn assistant_text(rng: &mut Rng, kind: AppKind) -> String {
    let mut out = String::new();
    match kind {
        AppKind::InvoiceExtract => {
            let mut json = Json::new();
            json.obj().kstr("vendor", text::company(rng));
            let mut number = String::new();
            text::ticket_id(rng, &mut number, "INV");
            json.kstr("invoice_number", &number)
                .kstr("currency", rng.pick(&["EUR", "USD", "GBP"]));
            json.key("total").float(rng.log_normal(800.0, 1.2), 2).end();
            out = json.buf;
        }
        AppKind::Classify => {
            out = format!(
                "{{\"label\":\"{}\",\"urgent\":{}}}",
                rng.pick(&[
                    "billing",
                    "shipping",
                    "account",
                    "technical",
                    "sales",
                    "other"
                ]),
                rng.chance(0.2)
            );
        }
        AppKind::CodeReview => {
            let size = length(rng, 700.0, 120.0, 5_000.0);
            text::prose(rng, &mut out, size);
            if rng.chance(0.6) {
                let lang = rng.pick(&Code::ALL);
                out.push_str(&format!("\n\n```{}\n", lang.tag().0));
                let size = length(rng, 12.0, 3.0, 80.0);
                text::code(rng, &mut out, lang, size);
                out.push_str("```");
            }
        }
        AppKind::SqlAssistant => {
            text::code(rng, &mut out, Code::Sql, 7);
            let size = length(rng, 200.0, 60.0, 800.0);
            text::prose(rng, &mut out, size);
        }
        AppKind::Summarize => {
            for _ in 0..rng.range(2, 5) {
                out.push_str("- ");
                text::sentence(rng, &mut out);
                out.push('\n');
            }
            out.push_str("Next steps: ");
            text::sentence(rng, &mut out);
        }
        AppKind::Translate => {
            let size = length(rng, 250.0, 20.0, 4_000.0);
            text::prose(rng, &mut out, size);
        }
        AppKind::Support | AppKind::RagQa => {
            let size = length(rng, 400.0, 40.0, 3_000.0);
            text::prose(rng, &mut out, size);
        }
    }
    out
}
