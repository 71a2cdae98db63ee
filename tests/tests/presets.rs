//! The bundled instrument presets: every one parses, is dated and cited, names its exchange as the exchange
//! writes it, and its tier table is internally consistent (contiguous brackets, rising rates, falling leverage,
//! maintenance margin continuous at every boundary). Parse errors of edited presets name the entry.

use scaleplan::presets::{self, parse_presets, Preset, MODELS};
use scaleplan::{ContractKind, Decimal, Error, Result, Tier};

fn all() -> Result<Vec<Preset>> {
    let list = presets::presets()?;
    assert!(!list.is_empty(), "no bundled presets");
    Ok(list)
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap_or_else(|e| unreachable!("{text}: {e}"))
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let widths: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    matches!(widths.as_slice(), [4] | [4, 2] | [4, 2, 2]) && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
}

/// A date, or a range `start..end` of dates whose start is not after its end. ISO dates of any of the three
/// widths order as text, so `2026-04..2026-12-02` is a range and `2025-09..2025-04-22` is not.
fn is_dated(text: &str) -> bool {
    match text.split_once("..") {
        Some((start, end)) => is_date(start) && is_date(end) && start <= end,
        None => is_date(text),
    }
}

/// A date, a range, or `undated`.
fn is_as_of(text: &str) -> bool {
    text == "undated" || is_dated(text)
}

/// Tier and fee citations that could not be dated, each with the reason, which the citation itself also gives
/// (it says `Undated`). Everything else in the bundled data carries a date. A citation dated later is a failure
/// here until it is taken off this list, so the list stays the true one.
const UNDATED: [(&str, &str, &str, &str); 6] = [
    ("Binance", "BTCUSDT", "fees", "babianfox.com's table has no date; the FAQ is dated only when first published"),
    ("Binance", "ETHUSDT", "fees", "the same tables as BTCUSDT's, neither dated"),
    ("Binance", "BTCUSD_PERP", "fees", "the FAQ's COIN-M example is undated; COIN-M fees changed on 2023-09-26"),
    ("Bybit", "BTCUSDT", "tiers", "the Margin Parameters page is a live table and its stored copy has no date"),
    ("OKX", "BTC-USDT-SWAP", "fees", "ccxt's configured rates are not OKX data and OKX's fee page is not stored"),
    ("OKX", "ETH-USDT-SWAP", "fees", "as for BTC-USDT-SWAP"),
];

fn tiers_of(preset: &Preset) -> &[Tier] {
    &preset.instrument.tiers
}

#[test]
fn every_bundled_preset_parses_and_names_are_unique() -> Result<()> {
    let list = all()?;
    let mut names: Vec<String> = list.iter().map(|p| p.name().to_ascii_lowercase()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), list.len(), "duplicate exchange/symbol pairs");
    for p in &list {
        assert_eq!(p.symbol, p.instrument.symbol, "{}: preset and instrument symbols differ", p.name());
    }
    Ok(())
}

#[test]
fn every_preset_is_dated_and_cited() -> Result<()> {
    for p in all()? {
        let name = p.name();
        assert!(is_as_of(&p.as_of), "{name}: asOf `{}` is not a date, range or `undated`", p.as_of);
        assert!(!p.source.trim().is_empty(), "{name}: no source");
        assert!(!p.notes.trim().is_empty(), "{name}: no notes");
        let fees = p.fees_source.as_ref();
        assert!(fees.is_some_and(|f| is_as_of(&f.as_of) && !f.source.trim().is_empty()), "{name}: fees not cited");
        // A tier table needs its own citation; a preset without one must say why in its notes.
        match (&p.tiers_source, tiers_of(&p).is_empty()) {
            (Some(t), false) => {
                assert!(is_as_of(&t.as_of) && !t.source.trim().is_empty(), "{name}: tiers not cited")
            }
            (None, true) => assert!(p.notes.contains("No tiers"), "{name}: no tiers and no note saying why"),
            (Some(_), true) => unreachable!("{name}: tier citation without tiers"),
            (None, false) => unreachable!("{name}: tiers without a citation"),
        }
    }
    Ok(())
}

#[test]
fn models_are_known_and_match_the_exchange() -> Result<()> {
    for p in all()? {
        assert!(MODELS.contains(&p.model.as_str()), "{}: model {}", p.name(), p.model);
        assert_eq!(p.model, p.exchange.to_ascii_lowercase(), "{}: every bundled exchange uses its own model", p.name());
    }
    Ok(())
}

/// Names read as the exchanges write them; the model names stay lowercase.
#[test]
fn exchanges_are_spelt_as_they_spell_themselves() -> Result<()> {
    let mut names: Vec<String> = all()?.into_iter().map(|p| p.exchange).collect();
    names.dedup();
    assert_eq!(names, ["Binance", "Bybit", "OKX", "Hyperliquid", "BingX", "MEXC", "WEEX"]);
    Ok(())
}

