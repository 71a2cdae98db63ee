//! Pictures of a plan as SVG: the ladder on a price axis, PnL against price per stage, and a replay drawn over its
//! candles. Vector only (crisp in print), each with a `<title>` and `<desc>` that say in words what it shows, next
//! to the table it summarizes.
//!
//! The geometry (scales, ticks, paths, bucketing of long histories) lives in plain functions tested below. Screen
//! coordinates are `f64`: they only place pixels, every figure shown as text comes from the core's exact decimals.

use leptos::prelude::*;
use scaleplan::{ContractKind, Plan, PlanReport};

use crate::format::{grouped, grouped_text, places_of};

/// Width of every chart's view box; the SVG scales to its container.
pub const WIDTH: f64 = 640.0;

/// A linear map from a data interval to a screen interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    /// Data interval (low, high).
    pub domain: (f64, f64),
    /// Screen interval the domain maps to (may run backwards, as a y axis does).
    pub range: (f64, f64),
}

impl Scale {
    /// A scale from `domain` to `range`.
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        Self { domain, range }
    }

    /// The screen position of `value`; the middle of the range when the domain is a single point.
    pub fn at(&self, value: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if (d1 - d0).abs() < f64::EPSILON * d0.abs().max(1.0) {
            return (r0 + r1) / 2.0;
        }
        r0 + (value - d0) / (d1 - d0) * (r1 - r0)
    }
}

/// The smallest and largest finite values, if any.
pub fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values.into_iter().filter(|v| v.is_finite()).fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// `(lo, hi)` widened by `share` of its span on each side; a single point is widened by `share` of itself (or by 1
/// around 0), so it never collapses.
pub fn padded((lo, hi): (f64, f64), share: f64) -> (f64, f64) {
    let span = hi - lo;
    let pad = if span > 0.0 {
        span * share
    } else if lo != 0.0 {
        lo.abs() * share
    } else {
        1.0
    };
    (lo - pad, hi + pad)
}

/// A "nice" tick step (1, 2 or 5 × 10ᵏ) giving at most about `count` ticks over `span`.
pub fn nice_step(span: f64, count: usize) -> f64 {
    let count = count.max(1) as f64;
    if !(span.is_finite() && span > 0.0) {
        return 1.0;
    }
    let raw = span / count;
    let magnitude = 10f64.powf(raw.log10().floor());
    let normalized = raw / magnitude;
    let nice = if normalized <= 1.0 {
        1.0
    } else if normalized <= 2.0 {
        2.0
    } else if normalized <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// Ticks at multiples of a nice step within `(lo, hi)`, and that step.
pub fn ticks((lo, hi): (f64, f64), count: usize) -> (Vec<f64>, f64) {
    let step = nice_step(hi - lo, count);
    let mut out = Vec::new();
    let mut k = (lo / step).ceil();
    while k * step <= hi + step * 1e-9 && out.len() < 50 {
        out.push(k * step);
        k += 1.0;
    }
    (out, step)
}

/// A tick's label: as many decimals as the step needs, with thousands separators (`65000` → `65,000`).
pub fn tick_text(value: f64, step: f64) -> String {
    let places = if step >= 1.0 || step <= 0.0 { 0 } else { (-step.log10().floor()) as usize };
    let text = format!("{value:.places$}");
    let text = if text.trim_start_matches('-').trim_matches(|c| c == '0' || c == '.').is_empty() {
        format!("{:.places$}", 0.0)
    } else {
        text
    };
    grouped_text(&text, None)
}

/// An SVG path through `points`, one decimal per coordinate: `M10.0 20.0L30.0 40.0`.
pub fn line_path(points: &[(f64, f64)]) -> String {
    let mut d = String::with_capacity(points.len().saturating_mul(14));
    for (i, (x, y)) in points.iter().enumerate() {
        d.push(if i == 0 { 'M' } else { 'L' });
        d.push_str(&format!("{x:.1} {y:.1}"));
    }
    d
}

/// A step path: value `ys[i]` held over `[xs[i], xs[i + 1])`, the last up to `end`. `None` values break the path.
pub fn step_path(xs: &[f64], ys: &[Option<f64>], end: f64) -> String {
    let mut d = String::new();
    let mut drawing = false;
    for (i, (x, y)) in xs.iter().zip(ys).enumerate() {
        let next = xs.get(i.saturating_add(1)).copied().unwrap_or(end);
        match y {
            Some(y) => {
                d.push(if drawing { 'L' } else { 'M' });
                d.push_str(&format!("{x:.1} {y:.1}L{next:.1} {y:.1}"));
                drawing = true;
            }
            None => drawing = false,
        }
    }
    d
}

/// A decimal text from a report as a screen number (for placing only), if it is one.
pub fn number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// How PnL depends on the price: along the price for linear contracts, along 1/price for inverse ones (coin-margined
/// PnL is `q·CS·(1/E − 1/P)`, and the taker fee on the value `q·CS/P` too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    /// Linear contracts.
    Linear,
    /// Inverse contracts.
    Inverse,
}

