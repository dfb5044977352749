// Times ONNX Runtime (onnxruntime-node) on one model with a given thread count, the peer EdgeCnn is
// measured against in the same run. Prints one JSON line: {"model","threads","median_ms","min_ms","runs"}.
//   node bench/ort_bench.js MODEL.onnx THREADS RUNS
const ort = require('onnxruntime-node');

async function main() {
  const [modelPath, threadsArg, runsArg] = process.argv.slice(2);
  if (!modelPath) {
    console.error('usage: node ort_bench.js MODEL.onnx [THREADS] [RUNS]');
    process.exit(2);
  }
  const threads = parseInt(threadsArg || '1', 10);
  const runs = parseInt(runsArg || '50', 10);
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  const inputName = session.inputNames[0];
  const meta = session.inputMetadata ? session.inputMetadata[0] : null;
  let dims = meta && meta.shape ? meta.shape.map(d => (typeof d === 'number' && d > 0 ? d : 1)) : null;
  if (!dims) dims = [1, 3, 224, 224];
  const count = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = (i % 255) / 255;
  const feeds = { [inputName]: new ort.Tensor('float32', data, dims) };
  // The same warm-up as `edgecnn bench`: at least 20 runs and at least one second.
  const warmupStart = process.hrtime.bigint();
  for (let i = 0; i < 20 || process.hrtime.bigint() - warmupStart < 1000000000n; i++) await session.run(feeds);
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await session.run(feeds);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(JSON.stringify({ model: modelPath, threads, median_ms: +median.toFixed(3), min_ms: +times[0].toFixed(3), runs }));
}

main().catch(e => { console.error(`ort_bench: ${e.message}`); process.exit(1); });
