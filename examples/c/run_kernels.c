/*===- run_kernels.c - Launch Tessera artifacts from C ----------------------===*
 *
 * Part of the Tessera project.
 *
 * The C runtime (runtime/c, tessera/runtime.h) on three saved artifacts of
 * the benchmark build (bench/build.py): an add, the wgmma GEMM (TMA tensor
 * maps, a split-K workspace) and attention on [B, S, H, D] tensors
 * (strided tensor maps), each checked against a reference computed here.
 * Needs a GPU and the CUDA driver API header (cuda.h) for its own buffers:
 *
 *   cc -O2 -I runtime/c/include examples/c/run_kernels.c -L build/runtime/c \
 *      -ltessera_runtime -I/usr/local/cuda/include -lcuda -lm -o run_kernels
 *   ./run_kernels build/bench-artifacts
 *
 * Prints one line per program and exits 1 if any value is off.
 *===----------------------------------------------------------------------===*/

#include "tessera/runtime.h"

#include <cuda.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_CU(call)                                                            \
  do {                                                                            \
    CUresult r_ = (call);                                                         \
    if (r_ != CUDA_SUCCESS) {                                                     \
      const char *m_;                                                             \
      cuGetErrorString(r_, &m_);                                                  \
      fprintf(stderr, "%s: %s\n", #call, m_);                                     \
      exit(1);                                                                    \
    }                                                                             \
  } while (0)

static float half_to_float(uint16_t h) {
  uint32_t sign = (uint32_t)(h >> 15) << 31, exponent = (h >> 10) & 31, mantissa = h & 1023;
  float f;
  if (exponent == 0)
    f = ldexpf((float)mantissa, -24);
  else if (exponent == 31)
    f = mantissa ? NAN : INFINITY;
  else
    f = ldexpf((float)(mantissa | 1024), (int)exponent - 25);
  return sign ? -f : f;
}

static uint16_t float_to_half(float f) { /* round to nearest even; finite inputs */
  uint16_t sign = f < 0 ? 0x8000 : 0;
  f = fabsf(f);
  if (f == 0)
    return sign;
  int e;
  frexpf(f, &e); /* f = m * 2^e, m in [0.5, 1) */
  int exponent = e - 1 + 15;
  if (exponent <= 0) /* subnormal: units of 2^-24 */
    return sign | (uint16_t)lrintf(ldexpf(f, 24));
  long m = lrintf(ldexpf(f, 10 - (e - 1))); /* 11 bits with the leading 1 */
  if (m == 2048) {
    m = 1024;
    ++exponent;
  }
  if (exponent >= 31)
    return sign | 0x7C00;
  return sign | (uint16_t)(exponent << 10) | (uint16_t)(m - 1024);
}

static tessera_program *open_program(const char *dir, const char *name) {
  char path[4096], error[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  tessera_program *p;
  if (tessera_program_open(path, &p, error, sizeof error)) {
    fprintf(stderr, "%s\n", error);
    exit(1);
  }
  return p;
}

static void launch(tessera_program *p, tessera_tensor *in, int n, tessera_tensor *out,
                   CUstream stream) {
  if (tessera_program_launch(p, in, n, out, 1, stream)) {
    fprintf(stderr, "launch: %s\n", tessera_program_error(p));
    exit(1);
  }
  CHECK_CU(cuStreamSynchronize(stream));
}

static CUdeviceptr upload(const void *host, size_t bytes) {
  CUdeviceptr d;
  CHECK_CU(cuMemAlloc(&d, bytes));
  CHECK_CU(cuMemcpyHtoD(d, host, bytes));
  return d;
}

static int run_add(const char *dir, CUstream stream) {
  enum { N = 4097 };
  static float x[N], y[N], z[N];
  for (int i = 0; i < N; ++i) {
    x[i] = (float)rand() / RAND_MAX;
    y[i] = (float)rand() / RAND_MAX - 0.5f;
  }
  CUdeviceptr dx = upload(x, sizeof x), dy = upload(y, sizeof y), dz;
  CHECK_CU(cuMemAlloc(&dz, sizeof z));
  int64_t shape[1] = {N};
  tessera_tensor in[2] = {{(void *)dx, 1, shape}, {(void *)dy, 1, shape}};
  tessera_tensor out[1] = {{(void *)dz, 1, shape}};
  tessera_program *p = open_program(dir, "add_f32");
  launch(p, in, 2, out, stream);
  CHECK_CU(cuMemcpyDtoH(z, dz, sizeof z));
  int bad = 0;
  for (int i = 0; i < N; ++i)
    bad += z[i] != x[i] + y[i];
  printf("add_f32 %d elements: %d differ from x + y  %s\n", N, bad, bad ? "FAIL" : "PASS");
  tessera_program_close(p);
  cuMemFree(dx);
  cuMemFree(dy);
  cuMemFree(dz);
  return bad != 0;
}

static int run_gemm(const char *dir, CUstream stream, int m, int k, int n) {
  /* integers in [-1, 1]: every sum is exact in f32 and in f16 (|sum| <= k <= 2048) */
  uint16_t *a = malloc(sizeof(uint16_t) * m * k), *b = malloc(sizeof(uint16_t) * k * n),
           *c = malloc(sizeof(uint16_t) * m * n);
  signed char *ai = malloc((size_t)m * k), *bi = malloc((size_t)k * n);
  for (long i = 0; i < (long)m * k; ++i)
    a[i] = float_to_half(ai[i] = (signed char)(rand() % 3 - 1));
  for (long i = 0; i < (long)k * n; ++i)
    b[i] = float_to_half(bi[i] = (signed char)(rand() % 3 - 1));
  CUdeviceptr da = upload(a, sizeof(uint16_t) * m * k), db = upload(b, sizeof(uint16_t) * k * n),
              dc;
  CHECK_CU(cuMemAlloc(&dc, sizeof(uint16_t) * m * n));
  int64_t sa[2] = {m, k}, sb[2] = {k, n}, sc[2] = {m, n};
  tessera_tensor in[2] = {{(void *)da, 2, sa}, {(void *)db, 2, sb}};
  tessera_tensor out[1] = {{(void *)dc, 2, sc}};
  tessera_program *p = open_program(dir, "gemm_f16");
  launch(p, in, 2, out, stream);
  CHECK_CU(cuMemcpyDtoH(c, dc, sizeof(uint16_t) * m * n));
  long bad = 0;
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      int sum = 0;
      for (int l = 0; l < k; ++l)
        sum += ai[(long)i * k + l] * bi[(long)l * n + j];
      bad += half_to_float(c[(long)i * n + j]) != (float)sum;
    }
  printf("gemm_f16 %dx%dx%d: %ld of %ld values differ from the exact product  %s\n", m, k, n,
         bad, (long)m * n, bad ? "FAIL" : "PASS");
  tessera_program_close(p);
  cuMemFree(da);
  cuMemFree(db);
  cuMemFree(dc);
  free(a), free(b), free(c), free(ai), free(bi);
  return bad != 0;
}

static int run_attention_bshd(const char *dir, CUstream stream) {
  enum { B = 2, S = 300, H = 3, D = 128 };
  size_t count = (size_t)B * S * H * D;
  uint16_t *q = malloc(count * 2), *k = malloc(count * 2), *v = malloc(count * 2),
           *o = malloc(count * 2);
  for (size_t i = 0; i < count; ++i) {
    q[i] = float_to_half((float)rand() / RAND_MAX * 2 - 1);
    k[i] = float_to_half((float)rand() / RAND_MAX * 2 - 1);
    v[i] = float_to_half((float)rand() / RAND_MAX * 2 - 1);
  }
  CUdeviceptr dq = upload(q, count * 2), dk = upload(k, count * 2), dv = upload(v, count * 2),
              dout;
  CHECK_CU(cuMemAlloc(&dout, count * 2));
  int64_t shape[4] = {B, S, H, D};
  tessera_tensor in[3] = {{(void *)dq, 4, shape}, {(void *)dk, 4, shape}, {(void *)dv, 4, shape}};
  tessera_tensor out[1] = {{(void *)dout, 4, shape}};
  tessera_program *p = open_program(dir, "attention_bshd_d128_f16");
  launch(p, in, 3, out, stream);
  CHECK_CU(cuMemcpyDtoH(o, dout, count * 2));
  /* softmax(q k^T / sqrt(D)) v per batch and head, in double, on [B, S, H, D] */
  double worst = 0;
  long bad = 0;
  double *scores = malloc(sizeof(double) * S);
  for (int b = 0; b < B; ++b)
    for (int h = 0; h < H; ++h)
      for (int i = 0; i < S; ++i) {
        double max = -INFINITY, total = 0;
        for (int j = 0; j < S; ++j) {
          double s = 0;
          for (int d = 0; d < D; ++d)
            s += (double)half_to_float(q[(((size_t)b * S + i) * H + h) * D + d]) *
                 half_to_float(k[(((size_t)b * S + j) * H + h) * D + d]);
          scores[j] = s / sqrt((double)D);
          max = scores[j] > max ? scores[j] : max;
        }
        for (int j = 0; j < S; ++j)
          total += (scores[j] = exp(scores[j] - max));
        for (int d = 0; d < D; ++d) {
          double ref = 0;
          for (int j = 0; j < S; ++j)
            ref += scores[j] / total * half_to_float(v[(((size_t)b * S + j) * H + h) * D + d]);
          double got = half_to_float(o[(((size_t)b * S + i) * H + h) * D + d]);
          double err = fabs(got - ref);
          worst = err > worst ? err : worst;
          bad += err > 4e-3 + 4e-3 * fabs(ref);
        }
      }
  printf("attention_bshd_d128_f16 [%d, %d, %d, %d]: max |err| %.2e, %ld off  %s\n", B, S, H, D,
         worst, bad, bad ? "FAIL" : "PASS");
  tessera_program_close(p);
  cuMemFree(dq), cuMemFree(dk), cuMemFree(dv), cuMemFree(dout);
  free(q), free(k), free(v), free(o), free(scores);
  return bad != 0;
}

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : "build/bench-artifacts";
  CUdevice device;
  CUcontext context;
  CHECK_CU(cuInit(0));
  CHECK_CU(cuDeviceGet(&device, 0));
  CHECK_CU(cuDevicePrimaryCtxRetain(&context, device));
  CHECK_CU(cuCtxSetCurrent(context));
  CUstream stream;
  CHECK_CU(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
  srand(7);
  int failures = run_add(dir, stream);
  failures += run_gemm(dir, stream, 1000, 1024, 999);  /* ragged M and N */
  failures += run_gemm(dir, stream, 64, 2048, 512);    /* a decode shape: K split */
  failures += run_attention_bshd(dir, stream);
  printf("%s\n", failures ? "FAILURES" : "all programs correct");
  return failures ? 1 : 0;
}
