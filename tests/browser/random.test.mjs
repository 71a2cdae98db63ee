// Robustness: a seeded random walk through the planner — clicks on any enabled button or summary, text typed into any
// input (numbers, junk, huge and negative values, empty), choices picked from any select — with no page error, no
// console error, no crash notice and no request to another origin. The suite runs 250 actions with seed 1; for
// thousands: `RANDOM_ACTIONS=5000 RANDOM_SEED=7 node --test tests/browser/random.test.mjs`. A failure prints the
// seed and the last actions, so it replays exactly.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, watchedPage } from "./harness.mjs";

const ACTIONS = Number(process.env.RANDOM_ACTIONS ?? 250);
const SEEDS = (process.env.RANDOM_SEED ?? "1").split(",").map(Number);

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

/** mulberry32: a small seeded generator, so a run replays. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXTS = ["1", "0", "-1", "10", "65000", "0.001", "1e5", "", " ", "abc", "99999999999999999999999999999",
  "0.00000000000000000000000001", "12,5", "2024-05-01T09:00:00Z", "1d", "NaN", "1000", "1001", "25", "100", "🙂"];

for (const seed of SEEDS) {
  test(`${ACTIONS} random actions (seed ${seed}) leave the page working`, async () => {
    const next = random(seed);
    const pick = (list) => list[Math.floor(next() * list.length)];
    const { page, context, problems } = await watchedPage(env, { viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page.on("dialog", (d) => d.dismiss().catch(() => {}));
    await page.goto(`${env.origin}/`);
    await page.getByRole("table").waitFor();
    const log = [];
    for (let i = 0; i < ACTIONS; i++) {
      const kind = pick(["type", "type", "type", "click", "click", "select", "key"]);
      // Everything a person can reach, except printing (a dialog) and files (a chooser).
      const targets = await page.evaluate(([kind, step]) => {
        for (const old of document.querySelectorAll("[data-random-target]")) delete old.dataset.randomTarget;
        const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length) && !e.disabled;
        const sel = { type: "input[type=text], textarea", click: "button, summary, input[type=radio]", select: "select", key: "input[type=text]" }[kind];
        return [...document.querySelectorAll(sel)]
          .filter(visible)
          .filter((e) => !/print/i.test(e.textContent ?? ""))
          .map((e, n) => { e.dataset.randomTarget = `${step}-${n}`; return `${step}-${n}`; });
      }, [kind, i]);
      if (!targets.length) continue;
      const target = page.locator(`[data-random-target="${pick(targets)}"]`);
      const name = await target.evaluate((e) => e.labels?.[0]?.textContent?.trim() || e.getAttribute("aria-label") || e.textContent?.trim().slice(0, 40) || e.tagName);
      try {
        if (kind === "type") {
          const text = pick(TEXTS);
          log.push(`type ${JSON.stringify(text)} into ${name}`);
          await target.fill(text, { timeout: 400 });
        } else if (kind === "click") {
          log.push(`click ${name}`);
          await target.click({ timeout: 400 });
        } else if (kind === "select") {
          const options = await target.evaluate((e) => [...e.options].map((o) => o.value));
          const value = pick(options);
          log.push(`select ${value} in ${name}`);
          await target.selectOption(value, { timeout: 400 });
        } else {
          const key = pick(["Backspace", "Delete", "0", "9", ".", "-", "ArrowUp", "Enter"]);
          log.push(`press ${key} in ${name}`);
          await target.press(key, { timeout: 400 });
        }
      } catch (e) {
        // An element that went away between finding and acting (the page re-rendered) is not a failure.
        if (!/detached|not attached|Timeout|intercepts pointer/.test(String(e))) throw e;
      }
      const crashed = await page.locator("#sp-crash").count();
      const seen = problems();
      if (crashed || seen.length) {
        assert.fail(`seed ${seed}, action ${i + 1}: ${crashed ? "crash notice shown" : seen.join("; ")}\nlast actions:\n${log.slice(-12).join("\n")}`);
      }
    }
    // Still a working planner: the examples reset it and the results come back.
    await page.getByRole("button", { name: "Guide: BTC ladder" }).click();
    await page.locator('.sp-table td[data-col="averageEntry"]').last().filter({ hasText: "63,200.0" }).waitFor();
    assert.deepEqual(problems(), []);
    await context.close();
  });
}
