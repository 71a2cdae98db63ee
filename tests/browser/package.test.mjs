// The npm package as another site uses it: `npm pack` of target/npm/scaleplan, installed from the tarball into
// (1) a Vite project that imports "scaleplan/widget" (built with Vite, type-checked with tsc against the
// package's types) and (2) a plain HTML page loading node_modules/scaleplan/scale-plan.js with one module script;
// each is served under the strict CSP and runs the widget in Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { start, watchedPage } from "./harness.mjs";
import { serve } from "../../scripts/serve.mjs";

const PACKAGE = new URL("../../target/npm/scaleplan/", import.meta.url).pathname;
let env;
let root;
let tarball;
before(async () => {
  env = await start();
  root = mkdtempSync(join(tmpdir(), "scaleplan-package-"));
  assert.ok(JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8")).exports["./widget"],
    "the package has its widget entry (build_app before build_npm)");
  const packed = execFileSync("npm", ["pack", PACKAGE, "--pack-destination", root, "--json"], { encoding: "utf8" });
  tarball = join(root, JSON.parse(packed)[0].filename);
});
after(async () => {
  await env?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

/** A project folder with the tarball installed (from the file: no registry is asked). */
function project(name, files) {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", tarball], { cwd: dir });
  return dir;
}

/** Serves `dir`, opens `path`, and checks the widget computes and recomputes, with one wasm download. */
async function runs(dir, path) {
  const server = await serve(dir, 0);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const { page, context, problems } = await watchedPage({ ...env, origin });
  const wasm = [];
  page.on("request", (r) => r.url().includes(".wasm") && wasm.push(r.url()));
  try {
    await page.goto(`${origin}/${path}`);
    const first = page.locator("scale-plan").first();
    await first.locator('.sp-figure[data-figure="averageEntry"] dd', { hasText: "63,200.0" }).waitFor();
    await first.getByLabel("Leverage").fill("20");
    await first.locator(".sp-warnings", { hasText: "Liquidated before the stop" }).waitFor();
    await page.locator("scale-plan").nth(1).locator(".sp-figure").first().waitFor();
    assert.equal(await page.evaluate(() => document.body.dataset.changes > 0), true, "plan-change reached the page's script");
    assert.equal(wasm.length, 1, `one wasm for two widgets: ${wasm.join(", ")}`);
    assert.deepEqual(problems(), []);
  } finally {
    await context.close();
    await new Promise((ok) => server.close(ok));
  }
}

const WIDGETS = `<scale-plan example="guide-btc-ladder" editable="leverage"></scale-plan>
  <scale-plan example="guide-eth-scaleout"></scale-plan>`;

test("a Vite project that installs the packed package builds and runs the widget; its types check", async () => {
  const dir = project("vite-host", {
    "index.html": `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Vite host</title>
      <link rel="icon" href="data:,"><script type="module" src="/main.ts"></script></head>
      <body data-changes="0">${WIDGETS}</body></html>`,
    "main.ts": `import "scaleplan/widget";
import type { PlanChangeDetail, ScalePlan } from "scaleplan/widget";
const widget: ScalePlan | null = document.querySelector("scale-plan");
widget?.addEventListener("plan-change", (event) => {
  const detail: PlanChangeDetail = event.detail;
  const average: string | null | undefined = detail.report.rows.at(-1)?.averageEntry;
  if (average) document.body.dataset.changes = String(Number(document.body.dataset.changes) + 1);
});
`,
  });
  // Types: the package's declarations against this use (tsc from the tests' own dependencies).
  const { default: ts } = await import("typescript");
  const program = ts.createProgram([join(dir, "main.ts")], {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler, lib: ["lib.es2022.d.ts", "lib.dom.d.ts"], types: [],
  });
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  assert.deepEqual(diagnostics, []);

  const { build } = await import("vite");
  await build({ root: dir, logLevel: "error", build: { outDir: join(dir, "dist") } });
  assert.ok(existsSync(join(dir, "dist", "index.html")));
  // The favicon placeholder is a data: URL the strict CSP refuses; the built page drops nothing else.
  const html = readFileSync(join(dir, "dist", "index.html"), "utf8").replace('<link rel="icon" href="data:,">', "");
  writeFileSync(join(dir, "dist", "index.html"), html);
  writeFileSync(join(dir, "dist", "favicon.ico"), "");
  await runs(join(dir, "dist"), "index.html");
});

test("a plain HTML page that installs the package runs the widget with one module script", async () => {
  const dir = project("plain-host", {
    "index.html": `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plain host</title>
      <script type="module" src="node_modules/scaleplan/scale-plan.js"></script>
      <script type="module" src="count.js"></script></head><body data-changes="0">${WIDGETS}</body></html>`,
    "count.js": `addEventListener("plan-change", () => { document.body.dataset.changes = String(Number(document.body.dataset.changes) + 1); });\n`,
    "favicon.ico": "",
  });
  await runs(dir, "index.html");
});