impl Curve {
    /// The curve of a contract kind.
    pub fn of(contract: ContractKind) -> Self {
        match contract {
            ContractKind::Linear => Self::Linear,
            _ => Self::Inverse,
        }
    }

    fn axis(self, price: f64) -> f64 {
        match self {
            Self::Linear => price,
            Self::Inverse => 1.0 / price,
        }
    }
}

/// Points of the PnL curve through two points the core computed (the breakeven at 0 and the stop at minus the loss
/// at the stop), from price `from` to `to`: straight for linear contracts, sampled along 1/price for inverse ones.
/// Empty when the two points share a price or a price is not above 0.
pub fn pnl_curve(curve: Curve, a: (f64, f64), b: (f64, f64), from: f64, to: f64) -> Vec<(f64, f64)> {
    if a.0 <= 0.0 || b.0 <= 0.0 || from <= 0.0 || to <= 0.0 {
        return Vec::new();
    }
    let (xa, xb) = (curve.axis(a.0), curve.axis(b.0));
    if (xa - xb).abs() <= f64::EPSILON * xa.abs() {
        return Vec::new();
    }
    let at = |price: f64| a.1 + (curve.axis(price) - xa) * (b.1 - a.1) / (xb - xa);
    let samples = match curve {
        Curve::Linear => 1,
        Curve::Inverse => 32,
    };
    (0..=samples)
        .map(|i| {
            let price = from + (to - from) * f64::from(i) / f64::from(samples);
            (price, at(price))
        })
        .collect()
}

/// One candle as drawn: its position in the series and its four prices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ohlc {
    /// Index of the first candle it covers.
    pub bar: usize,
    /// Open.
    pub open: f64,
    /// High.
    pub high: f64,
    /// Low.
    pub low: f64,
    /// Close.
    pub close: f64,
}

/// At most `max` candles: consecutive candles merged into buckets of equal count (the first open, the highest
/// high, the lowest low, the last close), so a long history still draws every extreme.
pub fn bucket(candles: &[Ohlc], max: usize) -> Vec<Ohlc> {
    let max = max.max(1);
    if candles.len() <= max {
        return candles.to_vec();
    }
    let per = candles.len().div_ceil(max);
    candles
        .chunks(per)
        .filter_map(|chunk| {
            let first = chunk.first()?;
            let last = chunk.last()?;
            Some(Ohlc {
                bar: first.bar,
                open: first.open,
                high: chunk.iter().map(|c| c.high).fold(f64::MIN, f64::max),
                low: chunk.iter().map(|c| c.low).fold(f64::MAX, f64::min),
                close: last.close,
            })
        })
        .collect()
}

