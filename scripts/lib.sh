# Shared by the scripts: paths and the wasm build environment. Source it; it defines functions only.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$HOME/.cargo/bin:$ROOT/scripts/tools/node_modules/.bin:$PATH"

# Runs a command with the wasm build environment written by bootstrap.sh (Debian's rustc on the offline route).
with_wasm_env() {
  (
    # shellcheck disable=SC1091
    [ -f "$ROOT/target/wasm-env.sh" ] && . "$ROOT/target/wasm-env.sh"
    export PATH="$PATH:$ROOT/scripts/tools/node_modules/.bin"
    "$@"
  )
}

# Release build of the app into dist/ (Trunk runs wasm-bindgen and wasm-opt; never downloads tools), then the
# single-file build (dist/scaleplan.html) and the service worker with this build's file list (scripts/offline.mjs,
# last: it lists what is in dist/).
build_app() {
  echo "==> building the app (release) into dist/"
  (cd "$ROOT" && with_wasm_env trunk build --release --offline)
  node "$ROOT/scripts/single-file.mjs" "$ROOT/dist"
  node "$ROOT/scripts/offline.mjs" "$ROOT/dist"
}

# Release build of the npm package into target/npm/scaleplan (wasm-pack with the tools already installed).
build_npm() {
  echo "==> building the npm package into target/npm/scaleplan"
  (cd "$ROOT" && with_wasm_env wasm-pack build --mode no-install --profile npm --target web --no-pack \
    --out-dir "$ROOT/target/npm/scaleplan" --out-name scaleplan crates/scaleplan-wasm)
  node "$ROOT/scripts/npm-package.mjs" "$ROOT/target/npm/scaleplan"
}
