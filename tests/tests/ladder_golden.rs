//! Price ladders and time-based schedules against the guide's examples and hand-computed cases
//! (tests/data/ladders.txt), through the same JSON a plan file carries. One `check` drives every case; the data
//! file's header explains the row kinds.

use std::collections::BTreeMap;
use std::str::FromStr;

use scaleplan::ladder::build_ladder;
use scaleplan::num::{round_dp, Round};
use scaleplan::schedule::build_schedule;
use scaleplan::{ContractKind, Decimal, Error, Instrument, Ladder, LadderSpec, PricePath, ScheduleSpec, Side};
use scaleplan_tests::{data_file, rows};

/// A case as the data file describes it: its input and everything it expects.
#[derive(Default)]
struct Case {
    line: usize,
    /// `ladder` or `schedule`, the instrument id, the side, the spec and (schedules) the path.
    input: Vec<String>,
    rungs: Vec<Vec<String>>,
    totals: Option<Vec<String>>,
    warnings: Vec<(usize, String)>,
    error: Option<String>,
}

#[test]
fn guide_examples_and_hand_computed_cases() {
    let text = data_file("ladders.txt");
    let mut instruments = BTreeMap::new();
    let mut cases: BTreeMap<String, Case> = BTreeMap::new();
    let mut failures = Vec::new();
    for (line, cells) in rows(&text) {
        let Some((kind, rest)) = cells.split_first() else { continue };
        match (kind.as_str(), rest) {
            ("instrument", [id, fields @ ..]) => match instrument(id, fields) {
                Ok(parsed) => {
                    instruments.insert(id.clone(), parsed);
                }
                Err(problem) => failures.push(format!("line {line}: {problem}")),
            },
            ("ladder" | "schedule", [case, input @ ..]) => {
                let entry = cases.entry(case.clone()).or_default();
                entry.line = line;
                entry.input = std::iter::once(kind.clone()).chain(input.iter().cloned()).collect();
            }
            ("rung", [case, fields @ ..]) => cases.entry(case.clone()).or_default().rungs.push(fields.to_vec()),
            ("totals", [case, fields @ ..]) => cases.entry(case.clone()).or_default().totals = Some(fields.to_vec()),
            ("warning", [case, tranche, kind]) => match tranche.parse() {
                Ok(index) => cases.entry(case.clone()).or_default().warnings.push((index, kind.clone())),
                Err(_) => failures.push(format!("line {line}: `{tranche}` is not a rung index")),
            },
            ("error", [case, message]) => cases.entry(case.clone()).or_default().error = Some(message.clone()),
            _ => failures.push(format!("line {line}: unknown row `{}`", cells.join(" | "))),
        }
    }
    for (name, case) in &cases {
        if let Err(problem) = check(case, &instruments) {
            failures.push(format!("line {} ({name}): {problem}", case.line));
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    assert!(cases.len() >= 30, "only {} cases were read; is tests/data/ladders.txt complete?", cases.len());
}

/// Builds one case and compares everything it expects.
fn check(case: &Case, instruments: &BTreeMap<String, Instrument>) -> Result<(), String> {
    let result = match case.input.as_slice() {
        [kind, instrument, side, spec, rest @ ..] => {
            let instrument = instruments.get(instrument).ok_or(format!("no instrument `{instrument}`"))?;
            let side = match side.as_str() {
                "long" => Side::Long,
                "short" => Side::Short,
                other => return Err(format!("`{other}` is not a side")),
            };
            match (kind.as_str(), rest) {
                ("ladder", [_source]) => {
                    let spec: LadderSpec = serde_json::from_str(spec).map_err(|e| format!("spec: {e}"))?;
                    build_ladder(&spec, side, instrument)
                }
                ("schedule", [path, _source]) => {
                    let spec: ScheduleSpec = serde_json::from_str(spec).map_err(|e| format!("spec: {e}"))?;
                    let path: PricePath = serde_json::from_str(path).map_err(|e| format!("path: {e}"))?;
                    build_schedule(&spec, side, instrument, &path)
                }
                _ => return Err(format!("a {kind} row has the wrong number of cells")),
            }
        }
        _ => return Err("rungs, totals or an error without a ladder or schedule row".into()),
    };
    match (&case.error, result) {
        (Some(expected), Err(error)) => same("error", &error.to_string(), expected),
        (Some(expected), Ok(ladder)) => Err(format!("expected the error `{expected}`, got {ladder:?}")),
        (None, Err(error)) => Err(format!("unexpected error: {error}")),
        (None, Ok(ladder)) => compare(&ladder, case),
    }
}

fn compare(ladder: &Ladder, case: &Case) -> Result<(), String> {
    if ladder.rungs().len() != case.rungs.len() {
        return Err(format!("{} rungs, expected {}", ladder.rungs().len(), case.rungs.len()));
    }
    for (rung, expected) in ladder.rungs().iter().zip(&case.rungs) {
        let [index, price, quantity, share, leverage, time] = expected.as_slice() else {
            return Err(format!("a rung row needs 6 cells after the case, found {}", expected.len()));
        };
        let at = format!("rungs[{index}]");
        same(&format!("{at} index"), &rung.index().to_string(), index)?;
        same(&format!("{at} price"), &rung.price().to_string(), price)?;
        same(&format!("{at} quantity"), &rung.quantity().to_string(), quantity)?;
        same(&format!("{at} share"), &rung.share().to_string(), share)?;
        same(&format!("{at} leverage"), &optional(rung.leverage()), leverage)?;
        same(&format!("{at} time"), &optional(rung.time()), time)?;
    }
    let [requested, placed, remainder, notional] = case.totals.as_deref().ok_or("no totals row")? else {
        return Err("a totals row needs 4 cells after the case".into());
    };
    decimal("requested", ladder.requested().get(), requested)?;
    decimal("placed", ladder.placed().get(), placed)?;
    decimal("remainder", ladder.remainder().get(), remainder)?;
    decimal("placed notional", ladder.placed_notional().get(), notional)?;
    let warnings: Vec<(usize, String)> =
        ladder.warnings().iter().map(|w| (w.tranche().unwrap_or(usize::MAX), w.kind().to_string())).collect();
    if warnings != case.warnings {
        return Err(format!("warnings {warnings:?}, expected {:?}", case.warnings));
    }
    let kinds_serialize_as_displayed = ladder.warnings().iter().all(|w| {
        serde_json::to_value(w.kind()).ok().and_then(|v| v.as_str().map(str::to_owned)) == Some(w.kind().to_string())
    });
    if !kinds_serialize_as_displayed {
        return Err("a warning kind serializes differently from how it displays".into());
    }
    Ok(())
}

/// Exact comparison, or with `~x`, comparison after rounding to the decimals `x` is written with.
fn decimal(what: &str, actual: Decimal, expected: &str) -> Result<(), String> {
    match expected.strip_prefix('~') {
        Some(approximate) => {
            let wanted = Decimal::from_str(approximate).map_err(|e| format!("{what}: `{approximate}`: {e}"))?;
            same(what, &round_dp(actual, wanted.scale(), Round::Nearest).to_string(), approximate)
        }
        None => same(what, &actual.to_string(), expected),
    }
}

fn optional<T: ToString>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

fn same(what: &str, actual: &str, expected: &str) -> Result<(), String> {
    if actual == expected {
        Ok(())
    } else {
        Err(format!("{what}: got `{actual}`, expected `{expected}`"))
    }
}

/// An instrument from `kind | contract size | tick | step | min qty | min notional | maker | taker | source`.
fn instrument(id: &str, fields: &[String]) -> Result<Instrument, String> {
    let [kind, contract_size, tick, step, min_quantity, min_notional, maker, taker, _source] = fields else {
        return Err(format!("instrument `{id}` needs 9 cells after its id, found {}", fields.len()));
    };
    let text = |e: Error| format!("instrument `{id}`: {e}");
    let contract = match kind.as_str() {
        "linear" => ContractKind::Linear,
        "inverse" => ContractKind::Inverse { contract_size: contract_size.parse().map_err(text)? },
        other => return Err(format!("instrument `{id}`: `{other}` is not linear or inverse")),
    };
    Ok(Instrument {
        symbol: id.to_owned(),
        contract,
        tick_size: tick.parse().map_err(text)?,
        quantity_step: step.parse().map_err(text)?,
        min_quantity: min_quantity.parse().map_err(text)?,
        min_notional: min_notional.parse().map_err(text)?,
        maker_fee: maker.parse().map_err(text)?,
        taker_fee: taker.parse().map_err(text)?,
        tiers: Vec::new(),
    })
}

/// A plan names spec fields from its `entries` key, so errors read in plan-file terms once prefixed.
#[test]
fn errors_read_in_plan_file_terms() -> Result<(), Error> {
    let spec: LadderSpec = serde_json::from_str(
        r#"{"generate": {"from": "65000", "to": "61000", "count": 1001}, "total": {"quantity": "1"}}"#,
    )
    .map_err(|e| Error::invalid("entries", e.to_string()))?;
    let fields = ["linear", "-", "0.1", "0.001", "0.001", "5", "0.0002", "0.0005", "-"].map(String::from);
    let btc = instrument("btcusdt", &fields).map_err(|e| Error::invalid("instrument", e))?;
    let error = build_ladder(&spec, Side::Long, &btc).map(|_| ()).map_err(|e| e.within("entries").to_string());
    assert_eq!(error, Err("entries.generate.count: must be from 1 to 1000".to_owned()));
    Ok(())
}
