// The strict Content-Security-Policy (scripts/serve.mjs): every page of the build is served with it and runs
// under it with no violation; the policy is really enforced (an inline script is refused); the crash notice's
// Reload button works without an inline handler.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, watchedPage } from "./harness.mjs";
import { CSP } from "../../scripts/serve.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

test("the planner is served with the strict policy and renders under it with no violation", async () => {
  const { page, context, problems } = await watchedPage(env);
  const response = await page.goto(`${env.origin}/`);
  assert.equal(response.headers()["content-security-policy"], CSP);
  assert.doesNotMatch(CSP, /unsafe-inline/);
  await page.getByRole("table").waitFor();
  assert.equal(await page.locator("script:not([src])").count(), 0, "no inline script in the page");
  assert.deepEqual(problems(), []);
  await context.close();
});

test("the policy is enforced: an inline script added to the page is refused", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  const ran = await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.inlineRan = true";
    document.head.append(script);
    return window.inlineRan === true;
  });
  assert.equal(ran, false);
  // The violation is reported in a task after the refusal; wait for its console message to arrive.
  for (let i = 0; i < 50 && !problems().length; i++) await page.evaluate(() => new Promise((ok) => setTimeout(ok, 20)));
  assert.ok(problems().some((p) => /script-src/.test(p)), problems().join("\n"));
  await context.close();
});

test("the crash notice's Reload button reloads the page with no inline handler", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  // The notice as app/src/lib.rs writes it after a panic; the click is handled by www/start.js.
  await page.evaluate(() => {
    const notice = document.createElement("div");
    notice.id = "sp-crash";
    notice.innerHTML = '<p>Something went wrong <button type="button" data-sp-action="reload">Reload</button></p>';
    document.body.prepend(notice);
  });
  await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: "Reload" }).click()]);
  await page.getByRole("table").waitFor();
  assert.equal(await page.locator("#sp-crash").count(), 0, "the page was reloaded");
  assert.deepEqual(problems(), []);
  await context.close();
});
