// The npm package, as wasm-pack built it, used from Node the way a consumer would.
// Run by scripts/test after scripts build it into target/npm/scaleplan.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const dir = new URL("../../target/npm/scaleplan/", import.meta.url);
const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8"));
const api = await import(new URL(pkg.main, dir));
api.initSync({ module: readFileSync(new URL("scaleplan_bg.wasm", dir)) });

test("the package is named scaleplan and ships its TypeScript types", () => {
  assert.equal(pkg.name, "scaleplan");
  const types = readFileSync(new URL(pkg.types, dir), "utf8");
  assert.match(types, /export function averageEntry\(fills: Fill\[\], contract\?: ContractKind \| null\): DecimalString;/);
  assert.match(types, /export interface Fill \{/);
});

test("the package ships every file it lists, with its licences and NOTICE", () => {
  for (const f of ["LICENSE-MIT", "LICENSE-APACHE", "NOTICE"]) assert.ok(pkg.files.includes(f), `files lists ${f}`);
  for (const f of pkg.files) assert.ok(readFileSync(new URL(f, dir)).length > 0, `${f} is in the package`);
  assert.match(readFileSync(new URL("NOTICE", dir), "utf8"), /^rust_decimal \S+ {2}\[app, npm\]$/m);
});

test("averageEntry weights by quantity, exactly (Bybit's example)", () => {
  const fills = [
    { price: "10000", quantity: "1" },
    { price: "13000", quantity: "2" },
  ];
  assert.equal(api.averageEntry(fills), "12000");
});

test("averageEntry is harmonic for inverse contracts (Bybit's example)", () => {
  const fills = [
    { price: "10000", quantity: "50" },
    { price: "15000", quantity: "50" },
  ];
  assert.equal(api.averageEntry(fills, { kind: "inverse", contractSize: "100" }), "12000");
});

test("decimals stay exact where floating point would not", () => {
  const fills = [
    { price: "0.1", quantity: "1" },
    { price: "0.2", quantity: "1" },
  ];
  assert.equal(api.averageEntry(fills), "0.15");
});

test("bad input throws an Error naming the field", () => {
  assert.throws(() => api.averageEntry([{ price: "10000", quantity: "1" }, { price: "-1", quantity: "1" }]), {
    message: "fills[1].price: must be above 0",
  });
  assert.throws(() => api.averageEntry([{ price: 10000, quantity: "1" }]), (e) => {
    assert.match(e.message, /^fills\[0\]\.price: /);
    return true;
  });
  assert.throws(() => api.averageEntry([]), { message: "fills: must hold at least one fill" });
  assert.throws(() => api.averageEntry("nonsense"), /^Error: fills: /);
});
