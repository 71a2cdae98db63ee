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
