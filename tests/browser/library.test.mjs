// The library of plans in a real Chromium: a link, a file or an example adds a plan and keeps the one before; new,
// duplicate, rename, delete and its Undo; two pages of one browser never overwrite each other's work; storage that is
// full or refused is told and the planner keeps working; damaged stored data opens with a message and its raw text
// downloads exactly as stored; the single draft of earlier builds moves into the library; export then import.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { start, watchedPage } from "./harness.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

const GUIDE = "Guide §2.2.2: BTC long laddered at 65,000 / 64,000 / 62,500 / 61,000";
const ETH = "Guide §3.2.1: 5 ETH long closed 25 % / 40 % / 35 % at 3,300 / 3,600 / 4,000, stop to breakeven after the first target";

/** Unfolds the list of plans (if it is folded). */
async function showPlans(page) {
  const toggle = page.getByRole("button", { name: /^Plans \(\d+\)$/ });
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
}

const count = async (page) => Number((await page.getByRole("button", { name: /^Plans \(\d+\)$/ }).textContent()).match(/\d+/)[0]);
const names = (page) => page.locator(".sp-plans-list .sp-plan-name").allTextContents();
const openName = (page) => page.locator(".sp-plans-current strong").textContent();
const notice = (page, text) => page.locator(".sp-plans-notice").filter({ hasText: text }).waitFor();
const lastAverage = (page, text) =>
  page.waitForFunction((t) => [...document.querySelectorAll('td[data-col="averageEntry"]')].at(-1)?.textContent === t, text);

/** Opens a blank page of the app's origin (to set up its storage before the app first loads). */
async function blankPage(page) {
  await page.route(`${env.origin}/blank`, (r) => r.fulfill({ contentType: "text/html", body: '<!doctype html><link rel="icon" href="data:,"><title>blank</title>' }));
  await page.goto(`${env.origin}/blank`);
}

/** Clicks `button` and returns the download it starts: its name and text. */
async function download(page, button) {
  const [file] = await Promise.all([page.waitForEvent("download"), button.click()]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), "utf8") };
}

test("a link, a file and an example each add a plan and open it; the plan before stays as it was", async () => {
  const { page, context, problems } = await watchedPage(env, { acceptDownloads: true });
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  assert.equal(await count(page), 1, "a first visit starts with the guide's example");
  await page.getByLabel("Plan name").fill("My ladder");
  await page.getByLabel("Tranche 4 price").fill("60500");
  await lastAverage(page, "63,100.0");
  // The library writes the plan (and names it after the plan) once the typing pauses (plans.rs SAVE_DELAY_MS).
  await page.locator(".sp-plans-current strong").filter({ hasText: /^My ladder$/ }).waitFor();
  assert.equal(await openName(page), "My ladder", "a plan not named by hand is named after the plan");
  await page.getByRole("button", { name: "Copy link" }).click();
  await page.getByRole("status").filter({ hasText: "Link copied" }).waitFor();
  const link = await page.getByLabel("Link to this plan").inputValue();

  await page.getByRole("button", { name: "Guide: 5 ETH scale-out" }).click();
  await notice(page, `Opened the example “Guide: 5 ETH scale-out” as a new plan, “${ETH}”; “My ladder” is kept under Plans.`);
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="averageEntry"]').length === 2);

  const plan = JSON.parse(await readFile(new URL("../../crates/scaleplan/data/examples/guide-btc-ladder.json", import.meta.url), "utf8"));
  const file = JSON.stringify({ ...plan, name: "From a file", leverage: "5" });
  await page.getByLabel("Open a plan file (JSON)").setInputFiles({ name: "plan.json", mimeType: "application/json", buffer: Buffer.from(file) });
  await notice(page, "Opened plan.json as a new plan, “From a file”");
  assert.equal(await page.getByLabel("Leverage", { exact: true }).inputValue(), "5");

  await page.evaluate((hash) => { location.hash = hash; }, new URL(link).hash);
  await notice(page, "Opened the plan from the link as a new plan, “My ladder (2)”; “From a file” is kept under Plans.");
  assert.equal(await count(page), 4);
  await showPlans(page);
  assert.deepEqual((await names(page)).sort(), ["From a file", "My ladder", "My ladder (2)", ETH].sort());

  // The way back, and the plan before as it was.
  await page.getByRole("button", { name: "Open My ladder", exact: true }).click();
  assert.equal(await page.getByLabel("Tranche 4 price").inputValue(), "60500");
  await lastAverage(page, "63,100.0");
  await page.getByRole("button", { name: `Open ${ETH}`, exact: true }).click();
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="averageEntry"]').length === 2);
  await page.reload();
  await page.getByRole("table").first().waitFor();
  assert.equal(await openName(page), ETH, "a reload opens the plan the tab had open");
  assert.equal(await count(page), 4);
  assert.deepEqual(problems(), []);
  await context.close();

  // A first visit through a link opens the link's plan alone (no example added beside it).
  const fresh = await watchedPage(env);
  await fresh.page.goto(link);
  await fresh.page.getByRole("status").filter({ hasText: "Opened the plan from the link as a new plan, “My ladder”" }).waitFor();
  assert.equal(await count(fresh.page), 1);
  assert.equal(await fresh.page.getByLabel("Tranche 4 price").inputValue(), "60500");
  assert.deepEqual(fresh.problems(), []);
  await fresh.context.close();
});

