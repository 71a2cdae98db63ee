// The planner's outputs in a real Chromium, driven by labels and roles: the summary and warnings per row as the
// leverage changes, the legend by keyboard, the charts' text alternatives, a replay over the bundled sample, and
// the market-impact panel on a pasted depth snapshot. Records the time to the first results.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { start, watchedPage, ARTIFACTS } from "./harness.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

const SNAPSHOT = readFileSync(new URL("../data/impact/binance_spot_btcusdt_depth.json", import.meta.url), "utf8");

/** Which table rows (1-based) carry a warning of `kind`: each warning row follows the row it concerns. */
const flaggedRows = (page, kind) =>
  page.evaluate((kind) => {
    const rows = [...document.querySelectorAll(".sp-results .sp-table tbody tr")];
    const out = [];
    rows.forEach((row, i) => {
      if (row.classList.contains("sp-warning-row") && row.querySelector(`li[data-kind="${kind}"]`)) {
        out.push(Number(rows[i - 1].querySelector("th").textContent));
      }
    });
    return out;
  }, kind);

test("leverage moves liquidation past the stop on the right rows; summary, legend and charts", async () => {
  const { page, context, problems } = await watchedPage(env, { viewport: { width: 1280, height: 900 } });
  // performance.now() counts from navigation start: record it when the first result cell appears.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector(".sp-table td")) {
        window.__firstResults = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(`${env.origin}/`);
  await page.locator(".sp-results .sp-table").waitFor();
  const firstResultsMs = await page.evaluate(() => window.__firstResults);
  assert.ok(firstResultsMs > 0, "the time to the first results was recorded");
  console.log(`time from navigation to the first results: ${firstResultsMs.toFixed(1)} ms`);
  writeFileSync(`${ARTIFACTS}outputs-timing.json`, JSON.stringify({ firstResultsMs, at: new Date().toISOString() }, null, 2));

  const summary = page.getByRole("definition").filter({ hasText: "63,200.0" });
  assert.ok(await summary.count() >= 1, "the summary shows the final average entry");

  await page.getByLabel("Leverage", { exact: true }).fill("20");
  await page.waitForFunction(() => document.querySelectorAll('li[data-kind="liquidationBeforeStop"]').length === 4);
  assert.deepEqual(await flaggedRows(page, "liquidationBeforeStop"), [1, 2, 3, 4]);
  const first = page.locator('li[data-kind="liquidationBeforeStop"]').first();
  assert.match(await first.textContent(), /^Liquidated before the stop: After tranche 1 /);

  await page.getByLabel("Leverage", { exact: true }).fill("3");
  await page.waitForFunction(() => document.querySelectorAll('li[data-kind="liquidationBeforeStop"]').length === 0);
  assert.deepEqual(await flaggedRows(page, "liquidationBeforeStop"), []);
  await page.getByLabel("Leverage", { exact: true }).fill("10");
  await page.waitForFunction(() => document.querySelectorAll('.sp-results td[data-col="averageEntry"]')[3]?.textContent === "63,200.0");

  // The legend opens by keyboard and every column header is described by its entry.
  const legend = page.locator("summary", { hasText: "How each figure is computed" });
  await legend.focus();
  await page.keyboard.press("Enter");
  await page.locator("#sp-help-liquidationBeforeStop").waitFor({ state: "visible" });
  const described = await page.locator(".sp-results thead th[aria-describedby]").evaluateAll((ths) =>
    ths.every((th) => document.getElementById(th.getAttribute("aria-describedby"))?.textContent.length > 20),
  );
  assert.ok(described, "every header points at a help text");

  for (const name of [/^The ladder on a price axis/, /^PnL against the exit price/]) {
    const chart = page.getByRole("img", { name });
    await chart.waitFor();
    const desc = await chart.locator("desc").textContent();
    assert.ok(desc.length > 40, `the chart has a description: ${desc}`);
  }
  assert.match(await page.locator("#sp-ladder-desc").textContent(), /^4 tranches from 65,000.0 to 61,000.0/);

  await page.screenshot({ path: `${ARTIFACTS}outputs-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 360, height: 800 });
  await page.screenshot({ path: `${ARTIFACTS}outputs-360.png`, fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scrolling of the page at 360 px (${overflow} px)`);
  assert.deepEqual(problems(), []);
  await context.close();
});

test("a replay over the bundled sample lists its events and draws them", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.locator(".sp-results .sp-table").waitFor();
  // The example priced for the sample (3,500 / 3,400 in January 2019, exits at 5,000 and 8,000; the events are
  // worked by hand in tests/data/replay/replays.txt, case real-btc-2019).
  await page.getByRole("button", { name: "Sample replay: BTC 2019" }).click();
  await page.getByRole("button", { name: "Use the sample (BTC daily 2014–2019)" }).click();
  assert.equal(await page.getByLabel("Start (UTC date)").inputValue(), "2019-01-20");
  const events = page.locator('table[data-table="replay"] tbody tr');
  await events.first().waitFor();
  const whats = await page.locator('table[data-table="replay"] tbody th').allTextContents();
  assert.deepEqual(whats, ["Tranche 1 filled", "Tranche 2 filled", "Exit step 1 filled", "Stop moved from 3000", "Exit step 2 filled", "End of data"]);
  await page.getByRole("img", { name: /^The replay over the candles/ }).waitFor();
  assert.equal(await page.locator('svg[data-chart="replay"] .sp-marker').count(), 6);

  // A bad file: its row and column are named, the plan and its results stay.
  await page.getByLabel("Candles file (CSV or JSON)").setInputFiles({
    name: "bad.csv",
    mimeType: "text/csv",
    buffer: Buffer.from("time,open,high,low,close\n2024-05-01,65200,65100,64000,65000\n"),
  });
  await page.locator(".sp-output-panel .sp-error", { hasText: "bad.csv: row 2, high" }).waitFor();
  assert.equal((await page.locator('.sp-results td[data-col="averageEntry"]').allTextContents()).at(-1), "3,450.0");
  assert.deepEqual(problems(), []);
  await context.close();
});

test("the impact panel compares a lump sum with tranches on a pasted snapshot", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.locator(".sp-results .sp-table").waitFor();
  await page.getByLabel("Depth snapshot (JSON)").fill(SNAPSHOT);
  const result = page.locator('[data-impact="result"]');
  await result.waitFor();
  await page.getByRole("heading", { name: "Lump sum", exact: true }).waitFor();
  await page.getByRole("heading", { name: "In 4 tranches" }).waitFor();
  assert.equal(await result.locator("dt", { hasText: "Average fill" }).count(), 2);
  assert.match(await page.locator(".sp-output-panel .sp-outcome").last().textContent(), /^Tranches save /);
  await page.getByLabel("Refill between tranches").fill("none");
  await page.locator(".sp-output-panel .sp-outcome", { hasText: "Tranches save 0.00" }).waitFor();
  assert.deepEqual(problems(), []);
  await context.close();
});
