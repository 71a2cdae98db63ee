//! JavaScript bindings of the scaleplan core: parse JS values into core types, call the core, convert back.
//!
//! No formulas live here. Decimals cross the boundary as strings in both directions; errors become a JS `Error`
//! whose message names the field (one adapter: [`to_js_error`]).

pub mod calculator;

use scaleplan::Error;
use scaleplan::write::ToJson;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A decimal number written as a string ("65000.5"), so no precision is lost to floating point. */
export type DecimalString = string;

/** One fill: a price and a size (base units for linear contracts, contracts for inverse). */
export interface Fill {
  price: DecimalString;
  quantity: DecimalString;
}

/** Linear (USDT/USDC-margined) or inverse (coin-margined) contracts. */
export type ContractKind = { kind: "linear" } | { kind: "inverse"; contractSize: DecimalString };

/** Whose liquidation formula: maintenance at the liquidation price (binance, hyperliquid; okx and bingx add the
 * taker fee, okx with the tier at the entry, bingx at the liquidation notional; weex has no maintenance amount and
 * adds the fee in cross margin only) or on the entry value (bybit; mexc with tiers bounded by position size). */
export type LiquidationModel = "binance" | "bybit" | "okx" | "hyperliquid" | "bingx" | "mexc" | "weex";

/** One maintenance-margin tier; notional in the quote currency (linear) or in coin (inverse). Under the mexc model
 * the bounds are position sizes instead: base units (linear) or contracts (inverse). */
export interface MarginTier {
  notionalFloor: DecimalString;
  /** Omitted or null on the last, unbounded tier. */
  notionalCap?: DecimalString | null;
  maintenanceMarginRate: DecimalString;
  /** Binance `cum`, Bybit/Hyperliquid deduction. */
  maintenanceAmount: DecimalString;
  maxLeverage: DecimalString;
}

/** Input of `liquidationPrice`. Give either `maintenanceMarginRate` (and `maintenanceAmount`, 0 by default) or
 * `tiers`. `marginMode` defaults to cross when another position's margin or PnL is given, else isolated. */
export interface LiquidationInput {
  model: LiquidationModel;
  contract: "linear" | "inverse";
  side: "long" | "short";
  /** Base units (linear) or contracts (inverse). */
  quantity: DecimalString;
  entryPrice: DecimalString;
  /** Isolated margin of the position, or the cross wallet: quote currency (linear) or coin (inverse). */
  walletBalance: DecimalString;
  /** 0.004 is 0.4 %. */
  maintenanceMarginRate?: DecimalString;
  maintenanceAmount?: DecimalString;
  tiers?: MarginTier[];
  /** USD value of one contract; required for inverse contracts only. */
  contractSize?: DecimalString;
  marginMode?: "isolated" | "cross";
  /** Cross only: maintenance margin the other positions hold back (Binance TMM1). */
  otherMaintenanceMargin?: DecimalString;
  /** Cross only: unrealized PnL of the other positions (Binance UPNL1). */
  otherUnrealizedPnl?: DecimalString;
  /** okx, bingx, and weex in cross margin: taker fee of closing, added to the maintenance rate. */
  takerFeeRate?: DecimalString;
  /** Price grid to round to; 8 decimal places when omitted. */
  tickSize?: DecimalString;
}

/** Output of `liquidationPrice`; prices are rounded toward the entry. null: no such price (or no tier applied). */
export interface LiquidationResult {
  liquidationPrice: DecimalString | null;
  bankruptcyPrice: DecimalString | null;
  /** Index into `tiers` of the tier that applied. */
  tier: number | null;
  maintenanceMarginRate: DecimalString | null;
  maintenanceAmount: DecimalString | null;
}
/** A plan file, version 1 (JSON Schema: plan-v1.schema.json in the package). Every number is a DecimalString. */
export interface Plan {
  version: 1;
  name?: string;
  instrument: Instrument;
  model: LiquidationModel;
  side: "long" | "short";
  marginMode: "isolated" | "cross";
  account: {
    /** Quote currency (linear) or coin (inverse); the cross wallet in cross mode. */
    wallet: DecimalString;
    /** Largest share of the wallet lost at the stop, fees included, in percent. */
    riskPercent?: DecimalString;
    otherMaintenanceMargin?: DecimalString;
    otherUnrealizedPnl?: DecimalString;
  };
  /** Leverage of tranches that do not set their own. */
  leverage: DecimalString;
  stop?: DecimalString;
  /** Cross margin with a price ladder: count the rungs still resting in each tranche's liquidation, as the model's
   * exchange does (mexc: their margin leaves the cross equity; bingx: their notional counts toward maintenance and
   * the tier and their taker fee is frozen); other models refuse "counted". Default "ignored". */
  restingOrders?: "ignored" | "counted";
  entryLiquidity?: "maker" | "taker";
  funding?: { rate: DecimalString; intervals: DecimalString };
  entries: { ladder: LadderSpec } | { schedule: ScheduleEntries };
  /** Scaling out of the position the entries build (guide §3). */
  exits?: ExitPlan;
}