test("new, duplicate, rename (by keyboard), and delete with Undo; all of it survives a reload", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  await showPlans(page);
  await page.getByRole("button", { name: "New plan" }).click();
  await notice(page, `Started a new plan, “BTCUSDT long, no tranches yet”; “${GUIDE}” is kept under Plans.`);
  assert.equal(await page.getByLabel("Wallet").inputValue(), "");
  await page.getByRole("button", { name: `Duplicate ${GUIDE}`, exact: true }).click();
  await notice(page, `Duplicated “${GUIDE}” as “${GUIDE} (2)”, open now.`);
  assert.equal(await page.getByLabel("Tranche 4 price").inputValue(), "61000");

  // Rename: the field takes the focus, Enter keeps the name, a name another plan has is refused, Escape leaves.
  await page.getByRole("button", { name: `Rename ${GUIDE} (2)`, exact: true }).click();
  const field = page.getByLabel(`New name for “${GUIDE} (2)”`);
  assert.equal(await field.evaluate((el) => el === document.activeElement), true, "the name field has the focus");
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("Variant");
  await page.keyboard.press("Enter");
  await page.getByRole("button", { name: "Open Variant", exact: true }).waitFor();
  assert.equal(await openName(page), "Variant");
  await page.getByRole("button", { name: "Rename BTCUSDT long, no tranches yet", exact: true }).click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.type("Variant");
  await page.keyboard.press("Enter");
  await page.getByText("name: another plan is named “Variant”; choose another name").waitFor();
  assert.equal(await page.getByLabel("New name for “BTCUSDT long, no tranches yet”").getAttribute("aria-invalid"), "true");
  await page.keyboard.press("Escape");
  await page.getByRole("button", { name: "Open BTCUSDT long, no tranches yet", exact: true }).waitFor();

  // A named plan keeps its name when edited.
  await page.getByLabel("Tranche 4 price").fill("60500");
  await lastAverage(page, "63,100.0");
  assert.equal(await openName(page), "Variant");

  // Delete the plan open: another opens, and Undo (which has the focus) brings it back, open again.
  await page.getByRole("button", { name: "Delete Variant", exact: true }).click();
  await notice(page, "Deleted “Variant”;");
  assert.equal(await count(page), 2);
  assert.ok(!(await names(page)).includes("Variant"));
  assert.notEqual(await openName(page), "Variant");
  const undo = page.getByRole("button", { name: "Undo: restore “Variant”" });
  assert.equal(await undo.evaluate((el) => el === document.activeElement), true, "Undo has the focus");
  await page.keyboard.press("Enter");
  await notice(page, "“Variant” is back.");
  assert.equal(await openName(page), "Variant");
  assert.equal(await page.getByLabel("Tranche 4 price").inputValue(), "60500");

  // Deleting a plan not open leaves the open one alone.
  await page.getByRole("button", { name: "Delete BTCUSDT long, no tranches yet", exact: true }).click();
  await notice(page, "Deleted “BTCUSDT long, no tranches yet”.");
  assert.equal(await openName(page), "Variant");

  await page.reload();
  await page.getByRole("table").waitFor();
  await showPlans(page);
  assert.deepEqual((await names(page)).sort(), [GUIDE, "Variant"].sort());
  assert.equal(await openName(page), "Variant");
  assert.equal(await page.getByLabel("Tranche 4 price").inputValue(), "60500");
  assert.match(await page.locator(".sp-plans-current time").textContent(), /^today \d\d:\d\d$/);
  assert.deepEqual(problems(), []);
  await context.close();
});