/// The plot area of a chart: the view box, and the margins kept for axis labels.
#[derive(Debug, Clone, Copy)]
struct Frame {
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Frame {
    const fn new(height: f64) -> Self {
        Self { height, left: 72.0, right: 120.0, top: 16.0, bottom: 36.0 }
    }
    fn x0(self) -> f64 {
        self.left
    }
    fn x1(self) -> f64 {
        WIDTH - self.right
    }
    fn y0(self) -> f64 {
        self.height - self.bottom
    }
    fn y1(self) -> f64 {
        self.top
    }
    fn view_box(self) -> String {
        format!("0 0 {WIDTH} {}", self.height)
    }
}

/// The y axis: gridlines and labels at nice ticks.
fn y_axis(frame: Frame, scale: Scale, (lo, hi): (f64, f64)) -> impl IntoView {
    let (marks, step) = ticks((lo, hi), 6);
    view! {
        <g class="sp-axis" aria-hidden="true">
            {marks.into_iter().map(|v| {
                let y = scale.at(v);
                view! {
                    <line class="sp-grid" x1=frame.x0() x2=frame.x1() y1=y y2=y />
                    <text x=frame.x0() - 6.0 y=y + 4.0 text-anchor="end">{tick_text(v, step)}</text>
                }
            }).collect_view()}
        </g>
    }
}

/// The x axis of a price: gridlines and labels at nice ticks.
fn x_axis(frame: Frame, scale: Scale, (lo, hi): (f64, f64)) -> impl IntoView {
    let (marks, step) = ticks((lo, hi), 5);
    view! {
        <g class="sp-axis" aria-hidden="true">
            {marks.into_iter().map(|v| {
                let x = scale.at(v);
                view! {
                    <line class="sp-grid" x1=x x2=x y1=frame.y1() y2=frame.y0() />
                    <text x=x y=frame.y0() + 16.0 text-anchor="middle">{tick_text(v, step)}</text>
                }
            }).collect_view()}
        </g>
    }
}

/// A horizontal line across the plot with a label at its right end.
fn level_line(frame: Frame, y: f64, class: &'static str, label: String) -> impl IntoView {
    view! {
        <g class=class>
            <line x1=frame.x0() x2=frame.x1() y1=y y2=y />
            <text x=frame.x1() + 4.0 y=y + 4.0>{label}</text>
        </g>
    }
}

/// The values of one report-row field (`averageEntry`) as screen numbers, row by row.
fn column(report: &PlanReport, key: &str) -> Vec<Option<f64>> {
    report
        .rows
        .iter()
        .map(|r| serde_json::to_value(r).ok().and_then(|v| v.get(key).and_then(|x| x.as_str().and_then(number))))
        .collect()
}

/// Target prices of the plan's exits, in order.
fn targets(plan: &Plan) -> Vec<f64> {
    plan.exits
        .as_ref()
        .map_or_else(Vec::new, |e| e.targets.iter().filter_map(|t| number(&t.price.to_string())).collect())
}

/// What the ladder chart shows, in words (its `<desc>`).
pub fn ladder_description(plan: &Plan, report: &PlanReport) -> String {
    let places = places_of(plan.instrument.tick_size.get());
    let price = |p: scaleplan::Price| grouped(p.get(), places);
    let rows = &report.rows;
    let mut text = format!("{} tranches", rows.len());
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        text.push_str(&format!(" from {} to {}", price(first.price), price(last.price)));
        if let Some(avg) = last.average_entry {
            text.push_str(&format!("; the average entry steps to {}", price(avg)));
        }
        match (first.liquidation_price, last.liquidation_price) {
            (Some(a), Some(b)) => text.push_str(&format!("; liquidation moves from {} to {}", price(a), price(b))),
            _ => text.push_str("; no liquidation price for some tranches"),
        }
    }
    if let Some(stop) = plan.stop {
        text.push_str(&format!("; stop at {}", price(stop)));
    }
    let t = targets(plan);
    if !t.is_empty() {
        text.push_str(&format!("; {} exit targets", t.len()));
    }
    text.push_str(". The table of results lists every figure.");
    text
}

