// The Trusted Types policy "scaleplan-html": the only way scaleplan's wasm puts HTML text into a page.
//
// Leptos renders the fully static parts of a view (no reactive value, no handler) from HTML text its view! macro
// writes at compile time: it parses that text once into a <template> (innerHTML) and clones it. That setter is the
// only HTML sink the app and the widget reach (the crash notice is built node by node). Under
// `require-trusted-types-for 'script'` innerHTML takes only TrustedHTML, so scripts/trusted-types.mjs puts this file
// into each wasm-bindgen glue (the app's, the widget engine's, the single file's) and routes the glue's innerHTML
// setter through `trustedHtml`. No default policy: a page's other strings never pass through this one.
//
// The policy is narrow by what it accepts, since it cannot know its caller: text in the exact shape the macro writes
// (start tags with double-quoted values, end tags, escaped text; no comment, no raw "<" or ">" in text or value),
// only elements that hold text or give a table, a list or a form label its structure, and only attributes that name,
// label or structure (no URL, no style, no handler, no data-* a script could act on, such as the crash notice's
// data-sp-action). Nothing it lets through can run script, load anything or submit anything.
//
// This file is an ES module (tests/node import it); the glue gets its text with the exports dropped.

/** Elements a template may hold: text, headings, lists, tables, form labels, disclosure; an SVG chart's title. */
export const TAGS = new Set(
  `abbr b br caption code col colgroup dd del desc details dfn div dl dt em fieldset figcaption figure footer h1 h2 h3
   h4 h5 h6 header hr i ins kbd label legend li mark ol optgroup option p q s section small span strong sub summary sup
   table tbody td tfoot th thead time title tr u ul var wbr`.split(/\s+/),
);

/** Attributes a template may carry (and aria-*): names, labels, table structure. */
export const ATTRIBUTES = new Set(["class", "id", "for", "scope", "colspan", "rowspan", "headers", "value", "lang", "dir", "hidden", "role"]);

const TOKEN = /<([a-z][a-z0-9]*)((?: [a-z][a-z-]*(?:="[^"<>]*")?)*)>|<\/([a-z][a-z0-9]*)>|[^<>]+/y;
const ATTRIBUTE = / ([a-z][a-z-]*)(?:="[^"<>]*")?/g;

/** Why `html` is not a template the policy lets through, or null when it is one. */
export function templateProblem(html) {
  if (typeof html !== "string") return `not text but ${typeof html}`;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < html.length) {
    const at = TOKEN.lastIndex;
    const token = TOKEN.exec(html);
    if (!token) return `not in the shape of a static template at ${JSON.stringify(html.slice(at, at + 40))}`;
    const tag = token[1] ?? token[3];
    if (tag !== undefined && !TAGS.has(tag)) return `<${tag}> is not an element templates may hold`;
    for (const [, name] of (token[2] ?? "").matchAll(ATTRIBUTE))
      if (!ATTRIBUTES.has(name) && !/^aria-[a-z]+$/.test(name)) return `${name}="…" on <${tag}> is not an attribute templates may carry`;
  }
  return null;
}

/** `html` checked, as TrustedHTML where the browser has Trusted Types; refused with the reason otherwise. */
export const trustedHtml = (() => {
  const check = (html) => {
    const problem = templateProblem(html);
    if (problem) throw new TypeError(`scaleplan-html (www/trusted-html.js) refused this HTML: ${problem}`);
    return html;
  };
  const tt = globalThis.trustedTypes;
  if (!tt) return check;
  // One policy per page, whichever glue comes first (a page of widgets may load both builds; a second policy of the
  // same name would be refused). Anyone may reach it here: it is its check, not its secrecy, that makes it safe.
  const key = Symbol.for("scaleplan-html");
  try {
    globalThis[key] ??= tt.createPolicy("scaleplan-html", { createHTML: check });
  } catch (error) {
    // The page's CSP lists policy names without this one (the browser reports it); without enforcement the checked
    // text still works.
    console.warn(`scaleplan: no Trusted Types policy "scaleplan-html" (${error.message}); allow it in trusted-types`);
    return check;
  }
  const policy = globalThis[key];
  return (html) => policy.createHTML(html);
})();
