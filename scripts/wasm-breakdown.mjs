// Where the bytes of a wasm file go: code bytes per crate and the largest functions, read from the binary's
// "name" section (no tools, no dependencies). Usage: node scripts/wasm-breakdown.mjs <file.wasm> [--top N]
// [--crates N] [--note TEXT]. Shipped builds have their names stripped by wasm-opt; point it at a build that kept
// them (cargo's own output, before wasm-bindgen and wasm-opt). Also importable: breakdown(bytes), report(...).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const SECTION_NAMES = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start",
  "element", "code", "data", "datacount", "tag"];

// A cursor over the bytes: unsigned LEB128 and length-prefixed UTF-8 names, as the wasm binary format writes them.
class Reader {
  constructor(bytes, pos = 0, end = bytes.length) {
    Object.assign(this, { bytes, pos, end });
  }
  byte() {
    if (this.pos >= this.end) throw new Error(`unexpected end of wasm at byte ${this.pos}`);
    return this.bytes[this.pos++];
  }
  u32() {
    let result = 0, shift = 0, b;
    do {
      b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return result;
  }
  name() {
    const len = this.u32();
    if (this.pos + len > this.end) throw new Error("name runs past its section");
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, this.pos + len));
    this.pos += len;
    return s;
  }
}

// Sections (id, name, size), the byte size of each defined function's body and the function names if present.
export function parseWasm(bytes) {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d)
    throw new Error("not a wasm binary (no \\0asm magic)");
  const r = new Reader(bytes, 8);
  const sections = [];
  let importedFuncs = 0, bodies = [], names = null;
  while (r.pos < r.end) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos, end = start + size;
    const sec = { id, name: SECTION_NAMES[id] ?? `unknown(${id})`, size };
    const s = new Reader(bytes, start, end);
    if (id === 0) {
      sec.name = `custom "${s.name()}"`;
      if (sec.name === 'custom "name"') names = parseNames(s);
    } else if (id === 2) {
      for (let n = s.u32(); n > 0; n--) {
        s.name();
        s.name();
        const kind = s.byte();
        if (kind === 0) { s.u32(); importedFuncs++; }
        else if (kind === 1) { s.byte(); limits(s); } // table: reftype, limits
        else if (kind === 2) limits(s); // memory
        else if (kind === 3) { s.byte(); s.byte(); } // global: valtype, mutability
        else if (kind === 4) { s.byte(); s.u32(); } // tag
        else throw new Error(`unknown import kind ${kind}`);
      }
    } else if (id === 10) {
      for (let n = s.u32(); n > 0; n--) {
        const at = s.pos, len = s.u32();
        bodies.push(s.pos - at + len); // the body with its size prefix, so the bodies sum to the section
        s.pos += len;
      }
    }
    sections.push({ id, name: sec.name, size });
    r.pos = end;
  }
  return { sections, importedFuncs, bodies, names };
}

function limits(s) {
  const flags = s.byte();
  s.u32();
  if (flags & 1) s.u32();
}

// The function names subsection (id 1) of the "name" section: function index -> name.
function parseNames(s) {
  const names = new Map();
  while (s.pos < s.end) {
    const id = s.byte(), size = s.u32(), end = s.pos + size;
    if (id === 1) for (let n = s.u32(); n > 0; n--) names.set(s.u32(), s.name());
    s.pos = end;
  }
  return names;
}

// ---------------------------------------------------------------------------------------------------------------
// Rust symbol demangling, enough to name the crate: legacy (_ZN...E) and v0 (_R...). Returns { name, crate }.

const LEGACY_ESCAPES = { SP: "@", BP: "*", RF: "&", LT: "<", GT: ">", LP: "(", RP: ")", C: "," };

function unescapeLegacy(seg) {
  if (seg.startsWith("_$")) seg = seg.slice(1);
  return seg
    .replace(/\$([A-Z]{1,2}|u[0-9a-f]{2,6})\$/g, (m, e) =>
      e[0] === "u" ? String.fromCodePoint(parseInt(e.slice(1), 16)) : (LEGACY_ESCAPES[e] ?? m))
    .replace(/\.\./g, "::");
}

