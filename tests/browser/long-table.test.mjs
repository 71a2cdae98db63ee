// A long ladder's tranche table renders only the rows near the view (app/src/results.rs, rows_in_view): spacer rows
// keep the table's height, scrolling brings the other rows in with the same figures a whole table shows, the table
// tells assistive technology its full length, and printing renders every row.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { start, watchedPage } from "./harness.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

const COUNT = 200;
const guide = readFileSync(new URL("../../crates/scaleplan/data/examples/guide-btc-ladder.json", import.meta.url), "utf8");
const plan = JSON.parse(guide);
plan.entries = { ladder: { generate: { from: "65000", to: "61000", count: COUNT }, total: { quantity: "1" } } };

/** The rendered tranche rows: their 1-based numbers and the texts of their cells by column. */
const rendered = (page) =>
  page.evaluate(() =>
    [...document.querySelectorAll(".sp-results .sp-table tbody tr[aria-rowindex]")].map((tr) => ({
      n: Number(tr.querySelector("th").textContent),
      rowindex: Number(tr.getAttribute("aria-rowindex")),
      cells: Object.fromEntries([...tr.querySelectorAll("td[data-col]")].map((td) => [td.dataset.col, td.textContent])),
      top: tr.getBoundingClientRect().top,
      bottom: tr.getBoundingClientRect().bottom,
    })),
  );

test("a 200-tranche table renders the rows in view, scrolls through all of them, and prints whole", async () => {
  const { page, context, problems } = await watchedPage(env, { viewport: { width: 1280, height: 900 } });
  await page.addInitScript((text) => {
    if (!sessionStorage.getItem("long-seeded")) {
      localStorage.setItem("scaleplan.draft.v1", text);
      sessionStorage.setItem("long-seeded", "1");
    }
  }, JSON.stringify(plan));
  await page.goto(`${env.origin}/`);
  await page.locator(".sp-table tbody tr[aria-rowindex]").first().waitFor();
  await page.waitForTimeout(300);

  assert.equal(await page.locator(".sp-results .sp-table").getAttribute("aria-rowcount"), String(COUNT + 1));
  const first = await rendered(page);
  assert.ok(first.length >= 24 && first.length < COUNT / 2, `only the rows near the view are rendered (${first.length})`);
  assert.deepEqual(first.map((r) => r.n), first.map((_, i) => i + 1), "from the first row, in order");
  assert.ok(first.every((r) => r.rowindex === r.n + 1), "each row tells its place in the whole table");
  const table = await page.locator(".sp-results .sp-table").boundingBox();
  const rowHeight = first[1].top - first[0].top;
  assert.ok(table.height > COUNT * rowHeight * 0.95, `the table keeps the height of all its rows (${table.height} px)`);

  // A keystroke updates the rendered rows: half the leverage, twice the margin.
  const margin = (text) => Number(text.replaceAll(",", ""));
  await page.getByLabel("Leverage", { exact: true }).fill("5");
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForFunction((before) => {
    const text = document.querySelector('.sp-table tbody tr[aria-rowindex="2"] td[data-col="marginUsed"]')?.textContent;
    return text !== undefined && text !== before;
  }, first[0].cells.marginUsed);
  const top = await rendered(page);
  const after = top.find((r) => r.n === 1).cells.marginUsed;
  assert.ok(Math.abs(margin(after) - 2 * margin(first[0].cells.marginUsed)) <= 0.02, `margin ${first[0].cells.marginUsed} → ${after}`);

  // Printing renders every row; the figures are those of the rows as rendered near the view.
  await page.evaluate(() => window.dispatchEvent(new Event("beforeprint")));
  await page.locator(".sp-table tbody tr[aria-rowindex]").nth(COUNT - 1).waitFor();
  const whole = await rendered(page);
  assert.equal(whole.length, COUNT);
  assert.equal(await page.locator(".sp-table .sp-spacer").count(), 0, "no spacer while every row is rendered");
  for (const row of top) assert.deepEqual(row.cells, whole[row.n - 1].cells, `row ${row.n}`);
  assert.equal(whole[COUNT - 1].cells.cumulativeQuantity, "1.000", "the last tranche completes the total");
  await page.evaluate(() => window.dispatchEvent(new Event("afterprint")));
  await page.waitForFunction((count) => document.querySelectorAll(".sp-table tbody tr[aria-rowindex]").length < count, COUNT);

  // Scrolled to the end of the table, the last rows are rendered where the view is, with the whole table's figures.
  await page.evaluate(() => {
    const table = document.querySelector(".sp-results .sp-table");
    window.scrollTo(0, window.scrollY + table.getBoundingClientRect().bottom - window.innerHeight + 10);
  });
  await page.locator(`.sp-table tbody tr[aria-rowindex="${COUNT + 1}"]`).waitFor();
  const last = await rendered(page);
  assert.ok(last.length < COUNT / 2, `still only the rows near the view (${last.length})`);
  const inView = last.filter((r) => r.bottom > 0 && r.top < 900);
  assert.ok(inView[0].top <= 0, `rendered rows fill the view from its top: ${JSON.stringify(last.map((r) => [r.n, Math.round(r.top)]))}`);
  assert.equal(inView.at(-1).n, COUNT, "the last row is in view");
  for (const row of last) assert.deepEqual(row.cells, whole[row.n - 1].cells, `row ${row.n} after scrolling`);

  // Halfway down: the rows in the view are the rows that belong there.
  await page.evaluate(() => {
    const table = document.querySelector(".sp-results .sp-table");
    window.scrollTo(0, window.scrollY + table.getBoundingClientRect().top + table.getBoundingClientRect().height / 2 - 300);
  });
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll(".sp-table tbody tr[aria-rowindex]")];
    return rows.some((tr) => { const r = tr.getBoundingClientRect(); return r.top >= 0 && r.bottom <= 900; });
  });
  await page.waitForTimeout(100);
  const middle = await rendered(page);
  const spans = (y) => middle.some((r) => r.top <= y && y < r.bottom + 200);
  assert.ok(spans(0) && spans(899), `rendered rows fill the view: ${JSON.stringify(middle.map((r) => [r.n, Math.round(r.top)]))}`);
  const visible = middle.filter((r) => r.top >= 0 && r.bottom <= 900);
  const mid = visible[0].n;
  assert.ok(mid > 60 && mid < 140, `the rows halfway down are the middle tranches (${mid})`);

  assert.deepEqual(problems(), []);
  await context.close();
});
