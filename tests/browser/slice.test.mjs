// The first vertical slice, in a real Chromium: type fills into labelled inputs, read the average, survive bad input.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, watchedPage, ARTIFACTS } from "./harness.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

test("typing fills shows their average entry as you type; a bad entry gets a message and the page keeps working", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  const average = page.getByRole("status");
  await assert.doesNotReject(page.getByLabel("Fill 1 price").waitFor());

  await page.getByLabel("Fill 1 price").fill("10000");
  await page.getByLabel("Fill 1 quantity").fill("1");
  await page.getByLabel("Fill 2 price").fill("13000");
  await page.getByLabel("Fill 2 quantity").fill("2");
  await page.waitForFunction(() => document.querySelector("output")?.textContent?.includes("12000"));
  assert.equal(await average.textContent(), "12000");

  // A third fill changes the average at once.
  await page.getByRole("button", { name: "Add fill" }).click();
  await page.getByLabel("Fill 3 price").fill("11000");
  await page.getByLabel("Fill 3 quantity").fill("1");
  await page.waitForFunction(() => document.querySelector("output")?.textContent?.includes("11750"));

  // A bad entry: a message next to the field naming it; the text stays as typed; the rest keeps working.
  await page.getByLabel("Fill 2 price").fill("13,000x");
  const message = page.locator("#fill-1-price-error");
  await page.waitForFunction(() => document.querySelector("#fill-1-price-error")?.textContent !== "");
  assert.match(await message.textContent(), /^fill 2 price: `13,000x` is not a number/);
  assert.equal(await page.getByLabel("Fill 2 price").inputValue(), "13,000x");
  assert.equal(await page.getByLabel("Fill 2 price").getAttribute("aria-invalid"), "true");
  await page.getByLabel("Fill 2 price").fill("13000");
  await page.waitForFunction(() => document.querySelector("output")?.textContent?.includes("11750"));
  await page.getByLabel("Fill 3 quantity").fill("3");
  await page.waitForFunction(() => document.querySelector("output")?.textContent?.includes("11500"));

  await page.screenshot({ path: `${ARTIFACTS}slice-desktop.png`, fullPage: true });
  assert.deepEqual(problems(), []);
  await context.close();
});