/// The ladder on a price axis: one column per tranche, its entry as a bar sized by quantity at its price, the
/// average entry stepping from tranche to tranche, the liquidation price after each one, the stop and the targets.
#[component]
pub fn LadderChart(
    /// The plan drawn.
    plan: Plan,
    /// Its report.
    report: PlanReport,
) -> impl IntoView {
    let frame = Frame::new(300.0);
    let prices: Vec<f64> = report.rows.iter().filter_map(|r| number(&r.price.to_string())).collect();
    let quantities: Vec<f64> = report.rows.iter().map(|r| number(&r.quantity.to_string()).unwrap_or(0.0)).collect();
    let averages = column(&report, "averageEntry");
    let liquidations = column(&report, "liquidationPrice");
    let stop = plan.stop.and_then(|s| number(&s.to_string()));
    let target_prices = targets(&plan);
    let all = prices
        .iter()
        .copied()
        .chain(averages.iter().flatten().copied())
        .chain(liquidations.iter().flatten().copied())
        .chain(stop)
        .chain(target_prices.iter().copied());
    let domain = padded(extent(all).unwrap_or((0.0, 1.0)), 0.05);
    let y = Scale::new(domain, (frame.y0(), frame.y1()));
    let n = report.rows.len().max(1);
    let band = (frame.x1() - frame.x0()) / n as f64;
    let xs: Vec<f64> = (0..n).map(|i| frame.x0() + band * i as f64).collect();
    let biggest = quantities.iter().copied().fold(0.0, f64::max);
    let places = places_of(plan.instrument.tick_size.get());
    let label = |v: f64| grouped_text(&format!("{v}"), places);
    let description = ladder_description(&plan, &report);
    view! {
        <figure class="sp-chart">
            <svg viewBox=frame.view_box() role="img" aria-labelledby="sp-ladder-title sp-ladder-desc" class="sp-svg" data-chart="ladder">
                <title id="sp-ladder-title">"The ladder on a price axis"</title>
                <desc id="sp-ladder-desc">{description}</desc>
                {y_axis(frame, y, domain)}
                {prices.iter().zip(&quantities).enumerate().map(|(i, (p, q))| {
                    let x = xs.get(i).copied().unwrap_or(frame.x0()) + band * 0.1;
                    let w = if biggest > 0.0 { band * 0.8 * q / biggest } else { 0.0 };
                    view! {
                        <rect class="sp-entry" x=x y=y.at(*p) - 5.0 width=w.max(1.0) height="10" />
                        <text class="sp-col-label" x=x + band * 0.4 y=frame.y0() + 16.0 text-anchor="middle">{format!("T{}", i + 1)}</text>
                    }
                }).collect_view()}
                <path class="sp-average" d=step_path(&xs, &averages.iter().map(|a| a.map(|v| y.at(v))).collect::<Vec<_>>(), frame.x1()) />
                <path class="sp-liquidation" d=step_path(&xs, &liquidations.iter().map(|a| a.map(|v| y.at(v))).collect::<Vec<_>>(), frame.x1()) />
                {averages.last().copied().flatten().map(|v| view! { <text class="sp-average-label" x=frame.x1() + 4.0 y=y.at(v) - 6.0>{format!("avg {}", label(v))}</text> })}
                {liquidations.last().copied().flatten().map(|v| view! { <text class="sp-liquidation-label" x=frame.x1() + 4.0 y=y.at(v) + 14.0>{format!("liq {}", label(v))}</text> })}
                {stop.map(|s| level_line(frame, y.at(s), "sp-stop", format!("stop {}", label(s))))}
                {target_prices.iter().enumerate().map(|(i, t)| level_line(frame, y.at(*t), "sp-target", format!("T{} {}", i + 1, label(*t)))).collect_view()}
            </svg>
            <figcaption>
                <span class="sp-key sp-key-entry">"entry (bar length: quantity)"</span>
                <span class="sp-key sp-key-average">"average entry"</span>
                <span class="sp-key sp-key-liquidation">"liquidation"</span>
                <span class="sp-key sp-key-stop">"stop"</span>
            </figcaption>
        </figure>
    }
}

