//! Market impact against hand-walked books and real depth snapshots of Binance, Bybit and OKX (data in
//! tests/data/impact, each row with its source or arithmetic).

use std::collections::HashMap;

use scaleplan::impact::{
    market_impact, parse_depth, Benchmark, Execution, ImpactRequest, Level, Limit, OrderBook, OrderSide,
    ParametricBook, ParsedBook, Refill, Tranches, MAX_LEVELS,
};
use scaleplan::num::{round_dp, Round};
use scaleplan::{Decimal, Error, NonNegative, Quantity};
use scaleplan_tests::{data_file, rows};

type Outcome<T> = Result<T, String>;

fn text<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// `levels bids 99x2 98x3; asks 100x1`
fn levels_book(definition: &str) -> Outcome<ParsedBook> {
    let mut sides = definition.trim_start_matches("levels").split(';');
    let mut side = |name: &str| -> Outcome<Vec<Level>> {
        let part = sides.next().ok_or(format!("no {name} in `{definition}`"))?.trim();
        let list = part.strip_prefix(name).ok_or(format!("`{part}` should start with {name}"))?;
        list.split_whitespace()
            .map(|cell| {
                let (price, size) = cell.split_once('x').ok_or(format!("`{cell}` is not <price>x<size>"))?;
                Ok(Level { price: price.parse().map_err(text)?, size: size.parse().map_err(text)? })
            })
            .collect()
    };
    let bids = side("bids")?;
    let asks = side("asks")?;
    OrderBook::from_levels(bids, asks).map_err(text)
}

/// `parametric mid=100 spread=1 step=0.5 size=2 increment=1 levels=3`
fn parametric(definition: &str) -> Outcome<ParametricBook> {
    let fields: HashMap<&str, &str> =
        definition.split_whitespace().skip(1).filter_map(|kv| kv.split_once('=')).collect();
    let get = |key: &str| fields.get(key).copied().ok_or(format!("no {key}= in `{definition}`"));
    Ok(ParametricBook {
        mid: get("mid")?.parse().map_err(text)?,
        spread: get("spread")?.parse().map_err(text)?,
        step: get("step")?.parse().map_err(text)?,
        size: get("size")?.parse().map_err(text)?,
        size_increment: fields.get("increment").map(|v| v.parse()).transpose().map_err(text)?,
        levels: get("levels")?.parse().map_err(text)?,
    })
}

fn read_book(definition: &str) -> Outcome<ParsedBook> {
    if definition.starts_with("levels") {
        levels_book(definition)
    } else if definition.starts_with("parametric") {
        parametric(definition)?.build().map_err(text)
    } else {
        parse_depth(&data_file(&format!("impact/{definition}"))).map_err(text)
    }
}

fn books() -> Outcome<HashMap<String, ParsedBook>> {
    rows(&data_file("impact/books.txt"))
        .into_iter()
        .map(|(line, cells)| {
            let book = read_book(cell(&cells, 1, line)?).map_err(|e| format!("books.txt:{line}: {e}"))?;
            Ok((cell(&cells, 0, line)?.to_owned(), book))
        })
        .collect()
}

fn book<'a>(books: &'a HashMap<String, ParsedBook>, name: &str) -> Outcome<&'a ParsedBook> {
    books.get(name).ok_or(format!("no book `{name}` in books.txt"))
}

fn show(value: Option<Decimal>) -> String {
    value.map_or("-".to_owned(), |v| v.normalize().to_string())
}

fn bps(value: Option<Decimal>) -> String {
    show(value.map(|v| round_dp(v, 6, Round::Nearest)))
}

fn price(value: Option<Decimal>) -> String {
    show(value.map(|v| round_dp(v, 8, Round::Nearest)))
}

fn cell(cells: &[String], i: usize, line: usize) -> Outcome<&str> {
    cells.get(i).map(String::as_str).ok_or(format!("line {line}: column {} is missing", i.saturating_add(1)))
}

fn columns(cells: &[String], range: std::ops::Range<usize>, line: usize) -> Outcome<Vec<&str>> {
    range.map(|i| cell(cells, i, line)).collect()
}

#[test]
fn books_read_as_published() -> Outcome<()> {
    let books = books()?;
    for (line, cells) in rows(&data_file("impact/books.txt")) {
        let parsed = book(&books, cell(&cells, 0, line)?)?;
        let book = &parsed.book;
        let found = [
            serde_json::to_value(parsed.layout).map(|v| v.as_str().unwrap_or("").to_owned()).unwrap_or_default(),
            book.bids().len().to_string(),
            book.asks().len().to_string(),
            show(book.best_bid().map(|p| p.get())),
            show(book.best_ask().map(|p| p.get())),
            show(book.mid()),
        ];
        assert_eq!(
            found.iter().map(String::as_str).collect::<Vec<_>>(),
            columns(&cells, 2..8, line)?,
            "books.txt:{line}"
        );
        assert!(parsed.warnings.is_empty(), "books.txt:{line}: {:?}", parsed.warnings);
    }
    Ok(())
}