function demangleLegacy(sym) {
  // _ZN <len><ident>... E, with an optional "17h<16 hex>" hash segment last; wasm names may lack the underscore.
  let i = sym.startsWith("_ZN") ? 3 : sym.startsWith("ZN") ? 2 : sym.startsWith("__ZN") ? 4 : -1;
  if (i < 0) return null;
  const segs = [];
  while (i < sym.length && sym[i] !== "E") {
    const m = /^\d+/.exec(sym.slice(i));
    if (!m) return null;
    const len = Number(m[0]);
    i += m[0].length;
    if (i + len > sym.length) return null;
    segs.push(sym.slice(i, i + len));
    i += len;
  }
  if (sym[i] !== "E") return null;
  if (segs.length > 1 && /^h[0-9a-f]{16}$/.test(segs.at(-1))) segs.pop();
  const name = segs.map(unescapeLegacy).join("::");
  return { name, crate: crateOfPath(name) };
}

// The crate of a demangled path: its first segment, or for "<T as Trait>::f" / "<T>::f" the crate of T (of the
// trait when T is a primitive or a generic parameter).
export function crateOfPath(path) {
  path = path.trim();
  if (!path.startsWith("<")) {
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(path);
    return m ? m[0] : null;
  }
  let depth = 0, end = -1, as = -1;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (c === "<" || c === "(" || c === "[") depth++;
    else if ((c === ">" && path[i - 1] !== "-") || c === ")" || c === "]") {
      if (--depth === 0) { end = i; break; }
    } else if (depth === 1 && as < 0 && path.startsWith(" as ", i)) as = i;
  }
  const inner = path.slice(1, end < 0 ? path.length : end);
  const self = as < 0 ? inner : path.slice(1, as);
  const typeCrate = crateOfType(self);
  if (typeCrate) return typeCrate;
  if (as >= 0) return crateOfPath(path.slice(as + 4, end < 0 ? path.length : end));
  return null;
}

