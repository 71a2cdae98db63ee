// Peer benchmark: the npm package's evaluatePlan against our own decimal.js implementation of the same per-tranche
// scale-in math, side by side in one Node process. Not a pass/fail test of speed: it first checks that both give
// the same numbers (and exits 1 with a diff when they do not, which is a bug in the peer or a finding about the
// engine), then times both and writes the table to stdout and target/bench-peer.md.
//
//   node tests/bench/peer.mjs              check, then time every case (~1 s per implementation per case)
//   node tests/bench/peer.mjs --check      check only
//   BENCH_SECONDS=3 node tests/bench/peer.mjs
//
// The peer covers what the benchmark plans use: a linear contract, isolated margin, Binance's model with tiers,
// a price ladder of explicit tranches (shares of a total quantity, or quantities) or a generated one (linear or
// geometric spacing, any size shape) sized by a quantity or a risk budget, the default remainder policy, no
// funding, no exits. Anything else is refused rather than computed differently.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import Decimal from "decimal.js";

const root = new URL("../../", import.meta.url);
const pkg = new URL("target/npm/scaleplan/", root);
const api = await import(new URL("scaleplan.js", pkg));
api.initSync({ module: readFileSync(new URL("scaleplan_bg.wasm", pkg)) });

// ---------------------------------------------------------------------------------------------------------------
// The peer. 40 significant digits (the engine's decimal holds 28), so intermediate rounding is far below every
// place the engine rounds on purpose; rounding happens only where the engine rounds:
// - ladder prices to the tick, nearest, halves away from zero (ladder.rs tick_price);
// - rung quantities floored to the step (ladder.rs size);
// - average entry, margin, fees, loss at the stop to 8 places, nearest, halves away from zero (valuation.rs out,
//   plan.rs OUTPUT_DECIMALS);
// - breakeven to 8 places toward the entry side (up for a long, down for a short: Side::conservative_liquidation);
// - the liquidation price to the tick (8 places when the tick is 0), toward the entry (liquidation.rs Frame::price).
// ---------------------------------------------------------------------------------------------------------------
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -100, toExpPos: 100 });
const DOWN = D.ROUND_FLOOR; // toward negative infinity
const UP = D.ROUND_CEIL; // toward positive infinity
const NEAREST = D.ROUND_HALF_UP; // halves away from zero
const OUTPUT_DECIMALS = 8;
const ZERO = new D(0);
const ONE = new D(1);
const HUNDRED = new D(100);

const roundToStep = (value, step, how) => (step.isZero() ? value : value.div(step).toDecimalPlaces(0, how).mul(step));
const out = (value) => value.toDecimalPlaces(OUTPUT_DECIMALS, NEAREST);
const text = (value) => (value === null ? null : value.toString());
const sumOf = (values) => values.reduce((a, b) => a.add(b), ZERO);

function refuse(what) {
  throw new Error(`peer: ${what} is not implemented by the peer`);
}

