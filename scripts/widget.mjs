// Assembles the <scale-plan> widget and the pages that use it: `node scripts/widget.mjs [dist dir]`, run by
// scripts/lib.sh's build_app after Trunk (it needs the app's build) and after build_widget (the widget's engine).
//
// target/widget/ is what a site copies, and what the npm package's `scaleplan/widget` is:
//   scale-plan.js                    the element (www/widget/scale-plan.js) with its stylesheet inside
//   scale-plan-engine.js, _bg.wasm   the widget's engine: the app's library alone (cards and ladders)
//   scaleplan-app.js, _bg.wasm       the app's own build, loaded only for view="full"
//   NOTICE, LICENSE-MIT, LICENSE-APACHE
// Then into the dist folder: widget/ (that folder), the article page and the embed page (www/).
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { appFiles } from "./single-file.mjs";
import { trustGlue } from "./trusted-types.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const WIDGET = join(ROOT, "target", "widget");
const ENGINE = join(ROOT, "target", "widget-engine");
const LEGAL = ["NOTICE", "LICENSE-MIT", "LICENSE-APACHE"];
/** The pages of www/ that the build copies as they are (they use the widget from widget/). */
const PAGES = ["article.html", "article.css", "embed.html", "embed.css", "embed.js"];

/**
 * The widget's stylesheet: the planner's rules and the widget's own. `rem` becomes `em`: in a shadow root rem is
 * still the host document's root font size, the one thing of the host's that would otherwise reach in.
 */
export function widgetCss() {
  const css = ["www/style.css", "www/outputs.css", "www/widget/widget.css"]
    .map((f) => readFileSync(join(ROOT, f), "utf8"))
    .join("\n");
  return css.replace(/(\d*\.?\d+)rem\b/g, "$1em");
}

/** Writes target/widget from the engine in target/widget-engine and the app build in `dist`. */
export function assembleWidget(dist) {
  const engine = ["scale-plan-engine.js", "scale-plan-engine_bg.wasm"];
  for (const f of engine)
    if (!existsSync(join(ENGINE, f))) throw new Error(`no ${join(ENGINE, f)}: run build_widget (scripts/lib.sh) first`);
  rmSync(WIDGET, { recursive: true, force: true });
  mkdirSync(WIDGET, { recursive: true });
  const source = readFileSync(join(ROOT, "www", "widget", "scale-plan.js"), "utf8");
  const placeholder = 'const CSS = "__CSS__";';
  if (!source.includes(placeholder)) throw new Error(`www/widget/scale-plan.js has lost its line ${placeholder}`);
  writeFileSync(join(WIDGET, "scale-plan.js"), source.replace(placeholder, `const CSS = ${JSON.stringify(widgetCss())};`));
  // Both glues set innerHTML through the Trusted Types policy scaleplan-html (scripts/trusted-types.mjs).
  writeFileSync(join(WIDGET, engine[0]), trustGlue(readFileSync(join(ENGINE, engine[0]), "utf8")));
  copyFileSync(join(ENGINE, engine[1]), join(WIDGET, engine[1]));
  const app = appFiles(dist);
  writeFileSync(join(WIDGET, "scaleplan-app.js"), trustGlue(readFileSync(join(dist, app.js), "utf8")));
  copyFileSync(join(dist, app.wasm), join(WIDGET, "scaleplan-app_bg.wasm"));
  for (const f of LEGAL) copyFileSync(join(ROOT, f), join(WIDGET, f));
}

/** Copies target/widget into `dist`/widget and the widget's pages into `dist`. */
export function installWidget(dist) {
  rmSync(join(dist, "widget"), { recursive: true, force: true });
  cpSync(WIDGET, join(dist, "widget"), { recursive: true });
  for (const f of PAGES) copyFileSync(join(ROOT, "www", f), join(dist, f));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dist = process.argv[2] ?? join(ROOT, "dist");
  assembleWidget(dist);
  installWidget(dist);
  console.log(`    wrote ${WIDGET} and copied it, with ${PAGES.join(", ")}, into ${dist}`);
}
