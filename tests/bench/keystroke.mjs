// Keystroke benchmark (not a test): how long one keystroke in the planner takes to reach the DOM and the next
// paint, on the release build in headless Chromium, at 10 and 100 tranches.
//
// For each plan, the page is opened with the plan in local storage, then the leverage field is edited one key at a
// time (Backspace, then a digit, alternating, so every keystroke changes every row's liquidation). Per keystroke:
// - DOM: from the input event's timestamp to the first MutationObserver callback on the results (the app's
//   update has reached the document);
// - frame: from the same timestamp to a requestAnimationFrame callback after that mutation, then a task after it
//   (the frame that shows the change has been produced);
// - Event Timing: the browser's own `event` entries for the keystrokes (duration = input to next paint, in 8 ms
//   steps; only events of 16 ms or more are reported, so "none" means every keystroke painted within a frame).
// The table goes to stdout and target/bench-keystroke.md.
//
//   node tests/bench/keystroke.mjs [keystrokes per plan, default 60]    (after scripts/test or trunk build --release)
import { writeFileSync, mkdirSync } from "node:fs";
import { start, watchedPage } from "../browser/harness.mjs";

const KEYS = Number(process.argv[2] ?? 60);
const guide = (await import("node:fs")).readFileSync(
  new URL("../../crates/scaleplan/data/examples/guide-btc-ladder.json", import.meta.url),
  "utf8",
);

/** The guide's plan with `count` generated rungs from 65,000 down to 61,000, 1 BTC in all. */
function planWith(count) {
  const plan = JSON.parse(guide);
  plan.entries = { ladder: { generate: { from: "65000", to: "61000", count }, total: { quantity: "1" } } };
  return plan;
}

const quantile = (xs, q) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

async function measure(env, count) {
  const { page, context, problems } = await watchedPage(env, { viewport: { width: 1280, height: 900 } });
  await page.addInitScript((text) => {
    if (!sessionStorage.getItem("bench-seeded")) {
      localStorage.setItem("scaleplan.draft.v1", text);
      sessionStorage.setItem("bench-seeded", "1");
    }
  }, JSON.stringify(planWith(count)));
  await page.goto(`${env.origin}/`);
  // The table renders the rows near the view (results.rs, rows_in_view): wait for the first, then for the page to
  // settle.
  await page.locator(".sp-table tbody tr[aria-rowindex]").first().waitFor();
  await page.waitForTimeout(300);
  const rendered = await page.locator(".sp-table tbody tr[aria-rowindex]").count();
  await page.evaluate(() => {
    window.__bench = { dom: [], frame: [], events: [] };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === "keydown" || e.name === "input" || e.name === "keyup") window.__bench.events.push(e.duration);
    }).observe({ type: "event", durationThreshold: 16, buffered: false });
    const results = document.querySelector(".sp-results");
    let pending = null;
    document.addEventListener("input", (e) => { pending = e.timeStamp; }, true);
    new MutationObserver(() => {
      if (pending === null) return;
      const t0 = pending;
      pending = null;
      window.__bench.dom.push(performance.now() - t0);
      requestAnimationFrame(() => setTimeout(() => window.__bench.frame.push(performance.now() - t0), 0));
    }).observe(results, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  const leverage = page.getByLabel("Leverage", { exact: true });
  await leverage.click();
  await page.keyboard.press("End");
  for (let i = 0; i < KEYS; i++) {
    // "10" → "1" → "10": every keystroke moves every tranche's liquidation.
    await page.keyboard.press(i % 2 === 0 ? "Backspace" : "0");
    await page.waitForTimeout(50);
  }
  await page.waitForTimeout(300);
  const bench = await page.evaluate(() => window.__bench);
  const issues = problems();
  await context.close();
  return { count, rendered, ...bench, issues };
}

const env = await start();
const rows = [];
try {
  for (const count of [10, 100]) rows.push(await measure(env, count));
} finally {
  await env.close();
}

const ms = (x) => (Number.isFinite(x) ? x.toFixed(1) : "–");
const lines = [
  `Keystroke in the leverage field, release build, headless Chromium, ${KEYS} keystrokes per plan (${new Date().toISOString().slice(0, 10)}).`,
  "",
  "| tranches (rows rendered) | DOM p50 (ms) | DOM p95 (ms) | next frame p50 (ms) | next frame p95 (ms) | Event Timing ≥ 16 ms (of keystroke events) | Event Timing p95 |",
  "|---|---|---|---|---|---|---|",
  ...rows.map((r) =>
    `| ${r.count} (${r.rendered}) | ${ms(quantile(r.dom, 0.5))} | ${ms(quantile(r.dom, 0.95))} | ${ms(quantile(r.frame, 0.5))} | ${ms(quantile(r.frame, 0.95))} | ${r.events.length} of ${KEYS * 3} | ${r.events.length ? ms(quantile(r.events, 0.95)) : "none"} |`,
  ),
];
for (const r of rows) if (r.issues.length) lines.push("", `problems at ${r.count}: ${r.issues.join("; ")}`);
if (rows.some((r) => r.dom.length < KEYS * 0.9)) lines.push("", "warning: some keystrokes produced no mutation of the results");
const text = lines.join("\n") + "\n";
process.stdout.write(text);
mkdirSync(new URL("../../target/", import.meta.url), { recursive: true });
writeFileSync(new URL("../../target/bench-keystroke.md", import.meta.url), text);
