// The plan report as JavaScript objects: the report's JSON text, with its rows packed apart (see `pack_rows` in
// src/lib.rs). Rows are most of a report and all of one shape, so they cross as their values alone, separated by
// U+001F, and are built here with one object literal per row: about a third of what JSON.parse of the same rows
// costs, and a third of the text to write. The first value names the fields in order; a build whose engine and
// this file disagree stops with an error instead of mislabelling a figure.

const FIELDS =
  "index,time,price,quantity,share,leverage,cumulativeQuantity,averageEntry,notional,feesPaid,funding,breakeven," +
  "marginUsed,effectiveLeverage,freeMargin,liquidationPrice,bankruptcyPrice,tier,liquidationDistance," +
  "liquidationBeyondStop,lossAtStop,lossAtStopPercent,r";
const WIDTH = 23;
const SEPARATOR = "\u001f";

const orNull = (text) => (text === "" ? null : text);

/** The report of `json` with the rows `packed` holds in place of its empty `rows`. */
export function planReport(json, packed) {
  const report = JSON.parse(json);
  const t = packed.split(SEPARATOR);
  if (t[0] !== FIELDS || (t.length - 1) % WIDTH !== 0) {
    throw new Error("scaleplan: the engine's rows do not match scaleplan.js's reader; the package is mixed from two builds");
  }
  const rows = new Array((t.length - 1) / WIDTH);
  for (let i = 1, k = 0; i < t.length; i += WIDTH, k++) rows[k] = t[i + 1] === "" ? row(t, i) : timedRow(t, i);
  report.rows = rows;
  return report;
}

// Key order as serde writes a TrancheRow (time only when the tranche has one), so JSON.stringify of a report reads
// as the engine's JSON did.
function row(t, i) {
  return {
    index: Number(t[i]),
    price: t[i + 2],
    quantity: t[i + 3],
    share: t[i + 4],
    leverage: t[i + 5],
    cumulativeQuantity: t[i + 6],
    averageEntry: orNull(t[i + 7]),
    notional: t[i + 8],
    feesPaid: t[i + 9],
    funding: t[i + 10],
    breakeven: orNull(t[i + 11]),
    marginUsed: t[i + 12],
    effectiveLeverage: orNull(t[i + 13]),
    freeMargin: t[i + 14],
    liquidationPrice: orNull(t[i + 15]),
    bankruptcyPrice: orNull(t[i + 16]),
    tier: t[i + 17] === "" ? null : Number(t[i + 17]),
    liquidationDistance: orNull(t[i + 18]),
    liquidationBeyondStop: orNull(t[i + 19]),
    lossAtStop: orNull(t[i + 20]),
    lossAtStopPercent: orNull(t[i + 21]),
    r: orNull(t[i + 22]),
  };
}

function timedRow(t, i) {
  return {
    index: Number(t[i]),
    time: t[i + 1],
    price: t[i + 2],
    quantity: t[i + 3],
    share: t[i + 4],
    leverage: t[i + 5],
    cumulativeQuantity: t[i + 6],
    averageEntry: orNull(t[i + 7]),
    notional: t[i + 8],
    feesPaid: t[i + 9],
    funding: t[i + 10],
    breakeven: orNull(t[i + 11]),
    marginUsed: t[i + 12],
    effectiveLeverage: orNull(t[i + 13]),
    freeMargin: t[i + 14],
    liquidationPrice: orNull(t[i + 15]),
    bankruptcyPrice: orNull(t[i + 16]),
    tier: t[i + 17] === "" ? null : Number(t[i + 17]),
    liquidationDistance: orNull(t[i + 18]),
    liquidationBeyondStop: orNull(t[i + 19]),
    lossAtStop: orNull(t[i + 20]),
    lossAtStopPercent: orNull(t[i + 21]),
    r: orNull(t[i + 22]),
  };
}