test("two pages of one browser: each change reaches the other, different plans never clash, and a conflict keeps both versions", async () => {
  const { page: a, context, problems } = await watchedPage(env);
  await a.goto(`${env.origin}/`);
  await a.getByRole("table").waitFor();
  const b = await context.newPage();
  const bErrors = [];
  b.on("pageerror", (e) => bErrors.push(e.message));
  b.on("console", (m) => m.type() === "error" && bErrors.push(m.text()));
  await b.goto(`${env.origin}/`);
  await b.getByRole("table").waitFor();
  assert.equal(await openName(b), GUIDE, "a new tab opens the plan changed last");

  // The same plan open in both: a change in one is taken over by the other (it was made from its version).
  await a.getByLabel("Tranche 4 price").fill("60500");
  await notice(b, `“${GUIDE}” was changed in another tab; this tab shows that change.`);
  assert.equal(await b.getByLabel("Tranche 4 price").inputValue(), "60500");
  await b.getByLabel("Tranche 3 price").fill("62000");
  await a.waitForFunction(() => document.getElementById("f-entries-ladder-tranches-2-price")?.value === "62000");
  assert.equal(await a.getByLabel("Tranche 4 price").inputValue(), "60500", "a's change is still there");

  // Different plans: each edits its own, and nothing of either is lost.
  await showPlans(b);
  await b.getByRole("button", { name: "New plan" }).click();
  await b.getByLabel("Wallet").fill("2500");
  await a.getByLabel("Leverage", { exact: true }).fill("8");
  await b.getByLabel("Leverage", { exact: true }).fill("3");
  await a.getByLabel("Tranche 1 price").fill("65500");
  await b.getByLabel("Wallet").fill("2600");
  await a.reload();
  await b.reload();
  await a.getByRole("table").waitFor();
  assert.equal(await a.getByLabel("Leverage", { exact: true }).inputValue(), "8");
  assert.equal(await a.getByLabel("Tranche 1 price").inputValue(), "65500");
  assert.equal(await a.getByLabel("Tranche 3 price").inputValue(), "62000");
  assert.equal(await b.getByLabel("Wallet").inputValue(), "2600");
  assert.equal(await b.getByLabel("Leverage", { exact: true }).inputValue(), "3");

  // A conflict: b opens a's plan; then a write to it that was not made from b's version arrives (another writer
  // saved at the same moment). b keeps its version as a copy and says so; the other version keeps the name.
  await showPlans(b);
  await b.getByRole("button", { name: `Open ${GUIDE}`, exact: true }).click();
  await b.getByLabel("Stop-loss price").fill("59000");
  await a.waitForFunction(() => document.getElementById("f-stop")?.value === "59000");
  await a.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith("scaleplan.plan.v1.") && JSON.parse(localStorage[k]).draft.stop === "59000");
    const record = JSON.parse(localStorage[key]);
    record.draft.stop = "58000";
    record.parent = "elsewhere.1";
    record.revision = "elsewhere.2";
    localStorage[key] = JSON.stringify(record);
  });
  await notice(b, `Another tab changed “${GUIDE}” while it was being edited here. Your version is kept as “${GUIDE} (conflicted copy)” and stays open;`);
  assert.equal(await openName(b), `${GUIDE} (conflicted copy)`);
  assert.equal(await b.getByLabel("Stop-loss price").inputValue(), "59000", "b's work stays on screen, in its copy");
  // a, whose version was not the one stored either, keeps its own edit as a copy too when it next changes the plan.
  await a.getByLabel("Tranche 2 price").fill("63900");
  await notice(a, `Another tab changed “${GUIDE}” while it was being edited here.`);
  assert.equal(await a.getByLabel("Tranche 2 price").inputValue(), "63900");
  // Every version is in the library: the other writer's under the name, b's and a's as copies.
  await b.getByRole("button", { name: `Open “${GUIDE}”` }).click();
  assert.equal(await b.getByLabel("Stop-loss price").inputValue(), "58000");
  const stored = await a.evaluate(() =>
    Object.keys(localStorage).filter((k) => k.startsWith("scaleplan.plan.v1.")).map((k) => JSON.parse(localStorage[k]))
      .map((r) => `${r.name}|${r.draft.stop}|${r.draft.entries.ladder?.tranches?.[1]?.price ?? ""}`).sort());
  assert.deepEqual(stored.filter((s) => s.startsWith("Guide")), [
    `${GUIDE} (conflicted copy) (2)|59000|63900`,
    `${GUIDE} (conflicted copy)|59000|64000`,
    `${GUIDE}|58000|64000`,
  ].sort());
  assert.deepEqual(problems(), []);
  assert.deepEqual(bErrors, []);
  await context.close();
});

