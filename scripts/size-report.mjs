// Size report of a built app folder: every file raw, gzip (level 9) and brotli (quality 11), and the total a first
// page load transfers. Usage: node scripts/size-report.mjs <dist dir>
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
const sum = (k) => rows.reduce((s, r) => s + r[k], 0);
console.log(`${"total (a first load fetches all of these)".padEnd(44)} ${kb(sum("raw"))} ${kb(sum("gzip"))} ${kb(sum("brotli"))}`);

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
import { dirname, resolve } from "node:path";
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
    shipped: findWasm(dir),
    how: "build_app",
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
