/* ort_driver.c - runs an ONNX model N times on ONNX Runtime's C API (one intra-op thread, sequential),
 * input: one float tensor [1,3,224,224] (or the model's first input shape) of seeded pseudo-random values.
 * usage: ort_driver MODEL.onnx RUNS [THREADS]
 * build: aarch64-linux-gnu-gcc -O2 -I$INC -o ort_driver ort_driver.c -L$LIB -l:libonnxruntime.so.1 -Wl,-rpath,$LIB -Wl,--export-dynamic
 * (copied from ../shared/tools/arm64-perf, with the /proc/cpuinfo interposition added) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "onnxruntime_c_api.h"

/* Under qemu-user the guest reads the x86 host's /proc/cpuinfo, which has no ARM fields; ONNX Runtime's
 * cpuinfo library then dereferences NULL while it loads. Every open() of /proc/cpuinfo in this process
 * (the driver is linked with --export-dynamic, so its open/open64/openat interpose libc's) gets an
 * ARM-style file instead: one entry per host processor with the MIDR of the emulated CPU, given by
 * ORT_DRIVER_CPU_PART (0xd08 Cortex-A72, 0xd0b Cortex-A76). Instruction support still comes from HWCAP,
 * which qemu sets for the emulated CPU. */
static int fake_cpuinfo(void)
{
    const char *part = getenv("ORT_DRIVER_CPU_PART");
    char path[] = "/tmp/ort_driver_cpuinfo_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    unlink(path);
    long n = sysconf(_SC_NPROCESSORS_CONF);
    for (long i = 0; i < n; i++)
        dprintf(fd, "processor\t: %ld\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\n"
                    "CPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: %s\nCPU revision\t: 3\n\n", i, part ? part : "0xd08");
    lseek(fd, 0, SEEK_SET);
    return fd;
}

static int open_path(int dirfd, const char *path, int flags, va_list ap)
{
    mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
    if (path && strcmp(path, "/proc/cpuinfo") == 0) return fake_cpuinfo();
    return (int)syscall(SYS_openat, dirfd, path, flags, mode);
}
int open(const char *path, int flags, ...) { va_list ap; va_start(ap, flags); int r = open_path(AT_FDCWD, path, flags, ap); va_end(ap); return r; }
int open64(const char *path, int flags, ...) { va_list ap; va_start(ap, flags); int r = open_path(AT_FDCWD, path, flags, ap); va_end(ap); return r; }
int openat(int dirfd, const char *path, int flags, ...) { va_list ap; va_start(ap, flags); int r = open_path(dirfd, path, flags, ap); va_end(ap); return r; }

static const OrtApi *g;
#define CHECK(expr) do { OrtStatus *s_ = (expr); if (s_) { fprintf(stderr, "ORT error: %s (%s)\n", g->GetErrorMessage(s_), #expr); exit(1); } } while (0)

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: %s MODEL.onnx RUNS [THREADS]\n", argv[0]); return 2; }
    int runs = atoi(argv[2]), threads = argc > 3 ? atoi(argv[3]) : 1;
    g = OrtGetApiBase()->GetApi(ORT_API_VERSION);
    if (!g) { fprintf(stderr, "GetApi(%d) failed; library version %s\n", ORT_API_VERSION, OrtGetApiBase()->GetVersionString()); return 1; }
    OrtEnv *env; CHECK(g->CreateEnv(ORT_LOGGING_LEVEL_WARNING, "drv", &env));
    OrtSessionOptions *so; CHECK(g->CreateSessionOptions(&so));
    CHECK(g->SetIntraOpNumThreads(so, threads));
    CHECK(g->SetInterOpNumThreads(so, 1));
    CHECK(g->SetSessionExecutionMode(so, ORT_SEQUENTIAL));
    CHECK(g->SetSessionGraphOptimizationLevel(so, ORT_ENABLE_ALL));
    /* no spinning: idle worker threads would otherwise burn instructions */
    CHECK(g->AddSessionConfigEntry(so, "session.intra_op.allow_spinning", "0"));
    OrtSession *sess; CHECK(g->CreateSession(env, argv[1], so, &sess));
    OrtAllocator *alloc; CHECK(g->GetAllocatorWithDefaultOptions(&alloc));
    char *in_name, *out_name;
    CHECK(g->SessionGetInputName(sess, 0, alloc, &in_name));
    CHECK(g->SessionGetOutputName(sess, 0, alloc, &out_name));
    int64_t shape[4] = {1, 3, 224, 224};
    size_t n = 1 * 3 * 224 * 224;
    float *x = malloc(n * sizeof(float));
    uint32_t r = 1234;
    for (size_t i = 0; i < n; i++) { r = r * 1664525u + 1013904223u; x[i] = ((r >> 8) / 16777216.0f) * 4.0f - 2.0f; }
    OrtMemoryInfo *mi; CHECK(g->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &mi));
    OrtValue *in; CHECK(g->CreateTensorWithDataAsOrtValue(mi, x, n * sizeof(float), shape, 4, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT, &in));
    const char *ins[1] = {in_name}, *outs[1] = {out_name};
    double sum = 0;
    for (int i = 0; i < runs; i++) {
        OrtValue *out = NULL;
        CHECK(g->Run(sess, NULL, ins, (const OrtValue *const *)&in, 1, outs, 1, &out));
        float *y; CHECK(g->GetTensorMutableData(out, (void **)&y));
        sum += y[0];
        g->ReleaseValue(out);
    }
    printf("ort %s: %d runs, out[0] sum %.6f, version %s\n", argv[1], runs, sum, OrtGetApiBase()->GetVersionString());
    return 0;
}