/// One line of the PnL chart: a stage's name, its curve, and its breakeven.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// "after tranche 2".
    pub name: String,
    /// Screen-free points (price, PnL).
    pub points: Vec<(f64, f64)>,
    /// Its breakeven price.
    pub breakeven: f64,
}

/// The PnL curve after each tranche over the prices `(from, to)`, through the core's breakeven (PnL 0) and loss at
/// the stop; empty without a stop.
pub fn stages(plan: &Plan, report: &PlanReport, (from, to): (f64, f64)) -> Vec<Stage> {
    let Some(stop) = plan.stop.and_then(|s| number(&s.to_string())) else {
        return Vec::new();
    };
    let curve = Curve::of(plan.instrument.contract);
    let breakevens = column(report, "breakeven");
    let losses = column(report, "lossAtStop");
    breakevens
        .iter()
        .zip(&losses)
        .enumerate()
        .filter_map(|(i, (be, loss))| {
            let (be, loss) = ((*be)?, (*loss)?);
            let points = pnl_curve(curve, (be, 0.0), (stop, -loss), from, to);
            (!points.is_empty()).then(|| Stage { name: format!("after tranche {}", i + 1), points, breakeven: be })
        })
        .collect()
}

/// PnL against the exit price after each tranche (fees and funding included, so each line crosses zero at its
/// breakeven), and, when the plan has exits, each exit step's total at its price (realized plus what is left at
/// that price).
#[component]
pub fn PnlChart(
    /// The plan drawn.
    plan: Plan,
    /// Its report.
    report: PlanReport,
) -> impl IntoView {
    let frame = Frame::new(300.0);
    let stop = plan.stop.and_then(|s| number(&s.to_string()));
    let exit_points: Vec<(usize, f64, f64)> = report.exits.as_ref().map_or_else(Vec::new, |e| {
        e.steps
            .iter()
            .skip(1)
            .filter_map(|s| {
                let price = number(&s.price.to_string())?;
                let total = number(&s.realized_pnl.to_string())? + number(&s.unrealized_pnl.to_string())?;
                Some((s.index, price, total))
            })
            .collect()
    });
    let prices = report
        .rows
        .iter()
        .filter_map(|r| number(&r.price.to_string()))
        .chain(column(&report, "breakeven").into_iter().flatten())
        .chain(stop)
        .chain(targets(&plan))
        .chain(exit_points.iter().map(|p| p.1));
    let x_domain = padded(extent(prices).unwrap_or((1.0, 2.0)), 0.05);
    let x_domain = (x_domain.0.max(f64::MIN_POSITIVE), x_domain.1.max(f64::MIN_POSITIVE * 2.0));
    let lines = stages(&plan, &report, x_domain);
    let values =
        lines.iter().flat_map(|s| s.points.iter().map(|p| p.1)).chain(exit_points.iter().map(|p| p.2)).chain([0.0]);
    let y_domain = padded(extent(values).unwrap_or((-1.0, 1.0)), 0.08);
    let x = Scale::new(x_domain, (frame.x0(), frame.x1()));
    let y = Scale::new(y_domain, (frame.y0(), frame.y1()));
    let count = lines.len();
    let places = places_of(plan.instrument.tick_size.get());
    let description = match lines.last() {
        Some(last) => format!(
            "{count} lines, one per tranche filled; each crosses zero at its breakeven, the last at {}. {}The table of results lists every breakeven and loss at the stop.",
            grouped_text(&format!("{}", last.breakeven), places),
            if exit_points.is_empty() { String::new() } else { format!("{} exit steps are marked at their price with what the trade holds there. ", exit_points.len()) },
        ),
        None => "No PnL lines: the plan needs a stop-loss price to draw them.".to_owned(),
    };
    view! {
        <figure class="sp-chart">
            <svg viewBox=frame.view_box() role="img" aria-labelledby="sp-pnl-title sp-pnl-desc" class="sp-svg" data-chart="pnl">
                <title id="sp-pnl-title">"PnL against the exit price, after each tranche"</title>
                <desc id="sp-pnl-desc">{description}</desc>
                {y_axis(frame, y, y_domain)}
                {x_axis(frame, x, x_domain)}
                <line class="sp-zero" x1=frame.x0() x2=frame.x1() y1=y.at(0.0) y2=y.at(0.0) />
                {lines.iter().enumerate().map(|(i, stage)| {
                    let points: Vec<(f64, f64)> = stage.points.iter().map(|(p, v)| (x.at(*p), y.at(*v))).collect();
                    let opacity = 0.35 + 0.65 * (i + 1) as f64 / count.max(1) as f64;
                    let end = points.last().copied().unwrap_or((frame.x1(), frame.y1()));
                    view! {
                        <path class="sp-stage" d=line_path(&points) stroke-opacity=format!("{opacity:.2}") />
                        <circle class="sp-breakeven" cx=x.at(stage.breakeven) cy=y.at(0.0) r="3.5" />
                        {(i + 1 == count).then(|| view! { <text class="sp-stage-label" x=frame.x1() + 4.0 y=end.1.clamp(frame.y1() + 8.0, frame.y0())>{stage.name.clone()}</text> })}
                    }
                }).collect_view()}
                {lines.last().map(|s| view! { <text class="sp-breakeven-label" x=x.at(s.breakeven) + 4.0 y=y.at(0.0) + 14.0>{format!("breakeven {}", grouped_text(&format!("{}", s.breakeven), places))}</text> })}
                {exit_points.iter().map(|(index, price, total)| view! {
                    <g class="sp-exit-step">
                        <rect x=x.at(*price) - 4.0 y=y.at(*total) - 4.0 width="8" height="8" />
                        <text x=x.at(*price) + 6.0 y=y.at(*total) - 6.0>{format!("S{index}")}</text>
                    </g>
                }).collect_view()}
                {stop.map(|s| view! { <line class="sp-stop" x1=x.at(s) x2=x.at(s) y1=frame.y1() y2=frame.y0() /> })}
            </svg>
            <figcaption>
                <span class="sp-key sp-key-average">"PnL if closed at that price, after tranche 1 (faint) to the last (solid)"</span>
                <span class="sp-key sp-key-breakeven">"breakeven"</span>
                <span class="sp-key sp-key-stop">"stop"</span>
                {(!exit_points.is_empty()).then(|| view! { <span class="sp-key sp-key-exit">"exit step: realized + open PnL at its price"</span> })}
            </figcaption>
        </figure>
    }
}