test("a full storage is told, and the planner and the library keep working in memory", async () => {
  const { page, context, problems } = await watchedPage(env);
  await context.addInitScript(() => {
    Storage.prototype.setItem = function setItem() {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
  });
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  await page.getByText("The browser's storage for this page is full: the latest changes are kept in this tab only.").waitFor();
  await page.getByLabel("Tranche 4 price").fill("60500");
  await lastAverage(page, "63,100.0");
  await showPlans(page);
  await page.getByRole("button", { name: "Guide: 5 ETH scale-out" }).click();
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="averageEntry"]').length === 2);
  assert.equal(await count(page), 2);
  await page.getByRole("button", { name: `Open ${GUIDE}`, exact: true }).click();
  assert.equal(await page.getByLabel("Tranche 4 price").inputValue(), "60500", "kept in memory");
  assert.match(await page.locator(".sp-plans-current").textContent(), /in this tab only/);
  assert.deepEqual(problems(), []);
  await context.close();
});

test("storage the browser refuses (private mode, storage turned off) is told, and the planner works in memory", async () => {
  const { page, context, problems } = await watchedPage(env);
  await context.addInitScript(() => {
    for (const name of ["localStorage", "sessionStorage"]) {
      Object.defineProperty(window, name, { get() { throw new DOMException("The operation is insecure.", "SecurityError"); } });
    }
  });
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  await page.getByText("This browser keeps nothing for this page (the browser refused local storage: SecurityError: The operation is insecure.)").waitFor();
  await page.getByLabel("Tranche 4 price").fill("60500");
  await lastAverage(page, "63,100.0");
  await showPlans(page);
  await page.getByRole("button", { name: "New plan" }).click();
  assert.equal(await count(page), 2);
  assert.equal(await openName(page), "BTCUSDT long, no tranches yet");
  await page.getByRole("button", { name: `Open ${GUIDE}`, exact: true }).click();
  assert.equal(await page.getByLabel("Tranche 4 price").inputValue(), "60500", "kept in memory");
  assert.deepEqual(problems(), []);
  await context.close();
});

