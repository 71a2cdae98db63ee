// evaluatePlan and liquidationPrice from the built npm package, and the plan JSON Schema it ships.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";

const dir = new URL("../../target/npm/scaleplan/", import.meta.url);
const api = await import(new URL("scaleplan.js", dir));
api.initSync({ module: readFileSync(new URL("scaleplan_bg.wasm", dir)) });
const schema = JSON.parse(readFileSync(new URL("plan-v1.schema.json", dir), "utf8"));
const examples = new URL("../../crates/scaleplan/data/examples/", import.meta.url);
const example = (name) => JSON.parse(readFileSync(new URL(name, examples), "utf8"));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);

test("every shipped example plan is valid against the schema and evaluates", () => {
  const names = readdirSync(examples).filter((f) => f.endsWith(".json"));
  assert.ok(names.length >= 1);
  for (const name of names) {
    const plan = example(name);
    assert.ok(validate(plan), `${name}: ${JSON.stringify(validate.errors)}`);
    const report = api.evaluatePlan(plan);
    assert.ok(report.rows.length > 0, name);
  }
});

test("the schema refuses what the engine refuses: numbers as JSON numbers, unknown fields, a second version", () => {
  const plan = example("guide-btc-ladder.json");
  assert.equal(validate({ ...plan, leverage: 10 }), false);
  assert.equal(validate({ ...plan, levrage: "10" }), false);
  assert.equal(validate({ ...plan, version: 2 }), false);
  assert.throws(() => api.evaluatePlan({ ...plan, leverage: 10 }), /^Error: leverage: /);
  assert.throws(() => api.evaluatePlan({ ...plan, levrage: "10" }), /unknown field `levrage`/);
  assert.throws(() => api.evaluatePlan({ ...plan, version: 2 }), { message: "version: 2 is not supported; this build reads version 1" });
});

test("evaluatePlan reports the guide's BTC ladder tranche by tranche, decimals as strings", () => {
  const report = api.evaluatePlan(example("guide-btc-ladder.json"));
  assert.deepEqual(
    report.rows.map((r) => [r.price, r.quantity, r.averageEntry, r.marginUsed, r.liquidationPrice]),
    [
      ["65000", "0.25", "65000", "1625", "58735"],
      ["64000", "0.25", "64500", "3225", "58283.2"],
      ["62500", "0.3", "63750", "5100", "57605.5"],
      ["61000", "0.2", "63200", "6320", "57115.6"],
    ],
  );
  assert.equal(report.rows[3].lossAtStop, "3242.64");
  assert.equal(report.riskBudget, "200");
  assert.ok(report.warnings.some((w) => w.kind === "riskAboveBudget" && w.tranche === 3));
});

test("evaluatePlan names the field of a bad entry in plan-file terms", () => {
  const plan = example("guide-btc-ladder.json");
  plan.entries.ladder.tranches[1].price = "-64000";
  assert.throws(() => api.evaluatePlan(plan), { message: "entries.ladder.tranches[1].price: must be above 0" });
  plan.entries.ladder.tranches[1].price = "64000";
  plan.entries.ladder.tranches[1].share = "35";
  assert.throws(() => api.evaluatePlan(plan), /^Error: entries\.ladder\.tranches/);
});

test("liquidationPrice reproduces Binance's cross example and Bybit's isolated example", () => {
  const binance = api.liquidationPrice({
    model: "binance", contract: "linear", side: "long", quantity: "0.02", entryPrice: "50000",
    walletBalance: "500", maintenanceMarginRate: "0.004", maintenanceAmount: "0", marginMode: "cross", tickSize: "0.01",
  });
  assert.equal(binance.liquidationPrice, "25100.41");
  assert.equal(binance.bankruptcyPrice, "25000");
  const bybit = api.liquidationPrice({
    model: "bybit", contract: "linear", side: "long", quantity: "1", entryPrice: "20000",
    walletBalance: "400", maintenanceMarginRate: "0.005", maintenanceAmount: "0",
  });
  assert.equal(bybit.liquidationPrice, "19700");
  assert.throws(
    () => api.liquidationPrice({ model: "binance", contract: "inverse", side: "long", quantity: "10", entryPrice: "50000",
      walletBalance: "0.01", maintenanceMarginRate: "0.004", maintenanceAmount: "0" }),
    /contractSize/,
  );
});

test("restingOrders: a MEXC cross ladder counts its resting rungs' margin; the schema and the engine refuse the rest", () => {
  const plan = example("mexc-cross-resting.json");
  assert.ok(validate(plan), JSON.stringify(validate.errors));
  // Hand arithmetic in tests/data/plans.txt: the rungs still resting reserve 175, then 116, then nothing.
  assert.deepEqual(api.evaluatePlan(plan).rows.map((r) => r.liquidationPrice), ["47740", "50538", "51485"]);
  const { restingOrders, ...alone } = plan;
  assert.equal(restingOrders, "counted");
  assert.deepEqual(api.evaluatePlan(alone).rows.map((r) => r.liquidationPrice), ["30240", "44738", "51485"]);
  assert.equal(validate({ ...plan, restingOrders: "yes" }), false);
  assert.throws(() => api.evaluatePlan({ ...plan, restingOrders: "yes" }), /unknown variant `yes`, expected `ignored` or `counted`/);
  assert.throws(() => api.evaluatePlan({ ...plan, model: "binance" }), /^Error: restingOrders: cannot be counted under the binance model/);
  for (const model of ["bingx", "weex"]) assert.ok(validate({ ...plan, model }), model);
});

