//! Text that reads like what people send to models: English prose with names, numbers and ids,
//! several other languages and scripts, and source code. Everything is assembled word by word
//! from the seeded generator, so no two messages repeat.

use std::sync::OnceLock;

use crate::genlogs::rng::Rng;

/// The words of a list written as one string (so the lists stay compact in the source),
/// split on `separator` the first time they are needed.
fn list(
    cell: &'static OnceLock<Vec<&'static str>>,
    text: &'static str,
    separator: char,
) -> &'static [&'static str] {
    cell.get_or_init(|| text.split(separator).filter(|w| !w.is_empty()).collect())
}

/// Declares a function returning one of the word lists, split once.
macro_rules! word_list {
    ($name:ident, $text:expr, $separator:expr) => {
        fn $name() -> &'static [&'static str] {
            static CELL: OnceLock<Vec<&'static str>> = OnceLock::new();
            list(&CELL, $text, $separator)
        }
    };
}

word_list!(words, WORDS, ' ');
word_list!(first_names, FIRST_NAMES, ' ');
word_list!(last_names, LAST_NAMES, ' ');
word_list!(companies, COMPANIES, '|');
word_list!(cities, CITIES, '|');
word_list!(ident_parts, IDENT_PARTS, ' ');

/// Common English words of support, business and engineering traffic.
const WORDS: &str = "the a to and of in for is on that with this it we you our be are not can please when \
    after before from all customer order invoice account payment refund shipping delivery \
    address plan subscription price discount contract renewal team report quarter revenue \
    budget forecast meeting deadline project release deploy server database query latency \
    error timeout retry request response token limit cache index table column schema \
    migration backup cluster node service endpoint client session user login password email \
    message ticket issue bug fix feature test build pipeline branch commit review change \
    update version config file folder document page section summary draft policy rule \
    approval manager engineer analyst vendor supplier warehouse stock item product catalog \
    category review rating feedback survey score daily weekly monthly yesterday today \
    tomorrow morning afternoon still again already never always sometimes only also just \
    very quickly slowly correctly missing broken wrong late early new old large small first \
    last next previous main other same different works fails shows returns sends receives \
    needs wants expects checked tried changed moved deleted created opened closed paid \
    charged cancelled upgraded downgraded exported imported merged reverted because but so \
    if while although since until whether which what why how where who there here they them \
    their my me I he she his her its was were has have had will would should could must may \
    might does did do get got make made see saw know think look find give tell ask show try \
    call keep let begin seem help turn start run write read set mobile desktop browser \
    dashboard screen button form field value number amount total balance tax currency region \
    country language";

/// Given names from many countries.
const FIRST_NAMES: &str = "Maria James Wei Aisha Lucas Sofia Kenji Priya Omar Elena Noah Fatima Mateo Yuki Liam \
    Chloe Arjun Ines Ivan Hana Diego Amara Jonas Mei Tomas Leila Sven Zara Pablo Ana";

/// Family names from many countries.
const LAST_NAMES: &str = "Garcia Smith Chen Khan Müller Rossi Tanaka Patel Haddad Novak Johnson Silva Kim Dubois \
    Nowak Okafor Larsen Ivanova Moreau Schmidt Yamamoto Fernandes Nguyen Cohen Andersson";

/// Company names (fictional).
const COMPANIES: &str = "Acme Routers|Northwind|Globex|Initech|Umbrella Health|Stark Logistics|Wayne Finance|\
    Hooli Cloud|Vandelay Imports|Soylent Foods|Cyberdyne Labs|Tyrell Retail|Massive Dynamic|\
    Oscorp Energy|Pied Piper";

/// City names.
const CITIES: &str = "Berlin|Lyon|Madrid|Osaka|Toronto|Austin|Lagos|Mumbai|Seoul|Warsaw|São Paulo|Melbourne|\
    Dublin|Nairobi|Taipei";

/// The languages other than English that messages come in.
#[derive(Clone, Copy)]
pub enum Lang {
    German,
    French,
    Spanish,
    Portuguese,
    Japanese,
    Chinese,
    Russian,
    Korean,
}

impl Lang {
    /// Every language, for drawing one.
    pub const ALL: [Lang; 8] = [
        Lang::German,
        Lang::French,
        Lang::Spanish,
        Lang::Portuguese,
        Lang::Japanese,
        Lang::Chinese,
        Lang::Russian,
        Lang::Korean,
    ];

