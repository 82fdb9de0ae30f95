/*===- runtime.c - Launch saved Tessera artifacts from C --------------------===*
 *
 * Part of the Tessera project.
 *
 * The C counterpart of tessera.runtime.gpu (its module doc describes the
 * plan): reads plan.json, checks the arguments against it, loads the PTX
 * on the current context, allocates temporaries on the stream, encodes
 * TMA tensor maps, and launches the kernels in order with their parameters
 * laid out per ABI. The CUDA driver is opened with dlopen: building needs
 * no CUDA headers or libraries.
 *
 *===----------------------------------------------------------------------===*/

#include "tessera/runtime.h"

#include "expr.h"
#include "json.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RANK 8

/*===-- The driver API, opened at run time ---------------------------------===*/

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext, *CUmodule, *CUfunction, *CUstream;
typedef unsigned long long CUdeviceptr;
typedef struct {
  _Alignas(64) unsigned long long opaque[16];
} CUtensorMap;

static struct {
  int loaded;
  CUresult (*init)(unsigned);
  CUresult (*ctxGetCurrent)(CUcontext *);
  CUresult (*ctxSetCurrent)(CUcontext);
  CUresult (*ctxGetDevice)(CUdevice *);
  CUresult (*deviceGet)(CUdevice *, int);
  CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*deviceGetAttribute)(int *, int, CUdevice);
  CUresult (*moduleLoadData)(CUmodule *, const void *);
  CUresult (*moduleUnload)(CUmodule);
  CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*funcSetAttribute)(CUfunction, int, int);
  CUresult (*launchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned,
                           unsigned, unsigned, CUstream, void **, void **);
  CUresult (*memAlloc)(CUdeviceptr *, size_t);
  CUresult (*memFree)(CUdeviceptr);
  CUresult (*memcpyHtoD)(CUdeviceptr, const void *, size_t);
  CUresult (*memAllocAsync)(CUdeviceptr *, size_t, CUstream);
  CUresult (*memFreeAsync)(CUdeviceptr, CUstream);
  CUresult (*memsetD8Async)(CUdeviceptr, unsigned char, size_t, CUstream);
  CUresult (*tensorMapEncodeTiled)(CUtensorMap *, int, unsigned, void *, const unsigned long long *,
                                   const unsigned long long *, const unsigned *, const unsigned *,
                                   int, int, int, int);
  CUresult (*getErrorString)(CUresult, const char **);
} cu;

/*===-- The program ---------------------------------------------------------===*/

enum { ABI_DESCRIPTOR, ABI_FLAT, ABI_BARE };
enum { P_MEMREF, P_SCALAR, P_SIZE, P_MAP, P_MAP_VALID };

typedef struct {
  char *name, *dtype;
  int itemsize, scalar, rank;
  int64_t literal[MAX_RANK]; /* -1: a symbol or "?" */
  char *symbol[MAX_RANK];    /* NULL: a literal or "?" */
} input_spec;

typedef struct { /* an output or a temporary: dims are expressions */
  char *name, *dtype;
  int itemsize, rank, zero;
  expr *dims[MAX_RANK];
} buffer_spec;

typedef struct {
  char *name, *dtype;
  int itemsize, rank;
  int64_t dims[MAX_RANK];
  unsigned char *data;
  size_t bytes;
} constant_spec;

typedef struct {
  char *name;
  int slot, dtype, itemsize, rank, swizzle, l2promo, oob_zero, checked;
  expr *dims[5], *strides[5];
  unsigned box[5];
} map_spec;

typedef struct {
  int kind, slot, map;
  expr *size;
} param_spec;

typedef struct {
  char *name;
  int abi, num_params;
  param_spec *params;
  expr *grid[3];
  unsigned block[3], shared;
  CUfunction function;
} kernel_spec;

struct tessera_program {
  char *dir, *binary;
  char error[1024];
  int num_inputs, num_outputs, num_temps, num_constants, num_maps, num_kernels, num_checks;
  input_spec *inputs;
  buffer_spec *outputs, *temps;
  constant_spec *constants;
  map_spec *maps;
  kernel_spec *kernels;
  expr **check_lhs, **check_rhs;
  char **check_reason;
  CUmodule module;
  CUcontext context; /* where the module and the constants live */
  CUdeviceptr *constant_device;
  int loaded;
};

static tessera_status failf(tessera_program *p, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(p->error, sizeof p->error, format, args);
  va_end(args);
  return TESSERA_ERROR;
}

/* The string of a JSON value, or NULL if it is not one. */
static const char *string_of(const json_value *v) {
  return v && v->kind == JSON_STRING ? v->string : NULL;
}

static char *copy_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *out = malloc(n);
  if (out)
    memcpy(out, s, n);
  return out;
}

static int itemsize_of(const char *dtype) {
  static const struct { const char *name; int size; } sizes[] = {
      {"f64", 8}, {"f32", 4}, {"f16", 2}, {"bf16", 2}, {"f8E4M3FN", 1}, {"f8E5M2", 1},
      {"i64", 8}, {"i32", 4}, {"i16", 2}, {"i8", 1}, {"i1", 1}};
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; ++i)
    if (!strcmp(sizes[i].name, dtype))
      return sizes[i].size;
  return 0;
}

/* The plan's strings: a JSON string, or a number printed as an integer. */
static const char *text_of(const json_value *v, char *buffer, size_t size) {
  if (!v)
    return NULL;
  if (v->kind == JSON_STRING)
    return v->string;
  if (v->kind == JSON_NUMBER) {
    snprintf(buffer, size, "%lld", (long long)v->number);
    return buffer;
  }
  return NULL;
}

static expr *parse_expr(tessera_program *p, const json_value *v, const char *where) {
  char buffer[32], error[512];
  const char *text = text_of(v, buffer, sizeof buffer);
  if (!text) {
    failf(p, "%s: %s is not a size expression", p->dir, where);
    return NULL;
  }
  expr *e = expr_parse(text, error, sizeof error);
  if (!e)
    failf(p, "%s: %s: %s", p->dir, where, error);
  return e;
}

static int parse_dims(tessera_program *p, const json_value *dims, expr **out, int *rank,
                      int max, const char *what) {
  if (!dims || dims->kind != JSON_ARRAY || dims->count > (size_t)max)
    return failf(p, "%s: %s: dims must be a list of at most %d sizes", p->dir, what, max);
  *rank = (int)dims->count;
  for (size_t i = 0; i < dims->count; ++i)
    if (!(out[i] = parse_expr(p, &dims->items[i], what)))
      return TESSERA_ERROR;
  return TESSERA_OK;
}