fn tranches(spec: &str) -> Outcome<Tranches> {
    if let Some((total, count)) = spec.split_once('/') {
        return Ok(Tranches::Equal { total: total.parse().map_err(text)?, count: count.parse().map_err(text)? });
    }
    let sizes = spec.split(',').map(|s| s.trim().parse::<Quantity>()).collect::<Result<_, Error>>();
    Ok(Tranches::Sizes { sizes: sizes.map_err(text)? })
}

fn refill(spec: &str) -> Outcome<Refill> {
    match spec {
        "none" => Ok(Refill::None),
        "full" => Ok(Refill::Full),
        rate => Ok(Refill::Fraction { rate: rate.parse().map_err(text)? }),
    }
}

fn side(spec: &str) -> Outcome<OrderSide> {
    match spec {
        "buy" => Ok(OrderSide::Buy),
        "sell" => Ok(OrderSide::Sell),
        other => Err(format!("side `{other}` is neither buy nor sell")),
    }
}

/// The columns of orders.txt after the four inputs, computed.
fn order_columns(report: &scaleplan::impact::TrancheReport) -> Vec<String> {
    let lump: &Execution = &report.lump;
    let slips: Vec<String> = report.tranches.iter().map(|t| bps(t.slippage_bps)).collect();
    vec![
        show(Some(lump.filled)),
        show(Some(lump.unfilled)),
        show(Some(lump.notional)),
        price(lump.average_price.map(|p| p.get())),
        bps(lump.slippage_bps),
        bps(lump.slippage_vs_mid_bps),
        slips.join(", "),
        price(report.combined.average_price.map(|p| p.get())),
        bps(report.combined.slippage_bps),
        show(report.saving_quote),
        bps(report.saving_bps),
    ]
}

#[test]
fn lump_sum_against_tranches() -> Outcome<()> {
    let books = books()?;
    let cases = rows(&data_file("impact/orders.txt"));
    assert!(cases.len() >= 20, "orders.txt lost rows: {}", cases.len());
    for (line, cells) in cases {
        let at = |i| cell(&cells, i, line);
        let context = |e: String| format!("orders.txt:{line}: {e}");
        let request = ImpactRequest {
            side: side(at(1)?).map_err(context)?,
            tranches: tranches(at(2)?).map_err(context)?,
            refill: refill(at(3)?).map_err(context)?,
            budget_bps: None,
            benchmark: Benchmark::Best,
            quantity_step: None,
        };
        let report = market_impact(book(&books, at(0)?)?, &request).map_err(|e| context(e.to_string()))?;
        assert_eq!(order_columns(&report.comparison), columns(&cells, 4..15, line)?, "orders.txt:{line}");
        assert!(report.max_within_budget.is_none());
    }
    Ok(())
}

#[test]
fn largest_order_within_budget() -> Outcome<()> {
    let books = books()?;
    let cases = rows(&data_file("impact/budget.txt"));
    assert!(cases.len() >= 13, "budget.txt lost rows: {}", cases.len());
    for (line, cells) in cases {
        let at = |i| cell(&cells, i, line);
        let context = |e: Error| format!("budget.txt:{line}: {e}");
        let step = match at(4)? {
            "-" => None,
            step => Some(step.parse::<Quantity>().map_err(context)?),
        };
        let request = ImpactRequest {
            side: side(at(1)?)?,
            tranches: Tranches::Equal { total: "1".parse().map_err(context)?, count: 1 },
            refill: Refill::None,
            budget_bps: Some(at(2)?.parse::<NonNegative>().map_err(context)?),
            benchmark: if at(3)? == "mid" { Benchmark::Mid } else { Benchmark::Best },
            quantity_step: step,
        };
        let report = market_impact(book(&books, at(0)?)?, &request).map_err(context)?;
        let max = report.max_within_budget.ok_or(format!("budget.txt:{line}: no max"))?;
        let limited_by = match max.limited_by {
            Limit::Budget => "budget",
            Limit::Depth => "depth",
        };
        let found = [show(Some(max.quantity)), limited_by.to_owned(), show(max.limit_price)];
        assert_eq!(
            found.iter().map(String::as_str).collect::<Vec<_>>(),
            columns(&cells, 5..8, line)?,
            "budget.txt:{line}"
        );
        // The order found really is within the budget.
        let budget = request.budget_bps.map(|b| b.get());
        if let Some(execution) = &max.execution {
            let slippage = match request.benchmark {
                Benchmark::Best => execution.slippage_bps,
                Benchmark::Mid => execution.slippage_vs_mid_bps,
            };
            assert!(slippage <= budget, "budget.txt:{line}: {slippage:?} over {budget:?}");
            assert_eq!(execution.unfilled, Decimal::ZERO, "budget.txt:{line}");
        }
    }
    Ok(())
}

