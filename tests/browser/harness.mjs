// Shared by the browser tests: serves the release build (with the strict Content-Security-Policy of
// scripts/serve.mjs on every response), starts Debian's Chromium through Playwright's library, and fails a test on
// any console error (a CSP violation included), page error, or request to another origin.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";
import { serve } from "../../scripts/serve.mjs";

// SCALEPLAN_DIST / SCALEPLAN_TEST_DIST / SCALEPLAN_ARTIFACTS let several builds be tested side by side.
export const DIST = process.env.SCALEPLAN_DIST ?? new URL("../../dist/", import.meta.url).pathname;
/** The app built with its test hooks (scripts/lib.sh build_test_app), never shipped. */
export const TEST_DIST = process.env.SCALEPLAN_TEST_DIST ?? new URL("../../target/dist-test/", import.meta.url).pathname;
export const ARTIFACTS = (process.env.SCALEPLAN_ARTIFACTS ?? new URL("../artifacts/", import.meta.url).pathname).replace(/\/?$/, "/");

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Starts the static server of `dir` (on a free port, under a subfolder-like path check) and the browser. */
export async function start(dir = DIST) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await serve(dir, 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ARGS,
    headless: true,
  });
  return {
    origin,
    browser,
    async close() {
      await browser.close();
      await new Promise((ok) => server.close(ok));
    },
  };
}

/**
 * A fresh page that records problems: console errors, uncaught page errors, and any request whose origin is not
 * the app's. Call `problems()` at the end of a test and assert it is empty.
 */
export async function watchedPage(env, options = {}) {
  const context = await env.browser.newContext(options);
  // Chromium logs most refusals by the Content-Security-Policy as console errors; the event catches them all.
  await context.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`CSP violation: ${e.effectiveDirective} refused ${e.blockedURI || "inline code"}`)));
  const page = await context.newPage();
  const seen = [];
  page.on("console", (m) => m.type() === "error" && seen.push(`console error: ${m.text()}`));
  page.on("pageerror", (e) => seen.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (!["data:", "blob:"].includes(url.protocol) && url.origin !== env.origin) seen.push(`request to another origin: ${r.url()}`);
  });
  page.on("requestfailed", (r) => seen.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
  return { page, context, problems: () => seen };
}

/**
 * Tries two ways of running script a page did not ship, both of which its policy must refuse: text put into a new
 * <script> (Trusted Types: the assignment throws) and a module from a blob: URL (script-src allows only the site's
 * files). Resolves to what happened; each refusal is also reported as a violation.
 */
export function tryForeignScript(page) {
  return page.evaluate(async () => {
    const script = document.createElement("script");
    let assigned = "assigned";
    try {
      script.textContent = "window.inlineRan = true";
    } catch (error) {
      assigned = error.name;
    }
    document.head.append(script);
    const url = URL.createObjectURL(new Blob(["window.blobRan = true"], { type: "text/javascript" }));
    await import(url).catch(() => {});
    return { assigned, inlineRan: window.inlineRan === true, blobRan: window.blobRan === true };
  });
}

/** What the page reports of tryForeignScript's two refusals, as the listener above and as Chromium word them. */
export const FOREIGN_SCRIPT_REFUSED = /require-trusted-types-for|'TrustedScript' assignment|script-src|^request failed: blob:.* csp$/;

/** Waits (up to a second) until `problems()` holds something that matches each of `patterns`. */
export async function reported(page, problems, ...patterns) {
  for (let i = 0; i < 50 && !patterns.every((re) => problems().some((p) => re.test(p))); i++)
    await page.evaluate(() => new Promise((ok) => setTimeout(ok, 20)));
}