test("damaged stored data opens with a message, stays untouched, and downloads exactly as stored", async () => {
  const { page, context, problems } = await watchedPage(env, { acceptDownloads: true });
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  await page.getByLabel("Tranche 4 price").fill("60500");
  await lastAverage(page, "63,100.0");
  const index = '{"version": 1, "plans": ["half a list';
  const record = "{ this is not JSON }";
  await page.evaluate(([i, r]) => {
    localStorage.setItem("scaleplan.library.v1", i);
    localStorage.setItem("scaleplan.plan.v1.damaged", r);
  }, [index, record]);
  await page.reload();
  await page.getByRole("table").waitFor();
  const alert = page.getByRole("alert").filter({ hasText: "Some data stored by this page could not be read" });
  await alert.waitFor();
  assert.match(await alert.textContent(), /scaleplan\.library\.v1: the list of plans is not readable/);
  assert.match(await alert.textContent(), /scaleplan\.plan\.v1\.damaged: the plan is not readable/);
  // The plan itself is found by its own key and opens as it was.
  assert.equal(await page.getByLabel("Tranche 4 price").inputValue(), "60500");

  const raw = await download(page, page.getByRole("button", { name: "Download scaleplan.library.v1" }));
  assert.equal(raw.name, "scaleplan.library.v1.txt");
  assert.equal(raw.text, index);
  assert.equal((await download(page, page.getByRole("button", { name: "Download scaleplan.plan.v1.damaged" }))).text, record);

  // Editing and adding plans never write over it.
  await page.getByLabel("Tranche 3 price").fill("62000");
  await showPlans(page);
  await page.getByRole("button", { name: "New plan" }).click();
  assert.deepEqual(await page.evaluate(() => [localStorage["scaleplan.library.v1"], localStorage["scaleplan.plan.v1.damaged"]]), [index, record]);
  await page.reload();
  await page.locator(".sp-plans-current strong").filter({ hasText: "BTCUSDT long, no tranches yet" }).waitFor();
  assert.equal(await count(page), 2, "plans added while the index was damaged are found by their keys");

  // Discarded once downloaded (with an Undo), the list is written again.
  await page.getByRole("button", { name: "Discard scaleplan.library.v1" }).click();
  await notice(page, "Removed the damaged data of scaleplan.library.v1");
  assert.equal(JSON.parse(await page.evaluate(() => localStorage["scaleplan.library.v1"])).plans.length, 2);
  await page.locator(".sp-plans-notice").getByRole("button", { name: "Undo" }).click();
  assert.equal(await page.evaluate(() => localStorage["scaleplan.library.v1"]), index);
  assert.deepEqual(problems(), []);
  await context.close();
});

test("the single draft of earlier builds moves into the library; a damaged one is kept and told", async () => {
  const plan = JSON.parse(await readFile(new URL("../../crates/scaleplan/data/examples/guide-btc-ladder.json", import.meta.url), "utf8"));
  plan.name = "Before the library";
  plan.entries.ladder.tranches[3].price = "60500";
  const { page, context, problems } = await watchedPage(env);
  await blankPage(page);
  await page.evaluate((text) => {
    localStorage.setItem("scaleplan.draft.v1", text);
    localStorage.setItem("scaleplan.stash.v1", "{}");
  }, JSON.stringify(plan));
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  assert.equal(await count(page), 1);
  assert.equal(await openName(page), "Before the library");
  assert.equal(await page.getByLabel("Tranche 4 price").inputValue(), "60500");
  assert.deepEqual(await page.evaluate(() => [localStorage["scaleplan.draft.v1"], localStorage["scaleplan.stash.v1"]]), [undefined, undefined]);
  assert.deepEqual(problems(), []);
  await context.close();

  const damaged = await watchedPage(env);
  await blankPage(damaged.page);
  await damaged.page.evaluate(() => localStorage.setItem("scaleplan.draft.v1", '{"version": 1, "name": "cut sh'));
  await damaged.page.goto(`${env.origin}/`);
  await damaged.page.getByRole("table").waitFor();
  await damaged.page.getByRole("alert").filter({ hasText: "scaleplan.draft.v1: not readable as JSON" }).waitFor();
  assert.equal(await damaged.page.evaluate(() => localStorage["scaleplan.draft.v1"]), '{"version": 1, "name": "cut sh');
  assert.deepEqual(damaged.problems(), []);
  await damaged.context.close();
});