/** Percent of the original position or of what remains. */
export type ShareOf = "original" | "remaining";
export type Trail = { distance: DecimalString } | { percent: DecimalString };
export type StopMove = "entry" | "breakeven" | { price: DecimalString } | { trail: Trail };

/** Scaling out: targets, stop rules, de-risking and a defensive exit; steps run by price in the favourable direction. */
export interface ExitPlan {
  targets?: { price: DecimalString; share: DecimalString; of: ShareOf; liquidity?: "maker" | "taker" }[];
  /** `when`: a target (0-based index) filling, or the price reaching an R multiple. */
  stopRules?: { when: { target: number } | { r: DecimalString }; moveTo: StopMove }[];
  /** Guide §3.2.2: at +1R (or atR) close a share and move the stop; then further closes every k·R or price step. */
  derisk?: {
    atR?: DecimalString;
    share: DecimalString;
    of: ShareOf;
    moveTo?: StopMove;
    liquidity?: "maker" | "taker";
    then?: { every: { r: DecimalString } | { price: DecimalString }; count: number; share: DecimalString; of: ShareOf; trail?: Trail; liquidity?: "maker" | "taker" };
  };
  /** Guide §3.3: close a share at a price, at once. */
  defensive?: { price: DecimalString; share: DecimalString; of: ShareOf; liquidity?: "maker" | "taker" };
}

/** The position after one exit step (steps[0] is the position as held). Amounts in the margin currency. */
export interface ExitStep {
  index: number;
  kind: "start" | "target" | "defensive" | "derisk" | "stopRule";
  rule?: string;
  price: DecimalString;
  liquidity?: "maker" | "taker";
  quantity: DecimalString;
  closedQuantity: DecimalString;
  remainingQuantity: DecimalString;
  exitPnl: DecimalString;
  exitFee: DecimalString;
  funding: DecimalString;
  realizedPnl: DecimalString;
  feesPaid: DecimalString;
  fundingPaid: DecimalString;
  unrealizedPnl: DecimalString;
  /** The stop in force after the step. */
  stop: DecimalString | null;
  /** Realized PnL plus the rest stopped out at the stop in force, exit fee included. */
  worstCase: DecimalString | null;
  realizedR: DecimalString | null;
  worstCaseR: DecimalString | null;
  marginReleased: DecimalString;
  marginUsed: DecimalString;
  effectiveLeverage: DecimalString | null;
  breakeven: DecimalString | null;
  liquidationPrice: DecimalString | null;
}

/** What scaling out does, step by step. */
export interface ExitReport {
  side: "long" | "short";
  quantity: DecimalString;
  averageEntry: DecimalString;
  riskDistance: DecimalString | null;
  risk: DecimalString | null;
  fundingIntervalsPerStep: DecimalString | null;
  steps: ExitStep[];
  warnings: Warning[];
}

/** A contract's specification. */
export interface Instrument {
  symbol: string;
  contract: ContractKind;
  tickSize: DecimalString;
  quantityStep: DecimalString;
  minQuantity: DecimalString;
  minNotional: DecimalString;
  makerFee: DecimalString;
  takerFee: DecimalString;
  tiers: MarginTier[];
}

/** Total spread over the rungs. */
export type Total =
  | { quantity: DecimalString }
  | { notional: DecimalString }
  | { riskBudget: { account: DecimalString; riskPercent: DecimalString; stop: DecimalString; entryFee?: "maker" | "taker" } };

export type Sizes = "flat" | "increasing" | "decreasing" | { skew: DecimalString } | { custom: DecimalString[] };