/** The per-tranche figures of a plan, computed with decimal.js: { rows: [{ price, quantity, … }] }. */
export function peerEvaluate(plan) {
  if (plan.version !== 1) refuse(`version ${plan.version}`);
  if (plan.model !== "binance") refuse(`model ${plan.model}`);
  if (plan.marginMode !== "isolated") refuse(`marginMode ${plan.marginMode}`);
  if (plan.instrument.contract.kind !== "linear") refuse(`a ${plan.instrument.contract.kind} contract`);
  if (plan.funding || plan.exits) refuse("funding or exits");
  const ladderSpec = plan.entries.ladder;
  if (!ladderSpec) refuse("a schedule");
  if (ladderSpec.remainder && ladderSpec.remainder !== "unplaced") refuse(`remainder ${ladderSpec.remainder}`);

  const inst = plan.instrument;
  const m = {
    sign: plan.side === "long" ? 1 : -1,
    tick: new D(inst.tickSize),
    step: new D(inst.quantityStep),
    maker: new D(inst.makerFee),
    taker: new D(inst.takerFee),
    tiers: inst.tiers.map((t) => ({
      floor: new D(t.notionalFloor),
      cap: t.notionalCap == null ? null : new D(t.notionalCap),
      rate: new D(t.maintenanceMarginRate),
      amount: new D(t.maintenanceAmount),
    })),
  };
  if (m.tiers.length === 0) refuse("an instrument without tiers");
  // A ladder's entries rest on the book: the maker rate unless entryLiquidity says taker (Plan::entry_fee).
  const entryFee = plan.entryLiquidity === "taker" ? m.taker : m.maker;
  const leverage = new D(plan.leverage);
  const stop = plan.stop == null ? null : new D(plan.stop);

  const rungs = buildLadder(ladderSpec, m);
  const rows = [];
  let cum = ZERO;
  let weighted = ZERO; // Σ q·p
  let fees = ZERO;
  let margin = ZERO;
  for (const { price: p, quantity: q, leverage: lev } of rungs) {
    const value = q.mul(p);
    weighted = weighted.add(value);
    cum = cum.add(q);
    fees = fees.add(value.mul(entryFee));
    margin = margin.add(value.div(lev ?? leverage));
    const row = {
      price: text(p),
      quantity: text(q),
      cumulativeQuantity: text(cum),
      averageEntry: null,
      marginUsed: text(out(margin)),
      feesPaid: text(out(fees)),
      breakeven: null,
      liquidationPrice: null,
      tier: null,
      lossAtStop: null,
    };
    rows.push(row);
    if (cum.isZero()) continue;
    const e = weighted.div(cum);
    const costs = fees; // no funding
    row.averageEntry = text(e.toDecimalPlaces(OUTPUT_DECIMALS, NEAREST));
    // Exit price where PnL pays the costs and the taker fee of closing (valuation.rs Valuation::breakeven).
    const [numerator, denominator] =
      m.sign > 0
        ? [cum.mul(e).add(costs), ONE.sub(m.taker).mul(cum)]
        : [cum.mul(e).sub(costs), ONE.add(m.taker).mul(cum)];
    if (numerator.gt(0) && denominator.gt(0)) {
      row.breakeven = text(numerator.div(denominator).toDecimalPlaces(OUTPUT_DECIMALS, m.sign > 0 ? UP : DOWN));
    }
    const liq = liquidation(m, cum, e, margin);
    if (liq === null) {
      // Below maintenance at the entry itself: liquidated as it opens, at the (exact) average entry.
      row.liquidationPrice = text(e);
    } else {
      row.liquidationPrice = text(liq.price);
      row.tier = liq.tier;
    }
    if (stop !== null) {
      // −PnL to the stop + entry fees + the taker fee on the value at the stop.
      const pnl = stop.sub(e).mul(cum).mul(m.sign);
      row.lossAtStop = text(out(pnl.neg().add(costs).add(cum.mul(stop).mul(m.taker))));
    }
  }
  return { rows };
}

/** Rungs on the tick and the step: [{ price, quantity, leverage }] (ladder.rs build_ladder). */
function buildLadder(spec, m) {
  let levels;
  if (spec.tranches && spec.generate) throw new Error("peer: give either tranches or generate");
  if (spec.tranches) {
    const byShare = spec.tranches[0].share != null;
    levels = spec.tranches.map((t) => ({
      price: tickPrice(new D(t.price), m),
      weight: new D(byShare ? t.share : t.quantity),
      leverage: t.leverage == null ? null : new D(t.leverage),
    }));
    if (byShare) {
      const shares = sumOf(levels.map((l) => l.weight));
      if (!shares.eq(HUNDRED)) throw new Error(`peer: the shares add up to ${shares}, not 100`);
      if (!spec.total) throw new Error("peer: shares need a total");
      return size(levels, spec.total, m);
    }
    if (spec.total) throw new Error("peer: tranches with quantities take no total");
    return size(levels, null, m);
  }
  const g = spec.generate;
  const prices = spacedPrices(new D(g.from), new D(g.to), g.count, g.spacing ?? "linear");
  const weights = sizeWeights(g.sizes ?? "flat", g.count);
  levels = prices.map((price, i) => ({ price: tickPrice(price, m), weight: weights[i], leverage: null }));
  return size(levels, spec.total, m);
}

