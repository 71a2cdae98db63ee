#!/usr/bin/env node
// Writes the fuzz targets' seed corpora and dictionaries from the repository's own examples and test data, so
// nothing large is committed: fuzz/corpus/<target>/seed-*, fuzz/dict/<target>.dict (both ignored by git).
//
//   node scripts/fuzz-seeds.mjs
//
// Seeds only add files (named by content), so what the fuzzer has found in fuzz/corpus/<target>/ is kept.
// A multi-text input (a plan and its candles, a book and its orders) separates its texts with NUL bytes, as the
// targets in fuzz/fuzz_targets/ read them.
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deflateRawSync } from "node:zlib";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const FUZZ = join(ROOT, "fuzz");
const read = (path) => readFileSync(join(ROOT, path), "utf8");
const files = (dir, ext) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => join(dir, f));
// The first `n` lines of a file: real histories are large, a seed needs only their shape.
const head = (path, n) => read(path).split("\n").slice(0, n).join("\n") + "\n";

const seeds = new Map(); // target -> [text]
const add = (target, ...texts) => {
  if (!seeds.has(target)) seeds.set(target, []);
  seeds.get(target).push(texts.join("\0"));
};

// Plans: the guide's examples and the replay test plans.
const plans = [...files("crates/scaleplan/data/examples", ".json"), ...files("tests/data/replay", ".json")];
for (const p of plans) add("plan", read(p));
// The JSON reader on its own: the plans, and JSON's corners (escapes, surrogates, numbers, nesting).
for (const p of plans) add("json", read(p));
add("json", '["\\u00e9\\ud83d\\ude00\\n\\"", -0, 1.5e-7, 18446744073709551616, -9223372036854775809, true, null, {}]');
add("json", "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]");

// Share links: each plan as the app writes it (compact JSON, raw DEFLATE, base64url), with and without `#`.
for (const p of plans) {
  const json = JSON.stringify(JSON.parse(read(p)));
  const fragment = "p1." + deflateRawSync(Buffer.from(json), { level: 9 }).toString("base64url");
  add("share_link", fragment);
  add("share_link", "#" + fragment);
}

// Candles: every layout in the test data, the replay series, and the head of each real history.
const candleFiles = [
  ...files("tests/data/candles", ".csv"),
  ...files("tests/data/candles", ".json"),
  ...files("tests/data/replay", ".csv"),
];
for (const f of candleFiles) add("candles", read(f));
for (const f of ["data/btcusd-coinbase-1d/BTCUSD-1d.csv", "data/btcusd-coinbase-1d/Coinbase_BTCUSD_d.csv",
  "data/btcusdt-perp-1d-2024/BTCUSDT-1d-2024.csv"]) {
  add("candles", head(f, 40));
}
// Depth snapshots: the exchanges' documented responses, and the refused or warned texts of parse.txt.
const books = files("tests/data/impact", ".json").map(read);
for (const b of books) add("depth", b);
for (const line of read("tests/data/impact/parse.txt").split("\n")) {
  if (line.trim() && !line.startsWith("#")) add("depth", line.split(" | ")[0]);
}

// Market impact: books (pasted, and parametric) with orders of each kind of split, refill and budget.
const parametric = JSON.stringify({ mid: "100", spread: "1", step: "0.5", size: "2", sizeIncrement: "0.5", levels: 20 });
const orders = [
  { side: "buy", tranches: { kind: "sizes", sizes: ["1", "1"] }, refill: { kind: "full" } },
  { side: "sell", tranches: { kind: "equal", total: "4", count: 3 }, refill: { kind: "none" }, quantityStep: "0.001" },
  { side: "buy", tranches: { kind: "equal", total: "10", count: 4 }, refill: { kind: "fraction", rate: "0.5" },
    budgetBps: "50", benchmark: "mid" },
  { side: "sell", tranches: { kind: "sizes", sizes: ["0.5", "2.25"] }, refill: { kind: "full" }, budgetBps: "10" },
].map((o) => JSON.stringify(o));
for (const [i, b] of [...books, parametric].entries()) add("impact", b, orders[i % orders.length]);

// Replays: every case of the replay golden file (plan, candles and rules as it names them).
for (const line of read("tests/data/replay/replays.txt").split("\n")) {
  const cells = line.split("|").map((c) => c.trim());
  if (cells[0] !== "case" || cells.length < 5) continue;
  const [, , plan, candles, rules] = cells;
  if (!existsSync(join(ROOT, plan)) || !existsSync(join(ROOT, candles))) continue;
  const text = candles.startsWith("data/") ? head(candles, 120) : read(candles);
  add("replay", read(plan), text, rules);
}

// Solver: each plan with each goal, the default buffer and the two explicit ones.
const specs = [
  { goal: "size" },
  { goal: "leverage", buffer: { pricePercent: "1" } },
  { goal: "depth", buffer: { stopDistancePercent: "25" }, riskPercent: "2" },
].map((s) => JSON.stringify(s));
for (const p of plans) for (const s of specs) add("solver", read(p), s);

// Presets: the shipped file, and its first two entries alone (quicker to mutate).
const presets = read("crates/scaleplan/data/presets.json");
add("presets", presets);
add("presets", JSON.stringify(JSON.parse(presets).slice(0, 2)));