test("the whole library exports as one JSON file and imports back beside the plans there; a bad file is refused by field", async () => {
  const { page, context, problems } = await watchedPage(env, { acceptDownloads: true });
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  await page.getByLabel("Tranche 4 price").fill("60500");
  await lastAverage(page, "63,100.0");
  await page.getByRole("button", { name: "Guide: 5 ETH scale-out" }).click();
  await showPlans(page);
  const file = await download(page, page.getByRole("button", { name: "Export library" }));
  assert.match(file.name, /^scaleplan-library-\d{4}-\d\d-\d\d\.json$/);
  const library = JSON.parse(file.text);
  assert.equal(library.format, "scaleplan-library");
  assert.deepEqual(library.plans.map((p) => p.name).sort(), [GUIDE, ETH].sort());
  await notice(page, "Downloaded the library (2 plans) as one JSON file");

  const other = await watchedPage(env);
  await other.page.goto(`${env.origin}/`);
  await other.page.getByRole("table").waitFor();
  await showPlans(other.page);
  await other.page.getByLabel("Import a library (JSON)").setInputFiles({ name: file.name, mimeType: "application/json", buffer: Buffer.from(file.text) });
  await notice(other.page, `Imported 2 plans from ${file.name}, added beside yours (none was replaced).`);
  assert.equal(await count(other.page), 3);
  assert.deepEqual((await names(other.page)).sort(), [GUIDE, `${GUIDE} (2)`, ETH].sort());
  for (const name of [GUIDE, `${GUIDE} (2)`]) {
    await other.page.getByRole("button", { name: `Open ${name}`, exact: true }).click();
    const price = await other.page.getByLabel("Tranche 4 price").inputValue();
    if (price === "60500") {
      await lastAverage(other.page, "63,100.0");
    } else {
      assert.equal(price, "61000", "the plan already there is unchanged");
    }
  }
  // Exported again, it holds the same plans and drafts.
  const again = JSON.parse((await download(other.page, other.page.getByRole("button", { name: "Export library" }))).text);
  const drafts = (f) => f.plans.map((p) => JSON.stringify(p.draft)).sort();
  assert.ok(drafts(library).every((d) => drafts(again).includes(d)));

  const upload = other.page.getByLabel("Import a library (JSON)");
  await upload.setInputFiles({ name: "plan.json", mimeType: "application/json", buffer: await readFile(new URL("../../crates/scaleplan/data/examples/guide-btc-ladder.json", import.meta.url)) });
  await notice(other.page, "plan.json was not imported: this is a plan file, not a library: open it with “Open a plan file (JSON)”. Your plans are unchanged.");
  const bad = JSON.stringify({ ...library, plans: [library.plans[0], { name: "x", draft: "not a plan" }] });
  await upload.setInputFiles({ name: "bad.json", mimeType: "application/json", buffer: Buffer.from(bad) });
  await notice(other.page, "bad.json was not imported: plans[1].draft: must be a plan (a JSON object of a plan file). Your plans are unchanged.");
  assert.equal(await count(other.page), 3);
  assert.deepEqual(problems(), []);
  assert.deepEqual(other.problems(), []);
  await other.context.close();
  await context.close();
});