function tickPrice(value, m) {
  const price = roundToStep(value, m.tick, NEAREST);
  if (!price.gt(0)) throw new Error(`peer: ${value} rounds to 0 at the tick`);
  return price;
}

/** `count` prices from `from` to `to`, both included; the last is `to` exactly (ladder.rs spaced_prices). */
function spacedPrices(from, to, count, spacing) {
  const steps = count - 1;
  if (steps === 0) return [from];
  const prices = [];
  if (spacing === "linear") {
    const span = to.sub(from);
    for (let i = 0; i < steps; i++) prices.push(from.add(span.mul(i).div(steps)));
  } else if (spacing === "geometric") {
    // r = (to/from)^(1/(n − 1)); each price is the previous one times r, as the engine walks it.
    const ratio = to.div(from).pow(ONE.div(steps));
    let price = from;
    for (let i = 0; i < steps; i++) {
      prices.push(price);
      price = price.mul(ratio);
    }
  } else {
    refuse(`spacing ${spacing}`);
  }
  prices.push(to);
  return prices;
}

/** Weights on quantity, rung 0 at `from` (ladder.rs Sizes::weights). */
function sizeWeights(sizes, count) {
  const range = Array.from({ length: count }, (_, i) => i);
  if (sizes === "flat") return range.map(() => ONE);
  if (sizes === "increasing") return range.map((i) => new D(i + 1));
  if (sizes === "decreasing") return range.map((i) => new D(count - i));
  if (sizes.skew != null) {
    if (count === 1) return [ONE];
    const skew = new D(sizes.skew);
    return range.map((i) => skew.sub(1).mul(i).div(count - 1).add(1));
  }
  if (sizes.custom) return sizes.custom.map((w) => new D(w));
  return refuse(`sizes ${JSON.stringify(sizes)}`);
}

/**
 * Sizes the levels (ladder.rs size): each rung costs `costᵢ` per unit of quantity in the total's terms (1 for a
 * quantity, the loss at the stop for a risk budget), the exact total is `Q = limit·W / Σ wᵢ·costᵢ`, and rung `i`
 * gets `Q·wᵢ/W` floored to the step.
 */
function size(levels, total, m) {
  const weightSum = sumOf(levels.map((l) => l.weight));
  let costs;
  let limit;
  let requested;
  if (total === null) {
    costs = levels.map(() => ONE);
    limit = requested = weightSum;
  } else if (total.quantity != null) {
    costs = levels.map(() => ONE);
    limit = requested = new D(total.quantity);
  } else if (total.riskBudget != null) {
    ({ costs, limit } = riskCosts(total.riskBudget, levels, m));
    const averageCost = sumOf(levels.map((l, i) => l.weight.mul(costs[i]))).div(weightSum);
    requested = limit.div(averageCost);
  } else {
    return refuse(`total ${JSON.stringify(total)}`);
  }
  if (!requested.gt(0)) throw new Error("peer: the total comes to a quantity of 0");
  // Q·wᵢ before ÷W: exact whenever the target is on the grid (1/3 first would leave 0.000999… of 0.003 ÷ 3).
  const quantities = levels.map((l) =>
    roundToStep(total === null ? l.weight : requested.mul(l.weight).div(weightSum), m.step, DOWN),
  );
  keepWithin(quantities, costs, m.step, requested, limit);
  return levels.map((l, i) => ({ price: l.price, quantity: quantities[i], leverage: l.leverage }));
}