    /// Words (or phrases, for scripts without spaces) of the language.
    fn words(self) -> &'static [&'static str] {
        static CELLS: [OnceLock<Vec<&'static str>>; 8] = [const { OnceLock::new() }; 8];
        let text = match self {
            Lang::German => {
                "die Rechnung ist nicht angekommen und der Kunde wartet seit Tagen bitte \
                prüfen Sie das Konto Bestellung Lieferung warum wurde zweimal abgebucht \
                Passwort funktioniert leider immer noch Fehler beim Anmelden danke für Ihre \
                Hilfe ich möchte kündigen Vertrag Rückerstattung"
            }
            Lang::French => {
                "la facture n'est pas arrivée et le client attend depuis trois jours merci de \
                vérifier mon compte commande livraison pourquoi été débité deux fois mot \
                passe ne fonctionne plus erreur connexion je voudrais résilier abonnement \
                remboursement s'il vous plaît"
            }
            Lang::Spanish => {
                "la factura no ha llegado y el cliente espera desde hace días por favor \
                revisen mi cuenta pedido envío porqué cobraron dos veces contraseña funciona \
                error al iniciar sesión quiero cancelar suscripción reembolso gracias"
            }
            Lang::Portuguese => {
                "a fatura não chegou e o cliente espera há dias por favor verifiquem minha \
                conta pedido entrega porque cobraram duas vezes senha funciona erro ao \
                entrar quero cancelar assinatura reembolso obrigado"
            }
            Lang::Japanese => {
                "注文した 商品が まだ 届いていません 請求書の 金額が 間違っています 確認して ください アカウントに ログインできません パスワードを \
                再設定しても エラーが 表示されます 解約したいです 返金は いつ されますか よろしく お願いします 昨日から"
            }
            Lang::Chinese => {
                "我的 订单 还没有 收到 发票 金额 不对 请帮我 检查 一下 账户 无法 登录 密码 重置 以后 仍然 报错 为什么 被扣款 两次 我想 取消 订阅 \
                退款 什么时候 到账"
            }
            Lang::Russian => {
                "мой заказ до сих пор не пришёл счёт неверный проверьте пожалуйста аккаунт не \
                могу войти пароль ошибка почему списали дважды хочу отменить подписку \
                возврат денег спасибо вчера сегодня"
            }
            Lang::Korean => {
                "주문한 상품이 아직 도착하지 않았습니다 청구서 금액이 잘못되었습니다 확인해 주세요 계정에 로그인할 수 없습니다 비밀번호를 재설정해도 \
                오류가 납니다 구독을 취소하고 싶어요 환불은 언제 되나요 감사합니다"
            }
        };
        list(&CELLS[self as usize], text, ' ')
    }

    /// Whether words are written without spaces between them.
    fn unspaced(self) -> bool {
        matches!(self, Lang::Japanese | Lang::Chinese)
    }

    /// The sentence end.
    fn full_stop(self) -> &'static str {
        if self.unspaced() { "。" } else { "." }
    }
}

/// The programming languages code comes in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Rust,
    Python,
    TypeScript,
    Go,
    Sql,
}

impl Code {
    /// Every language, for drawing one.
    pub const ALL: [Code; 5] = [
        Code::Rust,
        Code::Python,
        Code::TypeScript,
        Code::Go,
        Code::Sql,
    ];

    /// The Markdown fence tag and a file extension.
    pub fn tag(self) -> (&'static str, &'static str) {
        match self {
            Code::Rust => ("rust", "rs"),
            Code::Python => ("python", "py"),
            Code::TypeScript => ("typescript", "ts"),
            Code::Go => ("go", "go"),
            Code::Sql => ("sql", "sql"),
        }
    }
}

/// Identifier parts code is made of.
const IDENT_PARTS: &str = "order user invoice cache retry token route price item batch queue event config client \
    request response total count index buffer limit window session record row field parse \
    load store build check merge split score rank plan policy model cost";

/// One word of English.
pub fn word(rng: &mut Rng) -> &'static str {
    rng.pick(words())
}

/// A person's full name.
pub fn person(rng: &mut Rng, out: &mut String) {
    out.push_str(rng.pick(first_names()));
    out.push(' ');
    out.push_str(rng.pick(last_names()));
}

/// A company name.
pub fn company(rng: &mut Rng) -> &'static str {
    rng.pick(companies())
}

/// A city name.
pub fn city(rng: &mut Rng) -> &'static str {
    rng.pick(cities())
}

/// An order-style id such as `ORD-48213-KX`.
pub fn ticket_id(rng: &mut Rng, out: &mut String, prefix: &str) {
    out.push_str(prefix);
    out.push('-');
    out.push_str(&rng.range(10_000, 999_999).to_string());
    out.push('-');
    for _ in 0..2 {
        out.push(char::from(b'A' + rng.below(26) as u8));
    }
}

