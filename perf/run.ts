// `npm run perf`: the benchmarks, each printing throughput as ratios measured side by side in one
// run (these machines are noisy; absolute numbers vary, ratios much less).
//   npm run perf              all benchmarks
//   npm run perf -- onnx      only some: onnx, judge, report
const benches: Record<string, () => Promise<void>> = {
  onnx: async () => (await import('./onnx.js')).runOnnxPerf(),
  judge: async () => (await import('./judge.js')).runJudgePerf(),
  report: async () => (await import('./report.js')).runReportPerf(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const unknown = wanted.filter((w) => !benches[w]);
if (unknown.length) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; available: ${Object.keys(benches).join(', ')}\n`);
  process.exit(1);
}
for (const name of wanted.length ? wanted : Object.keys(benches)) {
  process.stdout.write(`\n=== ${name} ===\n`);
  await benches[name]();
}