/** Explicit tranches (price with share in percent, or with quantity) or a generator, and the total. */
export interface LadderSpec {
  tranches?: { price: DecimalString; share?: DecimalString; quantity?: DecimalString; leverage?: DecimalString }[];
  generate?: { from: DecimalString; to: DecimalString; count: number; spacing?: "linear" | "geometric"; sizes?: Sizes };
  total?: Total;
  remainder?: "unplaced" | "topUpLargest";
}

/** Time-based tranches filled on a price path. Times: ISO-8601 UTC text or Unix milliseconds. */
export interface ScheduleEntries {
  start: string | number;
  /** 1d, 12h, 30m, 15s, 500ms, or milliseconds. */
  interval: string | number;
  count: number;
  sizes?: Sizes;
  total: Total;
  remainder?: "unplaced" | "topUpLargest";
  path: { time: string | number; price: DecimalString }[];
}

/** A soft problem, on the tranche (or the scale-out step, `steps[step]`) it concerns when it concerns one. */
export interface Warning {
  tranche?: number;
  step?: number;
  kind: string;
  message: string;
}

/** The position right after one tranche fills. Amounts are in the margin currency (quote, or coin for inverse). */
export interface TrancheRow {
  index: number;
  time?: string;
  price: DecimalString;
  quantity: DecimalString;
  /** Percent of the placed total. */
  share: DecimalString;
  leverage: DecimalString;
  cumulativeQuantity: DecimalString;
  averageEntry: DecimalString | null;
  notional: DecimalString;
  feesPaid: DecimalString;
  funding: DecimalString;
  breakeven: DecimalString | null;
  marginUsed: DecimalString;
  effectiveLeverage: DecimalString | null;
  freeMargin: DecimalString;
  liquidationPrice: DecimalString | null;
  bankruptcyPrice: DecimalString | null;
  tier: number | null;
  /** Fraction of the fill price the market may move against the position before liquidation. */
  liquidationDistance: DecimalString | null;
  /** Fraction of the stop price by which liquidation lies beyond the stop (negative: before it). */
  liquidationBeyondStop: DecimalString | null;
  lossAtStop: DecimalString | null;
  lossAtStopPercent: DecimalString | null;
  /** Loss at the stop in units of the risk budget. */
  r: DecimalString | null;
}

/** What `evaluatePlan` returns. */
export interface PlanReport {
  ladder: {
    rungs: { index: number; price: DecimalString; quantity: DecimalString; share: DecimalString; leverage?: DecimalString; time?: string }[];
    requested: DecimalString;
    placed: DecimalString;
    remainder: DecimalString;
    remainderPolicy: "unplaced" | "topUpLargest";
    placedNotional: DecimalString;
    warnings: Warning[];
  };
  rows: TrancheRow[];
  warnings: Warning[];
  riskBudget?: DecimalString;
  /** Present when the plan has exits and its entries build a position. */
  exits?: ExitReport | null;
}

/** Second argument of `solvePlan`: what to fit, the liquidation buffer beyond the stop and the risk budget. */
export interface SolveOptions {
  /** size: the largest total (keeping the ladder's shape); leverage: the highest leverage (the plan's, or the last
   * tranche's own in a ramp); depth: the deepest last rung at the current size. */
  goal: "size" | "leverage" | "depth";
  /** Every tranche's liquidation stays this far beyond the stop: a percent of each tranche's stop distance
   * (50 by default, where the plan starts warning of a thin buffer) or of the stop's price. */
  buffer?: { stopDistancePercent: DecimalString } | { pricePercent: DecimalString };
  /** The risk budget in percent of the wallet; the plan's own (account.riskPercent or a risk-budget total) when
   * omitted. The size and the depth keep the loss at the stop, fees included, within it. */
  riskPercent?: DecimalString;
}

/** The constraint that binds: what breaks one step beyond the answer. */
export interface Breach {
  kind:
    | "liquidation"
    | "lossAtStop"
    | "tierMaxLeverage"
    | "positionLimit"
    | "marginAboveEquity"
    | "stopReached"
    | "decimalRange"
    | "leverageLimit"
    | "rungNotPlaceable";
  /** The 0-based tranche it breaks on, when it is one tranche's. */
  tranche?: number;
  message: string;
}

