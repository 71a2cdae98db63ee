// The cockpit's layout: the key results of the guide's example on the first screen at 1280×800 and at 360×740, the
// summary in view while the inputs scroll on a wide screen, the table inside its column, and on a phone the summary
// before the inputs with the contract specs folded. Screenshots of both first screens are kept as artifacts.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, watchedPage, ARTIFACTS } from "./harness.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

const KEY = ["Average entry", "Breakeven", "Liquidation", "Loss at stop", "R at stop", "Warnings"];

/** Bounding boxes of the key summary figures, by label. */
const figures = (page) =>
  page.evaluate((labels) => {
    const out = {};
    for (const el of document.querySelectorAll(".sp-summary .sp-figure")) {
      const label = el.querySelector("dt")?.textContent?.trim();
      if (labels.includes(label)) {
        const r = el.getBoundingClientRect();
        out[label] = { top: r.top, bottom: r.bottom, left: r.left, right: r.right, text: el.querySelector("dd")?.textContent };
      }
    }
    return out;
  }, KEY);

function assertOnScreen(boxes, width, height, when) {
  for (const label of KEY) {
    const b = boxes[label];
    assert.ok(b, `${label} is shown ${when}`);
    assert.ok(b.top >= 0 && b.bottom <= height && b.left >= 0 && b.right <= width, `${label} is on the screen ${when}: ${JSON.stringify(b)}`);
  }
}

test("at 1280×800 the key results are on the first screen and stay there while the inputs scroll", async () => {
  const { page, context, problems } = await watchedPage(env, { viewport: { width: 1280, height: 800 } });
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  const first = await figures(page);
  assertOnScreen(first, 1280, 800, "on the first screen");
  assert.equal(first["Average entry"].text, "63,200.0");
  await page.screenshot({ path: `${ARTIFACTS}first-screen-1280x800.png` });

  // The results sit right of the inputs, and the table scrolls inside its own box, not the page.
  const layout = await page.evaluate(() => {
    const box = (s) => document.querySelector(s).getBoundingClientRect();
    const wrap = document.querySelector(".sp-results .sp-table-wrap");
    return { inputs: box(".sp-inputs"), results: box(".sp-results"), wrap: wrap.getBoundingClientRect(), page: document.documentElement.scrollWidth };
  });
  assert.ok(layout.results.left >= layout.inputs.right, "results beside the inputs");
  assert.ok(layout.wrap.right <= layout.results.right + 1, "the table fits its column");
  assert.ok(layout.page <= 1280, `no sideways scrolling of the page (${layout.page} px)`);

  // Scroll the page down to the tranche inputs: the summary is still in view.
  await page.getByLabel("Tranche 4 price").scrollIntoViewIfNeeded();
  assert.ok(await page.evaluate(() => window.scrollY) > 300, "the page scrolled");
  assertOnScreen(await figures(page), 1280, 800, "after scrolling to the tranches");
  assert.deepEqual(problems(), []);
  await context.close();
});

test("at 360×740 the summary comes first, the inputs fold, and the key results are on the first screen", async () => {
  const { page, context, problems } = await watchedPage(env, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  assertOnScreen(await figures(page), 360, 740, "on a phone's first screen");
  await page.screenshot({ path: `${ARTIFACTS}first-screen-360x740.png` });
  const order = await page.evaluate(() => ({
    summary: document.querySelector(".sp-summary").getBoundingClientRect().top,
    inputs: document.querySelector(".sp-inputs").getBoundingClientRect().top,
    table: document.querySelector(".sp-table-wrap").getBoundingClientRect().top,
    folded: document.querySelector(".sp-inputs details.sp-fold")?.open,
  }));
  assert.ok(order.summary < order.inputs && order.inputs < order.table, `summary, inputs, table: ${JSON.stringify(order)}`);
  assert.equal(order.folded, false, "the contract specs and tiers are folded once chosen");
  // Unfolding shows the fields; a bad value there keeps the group open with its message.
  await page.locator(".sp-inputs details.sp-fold > summary").first().click();
  await page.getByLabel("Tick size").fill("-1");
  assert.equal(await page.getByLabel("Tick size").getAttribute("aria-invalid"), "true");
  assert.deepEqual(problems(), []);
  await context.close();
});
