// The security policy (scripts/serve.mjs): the strict Content-Security-Policy with Trusted Types. Every page of the
// build (the planner, the article with its widgets, the embed page, the single file) is served with it and renders
// under it with no violation; it is really enforced (script the pages did not ship is refused, HTML text and script
// URLs need a policy); and the two policies the pages create accept only what the pages need.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { start, watchedPage, tryForeignScript, reported, DIST } from "./harness.mjs";
import { CSP, SINGLE_FILE_CSP } from "../../scripts/serve.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

test("the policy is strict and requires Trusted Types, with the two policies the pages create and no other", () => {
  for (const policy of [CSP, SINGLE_FILE_CSP]) {
    assert.doesNotMatch(policy, /'unsafe-inline'|'unsafe-eval'|'allow-duplicates'|\*/);
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval';/);
    assert.match(policy, /require-trusted-types-for 'script'/);
  }
  assert.match(CSP, /; trusted-types scaleplan-html scaleplan-sw$/);
  assert.match(SINGLE_FILE_CSP, /; trusted-types scaleplan-html$/, "the single file registers no service worker");
});

/** Opens `path` with a watched page, checks the header and that no inline script is in it. */
async function open(path) {
  const watched = await watchedPage(env);
  const response = await watched.page.goto(`${env.origin}${path}`);
  assert.equal(response.headers()["content-security-policy"], CSP, path);
  return watched;
}

test("the planner renders under the policy with no violation, and registers its service worker through scaleplan-sw", async () => {
  const { page, context, problems } = await open("/");
  await page.getByRole("table").waitFor();
  assert.equal(await page.locator("script:not([src])").count(), 0, "no inline script in the page");
  const worker = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => (r.active ?? r.waiting ?? r.installing).scriptURL));
  assert.equal(worker, `${env.origin}/sw.js`);
  // The panels below the first screen render their static parts too.
  for (const name of ["Replay over a price history", "Market impact: lump sum or tranches"])
    await page.getByRole("heading", { name }).waitFor();
  assert.deepEqual(problems(), []);
  await context.close();
});

test("the article's widgets, and a full planner added beside them (the second build: one policy for both), render under the policy", async () => {
  const { page, context, problems } = await open("/article.html");
  await page.locator("scale-plan").nth(0).locator('td[data-col="averageEntry"]').first().waitFor();
  await page.locator("scale-plan").nth(1).locator(".sp-figure").first().waitFor();
  await page.evaluate(() => {
    const full = document.createElement("scale-plan");
    full.setAttribute("view", "full");
    full.setAttribute("example", "guide-btc-ladder");
    document.querySelector("main").append(full);
  });
  await page.locator("scale-plan").nth(2).getByRole("heading", { name: "Replay over a price history" }).waitFor();
  assert.deepEqual(problems(), []);
  await context.close();
});

test("the embed page shows a share link's plan under the policy", async () => {
  const planner = await open("/");
  await planner.page.getByRole("button", { name: "Copy link" }).click();
  await planner.page.getByRole("status").filter({ hasText: "Link copied" }).waitFor();
  const fragment = new URL(await planner.page.getByLabel("Link to this plan").inputValue()).hash;
  await planner.context.close();
  for (const view of ["card", "ladder", "full"]) {
    const { page, context, problems } = await open(`/embed.html?view=${view}${fragment}`);
    await page.locator("scale-plan").locator(view === "card" ? ".sp-figure" : 'td[data-col="averageEntry"]').first().waitFor();
    assert.deepEqual(problems(), [], view);
    await context.close();
  }
});

test("the single file carries its policy in a <meta> tag and renders under it from file://", async () => {
  const file = new URL("scaleplan.html", `file://${DIST.replace(/\/?$/, "/")}`).href;
  assert.ok(readFileSync(new URL(file), "utf8").includes(`<meta http-equiv="Content-Security-Policy" content="${SINGLE_FILE_CSP}">`));
  const { page, context, problems } = await watchedPage({ ...env, origin: "null" });
  await page.goto(file);
  await page.getByRole("table").waitFor();
  await page.getByRole("heading", { name: "Replay over a price history" }).waitFor();
  assert.deepEqual(problems(), []);
  await context.close();
});

test("the policy is enforced, and the pages' two policies accept only what the pages need", async () => {
  const { page, context, problems } = await open("/");
  await page.getByRole("table").waitFor();

  // Script the page did not ship: refused by Trusted Types (text into a <script>) and by script-src (a blob: module).
  assert.deepEqual(await tryForeignScript(page), { assigned: "TypeError", inlineRan: false, blobRan: false });
  await reported(page, problems, /require-trusted-types-for/, /script-src/);
  assert.ok(problems().some((p) => /CSP violation: require-trusted-types-for/.test(p)), problems().join("\n"));
  assert.ok(problems().some((p) => /CSP violation: script-src/.test(p)), problems().join("\n"));

  const outcome = await page.evaluate(async () => {
    const attempt = (f) => {
      try {
        return String(f());
      } catch (error) {
        return `${error.name}: ${error.message}`;
      }
    };
    const html = globalThis[Symbol.for("scaleplan-html")];
    return {
      // No default policy: HTML text is refused unless a policy made it.
      plainHtml: attempt(() => (document.createElement("div").innerHTML = "<b>bold</b>")),
      template: attempt(() => html.createHTML('<p class="sp-hint">A static <strong>template</strong></p>')),
      handler: attempt(() => html.createHTML('<img src="x" onerror="window.pwned = 1">')),
      gadget: attempt(() => html.createHTML('<button type="button" data-sp-action="reload">Reload</button>')),
      comment: attempt(() => html.createHTML("<p>a</p><!-- b -->")),
      // No further policy of any name, and neither of the two a second time.
      policies: ["scaleplan-html", "scaleplan-sw", "default", "mine"].map((name) =>
        attempt(() => trustedTypes.createPolicy(name, { createHTML: (s) => s }))),
      // A service worker of another URL (a script URL only scaleplan-sw makes, of sw.js only).
      worker: await navigator.serviceWorker.register("/evil.js").then(() => "registered", (e) => e.name),
    };
  });
  assert.match(outcome.plainHtml, /^TypeError: .*TrustedHTML/);
  assert.equal(outcome.template, '<p class="sp-hint">A static <strong>template</strong></p>');
  assert.match(outcome.handler, /^TypeError: scaleplan-html .*refused this HTML: <img> is not an element/);
  assert.match(outcome.gadget, /refused this HTML: <button> is not an element/);
  assert.match(outcome.comment, /refused this HTML: not in the shape of a static template/);
  for (const refused of outcome.policies) assert.match(refused, /^TypeError: .*(policy|Policy)/, refused);
  assert.equal(outcome.worker, "TypeError");
  await reported(page, problems, /trusted-types/);
  // Each refusal as the listener (harness.mjs) and as Chromium word it, and nothing else.
  const expected = [
    /^console error: CSP violation: (require-trusted-types-for|trusted-types|script-src)/,
    /^console error: This document requires 'Trusted(Script|HTML|ScriptURL)' assignment/,
    /^console error: Creating a TrustedTypePolicy named '(scaleplan-html|scaleplan-sw|default|mine)' violates/,
    /^console error: Loading the script 'blob:.*script-src/,
    /^request failed: blob:.* csp$/,
  ];
  assert.deepEqual(problems().filter((p) => !expected.some((re) => re.test(p))), [], "only the refusals asked for");
  await context.close();
});
