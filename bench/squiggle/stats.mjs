// Run a Squiggle program (read from standard input) with Squiggle itself
// (@quri/squiggle-lang) and print one line of JSON: per top-level binding its
// sample count, mean and quantiles, for tests/test_peers_squiggle.py.
//
//   node stats.mjs N SEED < program.squiggle
import { run } from "@quri/squiggle-lang";
import { readFileSync } from "node:fs";

const n = Number(process.argv[2] ?? 100000);
const seed = String(process.argv[3] ?? "1");
const code = readFileSync(0, "utf8");
const environment = { sampleCount: n, xyPointLength: 1000, seed };
const out = await run(code, { environment });
if (!out.result.ok) {
  console.error(`Squiggle failed: ${out.result.value.toString()}`);
  process.exit(1);
}
const levels = [0.05, 0.25, 0.5, 0.75, 0.95];
const cells = {};
for (const [name, value] of out.result.value.bindings.entries()) {
  if (value.tag === "Dist" && typeof value.value.getSamples !== "function") {
    // a symbolic distribution (e.g. pointMass): Squiggle's own mean and inverse CDF
    const q = levels.map((p) => { const r = value.value.inv(environment, p); return typeof r === "number" ? r : r.value; });
    cells[name] = { samples: 0, mean: value.value.mean(environment), sd: 0, quantiles: q, kind: "symbolic" };
  } else if (value.tag === "Dist") {
    const samples = Float64Array.from(value.value.getSamples()).sort();
    let total = 0;
    for (const x of samples) total += x;
    const mean = total / samples.length;
    let squares = 0;
    for (const x of samples) squares += (x - mean) * (x - mean);
    const sd = Math.sqrt(squares / Math.max(1, samples.length - 1));
    const q = levels.map((p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))]);
    cells[name] = { samples: samples.length, mean, sd, quantiles: q, kind: "samples" };
  } else if (value.tag === "Number") {
    cells[name] = { samples: 1, mean: value.value, sd: 0, quantiles: levels.map(() => value.value) };
  } else {
    cells[name] = { samples: 0, mean: null, tag: value.tag };
  }
}
console.log(JSON.stringify({ n, seed, levels, cells }));
