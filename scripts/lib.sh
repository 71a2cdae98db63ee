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

# The <scale-plan> widget's engine: the app's library alone as a cdylib (profile widget; the planner it never
# reaches is left out), through wasm-bindgen and wasm-opt (the app's flags) into target/widget-engine. Skipped
# when cargo's output has not changed since the last run.
build_widget() {
  echo "==> building the widget's engine (the app's library, profile widget) into target/widget-engine"
  (cd "$ROOT" && with_wasm_env cargo rustc -q -p scaleplan-app --lib --profile widget --target wasm32-unknown-unknown \
    --crate-type cdylib)
  local wasm="$ROOT/target/wasm32-unknown-unknown/widget/scaleplan_app.wasm" out="$ROOT/target/widget-engine"
  if [ -f "$out/scale-plan-engine_bg.wasm" ] && [ "$out/scale-plan-engine_bg.wasm" -nt "$wasm" ]; then
    echo "    up to date"
    return
  fi
  rm -rf "$out"
  with_wasm_env wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name scale-plan-engine "$wasm"
  with_wasm_env wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals -o "$out/scale-plan-engine_bg.wasm" "$out/scale-plan-engine_bg.wasm"
}

# Release build of the app into dist/ (Trunk runs wasm-bindgen and wasm-opt; never downloads tools), its glue's
# innerHTML put through the Trusted Types policy (scripts/trusted-types.mjs), and the widget (target/widget, also
# copied into dist/widget with the article and embed pages), then the single-file build (dist/scaleplan.html) and
# the service worker with this build's file list (scripts/offline.mjs, last: it lists what is in dist/).
build_app() {
  build_widget
  echo "==> building the app (release) into dist/"
  (cd "$ROOT" && with_wasm_env trunk build --release --offline)
  node "$ROOT/scripts/trusted-types.mjs" "$ROOT/dist"
  node "$ROOT/scripts/widget.mjs" "$ROOT/dist"
  node "$ROOT/scripts/single-file.mjs" "$ROOT/dist"
  node "$ROOT/scripts/offline.mjs" "$ROOT/dist"
}

# The app with its test hooks (feature test-hooks, app/src/test_hooks.rs) into target/dist-test, for the crash
# notice's browser test; never shipped. The dev profile (no LTO, no wasm-opt) takes a fraction of the release
# build's time and has the same panic hook, notice and loader.
build_test_app() {
  echo "==> building the app with its test hooks (dev profile) into target/dist-test"
  (cd "$ROOT" && with_wasm_env trunk build --offline --features test-hooks --dist "$ROOT/target/dist-test")
  node "$ROOT/scripts/trusted-types.mjs" "$ROOT/target/dist-test"
  node "$ROOT/scripts/offline.mjs" "$ROOT/target/dist-test"
}

# Release build of the npm package into target/npm/scaleplan (wasm-pack with the tools already installed).
build_npm() {
  echo "==> building the npm package into target/npm/scaleplan"
  (cd "$ROOT" && with_wasm_env wasm-pack build --mode no-install --profile npm --target web --no-pack \
    --out-dir "$ROOT/target/npm/scaleplan" --out-name scaleplan crates/scaleplan-wasm)
  node "$ROOT/scripts/npm-package.mjs" "$ROOT/target/npm/scaleplan"
}