#[test]
fn refused_and_warned_text() -> Outcome<()> {
    let cases = rows(&data_file("impact/parse.txt"));
    assert!(cases.len() >= 15, "parse.txt lost rows: {}", cases.len());
    for (line, cells) in cases {
        let input = cell(&cells, 0, line)?;
        let outcome = if input.starts_with("parametric") {
            parametric(input).and_then(|p| p.build().map_err(text))
        } else {
            parse_depth(input).map_err(text)
        };
        let found = match outcome {
            Ok(parsed) => {
                let warnings: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
                format!("warnings: {}", warnings.join(" / "))
            }
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(found, cell(&cells, 1, line)?, "parse.txt:{line}");
    }
    Ok(())
}

#[test]
fn a_side_past_the_level_cap_is_refused() {
    let level = r#"["100.5", "1"]"#;
    let asks = vec![level; MAX_LEVELS + 1].join(",");
    let error = parse_depth(&format!(r#"{{"bids": [], "asks": [{asks}]}}"#)).err().map(|e| e.to_string());
    assert_eq!(error.as_deref(), Some("asks: has 100001 levels; at most 100000 are allowed, trim the snapshot"));
    let asks = vec![level; MAX_LEVELS].join(",");
    assert!(parse_depth(&format!(r#"{{"bids": [], "asks": [{asks}]}}"#)).is_ok());
}

#[test]
fn requests_and_reports_cross_json_with_decimal_strings() -> Outcome<()> {
    let request: ImpactRequest = serde_json::from_str(
        r#"{"side": "buy", "tranches": {"kind": "equal", "total": "4", "count": 2},
            "refill": {"kind": "fraction", "rate": "0.5"}, "budgetBps": "50", "quantityStep": "0.01"}"#,
    )
    .map_err(text)?;
    let books = books()?;
    let report = market_impact(book(&books, "hand")?, &request).map_err(text)?;
    let json = serde_json::to_value(&report).map_err(text)?;
    assert_eq!(json["layout"], "levels");
    assert_eq!(json["lump"]["averagePrice"], "101.25");
    assert_eq!(json["combined"]["slippageBps"], "62.5");
    assert_eq!(json["savingQuote"], "2.5");
    assert_eq!(json["tranches"][1]["fills"][0], serde_json::json!({"price": "100", "quantity": "0.5"}));
    assert_eq!(json["maxWithinBudget"]["quantity"], "2");
    assert_eq!(json["maxWithinBudget"]["limitedBy"], "budget");

    let refused = serde_json::from_str::<ImpactRequest>(
        r#"{"side": "buy", "tranches": {"kind": "sizes", "sizes": ["1"]}, "refill": {"kind": "fraction", "rate": "1.5"}}"#,
    );
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("must be a fraction from 0 to 1"), "{message}");

    let crossed = parse_depth(r#"{"bids": [["100.5", "1"]], "asks": [["100", "2"], ["100", "1"]]}"#).map_err(text)?;
    let warnings = serde_json::to_value(&crossed.warnings).map_err(text)?;
    assert_eq!(
        warnings,
        serde_json::json!([
            {"kind": "mergedDuplicates", "side": "asks", "count": 1},
            {"kind": "crossed", "bestBid": "100.5", "bestAsk": "100"},
        ])
    );

    // A misspelt field is refused rather than silently ignored.
    for text in [
        r#"{"side": "buy", "tranches": {"kind": "sizes", "sizes": ["1"]}, "refill": {"kind": "none"}, "budgetbps": "5"}"#,
        r#"{"side": "buy", "tranches": {"kind": "equal", "total": "1", "count": 2, "step": "1"}, "refill": {"kind": "none"}}"#,
        r#"{"side": "buy", "tranches": {"kind": "sizes", "sizes": ["1"]}, "refill": {"kind": "fraction", "rates": "1"}}"#,
    ] {
        let message = serde_json::from_str::<ImpactRequest>(text).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(message.contains("unknown field") || message.contains("missing field"), "{text}: {message}");
    }
    let parametric = serde_json::from_str::<ParametricBook>(
        r#"{"mid": "100", "spread": "1", "step": "0.5", "size": "2", "level": 3}"#,
    );
    assert!(parametric.is_err());
    Ok(())
}