static int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

static unsigned char *base64_decode(const char *text, size_t *bytes) {
  size_t n = strlen(text);
  unsigned char *out = malloc(n / 4 * 3 + 3);
  if (!out)
    return NULL;
  size_t w = 0;
  unsigned bits = 0;
  int count = 0;
  for (size_t i = 0; i < n; ++i) {
    if (text[i] == '=')
      break;
    int v = base64_value(text[i]);
    if (v < 0) {
      free(out);
      return NULL;
    }
    bits = (bits << 6) | (unsigned)v;
    if (++count == 4) {
      out[w++] = (unsigned char)(bits >> 16);
      out[w++] = (unsigned char)(bits >> 8);
      out[w++] = (unsigned char)bits;
      bits = 0;
      count = 0;
    }
  }
  if (count == 2)
    out[w++] = (unsigned char)(bits >> 4);
  else if (count == 3) {
    out[w++] = (unsigned char)(bits >> 10);
    out[w++] = (unsigned char)(bits >> 2);
  }
  *bytes = w;
  return out;
}

/* Buffer slots: inputs, outputs, temporaries, constants, in that order. */
static int slot_of(const tessera_program *p, const char *name) {
  for (int i = 0; i < p->num_inputs; ++i)
    if (!strcmp(p->inputs[i].name, name))
      return i;
  int base = p->num_inputs;
  for (int i = 0; i < p->num_outputs; ++i)
    if (!strcmp(p->outputs[i].name, name))
      return base + i;
  base += p->num_outputs;
  for (int i = 0; i < p->num_temps; ++i)
    if (!strcmp(p->temps[i].name, name))
      return base + i;
  base += p->num_temps;
  for (int i = 0; i < p->num_constants; ++i)
    if (!strcmp(p->constants[i].name, name))
      return base + i;
  return -1;
}

static int map_of(const tessera_program *p, const char *name) {
  for (int i = 0; i < p->num_maps; ++i)
    if (!strcmp(p->maps[i].name, name))
      return i;
  return -1;
}

static int read_buffers(tessera_program *p, const json_value *list, buffer_spec **out,
                        int *count, const char *what) {
  *count = list ? (int)list->count : 0;
  *out = calloc((size_t)*count + 1, sizeof(buffer_spec));
  if (!*out)
    return failf(p, "out of memory");
  for (int i = 0; i < *count; ++i) {
    const json_value *b = &list->items[i];
    buffer_spec *s = &(*out)[i];
    const json_value *name = json_get(b, "name"), *dtype = json_get(b, "dtype");
    if (!name || name->kind != JSON_STRING || !dtype || dtype->kind != JSON_STRING)
      return failf(p, "%s: a %s without a name or dtype", p->dir, what);
    s->name = copy_string(name->string);
    s->dtype = copy_string(dtype->string);
    if (!(s->itemsize = itemsize_of(s->dtype)))
      return failf(p, "%s: %s '%s' has dtype %s, which this runtime does not know", p->dir,
                   what, s->name, s->dtype);
    const json_value *zero = json_get(b, "zero");
    s->zero = zero && zero->kind == JSON_BOOL && zero->boolean;
    if (parse_dims(p, json_get(b, "dims"), s->dims, &s->rank, MAX_RANK, s->name))
      return TESSERA_ERROR;
  }
  return TESSERA_OK;
}

