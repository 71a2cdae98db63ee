// Starts the planner page. It is a file rather than Trunk's inline loader so the page runs under a
// Content-Security-Policy without 'unsafe-inline' (scripts only from the site's own files). Trunk writes the tag
// that loads it (Trunk.toml `pattern_script`) with the hashed names of this build's JS glue and wasm.
const tag = document.querySelector("script[data-wasm]");

// The crash notice's Reload button (app/src/lib.rs, `show_crash_notice`) has no inline handler: this listener,
// plain JavaScript added before the wasm starts, reloads the page even after the wasm instance has panicked.
document.addEventListener("click", (event) => {
  if (event.target instanceof Element && event.target.closest("[data-sp-action='reload']")) location.reload();
});

const glue = await import(new URL(tag.dataset.js, document.baseURI).href);
await glue.default({ module_or_path: new URL(tag.dataset.wasm, document.baseURI) });
glue.startApp();

// Offline after one visit (www/sw.js); not from file://, where there are no service workers. Under Trusted Types
// register() takes only a TrustedScriptURL: the policy scaleplan-sw makes one of this worker's URL and of nothing else.
if ("serviceWorker" in navigator && location.protocol !== "file:") {
  const worker = new URL("sw.js", import.meta.url).href;
  const offline = (e) => console.warn(`scaleplan works online only: ${e.message}`);
  try {
    const policy = self.trustedTypes?.createPolicy("scaleplan-sw", {
      createScriptURL(url) {
        if (url !== worker) throw new TypeError(`scaleplan-sw makes a script URL of ${worker} only, not of ${url}`);
        return url;
      },
    });
    navigator.serviceWorker.register(policy ? policy.createScriptURL(worker) : worker).catch(offline);
  } catch (e) {
    offline(e);
  }
}