/// An amount of money such as `1,204.50`.
pub fn amount(rng: &mut Rng, out: &mut String) {
    let cents = rng.log_normal(12_000.0, 1.4) as u64 + 1;
    let units = cents / 100;
    let text = units.to_string();
    for (index, digit) in text.chars().enumerate() {
        if index > 0 && (text.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out.push_str(&format!(".{:02}", cents % 100));
}

/// One English sentence of 5 to 22 words, now and then carrying a name, an amount, an id, a
/// city or a date, ending in a full stop or a question mark.
pub fn sentence(rng: &mut Rng, out: &mut String) {
    let words = rng.range(5, 22);
    for index in 0..words {
        if index > 0 {
            out.push(' ');
        }
        let roll = rng.below(40);
        match roll {
            0 => person(rng, out),
            1 => {
                out.push('$');
                amount(rng, out);
            }
            2 => ticket_id(rng, out, "ORD"),
            3 => out.push_str(city(rng)),
            4 => out.push_str(&format!("{} {}", rng.range(1, 28), month(rng))),
            5 => out.push_str(&rng.range(2, 500).to_string()),
            _ => {
                let word = word(rng);
                if index == 0 {
                    let mut chars = word.chars();
                    if let Some(first) = chars.next() {
                        out.extend(first.to_uppercase());
                        out.push_str(chars.as_str());
                    }
                } else {
                    out.push_str(word);
                }
            }
        }
    }
    out.push_str(if rng.chance(0.15) { "?" } else { "." });
}

/// A month name.
fn month(rng: &mut Rng) -> &'static str {
    rng.pick(&[
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ])
}

/// English prose of about `bytes` bytes, in paragraphs of 2 to 6 sentences.
pub fn prose(rng: &mut Rng, out: &mut String, bytes: usize) {
    let start = out.len();
    let mut in_paragraph = 0;
    let mut paragraph_len = rng.range(2, 6);
    while out.len() - start < bytes {
        if in_paragraph == paragraph_len {
            out.push_str("\n\n");
            in_paragraph = 0;
            paragraph_len = rng.range(2, 6);
        } else if in_paragraph > 0 {
            out.push(' ');
        }
        sentence(rng, out);
        in_paragraph += 1;
    }
}

/// Text of about `bytes` bytes in another language.
pub fn foreign(rng: &mut Rng, out: &mut String, lang: Lang, bytes: usize) {
    let start = out.len();
    let words = lang.words();
    while out.len() - start < bytes {
        let count = rng.range(4, 14);
        for index in 0..count {
            if index > 0 && !lang.unspaced() {
                out.push(' ');
            }
            if rng.chance(0.05) {
                out.push_str(&rng.range(2, 9999).to_string());
            } else {
                out.push_str(rng.pick(words));
            }
        }
        out.push_str(lang.full_stop());
        if !lang.unspaced() {
            out.push(' ');
        }
    }
}

/// An identifier in snake_case or camelCase made of two or three parts.
pub fn ident(rng: &mut Rng, out: &mut String, camel: bool) {
    let parts = rng.range(2, 3);
    for index in 0..parts {
        let part = rng.pick(ident_parts());
        if index == 0 {
            out.push_str(part);
        } else if camel {
            let mut chars = part.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push('_');
            out.push_str(part);
        }
    }
}

/// About `lines` lines of plausible source code in `lang`.
pub fn code(rng: &mut Rng, out: &mut String, lang: Code, lines: usize) {
    let mut written = 0;
    while written < lines {
        written += match lang {
            Code::Rust => rust_fn(rng, out),
            Code::Python => python_fn(rng, out),
            Code::TypeScript => ts_fn(rng, out),
            Code::Go => go_fn(rng, out),
            Code::Sql => sql_query(rng, out),
        };
        out.push('\n');
        written += 1;
    }
}

/// Exactly `lines` consecutive lines of source code in `lang` (each ending in a newline),
/// taken from a random point of a few functions: the part of a file an edit replaces or a
/// ranged read returns, rather than whole functions as [`code`] writes.
pub fn code_lines(rng: &mut Rng, out: &mut String, lang: Code, lines: usize) {
    if lines == 0 {
        return;
    }
    let skip = rng.below(8) as usize;
    let mut source = String::new();
    while source.lines().count() < skip + lines {
        // One function at a time: `code` counts lines only roughly.
        code(rng, &mut source, lang, 1);
    }
    for line in source.lines().skip(skip).take(lines) {
        out.push_str(line);
        out.push('\n');
    }
}

/// A Rust function; returns the lines written.
fn rust_fn(rng: &mut Rng, out: &mut String) -> usize {
    out.push_str("/// ");
    sentence(rng, out);
    out.push_str("\npub fn ");
    ident(rng, out, false);
    out.push_str("(input: &[u64], limit: usize) -> Result<u64, Error> {\n");
    let body = rng.range(2, 9) as usize;
    for _ in 0..body {
        match rng.below(4) {
            0 => {
                out.push_str("    let ");
                ident(rng, out, false);
                out.push_str(&format!(
                    " = input.iter().take(limit).sum::<u64>() / {};\n",
                    rng.range(2, 64)
                ));
            }
            1 => {
                out.push_str("    if limit > ");
                out.push_str(&rng.range(1, 4096).to_string());
                out.push_str(" {\n        return Err(Error::TooLarge(limit));\n    }\n");
            }
            2 => {
                out.push_str("    // ");
                sentence(rng, out);
                out.push('\n');
            }
            _ => {
                out.push_str("    for (index, value) in input.iter().enumerate() {\n        ");
                ident(rng, out, false);
                out.push_str(&format!(
                    "(index, *value % {});\n    }}\n",
                    rng.range(3, 97)
                ));
            }
        }
    }
    out.push_str("    Ok(input.len() as u64)\n}\n");
    body * 2 + 4
}

/// A Python function; returns the lines written.
fn python_fn(rng: &mut Rng, out: &mut String) -> usize {
    out.push_str("def ");
    ident(rng, out, false);
    out.push_str("(items, threshold=");
    out.push_str(&rng.range(1, 100).to_string());
    out.push_str("):\n    \"\"\"");
    sentence(rng, out);
    out.push_str("\"\"\"\n");
    let body = rng.range(2, 8) as usize;
    for _ in 0..body {
        match rng.below(3) {
            0 => {
                out.push_str("    ");
                ident(rng, out, false);
                out.push_str(&format!(
                    " = [x for x in items if x.get(\"{}\", 0) > threshold]\n",
                    rng.pick(ident_parts())
                ));
            }
            1 => {
                out.push_str("    if not items:\n        raise ValueError(\"");
                out.push_str(word(rng));
                out.push_str(" is empty\")\n");
            }
            _ => {
                out.push_str("    # ");
                sentence(rng, out);
                out.push('\n');
            }
        }
    }
    out.push_str("    return len(items)\n");
    body * 2 + 3
}

/// A TypeScript request handler; returns the lines written.
fn ts_fn(rng: &mut Rng, out: &mut String) -> usize {
    out.push_str("export async function ");
    ident(rng, out, true);
    out.push_str("(req: Request, ctx: Context): Promise<Response> {\n");
    let body = rng.range(2, 8) as usize;
    for _ in 0..body {
        match rng.below(3) {
            0 => {
                out.push_str("  const ");
                ident(rng, out, true);
                out.push_str(&format!(
                    " = await ctx.db.query(\"{}\", {{ limit: {} }});\n",
                    rng.pick(ident_parts()),
                    rng.range(1, 500)
                ));
            }
            1 => {
                out.push_str("  if (!req.headers.get(\"");
                out.push_str(rng.pick(ident_parts()));
                out.push_str("\")) {\n    return new Response(null, { status: 400 });\n  }\n");
            }
            _ => {
                out.push_str("  // ");
                sentence(rng, out);
                out.push('\n');
            }
        }
    }
    out.push_str("  return Response.json({ ok: true });\n}\n");
    body * 2 + 3
}

/// A Go function; returns the lines written.
fn go_fn(rng: &mut Rng, out: &mut String) -> usize {
    out.push_str("func ");
    ident(rng, out, true);
    out.push_str("(ctx context.Context, ids []int64) (int, error) {\n");
    let body = rng.range(2, 8) as usize;
    for _ in 0..body {
        match rng.below(3) {
            0 => {
                out.push_str("\tif len(ids) > ");
                out.push_str(&rng.range(1, 1000).to_string());
                out.push_str(" {\n\t\treturn 0, fmt.Errorf(\"too many ids: %d\", len(ids))\n\t}\n");
            }
            1 => {
                out.push('\t');
                ident(rng, out, true);
                out.push_str(&format!(
                    " := make(map[int64]string, {})\n",
                    rng.range(1, 256)
                ));
            }
            _ => {
                out.push_str("\t// ");
                sentence(rng, out);
                out.push('\n');
            }
        }
    }
    out.push_str("\treturn len(ids), nil\n}\n");
    body * 2 + 3
}

/// A SQL query; returns the lines written.
fn sql_query(rng: &mut Rng, out: &mut String) -> usize {
    let table = rng.pick(ident_parts());
    out.push_str("SELECT ");
    let columns = rng.range(2, 6);
    for index in 0..columns {
        if index > 0 {
            out.push_str(", ");
        }
        out.push_str("t.");
        ident(rng, out, false);
    }
    out.push_str(&format!(
        "\nFROM {table}s t\nJOIN {}s u ON u.id = t.{}_id\nWHERE t.created_at >= DATE '2026-0{}-01'\n  AND t.status = '{}'\nORDER BY t.id DESC\nLIMIT {};\n",
        rng.pick(ident_parts()),
        rng.pick(ident_parts()),
        rng.range(1, 9),
        rng.pick(&["open", "paid", "failed", "pending"]),
        rng.range(10, 5000)
    ));
    7
}
