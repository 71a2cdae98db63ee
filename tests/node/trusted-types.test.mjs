// The Trusted Types policy scaleplan-html (www/trusted-html.js) and the build step that routes the wasm-bindgen
// glue's innerHTML through it (scripts/trusted-types.mjs). In Node there is no Trusted Types: the check is the same.
import { test } from "node:test";
import assert from "node:assert/strict";
import { templateProblem, trustedHtml } from "../../www/trusted-html.js";
import { trustGlue } from "../../scripts/trusted-types.mjs";

test("templates as Leptos's view! macro writes them pass", () => {
  for (const html of [
    '<header class="sp-header"><h1>scaleplan</h1><p class="sp-lede">Plan every tranche &amp; more</p></header>',
    '<th scope="col">#</th>',
    '<title id="sp-ladder-title">The ladder on a price axis</title>',
    '<option value="conservative">Adverse extreme first (conservative)</option>',
    '<label for="sp-replay-start">Start (UTC date)</label>',
    "<p>a &lt; b &gt; c<br>d</p>",
    '<span class="sp-hint" aria-hidden="true">Start from:</span>',
    "<details hidden><summary>Notes</summary></details>",
  ])
    assert.equal(templateProblem(html), null, html);
  assert.equal(trustedHtml("<dt>Warnings</dt>"), "<dt>Warnings</dt>");
});

test("anything that could run script, load, submit or be acted on is refused, with the reason", () => {
  const cases = {
    "<script>alert(1)</script>": /<script> is not an element/,
    '<img src="x" onerror="alert(1)">': /<img> is not an element/,
    '<p onclick="alert(1)">x</p>': /onclick="…" on <p> is not an attribute/,
    '<a href="javascript:alert(1)">x</a>': /<a> is not an element/,
    '<span style="color: red">x</span>': /style="…" on <span>/,
    '<button type="button" data-sp-action="reload">Reload</button>': /<button> is not an element/,
    '<div data-sp-action="reload">x</div>': /data-sp-action="…" on <div>/,
    '<iframe srcdoc="&lt;script&gt;"></iframe>': /<iframe> is not an element/,
    '<svg><use href="#x"></use></svg>': /<svg> is not an element/,
    "<p>a</p><!-- b -->": /not in the shape of a static template/,
    "<p>a < b</p>": /not in the shape/,
    "<p class=x>a</p>": /not in the shape/,
    "<p class='x'>a</p>": /not in the shape/,
    '<p class="a"b>x</p>': /not in the shape/,
    "<P>a</P>": /not in the shape/,
    '<p\tclass="x">a</p>': /not in the shape/,
    "<p/onclick=alert(1)>": /not in the shape/,
  };
  for (const [html, reason] of Object.entries(cases)) {
    assert.match(templateProblem(html) ?? "passed", reason, html);
    assert.throws(() => trustedHtml(html), (e) => e instanceof TypeError && /^scaleplan-html .*refused this HTML/.test(e.message), html);
  }
  assert.match(templateProblem({ toString: () => "<p>x</p>" }), /not text/);
});

const SETTER = `        __wbg_set_innerHTML_a9d3a267967b5117: function(arg0, arg1, arg2) {
            arg0.innerHTML = getStringFromWasm0(arg1, arg2);
        },`;

test("the glue's innerHTML setter is routed through the policy, once, and the policy comes with it", () => {
  const glue = `let wasm;\n${SETTER}\nexport default __wbg_init;\n`;
  const trusted = trustGlue(glue);
  assert.match(trusted, /arg0\.innerHTML = __scaleplanTrustedHtml\(getStringFromWasm0\(arg1, arg2\)\);/);
  assert.match(trusted, /const __scaleplanTrustedHtml = \(\(\) => \{/);
  assert.doesNotMatch(trusted, /^export (const|function)/m, "the policy's own exports are dropped");
  assert.equal(trustGlue(trusted), trusted, "a second run changes nothing");
  const glueWithout = "let wasm;\nexport default __wbg_init;\n";
  assert.equal(trustGlue(glueWithout), glueWithout, "a glue that sets no HTML needs no policy");
});

test("a glue that reaches HTML some other way stops the build", () => {
  assert.throws(() => trustGlue(SETTER.replace("getStringFromWasm0(arg1, arg2)", "arg1")), /sets innerHTML in a way/);
  assert.throws(() => trustGlue(`${SETTER}\n  arg0.insertAdjacentHTML(arg1, arg2);`), /reaches insertAdjacentHTML/);
  assert.throws(() => trustGlue("  arg0.outerHTML = getStringFromWasm0(arg1, arg2);"), /reaches outerHTML/);
});