test("liquidationPrice applies the BingX, MEXC and WEEX models", () => {
  // MEXC blog "Liquidation in Futures": long 0.1 BTC at 50,000 with 25x and MMR 0.4 % → 48,200.
  const mexc = api.liquidationPrice({ model: "mexc", contract: "linear", side: "long", quantity: "0.1", entryPrice: "50000",
    walletBalance: "200", maintenanceMarginRate: "0.004" });
  assert.equal(mexc.liquidationPrice, "48200");
  // WEEX adds the closing fee in cross margin only (tests/data/liquidation.txt).
  const weex = (marginMode, extra) => api.liquidationPrice({ model: "weex", contract: "linear", side: "long", quantity: "1",
    entryPrice: "50000", walletBalance: "5000", maintenanceMarginRate: "0.005", marginMode, ...extra });
  assert.equal(weex("isolated").liquidationPrice, "45226.13065327");
  assert.equal(weex("cross", { takerFeeRate: "0.0008" }).liquidationPrice, "45262.52263127");
  assert.throws(() => weex("isolated", { takerFeeRate: "0.0008" }), /takerFeeRate: is added by the weex model in cross margin only/);
  const bingx = api.liquidationPrice({ model: "bingx", contract: "inverse", contractSize: "100", side: "long", quantity: "10",
    entryPrice: "50000", walletBalance: "0.002", maintenanceMarginRate: "0.004", takerFeeRate: "0.0005" });
  assert.equal(bingx.liquidationPrice, "45659.0909091");
});

test("evaluatePlan scales the guide's 5 ETH out 25/40/35 % with the stop at breakeven after the first target", () => {
  const report = api.evaluatePlan(example("guide-eth-scaleout.json"));
  const steps = report.exits.steps;
  assert.deepEqual(steps.map((s) => s.remainingQuantity), ["5", "3.75", "1.75", "0"]);
  assert.deepEqual(steps.map((s) => s.closedQuantity), ["0", "1.25", "3.25", "5"]);
  // Exits never move the average entry; after the first target the stop sits at the fee-inclusive breakeven.
  assert.equal(report.exits.averageEntry, report.rows.at(-1).averageEntry);
  assert.ok(Number(steps[1].stop) > Number(report.exits.averageEntry), "the stop moved above the entry");
  assert.ok(Number(steps[1].worstCase) > 0, "once the stop is at breakeven the worst case is a gain");
});

test("rows cross packed and come out as the engine's TrancheRow, field for field and in its order", () => {
  // js/report.js builds each row from its values alone; these are the keys of TrancheRow (scaleplan.d.ts) as serde
  // writes them, `time` only on scheduled tranches.
  const keys = ["index", "price", "quantity", "share", "leverage", "cumulativeQuantity", "averageEntry", "notional",
    "feesPaid", "funding", "breakeven", "marginUsed", "effectiveLeverage", "freeMargin", "liquidationPrice",
    "bankruptcyPrice", "tier", "liquidationDistance", "liquidationBeyondStop", "lossAtStop", "lossAtStopPercent", "r"];
  const guide = example("guide-btc-ladder.json");
  const scheduled = {
    ...guide,
    entries: { schedule: { start: "2024-05-01T00:00:00Z", interval: "4h", count: 3, total: { quantity: "1.5" },
      path: [{ time: "2024-05-01T00:00:00Z", price: "65000" }, { time: "2024-05-02T00:00:00Z", price: "63000.5" }] } },
  };
  const ladder = api.evaluatePlan(guide);
  for (const row of ladder.rows) assert.deepEqual(Object.keys(row), keys);
  assert.deepEqual(ladder.rows.map((r) => r.index), [0, 1, 2, 3]);
  assert.ok(ladder.rows.every((r) => Number.isInteger(r.tier)), "tiers are numbers");
  const timed = api.evaluatePlan(scheduled);
  assert.deepEqual(timed.rows.map((r) => r.time), ["2024-05-01T00:00:00Z", "2024-05-01T04:00:00Z", "2024-05-01T08:00:00Z"]);
  for (const row of timed.rows) assert.deepEqual(Object.keys(row), ["index", "time", ...keys.slice(1)]);
  // Absent figures are null, as in JSON: no stop, so no loss at the stop and no R.
  const { stop, ...noStop } = guide;
  assert.ok(stop);
  const open = api.evaluatePlan(noStop);
  assert.deepEqual([open.rows[0].lossAtStop, open.rows[0].r, open.rows[0].liquidationBeyondStop], [null, null, null]);
  // The report around the rows keeps its keys and order.
  assert.deepEqual(Object.keys(ladder), ["ladder", "rows", "warnings", "riskBudget"]);
});
