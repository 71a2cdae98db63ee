// Every problem at once, each at its field: a bad value typed into every input of the plan shows its message next to
// that input and in the list above the results under the input's own label; two at once are both listed, the last
// valid results stay, and a list item moves the focus to its input.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, watchedPage, ARTIFACTS } from "./harness.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

const listed = (page) => page.getByRole("alert", { name: "Problems to fix" }).locator("li").allTextContents();

/** The label text and error text of the input with `id`. */
const state = (page, id) =>
  page.evaluate((id) => {
    const input = document.getElementById(id);
    const error = document.getElementById(`${id}-error`);
    return {
      label: input.labels?.[0]?.textContent?.trim() ?? "",
      invalid: input.getAttribute("aria-invalid"),
      error: error?.textContent?.trim() ?? "",
      visible: !!(input.offsetWidth || input.offsetHeight || input.getClientRects().length),
    };
  }, id);

test("a bad value in every field is told at that field, in the words on screen", async () => {
  const { page, context, problems } = await watchedPage(env, { viewport: { width: 1280, height: 900 } });
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  // Inputs bound to the plan have ids f-…; free text (a name, a symbol) has no bad value, and the replay's and the
  // market-impact panel's own settings (f-replay-…, f-impact-…) are not fields of the plan.
  const ids = await page.$$eval('input[id^="f-"]', (inputs) =>
    inputs
      .filter((i) => !["f-name", "f-instrument-symbol"].includes(i.id) && !/^f-(replay|impact)-/.test(i.id))
      .map((i) => i.id),
  );
  assert.ok(ids.length >= 20, `only ${ids.length} inputs found`);
  for (const id of ids) {
    const input = page.locator(`#${id}`);
    const before = await input.inputValue();
    await input.fill("x");
    const s = await state(page, id);
    assert.ok(s.visible, `${id} is on screen`);
    assert.equal(s.invalid, "true", `${s.label} is marked invalid`);
    assert.ok(s.error.length > 0, `${s.label} shows its message`);
    const items = await listed(page);
    assert.ok(items.some((t) => t.startsWith(`${s.label}: `)), `${s.label} is listed by its label: ${JSON.stringify(items)}`);
    await input.fill(before);
  }
  assert.deepEqual(await listed(page), [], "every field restored, nothing listed");
  assert.deepEqual(problems(), []);
  await context.close();
});

test("two bad values: both shown, results kept, and a list item takes the focus to its field", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  const lastAverage = await page.locator('.sp-table td[data-col="averageEntry"]').last().textContent();
  await page.getByLabel("Leverage", { exact: true }).fill("ten");
  await page.getByLabel("Tranche 2 price").fill("-5");
  const items = await listed(page);
  assert.equal(items.length, 2, JSON.stringify(items));
  assert.match(await page.getByRole("alert", { name: "Problems to fix" }).textContent(), /2 problems to fix/);
  assert.ok(items.some((t) => t.startsWith("Leverage: ")));
  assert.ok(items.some((t) => t.startsWith("Tranche 2 price: must be above 0")), JSON.stringify(items));
  assert.equal(await page.locator('.sp-table td[data-col="averageEntry"]').last().textContent(), lastAverage, "the last valid results stay");
  await page.getByRole("button", { name: /^Tranche 2 price: / }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), "f-entries-ladder-tranches-1-price");

  // A tier cap that breaks the next tier's floor is told at that floor, in the inputs' words.
  await page.getByLabel("Leverage", { exact: true }).fill("10");
  await page.getByLabel("Tranche 2 price").fill("64000");
  await page.getByLabel("Tier 1 cap").fill("1001");
  const tiers = await listed(page);
  assert.deepEqual(tiers, ["Tier 2 floor: must equal the previous tier's cap (1001); list tiers in ascending order without gaps"]);
  assert.match(await page.locator("#f-instrument-tiers-1-notionalFloor-error").textContent(), /previous tier/);
  await page.screenshot({ path: `${ARTIFACTS}problems.png` });
  assert.deepEqual(problems(), []);
  await context.close();
});
