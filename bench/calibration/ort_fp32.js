// ONNX Runtime fp32 inference cost per image, the peer of the calibration benchmark: wall and CPU
// milliseconds per run over RUNS runs after a warm-up (CPU time is the steadier figure on a shared
// machine). Prints one JSON line.
//   NODE_PATH=bench/node_modules node bench/calibration/ort_fp32.js MODEL.onnx THREADS RUNS
const ort = require('onnxruntime-node');

async function main() {
  const [modelPath, threadsArg, runsArg] = process.argv.slice(2);
  if (!modelPath) {
    console.error('usage: node ort_fp32.js MODEL.onnx [THREADS] [RUNS]');
    process.exit(2);
  }
  const threads = parseInt(threadsArg || '1', 10);
  const runs = parseInt(runsArg || '32', 10);
  const session = await ort.InferenceSession.create(modelPath, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  const dims = [1, 3, 224, 224];
  const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = ((i % 255) / 255 - 0.45) / 0.225;
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', data, dims) };
  for (let i = 0; i < 5; i++) await session.run(feeds);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await session.run(feeds);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(JSON.stringify({ model: modelPath.split('/').pop(), threads, runs,
    wall_ms_per_image: +(wallMs / runs).toFixed(2), cpu_ms_per_image: +(cpuMs / runs).toFixed(2) }));
}

main().catch(e => { console.error(`ort_fp32: ${e.message}`); process.exit(1); });
