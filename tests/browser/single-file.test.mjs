// The single-file build (dist/scaleplan.html, scripts/single-file.mjs) opened from file://, no server: it renders
// and recomputes under its <meta> Content-Security-Policy (the site's strict one), requests nothing but itself,
// and keeps the plan across a reload.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { start, watchedPage, tryForeignScript, reported, FOREIGN_SCRIPT_REFUSED, DIST } from "./harness.mjs";
import { SINGLE_FILE_CSP } from "../../scripts/serve.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

const FILE = new URL("scaleplan.html", `file://${DIST.replace(/\/?$/, "/")}`).href;
const column = (page, key) => page.locator(`.sp-table td[data-col="${key}"]`).allTextContents();

test("scaleplan.html works from file:// under the strict policy, with no server", async () => {
  assert.ok(existsSync(new URL(FILE)), "dist/scaleplan.html is built (scripts/lib.sh build_app)");
  assert.ok(readFileSync(new URL(FILE), "utf8").includes(`content="${SINGLE_FILE_CSP}"`), "the file carries the site's policy");
  // file:// URLs have the opaque origin "null": anything else requested would be another origin.
  const { page, context, problems } = await watchedPage({ ...env, origin: "null" });
  const requested = [];
  page.on("request", (r) => requested.push(r.url()));
  await page.goto(FILE);
  await page.getByRole("table").waitFor();
  assert.deepEqual(await column(page, "averageEntry"), ["65,000.0", "64,500.0", "63,750.0", "63,200.0"]);
  assert.equal(await page.locator(".scaleplan").evaluate((e) => getComputedStyle(e).fontFamily.includes("system-ui")), true,
    "the stylesheet inside the file applies");
  await page.getByLabel("Tranche 4 price").fill("60500");
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="averageEntry"]')[3]?.textContent === "63,100.0");
  await page.reload();
  await page.getByRole("table").waitFor();
  assert.equal(await page.getByLabel("Tranche 4 price").inputValue(), "60500", "the plan survives a reload");
  assert.deepEqual([...new Set(requested.map((u) => u.split("#")[0]))], [FILE], "the file loads only itself");

  // The policy is in force: script the file did not ship is refused (by Trusted Types and by script-src).
  assert.deepEqual(await tryForeignScript(page), { assigned: "TypeError", inlineRan: false, blobRan: false });
  await reported(page, problems, /require-trusted-types-for/, /script-src/);
  assert.ok(problems().some((p) => /require-trusted-types-for/.test(p)), problems().join("\n"));
  assert.ok(problems().some((p) => /script-src/.test(p)), problems().join("\n"));
  assert.ok(problems().every((p) => FOREIGN_SCRIPT_REFUSED.test(p)), `only the refusals: ${problems().join("\n")}`);
  await context.close();
});