/** What `solvePlan` returns. */
export interface Solution {
  goal: "size" | "leverage" | "depth";
  /** The plan field the answer goes into: "entries.ladder.total.quantity", "leverage",
   * "entries.ladder.tranches[3].leverage", "entries.ladder.generate.to", ... */
  field: string;
  current: DecimalString;
  /** The largest size, highest leverage or deepest price that meets every constraint; null when none does. */
  value: DecimalString | null;
  binding: Breach;
  /** The plan with the answer in place; absent when there is no answer. */
  plan?: Plan;
}

/** A synthetic order book: levels every `step` from a best bid and best ask `spread` apart around `mid`;
 * `size` at the best level and `sizeIncrement` more at each level further out. */
export interface ParametricBook {
  mid: DecimalString;
  spread: DecimalString;
  step: DecimalString;
  size: DecimalString;
  sizeIncrement?: DecimalString | null;
  /** Levels per side, 1 to 100,000. */
  levels: number;
}

/** How the book refills between tranches: `none` (each tranche eats what the earlier ones left), `full` (restored
 * every time), or `fraction` (each level recovers `rate`, 0 to 1, of what is missing from it). */
export type Refill = { kind: "none" } | { kind: "full" } | { kind: "fraction"; rate: DecimalString };

/** Equal tranches of a total, or explicit sizes executed in order (1 to 1,000 tranches). */
export type Tranches =
  | { kind: "equal"; total: DecimalString; count: number }
  | { kind: "sizes"; sizes: DecimalString[] };

/** Second argument of `marketImpact`. */
export interface ImpactRequest {
  /** buy takes the asks, sell takes the bids. */
  side: "buy" | "sell";
  tranches: Tranches;
  refill: Refill;
  /** With a budget, the report includes the largest single order within it. */
  budgetBps?: DecimalString | null;
  /** What the budget is measured against; best by default. */
  benchmark?: "best" | "mid";
  /** The exchange's quantity step: equal tranches round down to it, the budget search steps by it. */
  quantityStep?: DecimalString | null;
}

/** One market order walked through the book. Slippage is against the book before the first order, in bps. */
export interface Execution {
  requested: DecimalString;
  filled: DecimalString;
  /** Left over when the book ran out; "0" when the order filled. */
  unfilled: DecimalString;
  /** Σ price × quantity of the fills. */
  notional: DecimalString;
  averagePrice: DecimalString | null;
  firstPrice: DecimalString | null;
  worstPrice: DecimalString | null;
  /** side × (average − best) / best × 10,000. */
  slippageBps: DecimalString | null;
  /** Against the mid: includes half the spread; null on a one-sided book. */
  slippageVsMidBps: DecimalString | null;
  /** One per price level, best first. */
  fills: Fill[];
}

/** A soft problem with the book: a side sorted, repeated prices merged, or a crossed book. */
export type BookWarning =
  | { kind: "resorted"; side: "bids" | "asks" }
  | { kind: "mergedDuplicates"; side: "bids" | "asks"; count: number }
  | { kind: "crossed"; bestBid: DecimalString; bestAsk: DecimalString };

/** The largest single order within the slippage budget, on the quantity step grid. */
export interface MaxOrder {
  quantity: DecimalString;
  step: DecimalString;
  /** The worst average price the budget allows. */
  limitPrice: DecimalString | null;
  /** What one more step would break. */
  limitedBy: "budget" | "depth";
  execution: Execution | null;
}

/** What `marketImpact` returns. */
export interface ImpactReport {
  layout: "binance" | "bybit" | "okx" | "bidsAsks" | "levels" | "parametric";
  warnings: BookWarning[];
  side: "buy" | "sell";
  bestPrice: DecimalString | null;
  midPrice: DecimalString | null;
  lump: Execution;
  tranches: Execution[];
  /** The tranches added up, fills merged by price. */
  combined: Execution;
  /** side × (lump notional − tranches notional); null when the two filled different quantities. */
  savingQuote: DecimalString | null;
  /** Lump slippage minus combined tranche slippage. */
  savingBps: DecimalString | null;
  maxWithinBudget: MaxOrder | null;
}

/** One candle of a price history: `time` is when it opens, in Unix milliseconds (UTC). */
export interface CandleObject {
  time: number;
  open: DecimalString;
  high: DecimalString;
  low: DecimalString;
  close: DecimalString;
  volume?: DecimalString | null;
}

