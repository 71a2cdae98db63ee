// The scale-out planner in a real Chromium, driven by labels and roles: the guide's 5 ETH scale-out step by step,
// the stop rule switched to a trailing distance, a rule added at an R multiple, and a bad value shown next to its
// field while the last results stay on screen.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, watchedPage, ARTIFACTS } from "./harness.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

/** The step table as [{ step, left, stop }], one per step row (warning rows left out). */
const steps = (page) =>
  page.evaluate(() => {
    const table = document.querySelector('table[data-table="exits"]');
    if (!table) return [];
    const headers = [...table.querySelectorAll("thead th")].map((th) => th.textContent);
    const column = (name) => headers.indexOf(name);
    return [...table.querySelectorAll("tbody tr:not(.sp-warning-row)")].map((row) => {
      const cells = [...row.children].map((c) => c.textContent);
      return { step: cells[0], left: cells[column("Left")], stop: cells[column("Stop")] };
    });
  });

/** Waits until the step table satisfies `check` (given the rows), then returns the rows. */
async function stepsWhen(page, check, what) {
  const deadline = Date.now() + 5000;
  let rows = [];
  while (Date.now() < deadline) {
    rows = await steps(page);
    if (check(rows)) return rows;
    await page.waitForTimeout(50);
  }
  assert.fail(`${what}; the table shows ${JSON.stringify(rows)}`);
}

const number = (text) => Number(text.replaceAll(",", ""));

/** The message shown next to the input labelled `label` (the element its aria-describedby names last). */
async function messageOf(page, label) {
  const input = page.getByLabel(label, { exact: true });
  const ids = (await input.getAttribute("aria-describedby")).split(" ");
  return (await page.locator(`[id="${ids.at(-1)}"]`).textContent()).trim();
}

test("the guide's 5 ETH scale-out: steps, a trailing stop, an R-triggered rule, a bad value", async () => {
  const { page, context, problems } = await watchedPage(env, { viewport: { width: 1280, height: 900 } });
  await page.goto(`${env.origin}/`);
  await page.getByRole("button", { name: "Guide: 5 ETH scale-out" }).click();

  // 25 %, 40 % and 35 % of the original 5 ETH: 5 → 3.75 → 1.75 → 0.
  let rows = await stepsWhen(page, (r) => r.length === 4, "four steps (as held and three targets)");
  assert.deepEqual(rows.map((r) => r.left), ["5.000", "3.750", "1.750", "0.000"]);
  assert.equal(number(rows[0].stop), 2850, "the initial stop as held");
  // The average entry is 3,000 (2.5 at 3,050 and 2.5 at 2,950); breakeven with fees is just above it.
  const breakeven = number(rows[1].stop);
  assert.ok(breakeven > 3000 && breakeven < 3010, `the stop after target 1 is the breakeven, above the entry: ${rows[1].stop}`);

  // Trail by a distance: until a distance is typed, the message is next to the field and the results stay.
  await page.getByLabel("Stop rule 1 moves the stop to", { exact: true }).selectOption({ label: "trailing by a distance" });
  const distance = page.getByLabel("Stop rule 1 trailing distance", { exact: true });
  await distance.waitFor();
  assert.notEqual(await messageOf(page, "Stop rule 1 trailing distance"), "", "the empty distance is named");
  assert.equal((await steps(page))[1].stop, rows[1].stop, "the last results stay");
  await distance.fill("100");
  rows = await stepsWhen(page, (r) => r[1]?.stop === "3,200.00", "the stop trails 100 behind target 1 at 3,300");
  assert.equal(rows[2].stop, "3,500.00", "and 100 behind target 2 at 3,600");
  assert.equal(await messageOf(page, "Stop rule 1 trailing distance"), "");

  // A second rule at +1.5R (R = 3,000 − 2,850 = 150, so at 3,225) moving the stop to the entry.
  await page.getByRole("button", { name: "Add stop rule" }).click();
  await page.getByLabel("Stop rule 2 fires", { exact: true }).selectOption({ label: "at an R multiple" });
  await page.getByLabel("Stop rule 2 at (R)", { exact: true }).waitFor();
  assert.notEqual(await messageOf(page, "Stop rule 2 at (R)"), "", "the empty R is named");
  await page.getByLabel("Stop rule 2 at (R)", { exact: true }).fill("1.5");
  await page.getByLabel("Stop rule 2 moves the stop to", { exact: true }).selectOption({ label: "the average entry" });
  rows = await stepsWhen(page, (r) => r.length === 5 && r[1].stop === "3,000.00", "a step at +1.5R with the stop at the entry");
  assert.match(rows[1].step, /stop rule 2/i);
  assert.equal(rows[1].left, "5.000", "a stop rule closes nothing");

  // A bad price: its message is next to its field and the last results stay.
  await page.getByLabel("Target 2 price", { exact: true }).fill("36x00");
  await page.waitForFunction(() => document.querySelector("#f-exits-targets-1-price")?.getAttribute("aria-invalid") === "true");
  assert.match(await messageOf(page, "Target 2 price"), /not a number/);
  assert.deepEqual(await steps(page), rows, "the last results stay while the price is fixed");

  await page.locator("legend", { hasText: "Scale-out plan" }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${ARTIFACTS}exits-1280.png`, fullPage: true });
  await page.locator("fieldset", { has: page.locator("legend", { hasText: "Scale-out plan" }) }).screenshot({ path: `${ARTIFACTS}exits-panel-1280.png` });

  // At 360 px wide, with every group open, nothing is wider than the page (the table scrolls in its own region).
  await page.getByRole("button", { name: "Add de-risking" }).click();
  await page.getByRole("button", { name: "Add further de-risking steps" }).click();
  await page.getByRole("button", { name: "Add a defensive exit" }).click();
  await page.setViewportSize({ width: 360, height: 800 });
  await page.getByLabel("Further steps trail the stop", { exact: true }).waitFor();
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `the page is ${wide} px wide at 360 px`);
  await page.locator("fieldset.sp-exits").screenshot({ path: `${ARTIFACTS}exits-panel-360.png` });
  assert.deepEqual(problems(), []);
  await context.close();
});
