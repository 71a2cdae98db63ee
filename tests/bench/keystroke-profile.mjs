// Keystroke profile (not a test): Chromium's sampling profiler (CDP Profiler) while the leverage field is edited at
// 100 tranches (or TRANCHES=n), as in keystroke.mjs; prints time per keystroke by function, self and inclusive, and writes
// target/keys.cpuprofile (opens in DevTools). Function names need a wasm that kept its name section: wasm-opt drops
// it, so put wasm-bindgen's output of the cargo build (target/wasm32-unknown-unknown/release/scaleplan-app.wasm,
// not optimized by wasm-opt) in place of a copy of dist/'s wasm and drop index.html's preload link (its integrity).
//
//   node tests/bench/keystroke-profile.mjs <dist folder> [keystrokes, default 60]
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { start, watchedPage } from "../browser/harness.mjs";
const dir = process.argv[2];
const KEYS = Number(process.argv[3] ?? 60);
const TRANCHES = Number(process.env.TRANCHES ?? 100);
const guide = readFileSync(new URL("../../crates/scaleplan/data/examples/guide-btc-ladder.json", import.meta.url), "utf8");
const plan = JSON.parse(guide);
plan.entries = { ladder: { generate: { from: "65000", to: "61000", count: TRANCHES }, total: { quantity: "1" } } };
const env = await start(dir);
const { page, context, problems } = await watchedPage(env, { viewport: { width: 1280, height: 900 } });
await page.addInitScript((text) => { if (!sessionStorage.getItem("s")) { localStorage.setItem("scaleplan.draft.v1", text); sessionStorage.setItem("s", "1"); } }, JSON.stringify(plan));
await page.goto(`${env.origin}/`);
await page.locator(".sp-table tbody tr").first().waitFor();
await page.waitForTimeout(500);
const cdp = await context.newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
const leverage = page.getByLabel("Leverage", { exact: true });
await leverage.click();
await page.keyboard.press("End");
await cdp.send("Profiler.start");
for (let i = 0; i < KEYS; i++) { await page.keyboard.press(i % 2 === 0 ? "Backspace" : "0"); await page.waitForTimeout(30); }
const { profile } = await cdp.send("Profiler.stop");
mkdirSync(new URL("../../target/", import.meta.url), { recursive: true });
writeFileSync(new URL("../../target/keys.cpuprofile", import.meta.url), JSON.stringify(profile));
console.log("problems", problems());
await context.close(); await env.close();
// self and inclusive time per function name
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfT = new Map(), incl = new Map();
const dt = profile.timeDeltas; let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const d = dt[i] ?? 0; let id = profile.samples[i]; const n = byId.get(id);
  const name = n.callFrame.functionName || `(${n.callFrame.url.split("/").pop()})`;
  if (name === "(idle)" || name === "(program)") continue;
  total += d;
  selfT.set(name, (selfT.get(name) ?? 0) + d);
  const seen = new Set();
  while (id !== undefined) { const m = byId.get(id); const nm = m.callFrame.functionName || "(anon)"; if (!seen.has(nm)) { seen.add(nm); incl.set(nm, (incl.get(nm) ?? 0) + d); } id = parent.get(id); }
}
const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([n, t]) => `${(t / 1000 / KEYS).toFixed(3).padStart(7)} ms/key ${(100 * t / total).toFixed(1).padStart(5)}%  ${n.slice(0, 150)}`).join("\n");
console.log(`busy ${(total / 1000 / KEYS).toFixed(2)} ms/key\n== self ==\n${top(selfT, 45)}\n== inclusive ==\n${top(incl, 90)}`);