#[test]
fn each_exchange_has_btc_and_eth() -> Result<()> {
    let list = all()?;
    for exchange in MODELS {
        for base in ["BTC", "ETH"] {
            assert!(
                list.iter().any(|p| p.exchange.eq_ignore_ascii_case(exchange) && p.symbol.starts_with(base)),
                "{exchange} has no {base} preset"
            );
        }
    }
    Ok(())
}

/// Every preset's contract rules carry a date (the app shows it as "as of ..."), and a range says in the
/// source or notes how its bounds were found.
#[test]
fn every_preset_is_dated() -> Result<()> {
    for p in all()? {
        let name = p.name();
        assert!(is_dated(&p.as_of), "{name}: contract rules dated `{}`, not a date or a range", p.as_of);
        if p.as_of.contains("..") {
            let told = format!("{} {}", p.source, p.notes).to_ascii_lowercase();
            assert!(told.contains("dated"), "{name}: range {} with no word on how it was dated", p.as_of);
        }
    }
    Ok(())
}

/// Tier and fee citations are dated too, except the ones named in [`UNDATED`], which say so themselves.
#[test]
fn tier_and_fee_citations_are_dated_but_the_named_ones() -> Result<()> {
    let list = all()?;
    let mut undated = Vec::new();
    for p in &list {
        let cited = [("tiers", p.tiers_source.as_ref()), ("fees", p.fees_source.as_ref())];
        for (what, source) in cited {
            let Some(source) = source else { continue };
            if source.as_of == "undated" {
                let name = p.name();
                assert!(source.source.contains("Undated"), "{name} {what}: undated and the citation does not say why");
                undated.push((p.exchange.as_str(), p.symbol.as_str(), what));
            } else {
                assert!(is_dated(&source.as_of), "{} {what}: `{}` is not a date or a range", p.name(), source.as_of);
            }
        }
    }
    let named: Vec<(&str, &str, &str)> = UNDATED.iter().map(|&(e, s, what, _)| (e, s, what)).collect();
    assert_eq!(undated, named, "undated citations differ from the named ones");
    for (exchange, symbol, what, reason) in UNDATED {
        assert!(!reason.is_empty(), "{exchange} {symbol} {what}: no reason");
    }
    Ok(())
}

#[test]
fn dates_and_ranges_are_read_strictly() {
    let ranges = ["2023-01-26..2024-04-25", "2026-04..2026-12-02", "2025-01-02..2025-01-02"];
    for good in ["2024", "2024-08", "2024-08-29"].into_iter().chain(ranges) {
        assert!(is_dated(good), "{good}");
    }
    let ranges = ["2024-08-29..", "..2024", "2025-09..2025-04-22", "2024..2025..2026"];
    for bad in ["undated", "", "24-08-29", "2024-8-29", "2024-08-2x"].into_iter().chain(ranges) {
        assert!(!is_dated(bad), "{bad}");
    }
    assert!(is_as_of("undated"));
}

/// Funding intervals are given where a source gives them, and in hours a day divides into.
#[test]
fn funding_intervals_divide_the_day() -> Result<()> {
    let list = all()?;
    for p in &list {
        if let Some(hours) = p.funding_interval_hours {
            assert!(hours > 0 && 24 % hours == 0, "{}: funding every {hours} h", p.name());
            assert!(p.notes.to_ascii_lowercase().contains("funding"), "{}: funding interval not cited", p.name());
        }
    }
    let eight_hourly = [
        ("BingX", "BTC-USDT"),
        ("BingX", "ETH-USDT"),
        ("WEEX", "BTCUSDT"),
        ("WEEX", "ETHUSDT"),
        ("MEXC", "BTC_USDT"),
        ("Bybit", "BTCUSDT"),
        ("Bybit", "ETHUSDT"),
        ("Bybit", "BTCUSD"),
    ];
    for (exchange, symbol) in eight_hourly {
        let p = presets::preset(exchange, symbol)?;
        assert_eq!(p.and_then(|p| p.funding_interval_hours), Some(8), "{exchange} {symbol}");
    }
    Ok(())
}

#[test]
fn grids_and_minimums_are_usable() -> Result<()> {
    for p in all()? {
        let i = &p.instrument;
        let name = p.name();
        assert!(i.tick_size.get() > Decimal::ZERO, "{name}: tick size");
        assert!(i.quantity_step.get() > Decimal::ZERO, "{name}: quantity step");
        assert!(i.min_quantity.get() > Decimal::ZERO, "{name}: minimum quantity");
        assert!(
            (i.min_quantity.get() % i.quantity_step.get()).is_zero(),
            "{name}: minimum quantity is off the quantity grid"
        );
        assert!(i.maker_fee.get() >= Decimal::ZERO && i.maker_fee.get() <= i.taker_fee.get(), "{name}: fees");
    }
    Ok(())
}

