// solvePlan from the built npm package: the guide's BTC ladder fitted to its 2 % risk budget, step by step.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const dir = new URL("../../target/npm/scaleplan/", import.meta.url);
const api = await import(new URL("scaleplan.js", dir));
api.initSync({ module: readFileSync(new URL("scaleplan_bg.wasm", dir)) });
const guide = JSON.parse(
  readFileSync(new URL("../../crates/scaleplan/data/examples/guide-btc-ladder.json", import.meta.url), "utf8"),
);

test("the guide's ladder fits by leverage, then by size, and every warning goes", () => {
  // At 10x, tranche 1's isolated liquidation (65,000·0.9/0.996 = 58,735) is within half the 5,000 stop distance
  // of the stop at any size: no size fits until the leverage does.
  const size10 = api.solvePlan(guide, { goal: "size" });
  assert.equal(size10.value, null);
  assert.equal(size10.binding.kind, "liquidation");
  assert.equal(size10.binding.tranche, 0);
  assert.equal(size10.plan, undefined);

  // 65,000·(1 − 1/9)/0.996 = 58,009.9 breaks the 57,500 the buffer allows; 8x gives 57,103.4.
  const leverage = api.solvePlan(guide, { goal: "leverage", buffer: { stopDistancePercent: "50" } });
  assert.deepEqual([leverage.field, leverage.current, leverage.value], ["leverage", "10", "8"]);
  assert.equal(leverage.binding.message, "tranche 1's liquidation at 58009.9 is not 50 % of the stop distance beyond the stop at 60000");
  assert.equal(leverage.plan.leverage, "8");

  // The loss at the stop per BTC is 3,200 of price distance + 12.64 entry fees + 30 exit fee = 3,242.64, so the
  // 200 budget allows 0.0616 BTC; on the 0.001 step the rungs of a 0.063 total floor to 0.015/0.015/0.018/0.012
  // (a loss of 192 + 0.7584 + 1.8 = 194.5584) and those of 0.064 to 0.016/0.016/0.019/0.012 (203.5, above the budget).
  const size = api.solvePlan(leverage.plan, { goal: "size", riskPercent: "2" });
  assert.deepEqual([size.field, size.current, size.value], ["entries.ladder.total.quantity", "1", "0.063"]);
  assert.equal(size.binding.kind, "lossAtStop");
  const report = api.evaluatePlan(size.plan);
  assert.deepEqual(report.warnings, []);
  assert.deepEqual(report.rows.map((r) => r.quantity), ["0.015", "0.015", "0.018", "0.012"]);
  assert.equal(report.rows.at(-1).lossAtStop, "194.5584");

  // At that size the last rung can go down to one tick above the stop.
  const depth = api.solvePlan(size.plan, { goal: "depth" });
  assert.deepEqual([depth.field, depth.value, depth.binding.kind], ["entries.ladder.tranches[3].price", "60000.1", "stopReached"]);
});

test("solvePlan refuses what it cannot fit, naming the field", () => {
  const { stop, ...noStop } = guide;
  assert.throws(() => api.solvePlan(noStop, { goal: "size" }), /^Error: stop: is needed to fit the plan/);
  assert.throws(() => api.solvePlan(guide, { goal: "width" }), /^Error: options\.goal: unknown variant `width`/);
  assert.throws(() => api.solvePlan(guide, { goal: "size", bufer: {} }), /unknown field `bufer`/);
  assert.throws(() => api.solvePlan(guide, { goal: "size", riskPercent: 2 }), /^Error: options\.riskPercent: /);
  assert.throws(
    () => api.solvePlan(guide, { goal: "size", buffer: { pricePercent: "0" } }),
    /^Error: options\.buffer\.pricePercent: must be a percentage/,
  );
});