static int read_plan(tessera_program *p, const json_value *plan) {
  const json_value *format = json_get(plan, "format");
  if (!format || format->kind != JSON_NUMBER || format->number != 1)
    return failf(p, "%s: plan format is not 1 (this runtime reads format 1)", p->dir);
  const json_value *vendor = json_get(plan, "vendor"), *binary = json_get(plan, "binary");
  if (!binary || binary->kind != JSON_STRING)
    return failf(p, "%s: not a GPU artifact (its plan names no binary)", p->dir);
  if (!vendor || vendor->kind != JSON_STRING || strcmp(vendor->string, "nvidia"))
    return failf(p, "%s: an artifact for %s GPUs; the C runtime drives NVIDIA GPUs only",
                 p->dir, vendor && vendor->kind == JSON_STRING ? vendor->string : "unknown");
  p->binary = copy_string(binary->string);

  const json_value *inputs = json_get(plan, "inputs");
  p->num_inputs = inputs ? (int)inputs->count : 0;
  p->inputs = calloc((size_t)p->num_inputs + 1, sizeof(input_spec));
  if (!p->inputs)
    return failf(p, "out of memory");
  for (int i = 0; i < p->num_inputs; ++i) {
    const json_value *a = &inputs->items[i];
    input_spec *s = &p->inputs[i];
    const json_value *name = json_get(a, "name"), *dtype = json_get(a, "dtype"),
                     *dims = json_get(a, "dims"), *scalar = json_get(a, "scalar");
    if (!name || name->kind != JSON_STRING || !dtype || dtype->kind != JSON_STRING || !dims ||
        dims->kind != JSON_ARRAY || dims->count > MAX_RANK)
      return failf(p, "%s: input %d is malformed", p->dir, i);
    s->name = copy_string(name->string);
    s->dtype = copy_string(dtype->string);
    if (!(s->itemsize = itemsize_of(s->dtype)))
      return failf(p, "%s: input '%s' has dtype %s, which this runtime does not know", p->dir,
                   s->name, s->dtype);
    s->scalar = scalar && scalar->kind == JSON_BOOL && scalar->boolean;
    s->rank = (int)dims->count;
    for (int d = 0; d < s->rank; ++d) {
      const json_value *dim = &dims->items[d];
      s->literal[d] = dim->kind == JSON_NUMBER ? (int64_t)dim->number : -1;
      s->symbol[d] = dim->kind == JSON_STRING ? copy_string(dim->string) : NULL;
    }
  }
  if (read_buffers(p, json_get(plan, "outputs"), &p->outputs, &p->num_outputs, "output") ||
      read_buffers(p, json_get(plan, "temporaries"), &p->temps, &p->num_temps, "temporary"))
    return TESSERA_ERROR;

  const json_value *constants = json_get(plan, "constants");
  p->num_constants = constants ? (int)constants->count : 0;
  p->constants = calloc((size_t)p->num_constants + 1, sizeof(constant_spec));
  if (!p->constants)
    return failf(p, "out of memory");
  for (int i = 0; i < p->num_constants; ++i) {
    const json_value *c = &constants->items[i];
    constant_spec *s = &p->constants[i];
    const json_value *name = json_get(c, "name"), *dtype = json_get(c, "dtype"),
                     *dims = json_get(c, "dims"), *data = json_get(c, "data");
    if (!string_of(name) || !string_of(dtype) || !dims || !string_of(data) ||
        dims->kind != JSON_ARRAY || dims->count > MAX_RANK)
      return failf(p, "%s: constant %d is malformed", p->dir, i);
    s->name = copy_string(name->string);
    s->dtype = copy_string(dtype->string);
    if (!(s->itemsize = itemsize_of(s->dtype)))
      return failf(p, "%s: constant '%s' has dtype %s, which this runtime does not know",
                   p->dir, s->name, s->dtype);
    s->rank = (int)dims->count;
    size_t elements = 1;
    for (int d = 0; d < s->rank; ++d)
      elements *= (size_t)(s->dims[d] = (int64_t)dims->items[d].number);
    if (!(s->data = base64_decode(data->string, &s->bytes)))
      return failf(p, "%s: constant '%s': its data is not base64", p->dir, s->name);
    if (s->bytes != elements * (size_t)s->itemsize)
      return failf(p, "%s: constant '%s': %zu bytes of data for %zu elements", p->dir,
                   s->name, s->bytes, elements);
  }

  /* Tensor maps, and which ones a kernel checks the validity of. */
  const json_value *maps = json_get(plan, "tensor_maps"), *kernels = json_get(plan, "kernels");
  p->num_maps = maps ? (int)maps->count : 0;
  p->maps = calloc((size_t)p->num_maps + 1, sizeof(map_spec));
  if (!p->maps)
    return failf(p, "out of memory");
  static const struct { const char *name; int code; } tma_dtypes[] = {
      {"i8", 0}, {"i32", 3}, {"i64", 5}, {"f16", 6}, {"f32", 7}, {"f64", 8}, {"bf16", 9},
      {"f8E4M3FN", 0}, {"f8E5M2", 0}};
  for (int i = 0; i < p->num_maps; ++i) {
    const json_value *m = &maps->items[i];
    map_spec *s = &p->maps[i];
    const json_value *name = json_get(m, "name"), *memref = json_get(m, "memref"),
                     *dtype = json_get(m, "dtype"), *box = json_get(m, "box"),
                     *by_value = json_get(m, "by_value"), *strides = json_get(m, "strides");
    if (!string_of(name) || !string_of(memref) || !string_of(dtype) || !box ||
        box->kind != JSON_ARRAY || box->count > 5)
      return failf(p, "%s: tensor map %d is malformed", p->dir, i);
    s->name = copy_string(name->string);
    if ((s->slot = slot_of(p, memref->string)) < 0)
      return failf(p, "%s: tensor map %s views '%s', which the plan does not list", p->dir,
                   s->name, memref->string);
    s->dtype = -1;
    for (size_t t = 0; t < sizeof tma_dtypes / sizeof *tma_dtypes; ++t)
      if (!strcmp(tma_dtypes[t].name, dtype->string))
        s->dtype = tma_dtypes[t].code;
    s->itemsize = itemsize_of(dtype->string);
    if (s->dtype < 0)
      return failf(p, "%s: tensor map %s: cannot encode dtype %s", p->dir, s->name,
                   dtype->string);
    if (!by_value || by_value->kind != JSON_BOOL || !by_value->boolean)
      return failf(p, "%s: tensor map %s is passed by address; rebuild the artifact with "
                      "this Tessera (maps by value)", p->dir, s->name);
    int rank;
    if (parse_dims(p, json_get(m, "dims"), s->dims, &rank, 5, s->name))
      return TESSERA_ERROR;
    s->rank = rank;
    if ((int)box->count != rank)
      return failf(p, "%s: tensor map %s: box and dims differ in rank", p->dir, s->name);
    for (int d = 0; d < rank; ++d)
      s->box[d] = (unsigned)box->items[d].number;
    if (strides) {
      int strides_rank;
      if (parse_dims(p, strides, s->strides, &strides_rank, 5, s->name))
        return TESSERA_ERROR;
      if (strides_rank != rank)
        return failf(p, "%s: tensor map %s: %d strides for %d dims", p->dir, s->name,
                     strides_rank, rank);
    }
    const json_value *swizzle = json_get(m, "swizzle"), *l2 = json_get(m, "l2promo"),
                     *oob = json_get(m, "oob_zero");
    int sw = swizzle ? (int)swizzle->number : 0, l2b = l2 ? (int)l2->number : 0;
    s->swizzle = sw == 0 ? 0 : sw == 32 ? 1 : sw == 64 ? 2 : sw == 128 ? 3 : -1;
    s->l2promo = l2b == 0 ? 0 : l2b == 64 ? 1 : l2b == 128 ? 2 : l2b == 256 ? 3 : -1;
    if (s->swizzle < 0 || s->l2promo < 0)
      return failf(p, "%s: tensor map %s: swizzle %d or L2 promotion %d cannot be encoded",
                   p->dir, s->name, sw, l2b);
    s->oob_zero = !oob || oob->kind != JSON_BOOL || oob->boolean;
  }

  p->num_kernels = kernels ? (int)kernels->count : 0;
  p->kernels = calloc((size_t)p->num_kernels + 1, sizeof(kernel_spec));
  if (!p->kernels)
    return failf(p, "out of memory");
  for (int i = 0; i < p->num_kernels; ++i) {
    const json_value *k = &kernels->items[i];
    kernel_spec *s = &p->kernels[i];
    const json_value *name = json_get(k, "name"), *params = json_get(k, "params"),
                     *grid = json_get(k, "grid"), *block = json_get(k, "block"),
                     *abi = json_get(k, "abi"), *shared = json_get(k, "shared_bytes");
    if (!string_of(name) || !params || params->kind != JSON_ARRAY || !grid ||
        grid->kind != JSON_ARRAY || grid->count != 3 || !block || block->kind != JSON_ARRAY ||
        block->count != 3)
      return failf(p, "%s: kernel %d is malformed", p->dir, i);
    s->name = copy_string(name->string);
    const char *abi_name = abi && abi->kind == JSON_STRING ? abi->string : "descriptor";
    s->abi = !strcmp(abi_name, "flat") ? ABI_FLAT : !strcmp(abi_name, "bare") ? ABI_BARE
             : !strcmp(abi_name, "descriptor") ? ABI_DESCRIPTOR : -1;
    if (s->abi < 0)
      return failf(p, "%s: kernel %s: unknown abi %s", p->dir, s->name, abi_name);
    for (int d = 0; d < 3; ++d) {
      if (!(s->grid[d] = parse_expr(p, &grid->items[d], s->name)))
        return TESSERA_ERROR;
      s->block[d] = (unsigned)block->items[d].number;
    }
    s->shared = shared ? (unsigned)shared->number : 0;
    s->num_params = (int)params->count;
    s->params = calloc((size_t)s->num_params + 1, sizeof(param_spec));
    if (!s->params)
      return failf(p, "out of memory");
    for (int j = 0; j < s->num_params; ++j) {
      const json_value *q = &params->items[j];
      param_spec *ps = &s->params[j];
      const json_value *v;
      const json_value *named = json_get(q, "memref") ? json_get(q, "memref")
                                : json_get(q, "scalar") ? json_get(q, "scalar")
                                : json_get(q, "tensor_map") ? json_get(q, "tensor_map")
                                                            : json_get(q, "tensor_map_valid");
      if (named && !string_of(named))
        return failf(p, "%s: kernel %s: parameter %d names no buffer, scalar or map",
                     p->dir, s->name, j);
      if ((v = json_get(q, "memref"))) {
        ps->kind = P_MEMREF;
        if ((ps->slot = slot_of(p, v->string)) < 0)
          return failf(p, "%s: kernel %s: parameter names buffer '%s', which the plan does "
                          "not list", p->dir, s->name, v->string);
      } else if ((v = json_get(q, "scalar"))) {
        ps->kind = P_SCALAR;
        ps->slot = slot_of(p, v->string);
        if (ps->slot < 0 || ps->slot >= p->num_inputs || !p->inputs[ps->slot].scalar)
          return failf(p, "%s: kernel %s: parameter names scalar '%s', which is not a "
                          "scalar input", p->dir, s->name, v->string);
      } else if ((v = json_get(q, "size"))) {
        ps->kind = P_SIZE;
        if (!(ps->size = parse_expr(p, v, s->name)))
          return TESSERA_ERROR;
      } else if ((v = json_get(q, "tensor_map")) || (v = json_get(q, "tensor_map_valid"))) {
        ps->kind = json_get(q, "tensor_map") ? P_MAP : P_MAP_VALID;
        if ((ps->map = map_of(p, v->string)) < 0)
          return failf(p, "%s: kernel %s: parameter names tensor map %s, which the plan "
                          "does not list", p->dir, s->name, v->string);
        if (ps->kind == P_MAP_VALID)
          p->maps[ps->map].checked = 1;
      } else {
        return failf(p, "%s: kernel %s: parameter %d of an unknown kind", p->dir, s->name, j);
      }
    }
  }

  const json_value *checks = json_get(plan, "checks");
  p->num_checks = checks ? (int)checks->count : 0;
  p->check_lhs = calloc((size_t)p->num_checks + 1, sizeof(expr *));
  p->check_rhs = calloc((size_t)p->num_checks + 1, sizeof(expr *));
  p->check_reason = calloc((size_t)p->num_checks + 1, sizeof(char *));
  if (!p->check_lhs || !p->check_rhs || !p->check_reason)
    return failf(p, "out of memory");
  for (int i = 0; i < p->num_checks; ++i) {
    const json_value *equal = json_get(&checks->items[i], "equal"),
                     *reason = json_get(&checks->items[i], "reason");
    if (!equal || equal->count != 2 ||
        !(p->check_lhs[i] = parse_expr(p, &equal->items[0], "a launch condition")) ||
        !(p->check_rhs[i] = parse_expr(p, &equal->items[1], "a launch condition")))
      return failf(p, "%s: launch condition %d is malformed", p->dir, i);
    p->check_reason[i] = copy_string(reason && reason->kind == JSON_STRING ? reason->string
                                                                           : "");
  }
  return TESSERA_OK;
}