/** Loss at the stop per unit, fees included, of each level, and the budget (ladder.rs risk_costs, linear). */
function riskCosts(budget, levels, m) {
  const stop = new D(budget.stop);
  const entryFee = (budget.entryFee ?? "maker") === "taker" ? m.taker : m.maker;
  const costs = levels.map(({ price }, i) => {
    if (m.sign > 0 ? stop.gte(price) : stop.lte(price)) {
      throw new Error(`peer: the risk-budget stop is on the wrong side of rungs[${i}] at ${price}`);
    }
    const loss = price.sub(stop).mul(m.sign).add(entryFee.mul(price)).add(m.taker.mul(stop));
    if (!loss.gt(0)) throw new Error(`peer: the fee rebate outweighs the loss at the stop on rungs[${i}]`);
    return loss;
  });
  return { costs, limit: new D(budget.account).mul(budget.riskPercent).div(100) };
}

/**
 * Trims the largest rung until neither Σ q nor Σ q·cost exceeds its limit (ladder.rs keep_within). Flooring keeps
 * both in bounds in exact arithmetic, so at 40 digits this only checks; it is here so the peer has the same rule.
 */
function keepWithin(quantities, costs, step, requested, limit) {
  for (let round = 0; round < quantities.length * 4 + 8; round++) {
    const overQuantity = sumOf(quantities).sub(requested);
    const overSpend = sumOf(quantities.map((q, i) => q.mul(costs[i]))).sub(limit);
    if (overQuantity.lte(0) && overSpend.lte(0)) return;
    let largest = -1; // the last of equal maxima, as Rust's max_by
    quantities.forEach((q, i) => {
      if (q.gt(0) && (largest < 0 || q.gte(quantities[largest]))) largest = i;
    });
    if (largest < 0) break;
    const need = D.max(overQuantity, overSpend.div(costs[largest]));
    const cut = step.isZero()
      ? D.max(need, new D(1).div(new D(10).pow(quantities[largest].decimalPlaces())))
      : need.div(step).ceil().mul(step);
    quantities[largest] = D.max(quantities[largest].sub(cut), ZERO);
  }
  throw new Error("peer: the rungs could not be kept within the total");
}

/**
 * Isolated Binance liquidation of a linear position of `q` at `e` backed by `wallet` (liquidation.rs, in the
 * notional N = q·P): equity(N) = WB + side·(N − N_E), maintenance N·MMR − cum. The tier is the one at the
 * liquidation price: walk from the entry tier in the adverse direction and keep the first root inside its own
 * tier. `null` when the wallet does not cover maintenance at the entry; `{ price: null, tier: null }` when no
 * positive price liquidates.
 */
function liquidation(m, q, e, wallet) {
  const available = D.max(wallet, ZERO);
  const lean = m.sign;
  const entryNotional = q.mul(e);
  const tiers = m.tiers;
  const start = tierIndex(tiers, entryNotional);
  const entryTier = tiers[start];
  if (entryTier.amount.gt(entryNotional.mul(entryTier.rate))) {
    throw new Error(`peer: tiers[${start}].maintenanceAmount exceeds notional × rate at the entry`);
  }
  const surplus = (rate, amount, notional) =>
    available.add(notional.sub(entryNotional).mul(lean)).sub(notional.mul(rate)).add(amount);
  if (!surplus(entryTier.rate, entryTier.amount, entryNotional).gt(0)) return null;

  let found = null;
  let boundary = entryNotional;
  const root = (t) => available.sub(entryNotional.mul(lean)).add(t.amount).div(t.rate.sub(lean));
  if (lean > 0) {
    // Equity falls with the notional (a long losing as the price drops): down the tiers.
    for (let i = start; i >= 0 && found === null; i--) {
      const t = tiers[i];
      if (!surplus(t.rate, t.amount, boundary).gt(0)) {
        found = { notional: boundary, tier: i };
        break;
      }
      const r = root(t);
      const floor = i === 0 ? ZERO : t.floor;
      if (r.gte(floor)) found = { notional: r, tier: i };
      else boundary = floor;
    }
  } else {
    for (let i = start; i < tiers.length && found === null; i++) {
      const t = tiers[i];
      if (!surplus(t.rate, t.amount, boundary).gt(0)) {
        found = { notional: boundary, tier: i };
        break;
      }
      const r = root(t);
      if (t.cap !== null && i < tiers.length - 1 && r.gt(t.cap)) boundary = t.cap;
      else found = { notional: r, tier: i };
    }
  }
  if (found === null || !found.notional.gt(0)) return { price: null, tier: null };
  const exact = found.notional.div(q);
  const how = m.sign > 0 ? UP : DOWN;
  const price = m.tick.isZero() ? exact.toDecimalPlaces(8, how) : roundToStep(exact, m.tick, how);
  if (!price.gt(0)) throw new Error("peer: the tick is coarser than the liquidation price");
  return { price, tier: found.tier };
}

