// <scale-plan>: a scaleplan plan shown in any page, in an open shadow root with its own stylesheet (the host's CSS
// cannot reach in, ours cannot leak out). One <script type="module" src=".../scale-plan.js"> defines it; the wasm
// is found next to this file. Every widget on a page shares one wasm instance, loaded once.
//
// This is the source: scripts/widget.mjs writes target/widget/scale-plan.js from it with the stylesheet in place of
// "__CSS__" (www/style.css, www/outputs.css and www/widget/widget.css, rem turned into em so the host page's root
// font size does not reach in either).
//
// Attributes: the plan comes from the `plan` property, else an inline <script type="application/json"> child,
// else `src` (a URL, same origin or CORS), else `link` (a share link or its #p1.… fragment), else `example` (a
// built-in example: guide-btc-ladder, guide-eth-scaleout, sample-btc-2019). `view` is card (the default), ladder or
// full; `editable` names the fields a reader may change (leverage, stop, wallet, risk, size, price-N, target-N or a
// JSON pointer); `theme` is light, dark or auto (the default). CSS custom properties on the element:
// --scale-plan-accent, --scale-plan-font, --scale-plan-density (1 is the default size; 0.85 is compact).
// Events: `plan-change` (detail: { plan, report }) with every valid plan shown, first when it is shown at all.

const CSS = "__CSS__";

let sheet = null;
/** The one stylesheet every widget's shadow root adopts. */
function stylesheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
  }
  return sheet;
}

// The two builds: the widget's engine (cards and ladders, small) and the app's (which can also show the whole
// planner). Each is loaded at most once per page; its wasm is fetched relative to its glue, next to this file.
const engines = new Map();
const live = new Set();

function load(kind) {
  if (!engines.has(kind)) {
    const glue = kind === "full" ? import("./scaleplan-app.js") : import("./scale-plan-engine.js");
    const ready = glue.then(async (engine) => {
      await engine.default();
      engine.setCrashHandler(() => {
        for (const widget of live) widget.crashed(engine);
      });
      return engine;
    });
    ready.catch(() => engines.delete(kind));
    engines.set(kind, ready);
  }
  return engines.get(kind);
}

/** The engine for a view: the app's for `full`, and for every widget once it is on the page (one instance). */
function engineFor(view) {
  const fullOnPage = !engines.has("lite") && document.querySelector('scale-plan[view="full"]') !== null;
  return load(view === "full" || engines.has("full") || fullOnPage ? "full" : "lite");
}

export class ScalePlan extends HTMLElement {
  static observedAttributes = ["src", "link", "example", "view", "editable"];

  #shadow;
  #widget = null;
  #engine = null;
  #plan = null;
  #report = null;
  #given = undefined;
  #run = 0;
  #queued = false;

  constructor() {
    super();
    this.#shadow = this.attachShadow({ mode: "open" });
    this.#shadow.adoptedStyleSheets = [stylesheet()];
  }

  connectedCallback() {
    this.#schedule();
  }

  disconnectedCallback() {
    this.#run++;
    this.#unmount();
  }

  attributeChangedCallback() {
    if (this.isConnected) this.#schedule();
  }

  /** The plan shown (a plan file object), once the widget shows one; setting it shows another. */
  get plan() {
    return this.#plan;
  }

  set plan(value) {
    this.#given = value;
    if (this.#widget) {
      try {
        this.#widget.setPlan(JSON.stringify(value));
      } catch (error) {
        this.#fail(error);
      }
    } else if (this.isConnected) {
      this.#schedule();
    }
  }

  /** The report of the plan shown (what evaluatePlan returns), once the widget shows one. */
  get report() {
    return this.#report;
  }

  // Attribute changes in one task mount once.
  #schedule() {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#mount();
    });
  }

  async #mount() {
    const run = ++this.#run;
    const view = this.getAttribute("view") ?? "card";
    try {
      const [engine, text] = await Promise.all([engineFor(view), this.#planText()]);
      const plan = typeof text === "function" ? text(engine) : text;
      if (run !== this.#run || !this.isConnected) return;
      this.#unmount();
      const target = document.createElement("div");
      target.className = "sp-widget-root";
      this.#shadow.replaceChildren(target);
      this.#widget = engine.mountWidget(target, plan, view, this.getAttribute("editable") ?? "", (p, r) => this.#changed(p, r));
      this.#engine = engine;
      live.add(this);
    } catch (error) {
      if (run === this.#run) this.#fail(error);
    }
  }

  /** The plan's JSON text, or a function of the engine for the sources only it can read (links, examples). */
  async #planText() {
    if (this.#given !== undefined) return JSON.stringify(this.#given);
    const inline = this.querySelector(':scope > script[type="application/json"]');
    if (inline) return inline.textContent;
    const src = this.getAttribute("src");
    if (src) {
      const url = new URL(src, document.baseURI);
      const response = await fetch(url).catch((e) => {
        throw new Error(`src: ${url} could not be fetched (${e.message}); another origin must allow it with CORS`);
      });
      if (!response.ok) throw new Error(`src: ${url} answered ${response.status}`);
      return response.text();
    }
    const link = this.getAttribute("link");
    if (link) return (engine) => engine.planOfLink(link);
    const example = this.getAttribute("example");
    if (example) return (engine) => engine.examplePlan(example);
    throw new Error('no plan: give it a <script type="application/json"> child, src, link or example');
  }

  #changed(planJson, reportJson) {
    this.#plan = JSON.parse(planJson);
    this.#report = JSON.parse(reportJson);
    this.dispatchEvent(
      new CustomEvent("plan-change", { detail: { plan: this.#plan, report: this.#report }, bubbles: true, composed: true }),
    );
  }

  #unmount() {
    live.delete(this);
    const widget = this.#widget;
    this.#widget = null;
    this.#engine = null;
    widget?.free();
  }

  #fail(error) {
    const message = `scale-plan: ${error?.message ?? error}`;
    console.warn(message);
    const p = document.createElement("p");
    p.className = "sp-widget-error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    this.#shadow.replaceChildren(p);
  }

  /** After a panic in `engine`: a notice in place of the widget; that instance is not called again. */
  crashed(engine) {
    if (this.#engine !== engine) return;
    live.delete(this);
    this.#widget = null;
    this.#engine = null;
    const notice = document.createElement("div");
    notice.className = "sp-widget-error";
    notice.setAttribute("role", "alert");
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = "Reload";
    button.addEventListener("click", () => location.reload());
    notice.append("Something went wrong in this calculator. ", button);
    this.#shadow.replaceChildren(notice);
  }
}

if (!customElements.get("scale-plan")) customElements.define("scale-plan", ScalePlan);
