// Writes package.json for the wasm-pack output so the npm package is named `scaleplan` (the crate is scaleplan-wasm),
// and copies in the README, the plan schema, the licences and NOTICE, and the <scale-plan> widget (target/widget,
// built by build_app) as the `scaleplan/widget` entry point.
// Usage: node scripts/npm-package.mjs <package dir>
import { copyFileSync, existsSync, readFileSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
const root = new URL("..", import.meta.url).pathname;
const cargo = readFileSync(join(root, "Cargo.toml"), "utf8");
const version = /\[workspace\.package\][^[]*?\nversion = "([^"]+)"/s.exec(cargo)?.[1];
if (!version) throw new Error("no [workspace.package] version in Cargo.toml");
// The licences, and NOTICE naming the crates compiled into the wasm (MIT and Apache-2.0 ask for their notices).
const LEGAL = ["LICENSE-MIT", "LICENSE-APACHE", "NOTICE"];
const files = readdirSync(dir).filter((f) => /^scaleplan(_bg)?\.(js|wasm|d\.ts)$|^scaleplan_bg\.wasm\.d\.ts$/.test(f));
// wasm-bindgen's copies of the bindings' own JavaScript (js/report.js, which builds a plan report's rows).
const under = (path) =>
  readdirSync(join(dir, path), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? under(join(path, e.name)) : [join(path, e.name)],
  );
if (existsSync(join(dir, "snippets"))) files.push(...under("snippets"));
// The widget: its element, its engine and, for view="full", the app's build; with its types. It comes from the
// app's build (build_app), which the test command runs first; without it the package is the math API alone.
const widgetDir = join(root, "target", "widget");
const hasWidget = existsSync(join(widgetDir, "scale-plan.js"));
const widget = hasWidget ? [...readdirSync(widgetDir).filter((f) => /\.(js|wasm)$/.test(f)), "scale-plan.d.ts"] : [];
for (const f of widget.filter((f) => f !== "scale-plan.d.ts")) copyFileSync(join(widgetDir, f), join(dir, f));
if (hasWidget) copyFileSync(join(root, "www", "widget", "scale-plan.d.ts"), join(dir, "scale-plan.d.ts"));
else console.log(`    note: no ${widgetDir} (build_app makes it), so no scaleplan/widget in this package`);
const pkg = {
  name: "scaleplan",
  version,
  description: "Exact position-scaling math for crypto futures (average entry, margin, leverage, liquidation), in WebAssembly",
  license: "MIT OR Apache-2.0",
  type: "module",
  main: "scaleplan.js",
  module: "scaleplan.js",
  types: "scaleplan.d.ts",
  exports: {
    ".": { types: "./scaleplan.d.ts", default: "./scaleplan.js" },
    ...(hasWidget ? { "./widget": { types: "./scale-plan.d.ts", default: "./scale-plan.js" } } : {}),
    "./scaleplan_bg.wasm": "./scaleplan_bg.wasm",
    "./plan-v1.schema.json": "./plan-v1.schema.json",
  },
  files: [...files, ...widget, "README.md", "plan-v1.schema.json", ...LEGAL],
  // Importing the widget defines <scale-plan>: bundlers must keep it.
  sideEffects: ["./snippets/*", "./scale-plan.js"],
  keywords: ["crypto", "futures", "liquidation", "position-sizing", "wasm", "decimal"],
};
copyFileSync(join(root, "crates/scaleplan/schema/plan-v1.schema.json"), join(dir, "plan-v1.schema.json"));
for (const f of LEGAL) copyFileSync(join(root, f), join(dir, f));
writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
writeFileSync(join(dir, "README.md"), readFileSync(join(root, "crates/scaleplan-wasm/README.md"), "utf8"));
console.log(`    wrote ${join(dir, "package.json")} (scaleplan ${version})`);