/** How `replayPlan` reads the candles; every field may be left out. */
export interface ReplayRules {
  /** Which extreme of a bar comes first: the adverse one (the default: a bar touching the stop and a target counts
   * as stopped), the favourable one, or the one nearer the open. */
  intrabar?: "conservative" | "optimistic" | "nearerFirst";
  /** Begin with the first candle opening at or after this time (ISO-8601 UTC or Unix ms); the ladder is placed
   * at its open. The first candle when omitted. */
  start?: string | number;
  /** Time between funding exchanges (8h when omitted): 1h, 4h, 8h, or milliseconds. */
  fundingInterval?: string | number;
}

/** One event of a replay and the account right after it. Amounts are in the margin currency. */
export type ReplayEvent = (
  | { kind: "fill"; /** Index of the tranche in the plan's ladder or schedule. */ tranche: number }
  | { kind: "exit"; /** Index into `ReplayReport.exits.steps` (1 is the first exit). */ step: number }
  | { kind: "stopMoved"; /** Where the stop was; the new one is `stop`. */ from: DecimalString | null }
  | { kind: "stopHit" | "liquidation" | "endOfData" }
) & {
  /** Index of the candle it happened in. */
  bar: number;
  /** That candle's open time, ISO-8601 UTC. */
  time: string;
  /** The plan field behind an exit or a stop move: "targets[1]", "derisk.then[0]". */
  rule?: string;
  /** Fill price, the stop's fill price, the price that triggered a liquidation, the bar's open for a stop move,
   * or the last close. */
  price: DecimalString;
  quantity: DecimalString;
  fee: DecimalString;
  /** Closing PnL before fees (a liquidation: minus the margin lost). */
  pnl: DecimalString;
  position: DecimalString;
  averageEntry: DecimalString | null;
  /** The stop in force after the event. */
  stop: DecimalString | null;
  liquidationPrice: DecimalString | null;
  /** Net of all fees and funding so far. */
  realizedPnl: DecimalString;
  /** Wallet + realized + unrealized PnL at `price`. */
  equity: DecimalString;
};

/** What `replayPlan` returns. */
export interface ReplayReport {
  events: ReplayEvent[];
  ending: "stopHit" | "liquidation" | "exited" | "endOfData";
  /** Candles replayed, from the start on. */
  bars: number;
  plannedQuantity: DecimalString;
  filledQuantity: DecimalString;
  /** Tranches that never filled, by index. */
  unfilled: number[];
  warnings: Warning[];
  /** The exit steps the replay worked from (the scale-out report on the position held when the first step was
   * reached); present when the plan has exits and a position was built. */
  exits?: {
    steps: { index: number; kind: string; rule?: string; price: DecimalString; quantity: DecimalString; stop: DecimalString | null; [more: string]: unknown }[];
    warnings: Warning[];
    [more: string]: unknown;
  };
  finalQuantity: DecimalString;
  averageEntry: DecimalString | null;
  fees: DecimalString;
  /** Paid (negative: received). */
  funding: DecimalString;
  realizedPnl: DecimalString;
  unrealizedPnl: DecimalString;
  lastClose: DecimalString;
  finalEquity: DecimalString;
  /** Largest unrealized loss shown, before fees. */
  maxAdverseExcursion: DecimalString;
  maxDrawdown: DecimalString;
  maxDrawdownPercent: DecimalString | null;
  [more: string]: unknown;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A `ContractKind` object from JavaScript (typed for TypeScript; read with [`from_js`]).
    #[wasm_bindgen(typescript_type = "ContractKind")]
    pub type ContractKindJs;
}

/// Turns a core error into a JS `Error` whose message names the field.
fn to_js_error(error: &Error) -> JsError {
    JsError::new(&error.to_string())
}

/// Reads a JS value as `T`, naming the field of any problem (`fills[1].price: must be above 0`); `what` names the
/// argument, or is empty when the value is a document whose own paths are the field names (a plan).
///
/// Through the core's hand-written reader ([`scaleplan::read`]), so no serde visitor is compiled in for it.
fn from_js<T: scaleplan::read::FromJson>(what: &str, value: JsValue) -> Result<T, JsError> {
    let text = js_text(what, &value)?;
    scaleplan::read::from_str(&text).map_err(|e| js_read_error(what, e))
}

