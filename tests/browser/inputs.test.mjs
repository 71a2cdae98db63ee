// The inputs in a real Chromium, by labels, roles and the keyboard: the guide's ladder typed from an empty plan,
// presets, entry modes that survive a reload, and the layout at desktop and phone widths.
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

/** What the focused element is called: its label, its aria-label, or its text. */
const focusedName = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return "";
    return (el.labels?.[0]?.textContent ?? el.getAttribute("aria-label") ?? el.textContent ?? "").trim();
  });

/** Presses Tab until the focused element is called `name` (at most 400 presses). */
async function tabTo(page, name) {
  for (let i = 0; i < 400; i++) {
    await page.keyboard.press("Tab");
    if ((await focusedName(page)) === name) return;
  }
  throw new Error(`no focusable element called ${name}`);
}

/** Tabs to the field called `name` and types `text` into it (replacing what was there). */
async function typeInto(page, name, text) {
  await tabTo(page, name);
  await page.keyboard.press("Control+A");
  await page.keyboard.type(text);
}

test("the guide's BTC ladder typed from the empty plan by keyboard alone", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  await tabTo(page, "Empty plan");
  await page.keyboard.press("Enter");
  await page.getByLabel("Tranche 1 price").waitFor({ state: "detached" });
  assert.equal(await page.getByLabel("Symbol", { exact: true }).inputValue(), "BTCUSDT");

  await typeInto(page, "Wallet", "10000");
  await typeInto(page, "Leverage", "10");
  await typeInto(page, "Stop-loss price", "60000");
  await typeInto(page, "Risk per plan (%)", "2");
  await typeInto(page, "Total quantity", "1");
  await tabTo(page, "Add tranche");
  for (let i = 0; i < 4; i++) await page.keyboard.press("Enter");
  const tranches = [["65000", "25"], ["64000", "25"], ["62500", "30"], ["61000", "20"]];
  for (const [i, [price, share]] of tranches.entries()) {
    await typeInto(page, `Tranche ${i + 1} price`, price);
    await typeInto(page, `Tranche ${i + 1} share (%)`, share);
  }
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="averageEntry"]').length === 4);
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="averageEntry"]')[3]?.textContent === "63,200.0");
  assert.deepEqual(await column(page, "averageEntry"), ["65,000.0", "64,500.0", "63,750.0", "63,200.0"]);
  assert.deepEqual(problems(), []);
  await context.close();
});

test("a preset fills the contract and model; one without tiers keeps the tiers and says so", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  await page.getByLabel("Preset exchange").selectOption("bybit");
  await page.getByLabel("Preset symbol").selectOption("BTCUSDT");
  await page.getByRole("button", { name: "Use preset" }).click();
  assert.equal(await page.getByLabel("Liquidation model").inputValue(), "bybit");
  await page.getByLabel("Tier 8 floor").waitFor();
  assert.match(await page.locator(".sp-provenance").textContent(), /Source: /);

  await page.getByLabel("Preset exchange").selectOption("okx");
  await page.locator(".sp-note").filter({ hasText: "no maintenance tiers" }).waitFor();
  await page.getByRole("button", { name: "Use preset" }).click();
  assert.equal(await page.getByLabel("Symbol", { exact: true }).inputValue(), "BTC-USDT-SWAP");
  assert.equal(await page.getByLabel("Liquidation model").inputValue(), "okx");
  await page.getByLabel("Tier 8 floor").waitFor();
  await page.getByRole("button", { name: "Remove tier 8" }).click();
  await page.getByLabel("Tier 8 floor").waitFor({ state: "detached" });
  await page.getByRole("button", { name: "Add tier" }).click();
  assert.equal(await page.getByLabel("Tier 8 floor").inputValue(), await page.getByLabel("Tier 7 cap").inputValue());
  assert.deepEqual(problems(), []);
  await context.close();
});

test("entry modes: a generated ladder and a schedule, and a reload keeps the stashed mode", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  await page.getByLabel("Generated ladder").check();
  assert.equal(await page.getByLabel("From price").inputValue(), "65000");
  assert.equal(await page.getByLabel("Number of rungs").inputValue(), "4");
  await page.getByLabel("Number of rungs").fill("5");
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="price"]').length === 5);
  assert.deepEqual(await column(page, "price"), ["65,000.0", "64,000.0", "63,000.0", "62,000.0", "61,000.0"]);
  await page.getByLabel("Sizes").selectOption("custom");
  await page.getByLabel("Weights").fill("1, 1, 1, 1, 6");
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="quantity"]')[4]?.textContent === "0.600");

  await page.getByLabel("Time schedule").check();
  await page.getByText(/^Path: 365 prices/).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="price"]').length === 4);
  await page.getByLabel("Candles (CSV or JSON: time, open, high, low, close)").fill(
    "time,open,high,low,close\n2024-01-01,40000,41000,39000,40500\n2024-01-02,40500,42000,40000,41500\n",
  );
  await page.getByRole("button", { name: "Use pasted candles" }).click();
  await page.getByText(/^Path: 2 prices/).waitFor();
  await page.getByLabel("Start (UTC)").fill("2024-01-02T00:00:00Z");
  await page.getByLabel("Interval", { exact: true }).fill("1d");
  await page.getByLabel("Number of tranches").fill("2");
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="price"]').length === 2);
  assert.deepEqual(await column(page, "price"), ["40,500.0", "41,500.0"]);

  await page.reload();
  await page.getByRole("table").waitFor();
  assert.equal(await page.getByLabel("Time schedule").isChecked(), true);
  assert.equal(await page.getByLabel("Number of tranches").inputValue(), "2");
  await page.getByLabel("Generated ladder").check();
  assert.equal(await page.getByLabel("Weights").inputValue(), "1, 1, 1, 1, 6", "the stashed generator survives the reload");
  await page.getByLabel("Tranches by price").check();
  assert.equal(await page.getByLabel("Tranche 3 price").inputValue(), "62500");
  await page.getByLabel("Time schedule").check();
  assert.equal(await page.getByLabel("Start (UTC)").inputValue(), "2024-01-02T00:00:00Z");
  assert.deepEqual(problems(), []);
  await context.close();
});

test("the page at 1280 px and 360 px wide, in light and dark", async () => {
  for (const [width, colorScheme] of [[1280, "light"], [360, "light"], [360, "dark"]]) {
    const { page, context, problems } = await watchedPage(env, { viewport: { width, height: 800 }, colorScheme });
    await page.goto(`${env.origin}/`);
    await page.getByRole("table").waitFor();
    const overflow = await page.evaluate(() =>
      [...document.querySelectorAll(".sp-inputs, .sp-share")].map((e) => e.scrollWidth - e.clientWidth),
    );
    assert.ok(overflow.every((d) => d <= 1), `the inputs fit ${width} px: ${overflow}`);
    await page.screenshot({ path: `${ARTIFACTS}inputs-${width}-${colorScheme}.png`, fullPage: true });
    assert.deepEqual(problems(), []);
    await context.close();
  }
});