tessera_status tessera_program_open(const char *dir, tessera_program **program, char *error,
                                    size_t error_size) {
  *program = NULL;
  tessera_program *p = calloc(1, sizeof(tessera_program));
  if (!p) {
    snprintf(error, error_size, "out of memory");
    return TESSERA_ERROR;
  }
  p->dir = copy_string(dir);
  size_t length = strlen(dir) + 16;
  char *path = malloc(length);
  snprintf(path, length, "%s/plan.json", dir);
  FILE *f = fopen(path, "rb");
  free(path);
  if (!f) {
    snprintf(error, error_size, "%s is not a Tessera artifact (no plan.json)", dir);
    tessera_program_close(p);
    return TESSERA_ERROR;
  }
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *text = size >= 0 ? malloc((size_t)size + 1) : NULL;
  if (!text) {
    fclose(f);
    snprintf(error, error_size, "%s: cannot read plan.json", dir);
    tessera_program_close(p);
    return TESSERA_ERROR;
  }
  size_t got = fread(text, 1, (size_t)size, f);
  fclose(f);
  text[got] = 0;
  json_value *plan = json_parse(text, p->error, sizeof p->error);
  free(text);
  if (!plan || read_plan(p, plan)) {
    snprintf(error, error_size, "%s", p->error);
    json_free(plan);
    tessera_program_close(p);
    return TESSERA_ERROR;
  }
  json_free(plan);
  *program = p;
  return TESSERA_OK;
}

const char *tessera_program_error(const tessera_program *p) { return p ? p->error : ""; }
int tessera_program_num_inputs(const tessera_program *p) { return p->num_inputs; }
int tessera_program_num_outputs(const tessera_program *p) { return p->num_outputs; }
const char *tessera_program_input_name(const tessera_program *p, int i) {
  return i >= 0 && i < p->num_inputs ? p->inputs[i].name : NULL;
}
const char *tessera_program_input_dtype(const tessera_program *p, int i) {
  return i >= 0 && i < p->num_inputs ? p->inputs[i].dtype : NULL;
}
int tessera_program_input_is_scalar(const tessera_program *p, int i) {
  return i >= 0 && i < p->num_inputs && p->inputs[i].scalar;
}
const char *tessera_program_output_name(const tessera_program *p, int i) {
  return i >= 0 && i < p->num_outputs ? p->outputs[i].name : NULL;
}
const char *tessera_program_output_dtype(const tessera_program *p, int i) {
  return i >= 0 && i < p->num_outputs ? p->outputs[i].dtype : NULL;
}

