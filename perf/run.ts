// `npm run perf`: the benchmarks, each printing throughput as ratios measured side by side in one
// run (these machines are noisy; absolute numbers vary, ratios much less).
//   npm run perf              all benchmarks
//   npm run perf -- onnx      only some: onnx, judge, report, curation, serve
const benches: Record<string, () => Promise<void>> = {
  onnx: async () => (await import('./onnx.js')).runOnnxPerf(),
  judge: async () => (await import('./judge.js')).runJudgePerf(),
  report: async () => (await import('./report.js')).runReportPerf(),
  curation: async () => {
    const { perfCuration } = await import('../src/curate/perf.js');
    const n = Number(process.env.RMGAUGE_PERF_CURATE_ROWS ?? 1_000_000);
    process.stdout.write(`curation of ${n} synthetic pairs, two score-file members (child process):\n`);
    process.stdout.write(JSON.stringify(await perfCuration(n), null, 2) + '\n');
  },
  serve: async () => {
    const { perfServe } = await import('../src/serve/perf.js');
    process.stdout.write('reward server, tiny ONNX fixture, 64 concurrent clients for 10 s (second process):\n');
    process.stdout.write(JSON.stringify(await perfServe({ clients: 64, seconds: 10 }), null, 2) + '\n');
  },
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