/// The JSON text of a JS value.
fn js_text(what: &str, value: &JsValue) -> Result<String, JsError> {
    // Through JSON text and the core's reader rather than serde-wasm-bindgen's deserializer: that one reads only the
    // fields a struct declares, so a misspelt field would pass silently; the reader refuses unknown fields and JSON
    // numbers for decimals, and names the field of the first problem.
    let name = if what.is_empty() { "plan" } else { what };
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| to_js_error(&Error::invalid(name, "is required; pass a plain object or array")))
}

/// A reader's error with the argument's name in front of its field.
fn js_read_error(what: &str, error: Error) -> JsError {
    let name = if what.is_empty() { "plan" } else { what };
    match error {
        Error::Invalid { field, problem } => {
            let field = match (what.is_empty(), field.is_empty()) {
                (_, true) => name.to_owned(),
                (true, false) => field,
                (false, false) => format!("{what}{}", field_suffix(&field)),
            };
            to_js_error(&Error::invalid(field, problem))
        }
        other => to_js_error(&other),
    }
}

/// Writes a core result as a plain JS object: decimals as strings, `None` as `null`.
///
/// As JSON text parsed by the engine's `JSON.parse`: one string crosses the boundary instead of a call into
/// JavaScript for every field of every row, which made the crossing cost more than the math on large plans. The
/// text comes from the core's hand-written writer ([`scaleplan::write`]), the same bytes as serde_json's, so no
/// derived `Serialize` and no serde_json writer is compiled into the package.
fn to_js(value: &dyn ToJson) -> Result<JsValue, JsError> {
    js_sys::JSON::parse(&to_json(value)).map_err(|_| JsError::new("the result could not be read back as JSON"))
}

/// A core result as JSON text, by the core's writer.
fn to_json(value: &dyn ToJson) -> String {
    let mut out = scaleplan::write::Out::default();
    value.write_json(&mut out);
    out.into_string()
}

/// `[1].price` or `.price` after the argument's name, as the reader names fields `[1].price` / `price`.
fn field_suffix(path: &str) -> String {
    if path.starts_with('[') {
        path.to_owned()
    } else {
        format!(".{path}")
    }
}

/// The average entry of fills as a decimal string: quantity-weighted (linear) or harmonic (inverse).
///
/// `contract` defaults to linear. Throws an `Error` naming the field when a fill is invalid.
#[wasm_bindgen(js_name = averageEntry, unchecked_return_type = "DecimalString")]
pub fn average_entry(
    #[wasm_bindgen(unchecked_param_type = "Fill[]")] fills: JsValue,
    contract: Option<ContractKindJs>,
) -> Result<JsValue, JsError> {
    let fills: Vec<scaleplan::Fill> = from_js("fills", fills)?;
    let contract = match contract {
        None => scaleplan::ContractKind::Linear,
        Some(contract) => from_js("contract", contract.into())?,
    };
    let average = scaleplan::average_entry(contract, &fills).map_err(|e| to_js_error(&e))?;
    Ok(JsValue::from_str(&average.to_string()))
}

/// Liquidation and bankruptcy prices of one position under an exchange's formula (Binance, Bybit, OKX,
/// Hyperliquid), linear or inverse, isolated or cross; see `LiquidationInput`.
///
/// Throws an `Error` naming the field (`input.contractSize: is required for inverse contracts`).
#[wasm_bindgen(js_name = liquidationPrice, unchecked_return_type = "LiquidationResult")]
pub fn liquidation_price(
    #[wasm_bindgen(unchecked_param_type = "LiquidationInput")] input: JsValue,
) -> Result<JsValue, JsError> {
    let input: calculator::LiquidationInput = from_js("input", input)?;
    let result = calculator::calculate(&input).map_err(|e| to_js_error(&e.within("input")))?;
    to_js(&result)
}

