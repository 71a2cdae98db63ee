// Makes a build run under Trusted Types: `node scripts/trusted-types.mjs <dist dir>` (scripts/lib.sh build_app, after
// Trunk). The wasm-bindgen glue's innerHTML setter, the one HTML sink the wasm reaches (Leptos's static templates),
// gets its text through the policy "scaleplan-html" (www/trusted-html.js), whose source goes into the glue. Trunk's
// glue is rewritten in place and the integrity hashes of index.html are written again from the files on disk.
// Importable: trustGlue(text) (scripts/widget.mjs uses it on the widget's engine), trustBuild(dir).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { appFiles } from "./single-file.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const MARK = "// scaleplan: the Trusted Types policy of www/trusted-html.js (scripts/trusted-types.mjs)";
const SETTER = /^(\s*)arg0\.innerHTML = getStringFromWasm0\(arg1, arg2\);$/gm;
/** Other sinks of HTML text; a glue that reached one would need its own route, so the build stops instead. */
const OTHER_SINKS = /\.(outerHTML|insertAdjacentHTML|srcdoc|setHTMLUnsafe|parseHTMLUnsafe|createContextualFragment|parseFromString)\b/;

/** The policy's source as declarations a glue (module or classic script) can hold, yielding one function. */
function policySource() {
  const module = readFileSync(join(ROOT, "www", "trusted-html.js"), "utf8").replace(/^export /gm, "");
  if (/^\s*(import|export)\b/m.test(module)) throw new Error("www/trusted-html.js must not import or export but by `export <declaration>`");
  return `${MARK}\nconst __scaleplanTrustedHtml = (() => {\n${module}\nreturn trustedHtml;\n})();\n`;
}

/** `glue` with every innerHTML set through the policy (unchanged when already done, or when it sets none). */
export function trustGlue(glue) {
  if (glue.includes(MARK)) return glue;
  const other = OTHER_SINKS.exec(glue);
  if (other) throw new Error(`the wasm-bindgen glue reaches ${other[1]}, an HTML sink scripts/trusted-types.mjs does not route`);
  const routed = glue.replace(SETTER, "$1arg0.innerHTML = __scaleplanTrustedHtml(getStringFromWasm0(arg1, arg2));");
  const left = /^.*\.innerHTML\s*=(?!.*__scaleplanTrustedHtml).*$/m.exec(routed);
  if (left) throw new Error(`the wasm-bindgen glue sets innerHTML in a way scripts/trusted-types.mjs does not know: ${left[0].trim()}`);
  return routed === glue ? glue : `${policySource()}${routed}`;
}

/** Rewrites the app's glue in `dir` and the integrity hashes of its index.html; returns the glue's name. */
export function trustBuild(dir) {
  const { index, js } = appFiles(dir);
  writeFileSync(join(dir, js), trustGlue(readFileSync(join(dir, js), "utf8")));
  const rehashed = index.replace(/(<(?:link|script)\b[^>]*?(?:href|src)="\.\/([^"]+)"[^>]*?integrity=")(sha\d+)-[^"]*"/g,
    (_, start, file, algorithm) => `${start}${algorithm}-${createHash(algorithm).update(readFileSync(join(dir, file))).digest("base64")}"`);
  writeFileSync(join(dir, "index.html"), rehashed);
  return js;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2] ?? join(ROOT, "dist");
  console.log(`    ${join(dir, trustBuild(dir))}: innerHTML through the policy scaleplan-html`);
}