// Calculator: every input row of the liquidation golden file (JSON before the first ` | `).
for (const line of read("tests/data/liquidation.txt").split("\n")) {
  if (line.startsWith("{")) add("calculator", line.split(" | ")[0]);
}

// Dictionaries: the plan schema's property names and enum values, and each format's own words.
const schema = JSON.parse(read("crates/scaleplan/schema/plan-v1.schema.json"));
const words = new Set();
(function walk(node) {
  if (Array.isArray(node)) return node.forEach(walk);
  if (node === null || typeof node !== "object") return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "properties") Object.keys(value).forEach((k) => words.add(k));
    if (key === "enum" || key === "const") [value].flat().filter((v) => typeof v === "string").forEach((v) => words.add(v));
    walk(value);
  }
})(schema);
const json = ["{", "}", "[", "]", ":", ",", '"', "null", "true", "false", '"1"', '"0"', '"-1"', '"0.5"', '"1e3"',
  '"99999999999999999999999999999"', '"0.0000000000000000000000000001"'];
const plan = [...json, ...[...words].map((w) => `"${w}"`)];
const candleWords = ["time", "open", "high", "low", "close", "volume", "timestamp", "date", "open_time", "close_time",
  "quote_volume", "count", "ignore", "\n", ",", ";", "\t", "T", "Z", "-", ":", "2024-01-01", "1704067200000",
  "retCode", "retMsg", "result", "list", "code", "msg", "data", "category", "symbol"];
const depthWords = ["bids", "asks", "b", "a", "lastUpdateId", "E", "T", "result", "data", "code", "msg", "retCode",
  "retMsg", "ts", "u", "seq", "s"];
const impactWords = ["side", "buy", "sell", "tranches", "kind", "sizes", "equal", "total", "count", "refill",
  "none", "full", "fraction", "rate", "budgetBps", "benchmark", "best", "mid", "quantityStep", "spread", "step",
  "size", "sizeIncrement", "levels", "\u0000"].map((w) => `"${w}"`);
const replayWords = ["intrabar", "conservative", "optimistic", "nearerFirst", "start", "fundingInterval", "8h", "1d",
  "\u0000"].map((w) => `"${w}"`);
const solverWords = ["goal", "size", "leverage", "depth", "buffer", "pricePercent", "stopDistancePercent",
  "riskPercent", "\u0000"].map((w) => `"${w}"`);
const presetWords = ["exchange", "symbol", "model", "asOf", "source", "notes", "tiersSource", "feesSource", "url",
  "retrieved", "fundingIntervalHours", "instrument"].map((w) => `"${w}"`);
const calculatorWords = ["model", "contract", "linear", "inverse", "quantity", "entryPrice", "walletBalance",
  "maintenanceMarginRate", "maintenanceAmount", "tiers", "contractSize", "marginMode", "otherMaintenanceMargin",
  "otherUnrealizedPnl", "takerFeeRate", "tickSize", "isolated", "cross", "long", "short", "notionalFloor",
  "notionalCap", "maxLeverage"].map((w) => `"${w}"`);
const dicts = {
  plan,
  json: [...plan, "\\u", "\\ud800", "\\udc00", "1e", "-0", ".5", "[", "]", "{", "}", ",", ":"],
  share_link: ["p1.", "#p1.", "A", "_", "-", "="],
  candles: [...json, ...candleWords.map((w) => `"${w}"`), ...candleWords],
  depth: [...json, ...depthWords.map((w) => `"${w}"`)],
  impact: [...json, ...depthWords.map((w) => `"${w}"`), ...impactWords],
  replay: [...plan, ...candleWords.map((w) => `"${w}"`), ...replayWords],
  solver: [...plan, ...solverWords],
  presets: [...plan, ...presetWords],
  calculator: [...json, ...calculatorWords, ...[...words].filter((w) => /^[a-z]+$/.test(w)).map((w) => `"${w}"`)],
};

// libFuzzer's dictionary format: one quoted string a line, with \\, \" and \xNN escapes.
const entry = (word) =>
  '"' + [...Buffer.from(word)].map((b) => (b === 0x22 || b === 0x5c || b < 0x20 || b > 0x7e
    ? "\\x" + b.toString(16).padStart(2, "0") : String.fromCharCode(b))).join("") + '"';
mkdirSync(join(FUZZ, "dict"), { recursive: true });
let total = 0;
for (const [target, texts] of seeds) {
  const dir = join(FUZZ, "corpus", target);
  mkdirSync(dir, { recursive: true });
  for (const text of texts) {
    const name = "seed-" + createHash("sha1").update(text).digest("hex").slice(0, 16);
    writeFileSync(join(dir, name), text);
  }
  const dict = [...new Set(dicts[target] ?? [])].map(entry).join("\n") + "\n";
  writeFileSync(join(FUZZ, "dict", `${target}.dict`), dict);
  total += texts.length;
  console.log(`    ${target}: ${texts.length} seeds, ${new Set(dicts[target] ?? []).size} dictionary words`);
}
console.log(`    ${total} seeds in fuzz/corpus/, dictionaries in fuzz/dict/`);
