// The planner in a real Chromium, driven by labels and roles: the guide's ladder as the first view, typing,
// a bad entry, and a reload.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, watchedPage, ARTIFACTS } from "./harness.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

/** The texts of one column of the results table (by its data-col key). */
const column = (page, key) => page.locator(`.sp-table td[data-col="${key}"]`).allTextContents();

test("the first view is the guide's BTC ladder with a row per tranche", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  assert.deepEqual(await column(page, "averageEntry"), ["65,000.0", "64,500.0", "63,750.0", "63,200.0"]);
  assert.deepEqual(await column(page, "liquidationPrice"), ["58,735.0", "58,283.2", "57,605.5", "57,115.6"]);
  await page.screenshot({ path: `${ARTIFACTS}planner-desktop.png`, fullPage: true });
  assert.deepEqual(problems(), []);
  await context.close();
});

test("typing recomputes; a bad entry gets a message by its field and the last results stay; a reload keeps it all", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();

  await page.getByLabel("Tranche 4 price").fill("60500");
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="averageEntry"]')[3]?.textContent === "63,100.0");

  await page.getByLabel("Tranche 2 price").fill("64,000x");
  const message = page.locator("#f-entries-ladder-tranches-1-price-error");
  await assert.doesNotReject(message.filter({ hasText: "is not a number" }).waitFor());
  assert.equal(await page.getByLabel("Tranche 2 price").getAttribute("aria-invalid"), "true");
  assert.deepEqual((await column(page, "averageEntry")).at(-1), "63,100.0", "the last valid results stay");

  await page.reload();
  await page.getByRole("table").waitFor();
  assert.equal(await page.getByLabel("Tranche 2 price").inputValue(), "64,000x", "the text typed survives a reload");
  assert.equal(await page.getByLabel("Tranche 4 price").inputValue(), "60500");
  await page.getByLabel("Tranche 2 price").fill("64000");
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="averageEntry"]')[3]?.textContent === "63,100.0");
  assert.equal(await message.textContent(), "");
  assert.deepEqual(problems(), []);
  await context.close();
});

test("the build runs from a subfolder of a static host, requesting nothing outside it", async () => {
  const { mkdtempSync, mkdirSync, symlinkSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { serve } = await import("../../scripts/serve.mjs");
  const { DIST } = await import("./harness.mjs");
  const root = mkdtempSync(join(tmpdir(), "scaleplan-host-"));
  mkdirSync(join(root, "tools"));
  symlinkSync(DIST, join(root, "tools", "planner"));
  const server = await serve(root, 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const context = await env.browser.newContext();
  const page = await context.newPage();
  const outside = [];
  const errors = [];
  page.on("request", (r) => !r.url().startsWith(`${origin}/tools/planner/`) && outside.push(r.url()));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(`${origin}/tools/planner/`);
  await page.getByRole("table").first().waitFor();
  assert.deepEqual(outside, []);
  assert.deepEqual(errors, []);
  await context.close();
  await new Promise((ok) => server.close(ok));
});