function crateOfType(t) {
  t = t.trim().replace(/^(?:&(?:'\w+ )?(?:mut )?|\*(?:const|mut) |dyn |impl |\[|\()+/, "").trim();
  if (t.startsWith("<")) return crateOfPath(t);
  const m = /^([A-Za-z_][A-Za-z0-9_]*)::/.exec(t);
  return m ? m[1] : null;
}

const V0_BASIC = { a: "i8", b: "bool", c: "char", d: "f64", e: "str", f: "f32", h: "u8", i: "isize", j: "usize",
  l: "i32", m: "u32", n: "i128", o: "u128", s: "i16", t: "u16", u: "()", v: "...", x: "i64", y: "u64", z: "!",
  p: "_" };

// A small v0 demangler after the grammar in RFC 2603 (the parts rustc emits). Backrefs are offsets past "_R".
function demangleV0(sym) {
  let body;
  if (sym.startsWith("_R")) body = sym.slice(2);
  else if (sym.startsWith("R") && /^R[A-Z]/.test(sym)) body = sym.slice(1);
  else if (sym.startsWith("__R")) body = sym.slice(3);
  else return null;
  const p = { s: body, i: 0, depth: 0 };
  try {
    if (/[0-9]/.test(p.s[p.i])) decimal(p); // encoding version
    const { text, crate } = v0Path(p);
    return { name: text, crate };
  } catch {
    return null;
  }
}

const peek = (p) => p.s[p.i];
function eat(p, c) {
  if (p.s[p.i] === c) { p.i++; return true; }
  return false;
}
function next(p) {
  if (p.i >= p.s.length) throw new Error("eof");
  return p.s[p.i++];
}
function decimal(p) {
  const m = /^(0|[1-9][0-9]*)/.exec(p.s.slice(p.i));
  if (!m) throw new Error("decimal");
  p.i += m[0].length;
  return Number(m[0]);
}
function base62(p) {
  if (eat(p, "_")) return 0;
  let x = 0;
  for (;;) {
    const c = next(p);
    if (c === "_") return x + 1;
    const d = c >= "0" && c <= "9" ? c.charCodeAt(0) - 48 : c >= "a" && c <= "z" ? c.charCodeAt(0) - 87
      : c >= "A" && c <= "Z" ? c.charCodeAt(0) - 29 : -1;
    if (d < 0) throw new Error("base62");
    x = x * 62 + d;
  }
}
function disambiguator(p) {
  if (eat(p, "s")) base62(p);
}
function ident(p) {
  const puny = eat(p, "u");
  const len = decimal(p);
  eat(p, "_");
  if (p.i + len > p.s.length) throw new Error("ident");
  const s = p.s.slice(p.i, p.i + len);
  p.i += len;
  return puny ? `{punycode ${s}}` : s;
}
function backref(p, f) {
  const at = p.i - 1;
  const target = base62(p);
  if (target >= at) throw new Error("backref");
  if (++p.depth > 200) throw new Error("depth");
  const save = p.i;
  p.i = target;
  const out = f(p);
  p.i = save;
  p.depth--;
  return out;
}

function v0Path(p, inType = false) {
  const tag = next(p);
  switch (tag) {
    case "C": {
      disambiguator(p);
      const name = ident(p);
      return { text: name, crate: name };
    }
    case "N": {
      const ns = next(p);
      const inner = v0Path(p, inType);
      disambiguator(p);
      const name = ident(p);
      let seg;
      if (ns === "C") seg = name ? `{closure:${name}}` : "{closure}";
      else if (ns === "S") seg = name ? `{shim:${name}}` : "{shim}";
      else if (ns >= "A" && ns <= "Z") seg = `{${ns}:${name}}`;
      else seg = name;
      return { text: `${inner.text}::${seg}`, crate: inner.crate };
    }
    case "M": {
      disambiguator(p);
      const impl = v0Path(p);
      const self = v0Type(p);
      return { text: `<${self.text}>`, crate: self.crate ?? impl.crate };
    }
    case "X": {
      disambiguator(p);
      const impl = v0Path(p);
      const self = v0Type(p);
      const trait = v0Path(p, true);
      return { text: `<${self.text} as ${trait.text}>`, crate: self.crate ?? impl.crate };
    }
    case "Y": {
      const self = v0Type(p);
      const trait = v0Path(p, true);
      return { text: `<${self.text} as ${trait.text}>`, crate: self.crate ?? trait.crate };
    }
    case "I": {
      const base = v0Path(p, inType);
      const args = [];
      while (!eat(p, "E")) args.push(v0GenericArg(p));
      const shown = args.filter((a) => a !== null);
      const open = inType ? "<" : "::<";
      return { text: shown.length ? `${base.text}${open}${shown.join(", ")}>` : base.text, crate: base.crate };
    }
    case "B":
      return backref(p, (q) => v0Path(q, inType));
    default:
      throw new Error(`path tag ${tag}`);
  }
}

function v0GenericArg(p) {
  if (peek(p) === "L") { p.i++; base62(p); return null; } // lifetimes are not printed
  if (eat(p, "K")) return v0Const(p);
  return v0Type(p).text;
}

function v0Const(p) {
  if (eat(p, "p")) return "_";
  if (peek(p) === "B") { p.i++; return backref(p, v0Const); }
  const t = next(p);
  if (t === "R" || t === "Q") return `&${v0Const(p)}`;
  if (t === "A" || t === "T") {
    const xs = [];
    while (!eat(p, "E")) xs.push(v0Const(p));
    return t === "A" ? `[${xs.join(", ")}]` : `(${xs.join(", ")})`;
  }
  if (t === "V" || t === "S") { // variant / struct value: a path then fields
    const path = v0Path(p).text;
    const kind = next(p);
    if (kind === "U") return path;
    const xs = [];
    while (!eat(p, "E")) {
      if (kind === "S") { disambiguator(p); ident(p); }
      xs.push(v0Const(p));
    }
    return `${path}{…}`;
  }
  // a basic type followed by hex data
  const neg = eat(p, "n");
  const m = /^[0-9a-f]*_/.exec(p.s.slice(p.i));
  if (!m) throw new Error("const");
  p.i += m[0].length;
  const hex = m[0].slice(0, -1) || "0";
  if (t === "b") return hex === "0" ? "false" : "true";
  if (t === "c") return `'${String.fromCodePoint(parseInt(hex, 16))}'`;
  return `${neg ? "-" : ""}${hex.length > 12 ? `0x${hex}` : parseInt(hex, 16)}`;
}

function v0Type(p) {
  const t = next(p);
  if (V0_BASIC[t]) return { text: V0_BASIC[t], crate: null };
  switch (t) {
    case "A": {
      const el = v0Type(p);
      return { text: `[${el.text}; ${v0Const(p)}]`, crate: el.crate };
    }
    case "S": {
      const el = v0Type(p);
      return { text: `[${el.text}]`, crate: el.crate };
    }
    case "R":
    case "Q": {
      if (peek(p) === "L") { p.i++; base62(p); }
      const el = v0Type(p);
      return { text: `&${t === "Q" ? "mut " : ""}${el.text}`, crate: el.crate };
    }
    case "P":
    case "O": {
      const el = v0Type(p);
      return { text: `*${t === "P" ? "const" : "mut"} ${el.text}`, crate: el.crate };
    }
    case "F": {
      if (eat(p, "G")) base62(p);
      const unsafe = eat(p, "U");
      if (eat(p, "K")) { if (!eat(p, "C")) ident(p); }
      const args = [];
      while (!eat(p, "E")) args.push(v0Type(p).text);
      const ret = v0Type(p).text;
      return { text: `${unsafe ? "unsafe " : ""}fn(${args.join(", ")})${ret === "()" ? "" : ` -> ${ret}`}`, crate: null };
    }
    case "D": {
      if (eat(p, "G")) base62(p);
      const traits = [];
      let crate = null;
      while (!eat(p, "E")) {
        const tr = v0Path(p);
        crate ??= tr.crate;
        let text = tr.text;
        while (eat(p, "p")) text += ` ${ident(p)}=${v0Type(p).text}`;
        traits.push(text);
      }
      if (peek(p) === "L") { p.i++; base62(p); }
      return { text: `dyn ${traits.join(" + ")}`, crate };
    }
    case "T": {
      const xs = [];
      while (!eat(p, "E")) xs.push(v0Type(p));
      return { text: `(${xs.map((x) => x.text).join(", ")}${xs.length === 1 ? "," : ""})`, crate: null };
    }
    case "B":
      return backref(p, v0Type);
    default:
      p.i--;
      return v0Path(p, true); // a named type
  }
}

// Names without Rust mangling: exports, C symbols and the linker's and wasm-bindgen's own functions.
function unmangledCrate(name) {
  // wasm-bindgen's wrappers of the #[wasm_bindgen] exports ("replayPlan externref shim"); wasm-opt inlines the
  // exported Rust function into them, so after wasm-opt they carry that code.
  if (/ shim$/.test(name)) return "(wasm-bindgen export shims)";
  if (/^__wbg|^__wbindgen|^__externref/.test(name)) return "wasm_bindgen";
  if (/^(mem(cpy|set|move|cmp)|__(ashl|ashr|lshr|mul|div|mod|udiv|umod|neg|add|sub|fix|float|trunc|extend)\w+|bcmp|strlen)$/.test(name))
    return "compiler_builtins";
  if (/^(__rust_|__rdl_|__rg_|rust_begin_unwind|rust_panic)/.test(name)) return RUSTC_SHIMS;
  if (/^(a?(sin|cos|tan)h?|atan2|exp(2|10|m1)?|log(2|10|1p)?|pow|fmod|sqrt|cbrt|hypot|floor|ceil|trunc|round|rint|fma|fmin|fmax)f?$/.test(name))
    return "compiler_builtins (libm)";
  if (/^(dl|__dl)/.test(name)) return "dlmalloc";
  return "(unmangled: exports, glue)";
}

// rustc's allocator and panic entry points live in a crate it names "__rustc".
const RUSTC_SHIMS = "__rustc (alloc/panic shims)";

// A symbol as the name section spells it (mangled by rustc, or demangled by wasm-bindgen) -> { name, crate }.
export function demangle(sym) {
  const found = (d) => {
    const crate = d.crate === "__rustc" ? RUSTC_SHIMS : d.crate ?? "(impls on primitives: core, alloc)";
    return { name: d.name, crate };
  };
  const d = demangleLegacy(sym) ?? demangleV0(sym);
  if (d) return found(d);
  // Already demangled (wasm-bindgen rewrites the name section demangled, legacy hashes kept): "a::b::h0123…".
  // v0 names come back with crate hashes, "core[c5930c85a12de822]::fmt", which the path carries no further.
  if (sym.includes("::")) {
    const name = sym.replace(/(\.\d+)+$/, "").replace(/::h[0-9a-f]{16}$/, "").replace(/\[[0-9a-f]{8,}\]/g, "");
    return found({ name, crate: crateOfPath(name) });
  }
  // wasm-bindgen and wasm-opt may append a suffix such as ".1" or "@1"; try without it.
  const bare = sym.replace(/(\.\d+|@\d+|\.llvm\.\d+)+$/, "");
  if (bare !== sym) {
    const d2 = demangleLegacy(bare) ?? demangleV0(bare);
    if (d2) return found(d2);
  }
  return { name: sym, crate: unmangledCrate(sym) };
}

// ---------------------------------------------------------------------------------------------------------------

export function breakdown(bytes) {
  const w = parseWasm(bytes);
  const code = w.sections.find((s) => s.id === 10)?.size ?? 0;
  const data = w.sections.filter((s) => s.id === 11).reduce((a, s) => a + s.size, 0);
  const out = { size: bytes.length, sections: w.sections, code, data, hasNames: !!w.names, crates: [], functions: [] };
  if (!w.names) return out;
  const crates = new Map();
  w.bodies.forEach((size, i) => {
    const raw = w.names.get(w.importedFuncs + i) ?? `func[${w.importedFuncs + i}]`;
    const { name, crate } = w.names.has(w.importedFuncs + i) ? demangle(raw) : { name: raw, crate: "(no name)" };
    out.functions.push({ name, crate, size });
    const c = crates.get(crate) ?? { crate, size: 0, count: 0 };
    c.size += size;
    c.count++;
    crates.set(crate, c);
  });
  out.functions.sort((a, b) => b.size - a.size);
  out.crates = [...crates.values()].sort((a, b) => b.size - a.size);
  return out;
}

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);
const pct = (n, of) => `${of ? ((100 * n) / of).toFixed(1) : "0.0"}%`.padStart(6);
const clip = (s, n) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

// The printed report, as lines. topCrates / topFunctions: how many rows of each (Infinity for all).
export function report(b, { topCrates = Infinity, topFunctions = 20, indent = "" } = {}) {
  const lines = [];
  const L = (s = "") => lines.push(indent + s);
  L(`file size ${kib(b.size)}; sections:`);
  for (const s of [...b.sections].sort((x, y) => y.size - x.size))
    L(`  ${s.name.padEnd(40)} ${kib(s.size)} ${pct(s.size, b.size)}`);
  L(`code (function bodies) ${kib(b.code)}`);
  L(`data (data segments)   ${kib(b.data)}`);
  if (!b.hasNames) {
    L("no \"name\" section: function names were stripped, so no per-crate breakdown (section sizes only)");
    return lines;
  }
  const shownCrates = b.crates.slice(0, topCrates);
  L();
  L(`code by crate (${b.crates.length} crates, ${b.functions.length} functions):`);
  for (const c of shownCrates)
    L(`  ${clip(c.crate, 40).padEnd(40)} ${kib(c.size)} ${pct(c.size, b.code)} ${String(c.count).padStart(6)} fns`);
  const rest = b.crates.slice(topCrates);
  if (rest.length) {
    const size = rest.reduce((a, c) => a + c.size, 0), count = rest.reduce((a, c) => a + c.count, 0);
    L(`  ${`(${rest.length} more crates)`.padEnd(40)} ${kib(size)} ${pct(size, b.code)} ${String(count).padStart(6)} fns`);
  }
  L();
  L(`largest ${Math.min(topFunctions, b.functions.length)} functions:`);
  for (const f of b.functions.slice(0, topFunctions))
    L(`  ${kib(f.size)} ${pct(f.size, b.code)}  ${clip(f.name, 110)}`);
  return lines;
}

function main(argv) {
  const args = argv.slice(2);
  let file, top = 20, crates = Infinity, note = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--top") top = Number(args[++i]);
    else if (args[i] === "--crates") crates = Number(args[++i]);
    else if (args[i] === "--note") note = args[++i];
    else if (args[i] === "-h" || args[i] === "--help") file = null;
    else file = args[i];
  }
  if (!file || !Number.isFinite(top)) {
    console.error("usage: node scripts/wasm-breakdown.mjs <file.wasm> [--top N] [--crates N] [--note TEXT]");
    process.exit(2);
  }
  const b = breakdown(readFileSync(file));
  console.log(`${file}${note ? ` (${note})` : ""}`);
  for (const l of report(b, { topCrates: crates, topFunctions: top })) console.log(l);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main(process.argv);