/// Evaluates a whole plan (file format version 1): its entries rounded as the exchange would take them, and the
/// position after every tranche, with warnings on the tranches they concern.
///
/// Throws an `Error` naming the field in plan-file terms (`entries.ladder.tranches[1].price: must be above 0`).
#[wasm_bindgen(js_name = evaluatePlan, unchecked_return_type = "PlanReport")]
pub fn evaluate_plan(#[wasm_bindgen(unchecked_param_type = "Plan")] plan: JsValue) -> Result<JsValue, JsError> {
    let plan: scaleplan::Plan = from_js("", plan)?;
    let mut report = scaleplan::evaluate_plan(&plan).map_err(|e| to_js_error(&e))?;
    // The rows cross packed (js/report.js); the rest of the report as JSON, its `rows` left empty for them.
    let rows = std::mem::take(&mut report.rows);
    Ok(plan_report(&to_json(&report), &pack_rows(&rows)))
}

#[wasm_bindgen(module = "/js/report.js")]
extern "C" {
    /// The report of `json` with the rows `packed` holds (see [`pack_rows`]), as JavaScript objects.
    #[wasm_bindgen(js_name = planReport)]
    fn plan_report(json: &str, packed: &str) -> JsValue;
}

/// The fields of a row in the order [`pack_rows`] writes them; js/report.js holds the same line and refuses rows
/// packed in any other order.
const ROW_FIELDS: &str = "index,time,price,quantity,share,leverage,cumulativeQuantity,averageEntry,notional,feesPaid,\
    funding,breakeven,marginUsed,effectiveLeverage,freeMargin,liquidationPrice,bankruptcyPrice,tier,\
    liquidationDistance,liquidationBeyondStop,lossAtStop,lossAtStopPercent,r";

/// Tranche rows as their values alone: [`ROW_FIELDS`], then each row's 23 values, all separated by U+001F; a value
/// is written as the report's JSON writes it (decimals by `decimal_text`), an absent one as nothing.
fn pack_rows(rows: &[scaleplan::TrancheRow]) -> String {
    use scaleplan::text::decimal_text;
    let mut out = String::with_capacity(ROW_FIELDS.len().saturating_add(rows.len().saturating_mul(240)));
    out.push_str(ROW_FIELDS);
    let decimal = |out: &mut String, value: Option<scaleplan::Decimal>| {
        out.push(SEPARATOR);
        if let Some(value) = value {
            out.push_str(decimal_text(value).as_str());
        }
    };
    for row in rows {
        out.push(SEPARATOR);
        push_count(&mut out, row.index);
        out.push(SEPARATOR);
        if let Some(time) = row.time {
            out.push_str(&time.to_string());
        }
        decimal(&mut out, Some(row.price.get()));
        decimal(&mut out, Some(row.quantity.get()));
        decimal(&mut out, Some(row.share));
        decimal(&mut out, Some(row.leverage.get()));
        decimal(&mut out, Some(row.cumulative_quantity.get()));
        decimal(&mut out, row.average_entry.map(scaleplan::Price::get));
        decimal(&mut out, Some(row.notional));
        decimal(&mut out, Some(row.fees_paid));
        decimal(&mut out, Some(row.funding));
        decimal(&mut out, row.breakeven.map(scaleplan::Price::get));
        decimal(&mut out, Some(row.margin_used));
        decimal(&mut out, row.effective_leverage);
        decimal(&mut out, Some(row.free_margin));
        decimal(&mut out, row.liquidation_price.map(scaleplan::Price::get));
        decimal(&mut out, row.bankruptcy_price.map(scaleplan::Price::get));
        out.push(SEPARATOR);
        if let Some(tier) = row.tier {
            push_count(&mut out, tier);
        }
        decimal(&mut out, row.liquidation_distance);
        decimal(&mut out, row.liquidation_beyond_stop);
        decimal(&mut out, row.loss_at_stop);
        decimal(&mut out, row.loss_at_stop_percent);
        decimal(&mut out, row.r);
    }
    out
}

/// Appends `n` in decimal digits (without `to_string`'s formatter and allocation, which cost more than the
/// decimals of a row).
fn push_count(out: &mut String, n: usize) {
    let mut digits = [b'0'; 20];
    let mut at = digits.len();
    let mut rest = n;
    while at > 0 {
        at -= 1;
        if let Some(slot) = digits.get_mut(at) {
            *slot = b'0' + (rest % 10) as u8;
        }
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(digits.get(at..).unwrap_or_default()).unwrap_or_default());
}

/// Separates the values of [`pack_rows`]; no decimal, time or index contains it.
const SEPARATOR: char = '\u{1f}';