/// A replay event as drawn: its candle, price, and a short label.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Index of the candle it happened in.
    pub bar: usize,
    /// Where.
    pub price: f64,
    /// `fill`, `stop`, `liquidation` or `end`.
    pub kind: &'static str,
    /// Short label (`T2`, `stop`).
    pub label: String,
}

/// The replay over its candles: OHLC bars (bucketed beyond 240), the events as markers, and the stop.
#[component]
pub fn ReplayChart(
    /// Every candle, in order.
    candles: Vec<Ohlc>,
    /// The events.
    markers: Vec<Marker>,
    /// The plan's stop.
    stop: Option<f64>,
    /// What it shows, in words.
    #[prop(into)]
    description: String,
) -> impl IntoView {
    let frame = Frame::new(320.0);
    let total = candles.len().max(1);
    let drawn = bucket(&candles, 240);
    let domain = padded(
        extent(candles.iter().flat_map(|c| [c.low, c.high]).chain(markers.iter().map(|m| m.price)).chain(stop))
            .unwrap_or((0.0, 1.0)),
        0.04,
    );
    let y = Scale::new(domain, (frame.y0(), frame.y1()));
    let x = Scale::new((0.0, total as f64), (frame.x0(), frame.x1()));
    let width = (frame.x1() - frame.x0()) / drawn.len().max(1) as f64;
    let tick = (width * 0.35).min(4.0);
    view! {
        <figure class="sp-chart">
            <svg viewBox=frame.view_box() role="img" aria-labelledby="sp-replay-title sp-replay-desc" class="sp-svg" data-chart="replay">
                <title id="sp-replay-title">"The replay over the candles"</title>
                <desc id="sp-replay-desc">{description}</desc>
                {y_axis(frame, y, domain)}
                <g class="sp-candles" aria-hidden="true">
                    {drawn.iter().enumerate().map(|(i, c)| {
                        let cx = frame.x0() + width * (i as f64 + 0.5);
                        let class = if c.close >= c.open { "sp-up" } else { "sp-down" };
                        let d = format!(
                            "M{cx:.1} {:.1}L{cx:.1} {:.1}M{:.1} {:.1}L{cx:.1} {:.1}M{cx:.1} {:.1}L{:.1} {:.1}",
                            y.at(c.high), y.at(c.low), cx - tick, y.at(c.open), y.at(c.open), y.at(c.close), cx + tick, y.at(c.close)
                        );
                        view! { <path class=class d=d /> }
                    }).collect_view()}
                </g>
                {stop.map(|s| level_line(frame, y.at(s), "sp-stop", "stop".to_owned()))}
                {markers.into_iter().map(|m| {
                    let cx = x.at(m.bar as f64 + 0.5);
                    let cy = y.at(m.price);
                    view! {
                        <g class=format!("sp-marker sp-marker-{}", m.kind)>
                            <circle cx=cx cy=cy r="5" />
                            <text x=cx + 7.0 y=cy + 4.0>{m.label}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9 * a.abs().max(1.0)
    }

    #[test]
    fn scales_map_ends_to_ends_and_a_point_to_the_middle() {
        let s = Scale::new((60_000.0, 65_000.0), (280.0, 20.0));
        assert!(close(s.at(60_000.0), 280.0));
        assert!(close(s.at(65_000.0), 20.0));
        assert!(close(s.at(62_500.0), 150.0));
        assert!(close(Scale::new((5.0, 5.0), (0.0, 100.0)).at(5.0), 50.0));
    }

    #[test]
    fn ticks_are_nice_and_inside() {
        let (marks, step) = ticks((57_000.0, 65_500.0), 6);
        assert!(close(step, 2000.0), "{step}");
        assert_eq!(marks, vec![58_000.0, 60_000.0, 62_000.0, 64_000.0]);
        assert!(close(nice_step(1.0, 4), 0.5));
        assert!(close(nice_step(0.0, 4), 1.0));
        assert_eq!(tick_text(64_000.0, 2000.0), "64,000");
        assert_eq!(tick_text(0.25, 0.05), "0.25");
        assert_eq!(tick_text(-0.0, 0.5), "0", "no minus zero");
        assert_eq!(tick_text(1.5, 0.5), "1.5");
        assert_eq!(tick_text(-1500.0, 500.0), "−1,500");
    }

    #[test]
    fn extents_skip_non_finite_values_and_padding_never_collapses() {
        assert_eq!(extent([3.0, f64::NAN, 1.0, 2.0]), Some((1.0, 3.0)));
        assert_eq!(extent(Vec::<f64>::new()), None);
        assert_eq!(padded((10.0, 20.0), 0.1), (9.0, 21.0));
        assert_eq!(padded((100.0, 100.0), 0.05), (95.0, 105.0));
        assert_eq!(padded((0.0, 0.0), 0.05), (-1.0, 1.0));
    }

    #[test]
    fn paths_are_compact_and_steps_break_on_gaps() {
        assert_eq!(line_path(&[(1.0, 2.0), (3.26, 4.0)]), "M1.0 2.0L3.3 4.0");
        assert_eq!(step_path(&[0.0, 10.0], &[Some(5.0), Some(7.0)], 20.0), "M0.0 5.0L10.0 5.0L10.0 7.0L20.0 7.0");
        assert_eq!(
            step_path(&[0.0, 10.0, 20.0], &[Some(5.0), None, Some(7.0)], 30.0),
            "M0.0 5.0L10.0 5.0M20.0 7.0L30.0 7.0"
        );
    }

    #[test]
    fn pnl_curves_pass_through_the_core_points() {
        let line = pnl_curve(Curve::Linear, (63_300.0, 0.0), (60_000.0, -330.0), 55_000.0, 70_000.0);
        assert_eq!(line.len(), 2);
        assert!(close(line[0].1, -830.0) && close(line[1].1, 670.0), "{line:?}");
        // Inverse: linear in 1/price, so the points hold and the curve bends.
        let curve = pnl_curve(Curve::Inverse, (50_000.0, 0.0), (40_000.0, -0.05), 40_000.0, 50_000.0);
        assert!(close(curve[0].1, -0.05) && close(curve.last().map_or(1.0, |p| p.1), 0.0));
        let mid = curve[16];
        let straight = -0.05 * (50_000.0 - mid.0) / 10_000.0;
        assert!(mid.1 > straight, "coin PnL is concave in price for a long");
        assert!(pnl_curve(Curve::Linear, (1.0, 0.0), (1.0, -1.0), 0.5, 2.0).is_empty());
        assert!(pnl_curve(Curve::Inverse, (1.0, 0.0), (2.0, -1.0), 0.0, 2.0).is_empty());
    }

    #[test]
    fn long_histories_are_bucketed_keeping_every_extreme() {
        let candles: Vec<Ohlc> = (0..1000)
            .map(|i| {
                let p = 100.0 + f64::from(i % 37);
                Ohlc { bar: i as usize, open: p, high: p + 5.0, low: p - 5.0, close: p + 1.0 }
            })
            .collect();
        let drawn = bucket(&candles, 240);
        assert!(drawn.len() <= 240 && drawn.len() >= 200, "{}", drawn.len());
        assert_eq!(drawn[0].open, candles[0].open);
        assert_eq!(drawn.last().map(|c| c.close), candles.last().map(|c| c.close));
        let high = |cs: &[Ohlc]| cs.iter().map(|c| c.high).fold(f64::MIN, f64::max);
        let low = |cs: &[Ohlc]| cs.iter().map(|c| c.low).fold(f64::MAX, f64::min);
        assert_eq!(high(&drawn), high(&candles));
        assert_eq!(low(&drawn), low(&candles));
        assert_eq!(bucket(&candles[..10], 240).len(), 10);
    }

    #[test]
    fn the_guide_ladder_is_described_in_words_and_has_a_line_per_tranche() {
        let (plan, report) =
            crate::evaluate(&crate::Draft::from_plan_text(crate::GUIDE_BTC_LADDER).expect("example")).expect("valid");
        let text = ladder_description(&plan, &report);
        assert!(
            text.starts_with("4 tranches from 65,000.0 to 61,000.0; the average entry steps to 63,200.0"),
            "{text}"
        );
        assert!(text.contains("stop at 60,000.0"), "{text}");
        let lines = stages(&plan, &report, (55_000.0, 70_000.0));
        assert_eq!(lines.len(), 4);
        let be = number(&report.rows[3].breakeven.map(|b| b.to_string()).unwrap_or_default()).unwrap_or(0.0);
        assert!(close(lines[3].breakeven, be));
    }
}
