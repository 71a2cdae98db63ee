// Files read through gloo-file: a candles file chosen in the replay panel is read and replayed, and one that is not
// candles is told by row and column, the plan untouched.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start, watchedPage } from "./harness.mjs";

let env;
before(async () => {
  env = await start();
});
after(async () => env?.close());

test("a candles file is read, replayed, and a bad one is told by row", async () => {
  const { page, context, problems } = await watchedPage(env);
  await page.goto(`${env.origin}/`);
  await page.getByRole("table").waitFor();
  const file = page.getByLabel("Candles file (CSV or JSON)");
  const csv = "time,open,high,low,close\n2024-05-01,66000,66500,64500,65000\n2024-05-02,65000,65200,60500,61000\n2024-05-03,61000,62000,59000,59500\n";
  await file.setInputFiles({ name: "may.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByText("Loaded may.csv: 3 candles.").waitFor();
  const events = await page.locator('table[data-table="replay"] tbody th').allTextContents();
  assert.deepEqual(events.slice(0, 4), ["Tranche 1 filled", "Tranche 2 filled", "Tranche 3 filled", "Tranche 4 filled"]);
  assert.ok(events.includes("Stop hit"), JSON.stringify(events));

  await file.setInputFiles({ name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("time,open,high,low,close\n2024-05-01,1,0.5,1,1\n") });
  await page.getByText("Could not read bad.csv.").waitFor();
  assert.match(await page.locator("p.sp-error", { hasText: "bad.csv" }).textContent(), /^bad\.csv: row 2, high: must be at least the open \(0\.5 < 1\)$/);
  assert.equal(await page.getByLabel("Leverage", { exact: true }).inputValue(), "10", "the plan is untouched");
  assert.deepEqual(problems(), []);
  await context.close();
});