/*===-- Binding the arguments ------------------------------------------------===*/

typedef struct {
  const char *names[64];
  int64_t values[64];
  int count;
} symbols;

static expr_scope scope_of(const symbols *s) {
  expr_scope scope = {s->names, s->values, (size_t)s->count};
  return scope;
}

static int bind(tessera_program *p, const tessera_tensor *inputs, int n, symbols *sym,
                int multiprocessors) {
  if (n != p->num_inputs)
    return failf(p, "%s takes %d arguments, got %d", p->dir, p->num_inputs, n);
  sym->count = 0;
  int source[64][2];
  for (int i = 0; i < n; ++i) {
    const input_spec *s = &p->inputs[i];
    const tessera_tensor *t = &inputs[i];
    if (s->scalar) {
      if (!t->data)
        return failf(p, "argument '%s': a runtime scalar needs the address of its value",
                     s->name);
      continue;
    }
    if (t->rank != s->rank)
      return failf(p, "argument '%s': expected rank %d, got %d", s->name, s->rank, t->rank);
    for (int d = 0; d < s->rank; ++d) {
      int64_t size = t->shape[d];
      if (size < 0)
        return failf(p, "argument '%s': dimension %d is negative", s->name, d);
      if (s->literal[d] >= 0 && s->literal[d] != size)
        return failf(p, "argument '%s': dimension %d must be %lld, got %lld", s->name, d,
                     (long long)s->literal[d], (long long)size);
      if (!s->symbol[d])
        continue;
      int found = -1;
      for (int k = 0; k < sym->count; ++k)
        if (!strcmp(sym->names[k], s->symbol[d]))
          found = k;
      if (found >= 0 && sym->values[found] != size)
        return failf(p, "argument '%s': dimension %d (%s) is %lld, but %s is %lld from "
                        "argument '%s' dimension %d", s->name, d, s->symbol[d],
                     (long long)size, s->symbol[d], (long long)sym->values[found],
                     p->inputs[source[found][0]].name, source[found][1]);
      if (found < 0) {
        if (sym->count == 63)
          return failf(p, "%s: more than 63 symbols", p->dir);
        sym->names[sym->count] = s->symbol[d];
        sym->values[sym->count] = size;
        source[sym->count][0] = i;
        source[sym->count][1] = d;
        ++sym->count;
      }
    }
  }
  sym->names[sym->count] = "multiprocessors";
  sym->values[sym->count++] = multiprocessors;
  expr_scope scope = scope_of(sym);
  char error[512];
  for (int i = 0; i < p->num_checks; ++i) {
    int64_t a, b;
    if (expr_eval(p->check_lhs[i], &scope, &a, error, sizeof error) ||
        expr_eval(p->check_rhs[i], &scope, &b, error, sizeof error))
      return failf(p, "%s: %s", p->dir, error);
    if (a != b)
      return failf(p, "launch condition: %lld and %lld must be equal (%s)", (long long)a,
                   (long long)b, p->check_reason[i]);
  }
  return TESSERA_OK;
}

static int shape_of(tessera_program *p, const buffer_spec *s, const symbols *sym,
                    int64_t *shape) {
  expr_scope scope = scope_of(sym);
  char error[512];
  for (int d = 0; d < s->rank; ++d)
    if (expr_eval(s->dims[d], &scope, &shape[d], error, sizeof error))
      return failf(p, "%s: '%s': %s", p->dir, s->name, error);
  return TESSERA_OK;
}

tessera_status tessera_program_output_shape(tessera_program *p, const tessera_tensor *inputs,
                                            int n, int i, int64_t *shape, int *rank) {
  symbols sym;
  if (i < 0 || i >= p->num_outputs)
    return failf(p, "%s has %d outputs, not %d", p->dir, p->num_outputs, i + 1);
  if (bind(p, inputs, n, &sym, 0) || shape_of(p, &p->outputs[i], &sym, shape))
    return TESSERA_ERROR;
  *rank = p->outputs[i].rank;
  return TESSERA_OK;
}

/*===-- Loading and launching ------------------------------------------------===*/

static int open_driver(tessera_program *p) {
  if (cu.loaded)
    return TESSERA_OK;
  void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!lib)
    return failf(p, "cannot open the CUDA driver (libcuda.so.1): %s", dlerror());
#define LOAD(field, symbol)                                                          \
  if (!(*(void **)&cu.field = dlsym(lib, symbol)))                                   \
    return failf(p, "the CUDA driver has no %s (a driver of CUDA 12 or newer is needed)", \
                 symbol);
  LOAD(init, "cuInit")
  LOAD(ctxGetCurrent, "cuCtxGetCurrent")
  LOAD(ctxSetCurrent, "cuCtxSetCurrent")
  LOAD(ctxGetDevice, "cuCtxGetDevice")
  LOAD(deviceGet, "cuDeviceGet")
  LOAD(primaryCtxRetain, "cuDevicePrimaryCtxRetain")
  LOAD(deviceGetAttribute, "cuDeviceGetAttribute")
  LOAD(moduleLoadData, "cuModuleLoadData")
  LOAD(moduleUnload, "cuModuleUnload")
  LOAD(moduleGetFunction, "cuModuleGetFunction")
  LOAD(funcSetAttribute, "cuFuncSetAttribute")
  LOAD(launchKernel, "cuLaunchKernel")
  LOAD(memAlloc, "cuMemAlloc_v2")
  LOAD(memFree, "cuMemFree_v2")
  LOAD(memcpyHtoD, "cuMemcpyHtoD_v2")
  LOAD(memAllocAsync, "cuMemAllocAsync")
  LOAD(memFreeAsync, "cuMemFreeAsync")
  LOAD(memsetD8Async, "cuMemsetD8Async")
  LOAD(tensorMapEncodeTiled, "cuTensorMapEncodeTiled")
  LOAD(getErrorString, "cuGetErrorString")