/// Binance, Bybit and Hyperliquid publish brackets as `previous cap < notional <= cap`, so each floor is
/// exactly the previous cap and only the last tier may be unbounded.
#[test]
fn tiers_are_contiguous_from_zero() -> Result<()> {
    for p in all()? {
        let tiers = tiers_of(&p);
        let Some(first) = tiers.first() else { continue };
        assert!(first.notional_floor.get().is_zero(), "{}: first tier starts above 0", p.name());
        for (n, t) in tiers.iter().enumerate() {
            let cap = t.notional_cap.map(|c| c.get());
            let last = n + 1 == tiers.len();
            assert!(cap.is_some() || last, "{} tier {n}: only the last tier may be unbounded", p.name());
            assert!(cap.is_none_or(|c| c > t.notional_floor.get()), "{} tier {n}: empty range", p.name());
        }
        for (n, pair) in tiers.windows(2).enumerate() {
            if let [below, above] = pair {
                assert_eq!(
                    below.notional_cap.map(|c| c.get()),
                    Some(above.notional_floor.get()),
                    "{} tier {}: floor is not the previous cap",
                    p.name(),
                    n + 1
                );
            }
        }
    }
    Ok(())
}

#[test]
fn rates_rise_and_leverage_falls_with_notional() -> Result<()> {
    for p in all()? {
        for (n, pair) in tiers_of(&p).windows(2).enumerate() {
            if let [below, above] = pair {
                let tier = n + 1;
                assert!(
                    above.maintenance_margin_rate > below.maintenance_margin_rate,
                    "{} tier {tier}: rate does not rise",
                    p.name()
                );
                assert!(above.max_leverage < below.max_leverage, "{} tier {tier}: leverage does not fall", p.name());
            }
        }
    }
    Ok(())
}

/// `amount(n) = amount(n-1) + floor(n) * (rate(n) - rate(n-1))`, which makes
/// `notional * rate - amount` take the same value on both sides of every boundary.
#[test]
fn maintenance_margin_is_continuous_at_every_boundary() -> Result<()> {
    for p in all()? {
        let tiers = tiers_of(&p);
        if let Some(first) = tiers.first() {
            assert!(first.maintenance_amount.get().is_zero(), "{}: first tier has a maintenance amount", p.name());
        }
        for (n, pair) in tiers.windows(2).enumerate() {
            if let [below, above] = pair {
                let floor = above.notional_floor.get();
                let (r0, r1) = (below.maintenance_margin_rate.get(), above.maintenance_margin_rate.get());
                let (a0, a1) = (below.maintenance_amount.get(), above.maintenance_amount.get());
                assert_eq!(a1, a0 + floor * (r1 - r0), "{} tier {}: maintenance amount", p.name(), n + 1);
                assert_eq!(floor * r0 - a0, floor * r1 - a1, "{} tier {}: jump at the boundary", p.name(), n + 1);
            }
        }
    }
    Ok(())
}

/// Hyperliquid: the maintenance rate is half the initial margin rate at the tier's maximum leverage.
#[test]
fn hyperliquid_maintenance_is_half_the_initial_margin_at_max_leverage() -> Result<()> {
    let list = all()?;
    let hyperliquid: Vec<&Preset> = list.iter().filter(|p| p.exchange == "Hyperliquid").collect();
    assert!(!hyperliquid.is_empty());
    for p in hyperliquid {
        assert!(!tiers_of(p).is_empty(), "{}: no tiers", p.name());
        for t in tiers_of(p) {
            let two = Decimal::TWO;
            assert_eq!(t.maintenance_margin_rate.get() * two * t.max_leverage.get(), Decimal::ONE, "{}", p.name());
        }
    }
    Ok(())
}

#[test]
fn inverse_presets_carry_their_contract_size() -> Result<()> {
    let expected = [("binance", "BTCUSD_PERP", "100"), ("bybit", "BTCUSD", "1")];
    for (exchange, symbol, size) in expected {
        let p = presets::preset(exchange, symbol)?;
        let contract = p.as_ref().map(|p| p.instrument.contract);
        assert!(
            matches!(contract, Some(ContractKind::Inverse { contract_size }) if contract_size.get() == dec(size)),
            "{exchange} {symbol}: {contract:?}"
        );
    }
    for p in all()? {
        if p.symbol.ends_with("USDT") || p.symbol.ends_with("USDT-SWAP") || p.exchange == "Hyperliquid" {
            assert_eq!(p.instrument.contract, ContractKind::Linear, "{}", p.name());
        }
    }
    Ok(())
}

