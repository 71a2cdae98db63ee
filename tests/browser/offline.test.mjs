// Offline: after one visit the service worker (www/sw.js, its file list written by scripts/offline.mjs) serves
// the app with the network gone; a new deployment replaces the cached build and its cache; the web app manifest
// makes the app installable.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start, watchedPage, DIST } from "./harness.mjs";
import { serve } from "../../scripts/serve.mjs";
import { writeServiceWorker } from "../../scripts/offline.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

const column = (page, key) => page.locator(`.sp-table td[data-col="${key}"]`).allTextContents();

/** Waits until the page is controlled by its service worker (installed, activated, and claiming the page). */
async function controlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** The names of the page's caches, once they equal `want` (polled: the new worker installs in the background). */
async function cachesBecome(page, want) {
  let keys = [];
  for (let i = 0; i < 200; i++) {
    keys = await page.evaluate(() => caches.keys());
    if (JSON.stringify(keys) === JSON.stringify(want)) return keys;
    await page.evaluate(() => new Promise((ok) => setTimeout(ok, 50)));
  }
  return keys;
}

test("after one visit the app (and the article page) load and work offline", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  await controlled(page);

  await context.setOffline(true);
  await page.reload();
  await page.getByRole("table").waitFor();
  await page.getByLabel("Tranche 4 price").fill("60500");
  await page.waitForFunction(() => document.querySelectorAll('td[data-col="averageEntry"]')[3]?.textContent === "63,100.0");
  assert.deepEqual(await column(page, "averageEntry"), ["65,000.0", "64,500.0", "63,750.0", "63,100.0"]);
  // A fresh tab on the same origin, still offline; and the article page with its widgets, never visited online.
  const second = await context.newPage();
  await second.goto(`${env.origin}/`);
  await second.getByRole("table").waitFor();
  await second.goto(`${env.origin}/article.html`);
  await second.locator("scale-plan").first().locator('td[data-col="averageEntry"]').first().waitFor();
  await second.locator("scale-plan").nth(1).locator(".sp-figure").first().waitFor();
  assert.deepEqual(problems(), []);
  await context.close();
});

test("a new deployment is loaded on the next visit and replaces the cached build and its cache", async () => {
  const root = mkdtempSync(join(tmpdir(), "scaleplan-deploy-"));
  cpSync(DIST, root, { recursive: true });
  const first = writeServiceWorker(root);
  const server = await serve(root, 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const { page, context, problems } = await watchedPage({ ...env, origin });
  try {
    await page.goto(`${origin}/`);
    await page.getByRole("table").waitFor();
    await controlled(page);
    assert.deepEqual(await cachesBecome(page, [`scaleplan-${first.build}`]), [`scaleplan-${first.build}`]);

    // Deploy a new build: a changed page and the service worker written for it.
    const index = join(root, "index.html");
    writeFileSync(index, readFileSync(index, "utf8").replace("<title>scaleplan:", "<title>scaleplan (new build):"));
    const second = writeServiceWorker(root);
    assert.notEqual(second.build, first.build);

    await page.reload();
    await page.getByRole("table").waitFor();
    assert.match(await page.title(), /new build/, "pages are network-first: the new page at once");
    const want = [`scaleplan-${second.build}`];
    assert.deepEqual(await cachesBecome(page, want), want, "the new worker's cache replaces the old one");

    await context.setOffline(true);
    await page.reload();
    await page.getByRole("table").waitFor();
    assert.match(await page.title(), /new build/, "offline, the new build is served from its cache");
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
    await new Promise((ok) => server.close(ok));
    rmSync(root, { recursive: true, force: true });
  }
});

test("the manifest makes the app installable", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  await controlled(page);
  const cdp = await context.newCDPSession(page);
  const manifest = await cdp.send("Page.getAppManifest");
  assert.deepEqual(manifest.errors, [], "the manifest parses");
  assert.equal(JSON.parse(manifest.data).short_name, "scaleplan");
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  // A test context is incognito-like, which alone stops an install; every other criterion (manifest fields, icon,
  // service worker, secure origin) is the app's.
  assert.deepEqual(installabilityErrors.filter((e) => e.errorId !== "in-incognito"), []);
  assert.deepEqual(problems(), []);
  await context.close();
});
