// A small static file server for the built app (no dependencies): `node scripts/serve.mjs <dir> [port] [host]`.
// Used by `scripts/run` and by the browser tests, so both see the app exactly as a static host serves it, under the
// strict Content-Security-Policy every page of the build is written to run under (README, "Security policy").
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".csv": "text/csv; charset=utf-8",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".webmanifest": "application/manifest+json",
};

/**
 * Scripts and wasm only from the site's own files (no inline script, no eval; 'wasm-unsafe-eval' is what compiling
 * WebAssembly needs), styles only from its own files, no plugins, no <base>.
 */
export const STRICT =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'; base-uri 'none'";

/**
 * The policy every page is served with: STRICT, and Trusted Types. Every HTML, script and script-URL sink takes
 * only trusted values, made by the two policies the pages create (ARCHITECTURE.md, "Trusted Types"): scaleplan-html
 * (Leptos's static templates, www/trusted-html.js) and scaleplan-sw (the service worker's URL, www/start.js). No
 * other policy may be created, and there is no default policy to turn plain strings into trusted ones.
 */
export const CSP = `${STRICT}; require-trusted-types-for 'script'; trusted-types scaleplan-html scaleplan-sw`;

/** The single file's policy (in a <meta> tag): it registers no service worker, so it allows one policy only. */
export const SINGLE_FILE_CSP = `${STRICT}; require-trusted-types-for 'script'; trusted-types scaleplan-html`;

/** Serves `dir` on `host:port` with `headers` added to every response; resolves to the listening server. */
export function serve(dir, port = 8080, host = "127.0.0.1", headers = {}) {
  const root = resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://localhost");
      let path = normalize(join(root, decodeURIComponent(url.pathname)));
      if (path !== root && !path.startsWith(root + sep)) {
        res.writeHead(403).end("forbidden");
        return;
      }
      if ((await stat(path).catch(() => null))?.isDirectory()) path = join(path, "index.html");
      const body = await readFile(path);
      res.writeHead(200, {
        "content-type": TYPES[extname(path)] ?? "application/octet-stream",
        "cache-control": "no-cache",
        "content-security-policy": CSP,
        ...headers,
      });
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir = "dist", port = "8080", host = "127.0.0.1"] = process.argv.slice(2);
  await serve(dir, Number(port), host);
  console.log(`scaleplan is served at http://${host}:${port}/ (Ctrl-C stops it)`);
}
