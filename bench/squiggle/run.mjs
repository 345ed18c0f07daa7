// Run bench/squiggle/evidence.squiggle with Squiggle (@quri/squiggle-lang) for bench/run.py.
//
//   node run.mjs N SEED RUNS [PROGRAM]
//
// Runs the program once with sampleCount N ("first": parsing and library set-up
// included), then RUNS more times ("steady"), and prints one line of JSON: the wall
// and CPU times, the peak RSS before the first run, and each binding's sample count and mean
// (from the last run, computed after its timer stopped) so the parent can check them.
import { run } from "@quri/squiggle-lang";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const n = Number(process.argv[2] ?? 1000000);
const seed = String(process.argv[3] ?? "1");
const runs = Number(process.argv[4] ?? 2);
const program = process.argv[5] ?? join(here, "evidence.squiggle");
for (const [name, v] of [["sample count N", n], ["RUNS", runs]]) {
  if (!Number.isInteger(v) || v < 0 || (name !== "RUNS" && v < 1)) {
    console.error(`${name} must be a whole number (N at least 1, RUNS at least 0), got ${v}`);
    process.exit(2);
  }
}
const code = readFileSync(program, "utf8");
const environment = { sampleCount: n, xyPointLength: 1000, seed };

async function once() {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const out = await run(code, { environment });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (!out.result.ok) {
    console.error(`Squiggle failed on ${program}: ${out.result.value.toString()}`);
    process.exit(1);
  }
  return [seconds, cpuSeconds, out];
}

const rssBeforeMb = process.resourceUsage().maxRSS / 1024;
let [first, , out] = await once();
const steady = [];
const steadyCpu = [];
for (let i = 0; i < runs; i++) {
  out = null;
  let seconds, cpuSeconds;
  [seconds, cpuSeconds, out] = await once();
  steady.push(seconds);
  steadyCpu.push(cpuSeconds);
}
const cells = {};
for (const [name, value] of out.result.value.bindings.entries()) {
  if (value.tag === "Dist") {
    const samples = value.value.getSamples();
    let total = 0;
    for (const x of samples) total += x;
    cells[name] = { samples: samples.length, mean: total / samples.length };
  } else if (value.tag === "Number") {
    cells[name] = { samples: 1, mean: value.value };
  } else {
    cells[name] = { samples: 0, mean: null, tag: value.tag };
  }
}
console.log(JSON.stringify({
  impl: "squiggle", n, seed, phases: {}, first, steady, steady_cpu: steadyCpu, rss_before_mb: rssBeforeMb, cells,
}));
