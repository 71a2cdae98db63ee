// Sharing and exporting in a real Chromium: a link that reproduces the plan in a fresh browser, a bad link, CSV and
// JSON downloads, JSON upload (good and bad), and the printed checklist.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { start, watchedPage, ARTIFACTS } from "./harness.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

const column = (page, key) => page.locator(`.sp-table td[data-col="${key}"]`).allTextContents();

/** Clicks `name` and returns the text of each download it starts (waiting for `count` of them). */
async function downloads(page, name, count = 1) {
  const seen = [];
  const all = new Promise((resolve) => {
    page.on("download", async (d) => {
      seen.push({ name: d.suggestedFilename(), text: await readFile(await d.path(), "utf8") });
      if (seen.length === count) resolve();
    });
  });
  await page.getByRole("button", { name }).click();
  await all;
  page.removeAllListeners("download");
  return seen;
}

test("a copied link reproduces the plan in a fresh browser; a bad link keeps the plan and says why", async () => {
  const { page, context, problems } = await watchedPage(env);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  await page.getByLabel("Tranche 4 price").fill("60500");
  await page.getByLabel("Plan name").fill("My ladder, edited");
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="averageEntry"]')[3]?.textContent === "63,100.0");
  await page.getByRole("button", { name: "Copy link" }).click();
  await page.getByRole("status").filter({ hasText: "Link copied" }).waitFor();
  const link = await page.getByLabel("Link to this plan").inputValue();
  assert.match(link, /#p1\.[A-Za-z0-9_-]+$/);
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  assert.deepEqual(problems(), []);
  await context.close();

  const fresh = await watchedPage(env);
  await fresh.page.goto(link);
  await fresh.page.getByRole("status").filter({ hasText: "Opened the plan from the link" }).waitFor();
  await fresh.page.waitForFunction(() => document.querySelectorAll('td[data-col="averageEntry"]')[3]?.textContent === "63,100.0");
  assert.equal(await fresh.page.getByLabel("Tranche 4 price").inputValue(), "60500");
  assert.equal(await fresh.page.getByLabel("Plan name").inputValue(), "My ladder, edited");
  assert.equal(new URL(fresh.page.url()).hash, "", "the address drops the link once opened");
  await fresh.page.reload();
  await fresh.page.getByRole("table").waitFor();
  assert.equal(await fresh.page.getByLabel("Tranche 4 price").inputValue(), "60500", "a reload keeps the opened plan");

  // A damaged link in the same tab: the plan stays, a message says why.
  await fresh.page.evaluate(() => { location.hash = "#p1.AAAAdamaged"; });
  await fresh.page.getByRole("status").filter({ hasText: "The link was not opened, your plan is unchanged" }).waitFor();
  assert.equal(await fresh.page.getByLabel("Tranche 4 price").inputValue(), "60500");
  assert.deepEqual(fresh.problems(), []);
  await fresh.context.close();
});

test("CSV and JSON downloads hold the plan; JSON reads back; a bad file keeps the plan", async () => {
  const { page, context, problems } = await watchedPage(env, { acceptDownloads: true });
  await page.goto(`${env.origin}/`);
  await page.getByRole("button", { name: "Guide: BTC ladder" }).click();
  await page.getByRole("table").waitFor();

  const [csv] = await downloads(page, "Download CSV");
  assert.equal(csv.name, "scaleplan-BTCUSDT-tranches.csv");
  const lines = csv.text.trim().split("\r\n");
  assert.equal(lines.length, 5);
  const header = lines[0].split(",");
  assert.equal(header[0], "index");
  const average = header.indexOf("averageEntry");
  assert.deepEqual(lines.slice(1).map((l) => l.split(",")[average]), ["65000", "64500", "63750", "63200"]);

  const [json] = await downloads(page, "Download JSON");
  assert.equal(json.name, "scaleplan-BTCUSDT.json");
  const plan = JSON.parse(json.text);
  assert.equal(plan.version, 1);
  assert.deepEqual(plan.entries.ladder.tranches.map((t) => t.price), ["65000", "64000", "62500", "61000"]);

  await page.getByRole("button", { name: "Guide: 5 ETH scale-out" }).click();
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="averageEntry"]').length === 2);
  const both = await downloads(page, "Download CSV", 2);
  assert.deepEqual(both.map((d) => d.name).sort(), ["scaleplan-ETHUSDT-exits.csv", "scaleplan-ETHUSDT-tranches.csv"]);
  assert.match(both.find((d) => d.name.endsWith("exits.csv")).text, /^index,kind,rule,price,/);

  const upload = page.getByLabel("Open a plan file (JSON)");
  await upload.setInputFiles({ name: "bad.json", mimeType: "application/json", buffer: Buffer.from('{"version": 1,') });
  await page.getByRole("status").filter({ hasText: "bad.json was not opened: not a plan file" }).waitFor();
  assert.equal((await column(page, "averageEntry")).length, 2, "the ETH plan stays");
  const wrong = JSON.stringify({ ...plan, leverage: "ten" });
  await upload.setInputFiles({ name: "wrong.json", mimeType: "application/json", buffer: Buffer.from(wrong) });
  await page.getByRole("status").filter({ hasText: "wrong.json was not opened: leverage:" }).waitFor();
  assert.equal((await column(page, "averageEntry")).length, 2);

  await upload.setInputFiles({ name: "plan.json", mimeType: "application/json", buffer: Buffer.from(json.text) });
  await page.getByRole("status").filter({ hasText: "Opened plan.json" }).waitFor();
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="averageEntry"]').length === 4);
  assert.deepEqual(await column(page, "averageEntry"), ["65,000.0", "64,500.0", "63,750.0", "63,200.0"]);
  assert.deepEqual(problems(), []);
  await context.close();
});

test("printed, the page is a checklist: key numbers and the tranche table, no inputs or buttons", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator(".sp-inputs").isVisible(), false);
  assert.equal(await page.getByRole("button", { name: "Copy link" }).isVisible(), false);
  assert.equal(await page.locator(".sp-table").isVisible(), true);
  assert.match(await page.locator(".sp-print-only").innerText(), /Average entry\s+63,200\.0/);
  await page.screenshot({ path: `${ARTIFACTS}print-checklist.png`, fullPage: true });
  assert.deepEqual(problems(), []);
  await context.close();
});
