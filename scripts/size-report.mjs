// Size report of a built app folder: every file raw, gzip (level 9) and brotli (quality 11), what the planner's
// first page load transfers, and the <scale-plan> widget's first load against its budget.
// Usage: node scripts/size-report.mjs <dist dir>
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const dir = process.argv[2] ?? "dist";
const walk = (d) => readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
const rows = walk(dir).map((path) => {
  const bytes = readFileSync(path);
  return {
    file: relative(dir, path),
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
});
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);
console.log(`${"file".padEnd(44)} ${"raw".padStart(10)} ${"gzip".padStart(10)} ${"brotli".padStart(10)}`);
for (const r of rows.sort((a, b) => b.raw - a.raw)) console.log(`${r.file.padEnd(44)} ${kb(r.raw)} ${kb(r.gzip)} ${kb(r.brotli)}`);
const sum = (k, list = rows) => list.reduce((s, r) => s + r[k], 0);
console.log(`${"total (every file of the build)".padEnd(44)} ${kb(sum("raw"))} ${kb(sum("gzip"))} ${kb(sum("brotli"))}`);

// The planner's first load: the page, its loader, the JS glue, the wasm, the stylesheets and the icon (the
// service worker, the manifest, the widget, the article, the embed page and the single file are not fetched).
{
  const { appFiles } = await import("./single-file.mjs");
  const app = appFiles(dir);
  const first = new Set(["index.html", "start.js", app.js, app.wasm, ...app.styles]);
  const icon = /<link rel="icon" href="\.\/([^"]+)"/.exec(app.index)?.[1];
  if (icon) first.add(icon);
  const load = rows.filter((r) => first.has(r.file));
  console.log(`${"app first load (index.html and what it loads)".padEnd(44)} ${kb(sum("raw", load))} ${kb(sum("gzip", load))} ${kb(sum("brotli", load))}`);
}

// The widget's first load, what a page with one <scale-plan> downloads: the element (its stylesheet is inside
// it), the engine's glue and its wasm. A second widget on the page downloads nothing more: all widgets share one
// instance (tests/browser/widget.test.mjs counts the wasm requests). Budgets, not tests: they are reported here.
const WIDGET_BUDGET_KIB = 120;
const ARTICLE_GOAL_MS = 300;
{
  const widget = ["widget/scale-plan.js", "widget/scale-plan-engine.js", "widget/scale-plan-engine_bg.wasm"];
  const load = rows.filter((r) => widget.includes(r.file));
  console.log("\nwidget (dist/widget, the same files as target/widget)");
  if (load.length !== widget.length) {
    console.log("not built (scripts/lib.sh build_app), sizes skipped");
  } else {
    for (const r of load) console.log(`${r.file.padEnd(44)} ${kb(r.raw)} ${kb(r.gzip)} ${kb(r.brotli)}`);
    const total = sum("brotli", load);
    const verdict = total <= WIDGET_BUDGET_KIB * 1024
      ? `within the ${WIDGET_BUDGET_KIB} KiB budget`
      : `OVER the ${WIDGET_BUDGET_KIB} KiB budget by ${((total - WIDGET_BUDGET_KIB * 1024) / 1024).toFixed(1)} KiB`;
    console.log(`${"widget first load (JS + wasm + CSS)".padEnd(44)} ${kb(sum("raw", load))} ${kb(sum("gzip", load))} ${kb(total)}  ${verdict}`);
    console.log(`${"a second widget on the page".padEnd(44)} ${kb(0)} ${kb(0)} ${kb(0)}  (one shared instance)`);
    const full = rows.filter((r) => r.file.startsWith("widget/scaleplan-app"));
    console.log(`${"view=\"full\" adds (the app's build, once)".padEnd(44)} ${kb(sum("raw", full))} ${kb(sum("gzip", full))} ${kb(sum("brotli", full))}`);
  }
  const timing = new URL("../tests/artifacts/widget-timing.json", import.meta.url);
  const measured = existsSync(timing) ? JSON.parse(readFileSync(timing, "utf8")).articleFirstResultsMs : null;
  console.log(measured == null
    ? `article page, first widget's results: not measured yet (the browser tests measure it; goal ${ARTICLE_GOAL_MS} ms)`
    : `article page, first widget's results: ${measured} ms after navigation, local server, headless Chromium ` +
      `(last browser test run; goal ${ARTICLE_GOAL_MS} ms: ${measured <= ARTICLE_GOAL_MS ? "met" : "missed"})`);
}