/// Fits a plan to its stop and risk budget: the largest size, the highest leverage or the deepest last rung at
/// which every tranche's liquidation stays beyond the stop by the buffer (and, for size and depth, the loss at the
/// stop within the budget), found by bisection on the exchange's steps, with the constraint that binds.
///
/// Throws an `Error` naming the field: of the plan (`stop: is needed to fit the plan ...`) or of the options
/// (`options.buffer.stopDistancePercent: must be a percentage ...`).
#[wasm_bindgen(js_name = solvePlan, unchecked_return_type = "Solution")]
pub fn solve_plan(
    #[wasm_bindgen(unchecked_param_type = "Plan")] plan: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SolveOptions")] options: JsValue,
) -> Result<JsValue, JsError> {
    let plan: scaleplan::Plan = from_js("", plan)?;
    let spec: scaleplan::solver::FitSpec = from_js("options", options)?;
    let fit = scaleplan::solver::fit_plan(&plan, &spec).map_err(|e| to_js_error(&e))?;
    to_js(&fit)
}

/// What a lump-sum market order costs against the same quantity in tranches on an order book, under an explicit
/// refill assumption, and optionally the largest single order within a slippage budget.
///
/// `book` is the depth JSON of Binance (`/api/v3/depth`, `/fapi/v1/depth`), Bybit (`/v5/market/orderbook`) or OKX
/// (`/api/v5/market/books`) as pasted text, or a `ParametricBook`. Throws an `Error` naming the field: of the pasted
/// JSON (`asks[3][0]: must be above 0`), of the parametric book (`book.levels: ...`) or of `orders`.
#[wasm_bindgen(js_name = marketImpact, unchecked_return_type = "ImpactReport")]
pub fn market_impact(
    #[wasm_bindgen(unchecked_param_type = "string | ParametricBook")] book: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ImpactRequest")] orders: JsValue,
) -> Result<JsValue, JsError> {
    let parsed = match book.as_string() {
        Some(text) => scaleplan::impact::parse_depth(&text).map_err(|e| to_js_error(&e))?,
        None => {
            let parametric: scaleplan::impact::ParametricBook = from_js("book", book)?;
            parametric.build().map_err(|e| to_js_error(&e.within("book")))?
        }
    };
    let request: scaleplan::impact::ImpactRequest = from_js("orders", orders)?;
    let report = scaleplan::impact::market_impact(&parsed, &request).map_err(|e| to_js_error(&e.within("orders")))?;
    to_js(&report)
}

#[wasm_bindgen]
extern "C" {
    /// A `ReplayRules` object from JavaScript (typed for TypeScript; read with [`from_js`]).
    #[wasm_bindgen(typescript_type = "ReplayRules")]
    pub type ReplayRulesJs;
}

/// Replays a plan over a price history, bar by bar: which entries fill, when the stop or a liquidation ends the
/// position, and the account after every event; see `ReplayRules` for how a bar is read.
///
/// `candles` is pasted text in any layout the candle parser detects (CSV with a header, Binance kline CSV or JSON,
/// Bybit v5, OKX v5, JSON objects) or an array of `CandleObject`s. Throws an `Error` naming the field: of the plan
/// (`plan.entries.ladder.tranches[1].price: must be above 0`), of the candles (`row 17, high: ...`,
/// `candles[3].low: ...`) or of the rules (`rules.start: ...`).
#[wasm_bindgen(js_name = replayPlan, unchecked_return_type = "ReplayReport")]
pub fn replay_plan(
    #[wasm_bindgen(unchecked_param_type = "Plan")] plan: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | CandleObject[]")] candles: JsValue,
    rules: Option<ReplayRulesJs>,
) -> Result<JsValue, JsError> {
    let plan: scaleplan::Plan = from_js("plan", plan)?;
    let candles = match candles.as_string() {
        Some(text) => scaleplan::candles::parse(&text).map_err(|e| to_js_error(&e))?,
        None => {
            let rows: Vec<scaleplan::candles::Candle> = from_js("candles", candles)?;
            scaleplan::candles::Candles::new(rows).map_err(|e| to_js_error(&e))?
        }
    };
    let rules = match rules {
        None => scaleplan::ReplayRules::default(),
        Some(rules) => from_js("rules", rules.into())?,
    };
    let report = scaleplan::replay_plan(&plan, &candles, &rules).map_err(|e| to_js_error(&e))?;
    to_js(&report)
}