#undef LOAD
  cu.loaded = 1;
  return TESSERA_OK;
}

static int check(tessera_program *p, CUresult r, const char *what) {
  if (r == 0)
    return TESSERA_OK;
  const char *message = "unknown error";
  if (cu.getErrorString)
    cu.getErrorString(r, &message);
  return failf(p, "%s failed: %s (CUresult %d)", what, message, r);
}

static int load(tessera_program *p) {
  if (p->loaded)
    return TESSERA_OK;
  if (open_driver(p) || check(p, cu.init(0), "cuInit"))
    return TESSERA_ERROR;
  CUcontext context = NULL;
  if (check(p, cu.ctxGetCurrent(&context), "cuCtxGetCurrent"))
    return TESSERA_ERROR;
  if (!context) {  /* the device's primary context, as the CUDA runtime uses */
    CUdevice device;
    if (check(p, cu.deviceGet(&device, 0), "cuDeviceGet") ||
        check(p, cu.primaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain") ||
        check(p, cu.ctxSetCurrent(context), "cuCtxSetCurrent"))
      return TESSERA_ERROR;
  }
  p->context = context;
  size_t length = strlen(p->dir) + strlen(p->binary) + 2;
  char *path = malloc(length);
  snprintf(path, length, "%s/%s", p->dir, p->binary);
  FILE *f = fopen(path, "rb");
  if (!f) {
    failf(p, "%s: cannot read the binary %s", p->dir, path);
    free(path);
    return TESSERA_ERROR;
  }
  free(path);
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *image = size >= 0 ? malloc((size_t)size + 1) : NULL;
  if (!image) {
    fclose(f);
    return failf(p, "%s: cannot read the binary %s", p->dir, p->binary);
  }
  size_t got = fread(image, 1, (size_t)size, f);
  fclose(f);
  image[got] = 0;  /* (PTX is text: the driver reads it to the NUL) */
  CUresult r = cu.moduleLoadData(&p->module, image);
  free(image);
  if (check(p, r, "cuModuleLoadData"))
    return TESSERA_ERROR;
  for (int i = 0; i < p->num_kernels; ++i) {
    kernel_spec *k = &p->kernels[i];
    if (check(p, cu.moduleGetFunction(&k->function, p->module, k->name), k->name))
      return TESSERA_ERROR;
    /* CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES: past 48 KiB, opted in */
    if (k->shared && check(p, cu.funcSetAttribute(k->function, 8, (int)k->shared),
                           "cuFuncSetAttribute"))
      return TESSERA_ERROR;
  }
  p->constant_device = calloc((size_t)p->num_constants + 1, sizeof(CUdeviceptr));
  for (int i = 0; i < p->num_constants; ++i) {
    constant_spec *c = &p->constants[i];
    if (check(p, cu.memAlloc(&p->constant_device[i], c->bytes ? c->bytes : 1), "cuMemAlloc") ||
        check(p, cu.memcpyHtoD(p->constant_device[i], c->data, c->bytes), "cuMemcpyHtoD"))
      return TESSERA_ERROR;
  }
  p->loaded = 1;
  return TESSERA_OK;
}

/* A buffer slot at launch: its address, shape and element size. */
typedef struct {
  CUdeviceptr address;
  int rank, itemsize;
  int64_t shape[MAX_RANK];
  int64_t elements;
} slot_info;

/* The kernel parameters of one launch: each in its own 64-byte aligned
 * slot of `storage` (a map is 128 bytes), `args` pointing at them. */
typedef struct {
  unsigned char *storage;
  size_t used, capacity;
  void **args;
  int count, room;
} param_block;

static void *param(param_block *b, size_t size) {
  size_t at = (b->used + 63) & ~(size_t)63;
  if (at + size > b->capacity || b->count == b->room)
    return NULL;
  b->used = at + size;
  b->args[b->count++] = b->storage + at;
  return b->storage + at;
}

static int put_i64(param_block *b, int64_t v) {
  void *at = param(b, 8);
  if (at)
    memcpy(at, &v, 8);
  return at != NULL;
}

static const char *refusal(CUdeviceptr address, int rank, const unsigned long long *dims,
                           const unsigned long long *strides) {
  if (address % 16)
    return "its address is not a multiple of 16 bytes";
  for (int d = 0; d < rank; ++d)
    if (dims[d] < 1 || dims[d] >= (1ull << 31))
      return "a dim is empty or 2^31 or more";
  for (int d = 0; d + 1 < rank; ++d)
    if (strides[d] % 16 || strides[d] >= (1ull << 40))
      return "a row stride is not a multiple of 16 bytes";
  return NULL;
}

tessera_status tessera_program_launch(tessera_program *p, const tessera_tensor *inputs,
                                      int num_inputs, const tessera_tensor *outputs,
                                      int num_outputs, void *stream_handle) {
  CUstream stream = (CUstream)stream_handle;
  if (load(p))
    return TESSERA_ERROR;
  /* The context the program was loaded in: made current on a thread that
   * has none; another one current is an error (the module and constants
   * are the loading context's). */
  CUcontext current = NULL;
  if (check(p, cu.ctxGetCurrent(&current), "cuCtxGetCurrent"))
    return TESSERA_ERROR;
  if (!current) {
    if (check(p, cu.ctxSetCurrent(p->context), "cuCtxSetCurrent"))
      return TESSERA_ERROR;
  } else if (current != p->context) {
    return failf(p, "%s was loaded in another CUDA context than the calling thread's "
                    "current one; launch it where it was first launched, or open it again",
                 p->dir);
  }
  CUdevice device;
  int multiprocessors = 0;
  /* CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT */
  if (check(p, cu.ctxGetDevice(&device), "cuCtxGetDevice") ||
      check(p, cu.deviceGetAttribute(&multiprocessors, 16, device), "cuDeviceGetAttribute"))
    return TESSERA_ERROR;
  symbols sym;
  if (bind(p, inputs, num_inputs, &sym, multiprocessors))
    return TESSERA_ERROR;
  if (num_outputs != p->num_outputs)
    return failf(p, "outputs: %d given; the program has %d", num_outputs, p->num_outputs);

  int num_slots = p->num_inputs + p->num_outputs + p->num_temps + p->num_constants;
  slot_info *slots = calloc((size_t)num_slots + 1, sizeof(slot_info));
  CUdeviceptr *temps = calloc((size_t)p->num_temps + 1, sizeof(CUdeviceptr));
  CUtensorMap *maps = NULL;
  int *valid = calloc((size_t)p->num_maps + 1, sizeof(int));
  param_block block = {0};
  tessera_status status = TESSERA_ERROR;
  if (p->num_maps && posix_memalign((void **)&maps, 64, sizeof(CUtensorMap) * p->num_maps))
    maps = NULL;
  if (!slots || !temps || !valid || (p->num_maps && !maps)) {
    failf(p, "out of memory");
    goto done;
  }
  for (int i = 0; i < p->num_inputs; ++i) {
    slot_info *s = &slots[i];
    s->address = (CUdeviceptr)(uintptr_t)inputs[i].data;
    s->rank = inputs[i].rank;
    s->itemsize = p->inputs[i].itemsize;
    s->elements = 1;
    for (int d = 0; d < s->rank; ++d)
      s->elements *= (s->shape[d] = inputs[i].shape[d]);
  }
  for (int i = 0; i < p->num_outputs; ++i) {
    slot_info *s = &slots[p->num_inputs + i];
    int64_t want[MAX_RANK];
    if (shape_of(p, &p->outputs[i], &sym, want))
      goto done;
    if (outputs[i].rank != p->outputs[i].rank) {
      failf(p, "output '%s': expected rank %d, got %d", p->outputs[i].name,
            p->outputs[i].rank, outputs[i].rank);
      goto done;
    }
    for (int d = 0; d < outputs[i].rank; ++d)
      if (outputs[i].shape[d] != want[d]) {
        failf(p, "output '%s': dimension %d must be %lld, got %lld", p->outputs[i].name, d,
              (long long)want[d], (long long)outputs[i].shape[d]);
        goto done;
      }
    s->address = (CUdeviceptr)(uintptr_t)outputs[i].data;
    s->rank = outputs[i].rank;
    s->itemsize = p->outputs[i].itemsize;
    s->elements = 1;
    for (int d = 0; d < s->rank; ++d)
      s->elements *= (s->shape[d] = want[d]);
  }
  for (int i = 0; i < p->num_temps; ++i) {
    slot_info *s = &slots[p->num_inputs + p->num_outputs + i];
    if (shape_of(p, &p->temps[i], &sym, s->shape))
      goto done;
    s->rank = p->temps[i].rank;
    s->itemsize = p->temps[i].itemsize;
    s->elements = 1;
    for (int d = 0; d < s->rank; ++d)
      s->elements *= s->shape[d];
    size_t bytes = (size_t)s->elements * (size_t)s->itemsize;
    if (!bytes)
      continue;  /* (unused at this size: a split-K workspace where K is not split) */
    if (check(p, cu.memAllocAsync(&temps[i], bytes, stream), "cuMemAllocAsync") ||
        (p->temps[i].zero &&
         check(p, cu.memsetD8Async(temps[i], 0, bytes, stream), "cuMemsetD8Async")))
      goto done;
    s->address = temps[i];
  }
  for (int i = 0; i < p->num_constants; ++i) {
    slot_info *s = &slots[p->num_inputs + p->num_outputs + p->num_temps + i];
    const constant_spec *c = &p->constants[i];
    s->address = p->constant_device[i];
    s->rank = c->rank;
    s->itemsize = c->itemsize;
    s->elements = 1;
    for (int d = 0; d < c->rank; ++d)
      s->elements *= (s->shape[d] = c->dims[d]);
  }

  /* Tensor maps, encoded from the buffers' addresses. */
  expr_scope scope = scope_of(&sym);
  char error[512];
  for (int i = 0; i < p->num_maps; ++i) {
    const map_spec *m = &p->maps[i];
    unsigned long long dims[5], strides[5];
    unsigned box[5], unit[5] = {1, 1, 1, 1, 1};
    int64_t values[5], stride_values[5];
    for (int d = 0; d < m->rank; ++d) {
      if (expr_eval(m->dims[d], &scope, &values[d], error, sizeof error) ||
          (m->strides[0] &&
           expr_eval(m->strides[d], &scope, &stride_values[d], error, sizeof error))) {
        failf(p, "%s: tensor map %s: %s", p->dir, m->name, error);
        goto done;
      }
    }
    /* innermost first; strides in bytes of dims 1.. */
    int64_t running = values[m->rank - 1] * m->itemsize;
    for (int d = 0; d < m->rank; ++d) {
      dims[d] = (unsigned long long)values[m->rank - 1 - d];
      box[d] = m->box[m->rank - 1 - d];
    }
    for (int d = 0; d + 1 < m->rank; ++d) {
      if (m->strides[0]) {
        strides[d] = (unsigned long long)(stride_values[m->rank - 2 - d] * m->itemsize);
      } else {
        strides[d] = (unsigned long long)running;
        running *= values[m->rank - 2 - d];
      }
    }
    CUdeviceptr address = slots[m->slot].address;
    const char *why = refusal(address, m->rank, dims, strides);
    if (why && !m->checked) {
      failf(p, "%s: '%s' is read through TMA (tensor map %s) by a kernel with no path "
               "without it, and TMA cannot address it as it is (%s): pass a contiguous, "
               "16-byte aligned buffer whose rows are multiples of 16 bytes (the C "
               "runtime makes no pitched copies)", p->dir,
            m->slot < p->num_inputs ? p->inputs[m->slot].name : "a buffer", m->name, why);
      goto done;
    }
    memset(&maps[i], 0, sizeof maps[i]);
    if (why)
      continue;  /* (valid = 0: the kernel takes its path without TMA) */
    if (check(p, cu.tensorMapEncodeTiled(&maps[i], m->dtype, (unsigned)m->rank,
                                         (void *)(uintptr_t)address, dims, strides, box, unit,
                                         0, m->swizzle, m->l2promo, m->oob_zero ? 0 : 1),
              "cuTensorMapEncodeTiled"))
      goto done;
    valid[i] = 1;
  }

  for (int i = 0; i < p->num_kernels; ++i) {
    const kernel_spec *k = &p->kernels[i];
    int64_t grid[3];
    for (int d = 0; d < 3; ++d)
      if (expr_eval(k->grid[d], &scope, &grid[d], error, sizeof error)) {
        failf(p, "%s: kernel %s: %s", p->dir, k->name, error);
        goto done;
      }
    if (grid[0] <= 0 || grid[1] <= 0 || grid[2] <= 0)
      continue;  /* an empty problem: nothing to launch */
    if (grid[0] >= (1ll << 31) || grid[1] > 65535 || grid[2] > 65535) {
      failf(p, "kernel %s: grid (%lld, %lld, %lld) exceeds the GPU's limits", k->name,
            (long long)grid[0], (long long)grid[1], (long long)grid[2]);
      goto done;
    }
    /* room for every parameter at its largest (a descriptor: 3 + 2 * rank words) */
    size_t room = (size_t)k->num_params * (3 + 2 * MAX_RANK);
    free(block.storage);
    free(block.args);
    block.capacity = room * 64 + 256 * (size_t)k->num_params + 64;
    block.storage = aligned_alloc(64, (block.capacity + 63) & ~(size_t)63);
    block.args = calloc(room + 1, sizeof(void *));
    block.used = 0;
    block.count = 0;
    block.room = (int)room;
    if (!block.storage || !block.args) {
      failf(p, "out of memory");
      goto done;
    }
    int ok = 1;
    for (int j = 0; j < k->num_params && ok; ++j) {
      const param_spec *ps = &k->params[j];
      switch (ps->kind) {
      case P_MEMREF: {
        const slot_info *s = &slots[ps->slot];
        int64_t address = (int64_t)s->address;
        if (k->abi == ABI_BARE) {
          ok = put_i64(&block, address);
        } else if (k->abi == ABI_FLAT) {
          ok = put_i64(&block, address) && put_i64(&block, address) && put_i64(&block, 0) &&
               put_i64(&block, s->elements) && put_i64(&block, 1);
        } else {
          ok = put_i64(&block, address) && put_i64(&block, address) && put_i64(&block, 0);
          for (int d = 0; d < s->rank && ok; ++d)
            ok = put_i64(&block, s->shape[d]);
          int64_t stride = 1;
          int64_t strides_out[MAX_RANK];
          for (int d = s->rank - 1; d >= 0; --d) {
            strides_out[d] = stride;
            stride *= s->shape[d];
          }
          for (int d = 0; d < s->rank && ok; ++d)
            ok = put_i64(&block, strides_out[d]);
        }
        break;
      }
      case P_SCALAR: {
        const input_spec *in = &p->inputs[ps->slot];
        void *at = param(&block, (size_t)in->itemsize);
        ok = at != NULL;
        if (ok)
          memcpy(at, inputs[ps->slot].data, (size_t)in->itemsize);
        break;
      }
      case P_SIZE: {
        int64_t v;
        if (expr_eval(ps->size, &scope, &v, error, sizeof error)) {
          failf(p, "%s: kernel %s: %s", p->dir, k->name, error);
          goto done;
        }
        ok = put_i64(&block, v);
        break;
      }
      case P_MAP: {
        void *at = param(&block, sizeof(CUtensorMap));
        ok = at != NULL;
        if (ok)
          memcpy(at, &maps[ps->map], sizeof(CUtensorMap));
        break;
      }
      case P_MAP_VALID:
        ok = put_i64(&block, valid[ps->map]);
        break;
      }
    }
    if (!ok) {
      failf(p, "kernel %s: too many parameters", k->name);
      goto done;
    }
    if (check(p, cu.launchKernel(k->function, (unsigned)grid[0], (unsigned)grid[1],
                                 (unsigned)grid[2], k->block[0], k->block[1], k->block[2],
                                 k->shared, stream, block.args, NULL),
              k->name))
      goto done;
  }
  status = TESSERA_OK;
  p->error[0] = 0;
done:
  for (int i = 0; temps && i < p->num_temps; ++i)
    if (temps[i])
      cu.memFreeAsync(temps[i], stream);  /* (after the launches, in stream order) */
  free(block.storage);
  free(block.args);
  free(slots);
  free(temps);
  free(maps);
  free(valid);
  return status;
}

void tessera_program_close(tessera_program *p) {
  if (!p)
    return;
  if (p->module && cu.moduleUnload)
    cu.moduleUnload(p->module);
  for (int i = 0; p->constant_device && i < p->num_constants; ++i)
    if (p->constant_device[i])
      cu.memFree(p->constant_device[i]);
  for (int i = 0; p->inputs && i < p->num_inputs; ++i) {
    free(p->inputs[i].name);
    free(p->inputs[i].dtype);
    for (int d = 0; d < MAX_RANK; ++d)
      free(p->inputs[i].symbol[d]);
  }
  buffer_spec *lists[2] = {p->outputs, p->temps};
  int counts[2] = {p->num_outputs, p->num_temps};
  for (int l = 0; l < 2; ++l)
    for (int i = 0; lists[l] && i < counts[l]; ++i) {
      free(lists[l][i].name);
      free(lists[l][i].dtype);
      for (int d = 0; d < MAX_RANK; ++d)
        expr_free(lists[l][i].dims[d]);
    }
  for (int i = 0; p->constants && i < p->num_constants; ++i) {
    free(p->constants[i].name);
    free(p->constants[i].dtype);
    free(p->constants[i].data);
  }
  for (int i = 0; p->maps && i < p->num_maps; ++i) {
    free(p->maps[i].name);
    for (int d = 0; d < 5; ++d) {
      expr_free(p->maps[i].dims[d]);
      expr_free(p->maps[i].strides[d]);
    }
  }
  for (int i = 0; p->kernels && i < p->num_kernels; ++i) {
    free(p->kernels[i].name);
    for (int d = 0; d < 3; ++d)
      expr_free(p->kernels[i].grid[d]);
    for (int j = 0; p->kernels[i].params && j < p->kernels[i].num_params; ++j)
      expr_free(p->kernels[i].params[j].size);
    free(p->kernels[i].params);
  }
  for (int i = 0; i < p->num_checks; ++i) {
    expr_free(p->check_lhs ? p->check_lhs[i] : NULL);
    expr_free(p->check_rhs ? p->check_rhs[i] : NULL);
    free(p->check_reason ? p->check_reason[i] : NULL);
  }
  free(p->check_lhs);
  free(p->check_rhs);
  free(p->check_reason);
  free(p->inputs);
  free(p->outputs);
  free(p->temps);
  free(p->constants);
  free(p->maps);
  free(p->kernels);
  free(p->constant_device);
  free(p->dir);
  free(p->binary);
  free(p);
}