/// OKX trades contracts (ctVal 0.01 BTC, 0.1 ETH; lotSz = minSz = 0.1 contract in the cited snapshot); the
/// preset holds base units, as the core's linear quantity is.
#[test]
fn okx_contract_rules_are_converted_to_base_units() -> Result<()> {
    for (symbol, contract_value) in [("BTC-USDT-SWAP", "0.01"), ("ETH-USDT-SWAP", "0.1")] {
        let p = presets::preset("okx", symbol)?;
        let base = dec("0.1") * dec(contract_value);
        let rules = p.as_ref().map(|p| (p.instrument.quantity_step.get(), p.instrument.min_quantity.get()));
        assert_eq!(rules, Some((base, base)), "okx {symbol}");
    }
    Ok(())
}

/// MEXC trades contracts (0.0001 BTC, 0.01 ETH) and counts its risk limits in them; the presets hold base units,
/// with the one risk level's bound converted (530,000 contracts = 53 BTC, 82,000 = 820 ETH).
#[test]
fn mexc_contracts_and_risk_limits_are_converted_to_base_units() -> Result<()> {
    for (symbol, contract, max_vol, step) in [("BTC_USDT", "0.0001", "530000", "0.0001"), ("ETH_USDT", "0.01", "82000", "0.01")] {
        let p = presets::preset("mexc", symbol)?;
        let p = p.as_ref().map(|p| &p.instrument);
        assert_eq!(p.map(|i| (i.quantity_step.get(), i.min_quantity.get())), Some((dec(step), dec(step))), "MEXC {symbol}");
        let cap = p.and_then(|i| i.tiers.first()).and_then(|t| t.notional_cap).map(|c| c.get());
        assert_eq!(cap, Some(dec(max_vol) * dec(contract)), "MEXC {symbol}: risk level bound");
    }
    Ok(())
}

#[test]
fn lookup_ignores_case_and_misses_cleanly() -> Result<()> {
    let found = presets::preset("binance", "btcusdt")?;
    assert_eq!(found.map(|p| (p.exchange, p.symbol)), Some(("Binance".to_owned(), "BTCUSDT".to_owned())));
    let found = presets::preset("BINGX", "btc-usdt")?;
    assert_eq!(found.map(|p| p.model), Some("bingx".to_owned()));
    assert_eq!(presets::preset("binance", "DOGEUSDT")?, None);
    assert_eq!(presets::preset("kraken", "BTCUSDT")?, None);
    Ok(())
}

/// Presets are data a user copies and edits: what is written out reads back the same.
#[test]
fn presets_round_trip_through_json() -> Result<()> {
    let list = all()?;
    let text = serde_json::to_string_pretty(&list).map_err(|e| Error::invalid("presets", e.to_string()))?;
    assert_eq!(parse_presets(&text)?, list);
    Ok(())
}

fn edited(change: impl FnOnce(&mut serde_json::Value)) -> Result<String> {
    let list = all()?;
    let mut value = serde_json::to_value(&list).map_err(|e| Error::invalid("presets", e.to_string()))?;
    if let Some(first) = value.get_mut(0) {
        change(first);
    }
    Ok(value.to_string())
}

fn field_of(result: Result<Vec<Preset>>) -> Option<String> {
    match result {
        Err(e @ Error::Invalid { .. }) => e.field().map(str::to_owned),
        _ => None,
    }
}

#[test]
fn edited_presets_with_errors_are_refused_naming_the_entry() -> Result<()> {
    assert_eq!(field_of(parse_presets("{}")), Some("presets".to_owned()));
    assert_eq!(field_of(parse_presets("not json")), Some("presets".to_owned()));
    assert_eq!(parse_presets("[]")?, Vec::new());

    let negative_tick = edited(|p| p["instrument"]["tickSize"] = "-0.1".into())?;
    assert_eq!(field_of(parse_presets(&negative_tick)), Some("presets[0] (Binance BTCUSDT)".to_owned()));

    // Decimals are strings: a JSON float would already have lost exactness.
    let float_fee = edited(|p| p["instrument"]["takerFee"] = serde_json::json!(0.0005))?;
    assert_eq!(field_of(parse_presets(&float_fee)), Some("presets[0] (Binance BTCUSDT)".to_owned()));
    // Inside the entry, the field is named too.
    assert_eq!(
        parse_presets(&float_fee).map(|p| p.len()).map_err(|e| e.to_string()),
        Err("presets[0] (Binance BTCUSDT): instrument.takerFee: invalid type: floating point `0.0005`, expected a \
             string"
            .to_owned())
    );

    let unknown_model = edited(|p| p["model"] = "deribit".into())?;
    assert_eq!(field_of(parse_presets(&unknown_model)), Some("presets[0] (Binance BTCUSDT).model".to_owned()));

    let unnamed = edited(|p| p["symbol"] = serde_json::Value::Null)?;
    assert_eq!(field_of(parse_presets(&unnamed)), Some("presets[0]".to_owned()));
    Ok(())
}
