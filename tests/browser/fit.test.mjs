// The solver in the planner: the guide's BTC ladder fitted to its 2 % risk budget with "Fit leverage" and then
// "Fit size", each answer shown with what binds before it is applied, every warning gone after, and Undo.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, watchedPage, ARTIFACTS } from "./harness.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

const warnings = (page) => page.locator(".sp-results li[data-kind]");

test("the guide's ladder fits its 2 % budget by leverage then size, and every warning goes", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  assert.equal(await page.getByLabel("Risk per plan (%)").inputValue(), "2");
  assert.ok((await warnings(page).count()) > 0, "the guide's ladder starts with warnings");

  // At 10x no size can fit: tranche 1's own liquidation is too near the stop. The card says so and offers nothing
  // to apply.
  await page.getByRole("button", { name: "Fit size" }).click();
  const sizeCard = page.getByRole("status", { name: "Fit size" });
  await sizeCard.waitFor();
  assert.match(await sizeCard.textContent(), /No size fits: .*Tranche 1's liquidation at 58735/);
  assert.equal(await sizeCard.getByRole("button", { name: "Apply" }).count(), 0);
  await sizeCard.getByRole("button", { name: "Dismiss" }).click();

  await page.getByRole("button", { name: "Fit leverage" }).click();
  const leverageCard = page.getByRole("status", { name: "Fit leverage" });
  assert.match(await leverageCard.textContent(), /Fit leverage: leverage 8× \(now 10×\)\..*One step further, tranche 1's liquidation at 58009\.9/);
  assert.equal(await page.getByLabel("Leverage", { exact: true }).inputValue(), "10", "nothing changes before Apply");
  await leverageCard.getByRole("button", { name: "Apply" }).click();
  assert.equal(await page.getByLabel("Leverage", { exact: true }).inputValue(), "8");

  await page.getByRole("button", { name: "Fit size" }).click();
  const fitted = page.getByRole("status", { name: "Fit size" });
  assert.match(await fitted.textContent(), /Fit size: total quantity 0\.063 \(now 1\.000\)\..*the loss at the stop after tranche 4, 206\.1867, is above the risk budget of 200/);
  await fitted.getByRole("button", { name: "Apply" }).click();
  assert.equal(await page.getByLabel("Total quantity").inputValue(), "0.063");
  await page.locator('.sp-table td[data-col="lossAtStop"]').last().filter({ hasText: "194.56" }).waitFor();
  assert.equal(await warnings(page).count(), 0, "every warning gone");
  await page.screenshot({ path: `${ARTIFACTS}fit-applied.png`, fullPage: false });

  // Undo restores the plan as it was before the size fit.
  await page.getByRole("button", { name: "Undo fit size" }).click();
  assert.equal(await page.getByLabel("Total quantity").inputValue(), "1");
  assert.equal(await page.getByLabel("Leverage", { exact: true }).inputValue(), "8");
  assert.ok((await warnings(page).count()) > 0);

  assert.deepEqual(problems(), []);
  await context.close();
});