/** The first tier holding `notional` (floor and cap inclusive); the first below every floor, the last past every cap. */
function tierIndex(tiers, notional) {
  const i = tiers.findIndex((t) => notional.gte(t.floor) && (t.cap === null || notional.lte(t.cap)));
  if (i >= 0) return i;
  return notional.lt(tiers[0].floor) ? 0 : tiers.length - 1;
}

// ---------------------------------------------------------------------------------------------------------------
// The check: the engine's report reduced to the peer's figures. This is the one place that reads evaluatePlan's
// output; adapt it here if the report's shape changes.
// ---------------------------------------------------------------------------------------------------------------
const FIELDS = [
  "price",
  "quantity",
  "cumulativeQuantity",
  "averageEntry",
  "marginUsed",
  "feesPaid",
  "breakeven",
  "liquidationPrice",
  "tier",
  "lossAtStop",
];

function engineFigures(report) {
  return { rows: report.rows.map((r) => Object.fromEntries(FIELDS.map((f) => [f, r[f] ?? null]))) };
}

/** Differences between two figure sets, as lines; empty when they agree (decimals compared normalized). */
function differences(peer, engine) {
  const canon = (v) => (v === null || v === undefined ? "null" : typeof v === "number" ? String(v) : new D(v).toFixed());
  const lines = [];
  if (peer.rows.length !== engine.rows.length) {
    lines.push(`rows: peer has ${peer.rows.length}, engine ${engine.rows.length}`);
  }
  const n = Math.min(peer.rows.length, engine.rows.length);
  for (let i = 0; i < n; i++) {
    for (const f of FIELDS) {
      const [a, b] = [canon(peer.rows[i][f]), canon(engine.rows[i][f])];
      if (a !== b) lines.push(`rows[${i}].${f}: peer ${a}, engine ${b}`);
    }
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------------------
// The cases: the guide's BTC instrument (six Binance tiers, maker 0.02 %, taker 0.05 %), a long at 10× with a stop
// at 60,000, isolated. Sizes reach a notional of about 2M USDT, so the position crosses tiers 0 → 2 as it builds
// and the liquidation tier walk is exercised.
// ---------------------------------------------------------------------------------------------------------------
const guide = JSON.parse(readFileSync(new URL("crates/scaleplan/data/examples/guide-btc-ladder.json", root), "utf8"));

function basePlan(name, side, stop, ladder) {
  return {
    version: 1,
    name,
    instrument: guide.instrument,
    model: "binance",
    side,
    marginMode: "isolated",
    account: { wallet: "5000000", riskPercent: "2" },
    leverage: "10",
    stop,
    entries: { ladder },
  };
}

/**
 * `n` explicit tranches from 65,000 toward 61,000 (69,000 for a short), off the tick so rounding to it matters,
 * with shares of 0.001 % weighted 1-2-3-4 (adding up to exactly 100) of 30 BTC, at leverages 5, 10 and 20 in turn.
 */
function explicitPlan(n, side = "long") {
  const dir = side === "long" ? -1 : 1;
  const units = Array.from({ length: n }, (_, i) => 1 + (i % 4));
  const unitSum = units.reduce((a, b) => a + b, 0);
  const shares = units.map((u) => Math.floor((100000 * u) / unitSum));
  shares[n - 1] += 100000 - shares.reduce((a, b) => a + b, 0);
  const tranches = shares.map((s, i) => ({
    price: (65000 + (dir * 4000 * i) / Math.max(n - 1, 1) + 0.0437).toFixed(4),
    share: (s / 1000).toFixed(3),
    leverage: ["5", "10", "20"][i % 3],
  }));
  const stop = side === "long" ? "60000" : "70000";
  return basePlan(`${n} explicit tranches`, side, stop, { tranches, total: { quantity: "30" } });
}

/** `n` rungs geometrically spaced from 65,000 to 61,000 (69,000 for a short), sizes skewed 1 → 3, sized so the
 * loss at the stop, fees included, is 2 % of a 5M USDT account. */
function geometricPlan(n, side = "long", entryFee = undefined) {
  const [to, stop] = side === "long" ? ["61000", "60000"] : ["69000", "70000"];
  return basePlan(`${n}-rung geometric ladder, risk budget`, side, stop, {
    generate: { from: "65000", to, count: n, spacing: "geometric", sizes: { skew: "3" } },
    total: { riskBudget: { account: "5000000", riskPercent: "2", stop, ...(entryFee ? { entryFee } : {}) } },
  });
}

const SIZES = [10, 100, 1000];
const TIMED = [
  ...SIZES.map((n) => ({ kind: "explicit tranches", n, plan: explicitPlan(n) })),
  ...SIZES.map((n) => ({ kind: "geometric, risk budget", n, plan: geometricPlan(n) })),
];

// Checked but not timed: the guide's own plan, shorts, and a taker-fee risk budget.
const CHECKED_ONLY = [
  { kind: "guide example", plan: guide },
  { kind: "explicit tranches, short", plan: explicitPlan(10, "short") },
  { kind: "geometric, risk budget, short, taker entries", plan: geometricPlan(100, "short", "taker") },
  {
    kind: "tranches by quantity",
    plan: {
      ...guide,
      entries: {
        ladder: {
          tranches: [
            { price: "65000.04", quantity: "0.5" },
            { price: "63999.95", quantity: "1.25", leverage: "20" },
            { price: "61000", quantity: "2" },
          ],
        },
      },
    },
  },  {
    // Exact splits: Q·wᵢ/W multiplied before it is divided, so an exact 1 BTC stays 1 on the 0.001 step.
    kind: "3 BTC over 3 flat rungs",
    plan: basePlan("3 BTC over 3 flat rungs", "long", "60000", {
      generate: { from: "65000", to: "64000", count: 3 },
      total: { quantity: "3" },
    }),
  },
];

function check() {
  let failed = false;
  for (const c of [...TIMED, ...CHECKED_ONLY]) {
    const label = `${c.kind}${c.n ? ` × ${c.n}` : ""}`;
    const engine = engineFigures(api.evaluatePlan(c.plan));
    const peer = peerEvaluate(c.plan);
    const diff = differences(peer, engine);
    if (diff.length === 0) {
      console.error(`check: ${label}: peer and engine agree on ${engine.rows.length} rows × ${FIELDS.length} fields`);
      continue;
    }
    failed = true;
    console.error(`check: ${label}: ${diff.length} differences between the peer and evaluatePlan:`);
    for (const line of diff.slice(0, 30)) console.error(`  ${line}`);
    if (diff.length > 30) console.error(`  … and ${diff.length - 30} more`);
  }
  if (failed) {
    console.error("peer and engine disagree: fix the peer, or report the engine's semantics; nothing was timed");
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Timing: a warm-up, then calls one at a time, the engine and the peer taking turns in slices of ~50 ms until each
// has run about `seconds`, so that load from elsewhere on the machine falls on both alike; the median call time.
// ---------------------------------------------------------------------------------------------------------------
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const SLICE_NS = 50e6;
const MIN_CALLS = 11;

function timeBoth(fns) {
  const now = () => process.hrtime.bigint();
  let sink = 0;
  for (const fn of fns) {
    for (let i = 0, end = now() + BigInt(Math.round(0.2e9 * SECONDS)); i < 5 || now() < end; i++) sink += fn().rows.length;
  }
  const samples = fns.map(() => []);
  const spent = fns.map(() => 0);
  while (fns.some((_, k) => spent[k] < SECONDS * 1e9 || samples[k].length < MIN_CALLS)) {
    fns.forEach((fn, k) => {
      const end = now() + BigInt(SLICE_NS);
      do {
        const t0 = now();
        sink += fn().rows.length;
        const dt = Number(now() - t0);
        samples[k].push(dt);
        spent[k] += dt;
      } while (now() < end);
    });
  }
  if (sink < 0) console.log(sink); // keeps the results alive
  return samples.map((list) => {
    list.sort((a, b) => a - b);
    const mid = list.length >> 1;
    const median = list.length % 2 ? list[mid] : (list[mid - 1] + list[mid]) / 2;
    return { micros: median / 1e3, calls: list.length };
  });
}

function git(...args) {
  try {
    return execFileSync("git", args, { cwd: new URL(".", root), encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}

const stamp = (date) => date.toISOString().slice(0, 16).replace("T", " ");

function bench() {
  // One warm-up over every case first, so that the first case timed does not pay for V8 tiering the wasm module
  // and the peer's code up.
  for (const end = process.hrtime.bigint() + BigInt(1e9); process.hrtime.bigint() < end; ) {
    for (const c of TIMED.filter((t) => t.n <= 100)) {
      api.evaluatePlan(c.plan);
      peerEvaluate(c.plan);
    }
  }
  const results = [];
  for (const c of TIMED) {
    const [engine, peer] = timeBoth([() => api.evaluatePlan(c.plan), () => peerEvaluate(c.plan)]);
    results.push({ ...c, engine, peer });
    console.error(`timed: ${c.kind} × ${c.n}: engine ${engine.micros.toFixed(1)} µs, peer ${peer.micros.toFixed(1)} µs`);
  }
  const f = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
  const commit = git("rev-parse", "--short", "HEAD");
  const dirty = git("status", "--porcelain", "--untracked-files=no", "--", "crates") ? " (crates/ has uncommitted changes)" : "";
  const lines = [
    "# Peer benchmark: evaluatePlan (npm, wasm) vs a decimal.js implementation",
    "",
    `Median time per call, after a warm-up, over about ${SECONDS} s of calls per implementation and case, one Node ` +
      "process, the two taking turns in ~50 ms slices. The engine is called with a plan object as a user would, so its time includes crossing the JS↔wasm " +
      "boundary both ways; the peer (tests/bench/peer.mjs, decimal.js at 40 digits) parses the same object and " +
      "returns the same per-tranche figures as strings (quantities, average entry, margin, fees, breakeven, " +
      "liquidation price and tier, loss at the stop), which were checked equal to the engine's before timing. The " +
      "engine also computes what the peer does not (warnings, shares, effective leverage, free margin, distances, R).",
    "",
    `Node ${process.version}, ${os.cpus()[0]?.model ?? "unknown CPU"} × ${os.cpus().length}, commit ${commit || "unknown"}${dirty}, ` +
      `package built ${stamp(statSync(new URL("scaleplan_bg.wasm", pkg)).mtime)}, run ${stamp(new Date())} UTC.`,
    "",
    "",
    "| case | tranches | engine µs/call | peer µs/call | peer/engine | engine µs/tranche | peer µs/tranche | calls (engine, peer) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ...results.map(
      (r) =>
        `| ${r.kind} | ${r.n} | ${f(r.engine.micros)} | ${f(r.peer.micros)} | ${(r.peer.micros / r.engine.micros).toFixed(2)}× | ` +
        `${f(r.engine.micros / r.n)} | ${f(r.peer.micros / r.n)} | ${r.engine.calls}, ${r.peer.calls} |`,
    ),
    "",
  ];
  const table = lines.join("\n");
  console.log(table);
  const report = new URL("target/bench-peer.md", root);
  mkdirSync(new URL(".", report), { recursive: true });
  writeFileSync(report, table);
  console.error(`wrote ${report.pathname}`);
}

check();
if (!process.argv.includes("--check")) bench();
