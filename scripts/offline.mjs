// Writes the service worker of a built app folder: `node scripts/offline.mjs <dist dir>` (run by scripts/lib.sh's
// build_app after Trunk, and after everything else is in the folder). dist/sw.js is www/sw.js with this build's
// file list (Trunk's hashed names, as they are on disk) and a build id digested from every listed file's bytes, so
// a new deployment changes sw.js and browsers install it. Importable: writeServiceWorker(dir).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * What is not precached: the service worker itself, the single-file build (a download, not a page of the site),
 * the full planner that only `<scale-plan view="full">` loads (1.4 MB the app's own build already holds), and
 * Trunk's staging folder.
 */
const SKIP = [/^sw\.js$/, /^scaleplan\.html$/, /^widget\/scaleplan-app/, /^\./];

const walk = (dir) =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? walk(join(dir, f)) : [join(dir, f)]));

/** Writes `dir`/sw.js; returns the build id and the precached paths (relative to `dir`, "./" first). */
export function writeServiceWorker(dir) {
  const files = walk(dir)
    .map((f) => relative(dir, f).split(sep).join("/"))
    .filter((f) => !SKIP.some((re) => re.test(f)))
    .sort();
  const digest = createHash("sha256");
  for (const f of files) digest.update(f).update("\0").update(readFileSync(join(dir, f))).update("\0");
  const build = digest.digest("hex").slice(0, 16);
  const precache = ["./", ...files];
  const template = readFileSync(join(ROOT, "www", "sw.js"), "utf8");
  if (!template.includes('"__BUILD__"') || !template.includes('["__PRECACHE__"]'))
    throw new Error("www/sw.js has lost its __BUILD__ or __PRECACHE__ placeholder");
  const sw = template.replace('"__BUILD__"', JSON.stringify(build)).replace('["__PRECACHE__"]', JSON.stringify(precache));
  writeFileSync(join(dir, "sw.js"), sw);
  return { build, precache };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? join(ROOT, "dist");
  const { build, precache } = writeServiceWorker(dir);
  console.log(`    wrote ${join(dir, "sw.js")}: build ${build}, ${precache.length} files precached`);
}
