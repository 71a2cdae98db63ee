// Writes the single-file build: `node scripts/single-file.mjs <dist dir>` → <dist>/scaleplan.html, the whole planner
// (JS, wasm and CSS inside) that opens from file:// with no server, under the same strict Content-Security-Policy
// as the site (Trusted Types too, less the service worker's policy), given in a <meta> tag. Importable:
// writeSingleFile(dir).
//
// That policy refuses inline scripts and inline styles, so the file is its own script: it is an HTML document
// and, read as a classic script, a JavaScript program (a polyglot). As HTML, a comment opens the file and another
// hides the program; the page's one <script defer src="#"> loads the file itself, which 'self' allows. As
// JavaScript, the first two lines are comments ("<!--" and "-->" at the start of a line are single-line comments in
// classic scripts), so the HTML on line 2 is never parsed as code. The program holds the wasm (base64) and the
// CSS, which it applies through a constructed stylesheet (CSSOM, which style-src does not govern).
//
// The JS glue is Trunk's ES module turned into plain declarations: its `export`s dropped, `import.meta.url` (only
// its default wasm path, unused here) replaced. Anything else module-only in it stops the build with a message.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SINGLE_FILE_CSP } from "./serve.mjs";

/** Trunk's ES-module glue as declarations a classic script can hold. */
export function classicGlue(module) {
  let js = module
    .replace(/^export (class|function|async function|const|let) /gm, "$1 ")
    .replace(/^export \{ initSync, __wbg_init as default \};?\s*$/m, "")
    .replaceAll("import.meta.url", "document.baseURI");
  const left = /^\s*(import|export)\b.*$/m.exec(js) ?? /import\.meta/.exec(js);
  if (left) throw new Error(`the wasm-bindgen glue has module syntax the single-file build cannot turn into a script: ${left[0].slice(0, 80)}`);
  return js;
}

/** The hashed names of the app build in `dir` (its JS glue, its wasm, its stylesheets), read from its index.html. */
export function appFiles(dir) {
  const index = readFileSync(join(dir, "index.html"), "utf8");
  const tag = /<script type="module" src="[^"]*start\.js" data-js="\.\/([^"]+)" data-wasm="\.\/([^"]+)">/.exec(index);
  if (!tag) throw new Error(`${dir}/index.html has no start.js tag with data-js and data-wasm (Trunk.toml pattern_script)`);
  const styles = [...index.matchAll(/<link rel="stylesheet" href="\.\/([^"]+\.css)"/g)].map((m) => m[1]);
  if (!styles.length) throw new Error(`${dir}/index.html links no stylesheet`);
  return { index, js: tag[1], wasm: tag[2], styles };
}

/** Writes `dir`/scaleplan.html from the app build in `dir`; returns its path and size. */
export function writeSingleFile(dir) {
  const { index, js: jsName, wasm: wasmName, styles } = appFiles(dir);
  const css = styles.map((f) => readFileSync(join(dir, f), "utf8")).join("\n");
  const wasm = readFileSync(join(dir, wasmName)).toString("base64");
  const title = /<title>([^<]*)<\/title>/.exec(index)?.[1] ?? "scaleplan";

  const program = `(() => {
"use strict";
${classicGlue(readFileSync(join(dir, jsName), "utf8"))}
{ // A block of its own, so these names cannot clash with the glue's.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(${JSON.stringify(css)});
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  // The crash notice's Reload button (as www/start.js does on the site).
  document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-sp-action='reload']")) location.reload();
  });
  const text = atob(${JSON.stringify(wasm)});
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  __wbg_init({ module_or_path: bytes }).then(() => startApp());
}
})();`;
  // Inside the HTML comment that hides it, the program must not end the comment early.
  const end = /-->|--!>/.exec(program);
  if (end) throw new Error(`the program contains "${end[0]}", which would end the HTML comment that holds it`);

  const html = [
    "<!-- scaleplan, the whole planner in one file: open it in a browser, no server needed (scripts/single-file.mjs).",
    `--><!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${SINGLE_FILE_CSP}">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">` +
      `<title>${title}</title><script defer src="#"></script></head><body><main id="scaleplan">` +
      `<noscript>scaleplan runs in your browser and needs JavaScript and WebAssembly.</noscript></main></body></html><!--`,
    program,
    "//-->",
    "",
  ].join("\n");
  const path = join(dir, "scaleplan.html");
  writeFileSync(path, html);
  return { path, bytes: Buffer.byteLength(html) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? fileURLToPath(new URL("../dist", import.meta.url));
  const { path, bytes } = writeSingleFile(dir);
  console.log(`    wrote ${path} (${(bytes / 1024).toFixed(0)} KiB)`);
}
