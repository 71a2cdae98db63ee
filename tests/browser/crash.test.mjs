// The crash notice after a real panic, under the strict policy with Trusted Types: the app built with its test hooks
// (scripts/lib.sh build_test_app, target/dist-test) exports testPanic, which panics through the planner's own hook
// (app/src/lib.rs `start`); the notice shows, and its Reload button, handled by www/start.js with no inline handler,
// brings the planner back. The shipped build has no such export.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { start, watchedPage, DIST, TEST_DIST } from "./harness.mjs";
import { CSP } from "../../scripts/serve.mjs";
import { appFiles } from "../../scripts/single-file.mjs";

const HOOK = "testPanic";

/** The export names of a wasm file, and whether its JS glue names the hook. */
function hooks(dir, js, wasm) {
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(join(dir, wasm)))).map((e) => e.name);
  return { wasm: exports.filter((name) => name.toLowerCase().includes("testpanic")), glue: readFileSync(join(dir, js), "utf8").includes(HOOK) };
}

let env;
before(async () => {
  assert.ok(existsSync(join(TEST_DIST, "index.html")), `${TEST_DIST} is built (scripts/lib.sh build_test_app)`);
  env = await start(TEST_DIST);
});
after(async () => env?.close());

test("the shipped builds have no test hook; the test build has it", () => {
  const shipped = appFiles(DIST);
  assert.deepEqual(hooks(DIST, shipped.js, shipped.wasm), { wasm: [], glue: false }, "dist/");
  assert.deepEqual(hooks(join(DIST, "widget"), "scaleplan-app.js", "scaleplan-app_bg.wasm"), { wasm: [], glue: false }, "dist/widget (view=full)");
  assert.deepEqual(hooks(join(DIST, "widget"), "scale-plan-engine.js", "scale-plan-engine_bg.wasm"), { wasm: [], glue: false }, "the widget's engine");
  assert.ok(!readFileSync(join(DIST, "scaleplan.html"), "utf8").includes(HOOK), "the single file");
  const built = appFiles(TEST_DIST);
  const test = hooks(TEST_DIST, built.js, built.wasm);
  assert.equal(test.glue, true, "the test build's glue exports the hook (so the checks above look for the right name)");
  assert.equal(test.wasm.length, 1, `the test build's wasm exports it: ${test.wasm}`);
});

test("a panic shows the crash notice; its Reload button reloads the page and the planner renders again", async () => {
  const { page, context, problems } = await watchedPage(env);
  const response = await page.goto(`${env.origin}/`);
  assert.equal(response.headers()["content-security-policy"], CSP);
  await page.getByRole("table").waitFor();
  await page.getByLabel("Tranche 4 price").fill("60500");
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="averageEntry"]')[3]?.textContent === "63,100.0");
  assert.deepEqual(problems(), []);

  // The glue start.js imported (the same URL, so the same module and wasm instance); the panic aborts the call.
  const thrown = await page.evaluate(async () => {
    const tag = document.querySelector("script[data-wasm]");
    const glue = await import(new URL(tag.dataset.js, document.baseURI).href);
    try {
      glue.testPanic();
      return "returned";
    } catch (error) {
      return `${error.name}: ${error.message}`;
    }
  });
  assert.match(thrown, /^RuntimeError: unreachable/);
  const notice = page.getByRole("alert").filter({ hasText: "Something went wrong" });
  await notice.waitFor();
  assert.match(await notice.textContent(), /your plan is saved/);
  const reload = notice.getByRole("button", { name: "Reload" });
  assert.equal(await reload.evaluate((b) => b === document.activeElement), true, "the Reload button has the focus");
  assert.equal(await reload.evaluate((b) => b.getAttributeNames().some((a) => a.startsWith("on"))), false, "no inline handler");
  // The one console error is the panic's own message (console_error_panic_hook), nothing else.
  assert.equal(problems().length, 1, problems().join("\n"));
  assert.match(problems()[0], /^console error: panicked at .*scaleplan test hook: a deliberate panic/s);

  await Promise.all([page.waitForEvent("load"), reload.click()]);
  await page.getByRole("table").waitFor();
  assert.equal(await page.locator("#sp-crash").count(), 0, "a fresh page");
  assert.equal(await page.getByLabel("Tranche 4 price").inputValue(), "60500", "the plan was saved, as the notice says");
  assert.deepEqual(await page.locator('td[data-col="averageEntry"]').allTextContents(), ["65,000.0", "64,500.0", "63,750.0", "63,100.0"]);
  assert.equal(problems().length, 1, `nothing more after the reload: ${problems().join("\n")}`);
  await context.close();
});
