using System.Diagnostics;
using EdgeCnn.Converter.Calibration;
using EdgeCnn.Converter.Datasets;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Onnx;
using EdgeCnn.Converter.Passes;
using EdgeCnn.Model;

// Calibration cost per image: the float executor over COUNT images of FOLDER, as `edgecnn convert`
// runs it (ImageNet mean/std preprocessing, min-max ranges), after a warm-up on two images.
// Prints one JSON line with wall and CPU milliseconds per image (CPU time is the steadier figure on a
// shared machine) and the threads used.
// With --profile (after the other arguments): a table of where one thread's time goes instead.
//   EdgeCnn.CalibrationBench MODEL.onnx FOLDER [COUNT] [THREADS] [--profile]
bool profile = args.Contains("--profile");
args = args.Where(a => a != "--profile").ToArray();
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: EdgeCnn.CalibrationBench MODEL.onnx FOLDER [COUNT] [THREADS] [--profile]");
    return 2;
}
string modelPath = args[0];
var source = ImageFolder.Open(args[1], requireLabels: false);
int count = Math.Min(args.Length > 2 ? int.Parse(args[2]) : 32, source.Count);
int threads = args.Length > 3 ? int.Parse(args[3]) : Environment.ProcessorCount;

var graph = OnnxImporter.ImportFile(modelPath);
string input = graph.Inputs[0];
int[] nchw = [1, 3, 224, 224];
StandardPasses.Run(graph, new Dictionary<string, int[]> { [input] = nchw });
var preprocessing = new Preprocessing
{
    Width = 224, Height = 224, Channels = 3,
    Mean = [0.485f, 0.456f, 0.406f], Std = [0.229f, 0.224f, 0.225f],
};
var inputs = new ModelInputBuilder(preprocessing, [1, 224, 224, 3]);
var options = new CalibrationOptions { Threads = threads };
if (profile)
{
    EdgeCnn.CalibrationBench.StageProfile.Run(graph, source, inputs, count, histograms: false);
    return 0;
}
Func<int, Tensor> sample = i => inputs.Nchw(source.LoadImage(i));

Calibrator.Run(graph, Math.Min(2, count), sample, options); // warm-up: JIT and pools
var process = Process.GetCurrentProcess();
var cpuBefore = process.TotalProcessorTime;
long start = Stopwatch.GetTimestamp();
Calibrator.Run(graph, count, sample, options);
double wallMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
process.Refresh();
double cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
Console.WriteLine($"{{\"model\":\"{Path.GetFileName(modelPath)}\",\"images\":{count},\"threads\":{threads}," +
    $"\"wall_ms_per_image\":{wallMs / count:F2},\"cpu_ms_per_image\":{cpuMs / count:F2}}}");
return 0;