// The npm package as a page using it downloads it: its wasm and its JS glue.
const npmDir = new URL("../target/npm/scaleplan/", import.meta.url).pathname;
const npmFiles = ["scaleplan_bg.wasm", "scaleplan.js"].map((f) => join(npmDir, f));
if (npmFiles.every((f) => existsSync(f))) {
  const npm = npmFiles.map((path) => {
    const bytes = readFileSync(path);
    return { file: relative(npmDir, path), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length };
  });
  console.log(`\nnpm package (target/npm/scaleplan)`);
  for (const r of npm) console.log(`${r.file.padEnd(44)} ${kb(r.raw)} ${kb(r.gzip)} ${kb(r.brotli)}`);
  const t = (k) => npm.reduce((s, r) => s + r[k], 0);
  console.log(`${"total (wasm + JS)".padEnd(44)} ${kb(t("raw"))} ${kb(t("gzip"))} ${kb(t("brotli"))}`);
} else {
  console.log("\nnpm package: not built (scripts/lib.sh build_npm), sizes skipped");
}

// ---------------------------------------------------------------------------------------------------------------
// Where the wasm bytes go, by crate and by function, for the npm package and for the app. The shipped files have
// their names stripped (wasm-opt drops the "name" section), so this reads cargo's own output, run through
// wasm-bindgen (which keeps the names and removes its describe functions) into target/tmp: sizes before wasm-opt.
// Never fails the report: a missing artifact or tool is a one-line note.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { dirname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { breakdown, report } from "./wasm-breakdown.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const wasmTarget = join(root, "target", "wasm32-unknown-unknown");
const findWasm = (d) => (existsSync(d) ? walk(d).filter((f) => f.endsWith(".wasm")) : []);
const builds = [
  {
    title: "npm package",
    cargo: join(wasmTarget, "npm", "scaleplan_wasm.wasm"),
    shipped: findWasm(join(root, "target", "npm", "scaleplan")),
    how: "build_npm",
  },
  {
    title: "app",
    cargo: join(wasmTarget, "release", "scaleplan-app.wasm"),
    shipped: findWasm(dir).filter((f) => !f.includes(`${sep}widget${sep}`)),
    how: "build_app",
  },
  {
    title: "widget engine",
    cargo: join(wasmTarget, "widget", "scaleplan_app.wasm"),
    shipped: findWasm(join(dir, "widget")).filter((f) => f.endsWith("scale-plan-engine_bg.wasm")),
    how: "build_widget",
  },
];

// cargo's artifact through wasm-bindgen (names kept); the raw artifact if wasm-bindgen is missing or fails.
function withNames(b) {
  const out = join(root, "target", "tmp", "size-report", b.how);
  try {
    mkdirSync(out, { recursive: true });
    const r = spawnSync("wasm-bindgen", ["--target", "web", "--no-typescript", "--out-dir", out, "--out-name", "named", b.cargo],
      { encoding: "utf8", timeout: 120_000 });
    const named = join(out, "named_bg.wasm");
    if (r.status === 0 && existsSync(named)) return { file: named, note: "cargo output run through wasm-bindgen, before wasm-opt" };
    const why = r.error ? r.error.message : (r.stderr || "").trim().split("\n")[0];
    return { file: b.cargo, note: `raw cargo output, before wasm-bindgen and wasm-opt (wasm-bindgen failed: ${why})` };
  } catch (e) {
    return { file: b.cargo, note: `raw cargo output, before wasm-bindgen and wasm-opt (${e.message})` };
  }
}

for (const b of builds) {
  console.log();
  console.log(`== wasm breakdown: ${b.title}`);
  try {
    if (!existsSync(b.cargo)) {
      console.log(`skipped: no ${relative(root, b.cargo)} (run ${b.how} from scripts/lib.sh)`);
      continue;
    }
    const src = withNames(b);
    const named = breakdown(readFileSync(src.file));
    console.log(`from ${relative(root, b.cargo)}: ${src.note}; wasm-opt shrinks these further, so read shares, not totals`);
    for (const f of b.shipped) {
      const shipped = breakdown(readFileSync(f));
      console.log(`shipped ${relative(root, f)} (after wasm-opt): ${kb(shipped.size).trim()} file, ` +
        `${kb(shipped.code).trim()} code, ${kb(shipped.data).trim()} data`);
    }
    if (!b.shipped.length) console.log("shipped wasm: not built");
    console.log(`before wasm-opt: ${kb(named.size).trim()} file, ${kb(named.code).trim()} code, ${kb(named.data).trim()} data`);
    const lines = report(named, { topCrates: 15, topFunctions: 15 });
    // The section table is in the standalone script; here only the crates and the functions.
    const from = lines.findIndex((l) => l.startsWith("code by crate") || l.startsWith("no \"name\""));
    for (const l of lines.slice(from < 0 ? 0 : from)) console.log(l);
  } catch (e) {
    console.log(`skipped: ${e.message}`);
  }
}
