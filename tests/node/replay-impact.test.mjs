// replayPlan and marketImpact from the built npm package, on hand-checked inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const dir = new URL("../../target/npm/scaleplan/", import.meta.url);
const api = await import(new URL("scaleplan.js", dir));
api.initSync({ module: readFileSync(new URL("scaleplan_bg.wasm", dir)) });
const guide = JSON.parse(readFileSync(new URL("../../crates/scaleplan/data/examples/guide-btc-ladder.json", import.meta.url), "utf8"));

test("replayPlan: the guide's ladder fills tranche 1, then a crash fills the rest and hits the stop", () => {
  // Bar 1 dips to 64,900: the 65,000 limit fills. Bar 2 falls to 59,000: the 64,000, 62,500 and 61,000 limits
  // fill on the way down and the 60,000 stop is hit (the adverse extreme first).
  const csv = "time,open,high,low,close\n2024-01-01,66000,66000,64900,65500\n2024-01-02,65500,65600,59000,59500\n2024-01-03,59500,60000,58000,59000\n";
  const report = api.replayPlan(guide, csv);
  const kinds = report.events.map((e) => [e.kind, e.price]);
  assert.deepEqual(
    report.events.filter((e) => e.kind === "fill").map((e) => e.price),
    ["65000", "64000", "62500", "61000"],
    JSON.stringify(kinds),
  );
  assert.equal(report.ending, "stopHit");
  assert.equal(report.filledQuantity, "1");
  const last = report.events.filter((e) => e.kind !== "endOfData").at(-1);
  assert.equal(last.kind, "stopHit");
  assert.equal(last.price, "60000");
  assert.ok(report.events.every((e) => e.kind === "endOfData" || e.time < "2024-01-03"), "nothing happens after the stop");
});

test("replayPlan names the row and column of a bad candle", () => {
  assert.throws(() => api.replayPlan(guide, "time,open,high,low,close\n2024-01-01,100,90,80,95\n"), /row 2, high/);
});

test("marketImpact: a lump sum walks the book, full-refill tranches do not", () => {
  const book = JSON.stringify({ lastUpdateId: 1, bids: [["99", "1"]], asks: [["100", "1"], ["101", "1"], ["102", "1"]] });
  const report = api.marketImpact(book, { side: "buy", tranches: { kind: "equal", total: "3", count: 3 }, refill: { kind: "full" } });
  assert.equal(report.layout, "binance");
  // Lump: (100 + 101 + 102) / 3 = 101, 100 bps above the best ask; each tranche takes 1 at 100.
  assert.equal(report.lump.averagePrice, "101");
  assert.equal(report.lump.slippageBps, "100");
  assert.equal(report.lump.worstPrice, "102");
  assert.deepEqual(report.tranches.map((t) => t.averagePrice), ["100", "100", "100"]);
  assert.equal(report.savingQuote, "3");
  assert.throws(() => api.marketImpact(book, { side: "buy", tranches: { kind: "equal", total: "-3", count: 3 }, refill: { kind: "full" } }), /^Error: orders\.tranches/);
});
