/* The runtime's prepared-launch path in C (tessera.runtime.gpu builds it
 * at first use with the machine's C compiler, as Triton builds its
 * launchers, and falls back to the same path in Python without one).
 *
 * launch(state, arrays, out, stream) takes a call whose arguments are all
 * CuPy arrays or torch tensors (contiguous, on the program's device),
 * builds the call's key exactly as GPUProgram._scan does, looks up the
 * prepared entry, allocates outputs through the entry's Python callable
 * where `out` is None, writes the kernel parameters on the stack and calls
 * cuLaunchKernel for each kernel. It returns MISS (state[6]) where it
 * cannot take the call: the Python path then does, and raises any error.
 *
 * state: (prepared: dict key -> the prepared list, whose item 7 is its
 *         entry capsule or None, cupy.ndarray, torch.Tensor or None,
 *         device: int, CuPy's current-stream-pointer function, torch's
 *         raw-stream function or None, MISS, cupy.cuda.Stream, the runtime
 *         scalars' input positions as a bitmask, per input the numpy dtype
 *         character of its runtime scalar or None)
 * A runtime scalar given as a Python float or int is passed by value (its
 * bits, as GPUProgram._scalar_bits makes them); anything else given for
 * one (NumPy scalars, device arrays, a value its dtype cannot hold) is the
 * Python path's.
 * driver(launch, error_string): the addresses of cuLaunchKernel and
 *         cuGetErrorString (0: none), before the first launch.
 * entry(kernels, alloc): kernels a list of (CUfunction address, grid
 *         3-tuple, block 3-tuple, shared bytes, params: list of (kind,
 *         value), kind 0 a constant, 1 a buffer slot (inputs then
 *         outputs)); alloc(handle, stream) -> (result, addresses) or None.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>
#include <string.h>

/* (public from Python 3.11; 3.10 has them under a leading underscore) */
#if PY_VERSION_HEX < 0x030B0000
#define PyFloat_Pack2(x, p, le) _PyFloat_Pack2((x), (unsigned char *)(p), (le))
#define PyFloat_Pack4(x, p, le) _PyFloat_Pack4((x), (unsigned char *)(p), (le))
#define PyFloat_Pack8(x, p, le) _PyFloat_Pack8((x), (unsigned char *)(p), (le))
#endif

#define MAX_KERNELS 8
#define MAX_PARAMS 64
#define MAX_SLOTS 64

typedef int (*LaunchKernel)(void *f, unsigned gx, unsigned gy, unsigned gz, unsigned bx,
                            unsigned by, unsigned bz, unsigned shared, void *stream,
                            void **params, void **extra);
typedef int (*GetErrorString)(int error, const char **text);

static LaunchKernel cuLaunchKernel_;
static GetErrorString cuGetErrorString_;

typedef struct {
  void *function;
  unsigned grid[3], block[3], shared;
  int params;
  unsigned char kind[MAX_PARAMS];
  uint64_t value[MAX_PARAMS];
} Kernel;

typedef struct {
  int kernels;
  int slots; /* 1 + the highest buffer slot a kernel reads */
  Kernel kernel[MAX_KERNELS];
  PyObject *alloc; /* owned; None where the key has out= */
} Entry;

static PyObject *s_data, *s_ptr, *s_device_id, *s_c_contiguous, *s_shape, *s_dtype, *s_char,
    *s_get_device, *s_is_contiguous, *s_data_ptr, *s_scalar;

static void entry_free(PyObject *capsule) {
  Entry *e = (Entry *)PyCapsule_GetPointer(capsule, "tessera.launch.entry");
  if (e) {
    Py_XDECREF(e->alloc);
    PyMem_Free(e);
  }
}

static int as_unsigned(PyObject *o, unsigned *out) {
  unsigned long v = PyLong_AsUnsignedLong(o);
  if (v == (unsigned long)-1 && PyErr_Occurred()) return -1;
  if (v > 0xFFFFFFFFul) {
    PyErr_SetString(PyExc_OverflowError, "a launch dimension does not fit 32 bits");
    return -1;
  }
  *out = (unsigned)v;
  return 0;
}

static int as_triple(PyObject *o, unsigned out[3]) {
  if (!PyTuple_Check(o) || PyTuple_GET_SIZE(o) != 3) {
    PyErr_SetString(PyExc_TypeError, "grid and block are 3-tuples");
    return -1;
  }
  for (int i = 0; i < 3; ++i)
    if (as_unsigned(PyTuple_GET_ITEM(o, i), &out[i])) return -1;
  return 0;
}

/* entry(kernels, alloc) -> capsule */
static PyObject *make_entry(PyObject *self, PyObject *args) {
  PyObject *kernels, *alloc;
  if (!PyArg_ParseTuple(args, "O!O", &PyList_Type, &kernels, &alloc)) return NULL;
  Py_ssize_t n = PyList_GET_SIZE(kernels);
  if (n > MAX_KERNELS) {
    PyErr_Format(PyExc_ValueError, "at most %d kernels", MAX_KERNELS);
    return NULL;
  }
  Entry *e = PyMem_Calloc(1, sizeof(Entry));
  if (!e) return PyErr_NoMemory();
  e->kernels = (int)n;
  for (Py_ssize_t i = 0; i < n; ++i) {
    Kernel *k = &e->kernel[i];
    PyObject *function, *grid, *block, *shared, *params;
    if (!PyArg_ParseTuple(PyList_GET_ITEM(kernels, i), "OOOOO!", &function, &grid, &block,
                          &shared, &PyList_Type, &params))
      goto fail;
    k->function = PyLong_AsVoidPtr(function);
    if (PyErr_Occurred() || as_triple(grid, k->grid) || as_triple(block, k->block) ||
        as_unsigned(shared, &k->shared))
      goto fail;
    Py_ssize_t p = PyList_GET_SIZE(params);
    if (p > MAX_PARAMS) {
      PyErr_Format(PyExc_ValueError, "at most %d kernel parameters", MAX_PARAMS);
      goto fail;
    }
    k->params = (int)p;
    for (Py_ssize_t j = 0; j < p; ++j) {
      int kind;
      PyObject *value;
      if (!PyArg_ParseTuple(PyList_GET_ITEM(params, j), "iO", &kind, &value)) goto fail;
      if (kind != 0 && kind != 1) {
        PyErr_SetString(PyExc_ValueError, "a parameter is a constant (0) or a slot (1)");
        goto fail;
      }
      k->kind[j] = (unsigned char)kind;
      if (kind == 0) {
        long long v = PyLong_AsLongLong(value);
        if (v == -1 && PyErr_Occurred()) goto fail;
        k->value[j] = (uint64_t)v;
      } else {
        Py_ssize_t slot = PyLong_AsSsize_t(value);
        if (slot == -1 && PyErr_Occurred()) goto fail;
        if (slot < 0 || slot >= MAX_SLOTS) {
          PyErr_Format(PyExc_ValueError, "buffer slots are 0-%d", MAX_SLOTS - 1);
          goto fail;
        }
        k->value[j] = (uint64_t)slot;
        if (slot + 1 > e->slots) e->slots = (int)slot + 1;
      }
    }
  }
  Py_INCREF(alloc);
  e->alloc = alloc;
  PyObject *capsule = PyCapsule_New(e, "tessera.launch.entry", entry_free);
  if (!capsule) {
    Py_DECREF(alloc);
    PyMem_Free(e);
  }
  return capsule;
fail:
  PyMem_Free(e);
  return NULL;
}

/* The address and key items of CuPy array `a` (0: taken, 1: not this
 * path's: the Python path raises any error). */
static int scan_cupy(PyObject *a, long device, PyObject *key, Py_ssize_t at, uint64_t *address) {
  PyObject *data = PyObject_GetAttr(a, s_data);
  if (!data) {
    PyErr_Clear();  /* (not this path's: the Python path's error, if any) */
    return 1;
  }
  int taken = 1;
  PyObject *device_id = PyObject_GetAttr(data, s_device_id);
  PyObject *contiguous = device_id ? PyObject_GetAttr(a, s_c_contiguous) : NULL;
  if (!contiguous) {
    PyErr_Clear();  /* (another CuPy: the Python path) */
  } else if (PyLong_AsLong(device_id) == device && contiguous == Py_True) {
    PyObject *ptr = PyObject_GetAttr(data, s_ptr);
    PyObject *shape = ptr ? PyObject_GetAttr(a, s_shape) : NULL;
    PyObject *dtype = shape ? PyObject_GetAttr(a, s_dtype) : NULL;
    PyObject *ch = dtype ? PyObject_GetAttr(dtype, s_char) : NULL;
    if (ch) *address = PyLong_AsUnsignedLongLong(ptr);
    if (!ch || PyErr_Occurred()) {
      Py_XDECREF(shape);
      Py_XDECREF(ch);
    } else {
      taken = 0;
      PyTuple_SET_ITEM(key, at, shape);
      PyTuple_SET_ITEM(key, at + 1, ch);
    }
    Py_XDECREF(ptr);
    Py_XDECREF(dtype);
  }
  Py_XDECREF(contiguous);
  Py_XDECREF(device_id);
  Py_DECREF(data);
  if (taken && PyErr_Occurred()) {
    PyErr_Clear();  /* (what the Python path makes of it: its error, if any) */
    taken = 1;
  }
  return taken;
}

static int scan_torch_(PyObject *a, long device, PyObject *key, Py_ssize_t at,
                       uint64_t *address);

/* The address and key items of torch tensor `a` (0: taken, 1: not this
 * path's: the Python path raises any error). */
static int scan_torch(PyObject *a, long device, PyObject *key, Py_ssize_t at, uint64_t *address) {
  int taken = scan_torch_(a, device, key, at, address);
  if (taken) {
    PyErr_Clear();
    taken = 1;
  }
  return taken;
}

static int scan_torch_(PyObject *a, long device, PyObject *key, Py_ssize_t at,
                       uint64_t *address) {
  PyObject *dev = PyObject_CallMethodNoArgs(a, s_get_device);
  if (!dev) return -1;
  long d = PyLong_AsLong(dev);
  Py_DECREF(dev);
  if (d != device) return PyErr_Occurred() ? -1 : 1;
  PyObject *contiguous = PyObject_CallMethodNoArgs(a, s_is_contiguous);
  if (!contiguous) return -1;
  Py_DECREF(contiguous);
  if (contiguous != Py_True) return 1;
  PyObject *ptr = PyObject_CallMethodNoArgs(a, s_data_ptr);
  if (!ptr) return -1;
  *address = PyLong_AsUnsignedLongLong(ptr);
  Py_DECREF(ptr);
  if (PyErr_Occurred()) return -1;
  PyObject *shape = PyObject_GetAttr(a, s_shape);
  if (!shape) return -1;
  PyObject *dtype = PyObject_GetAttr(a, s_dtype);
  if (!dtype) {
    Py_DECREF(shape);
    return -1;
  }
  PyTuple_SET_ITEM(key, at, shape);
  PyTuple_SET_ITEM(key, at + 1, dtype);
  return 0;
}

static PyObject *launch_entry(Entry *e, PyObject *state, PyObject *stream, int torch,
                              PyObject *out, Py_ssize_t outs, Py_ssize_t n, uint64_t *slots);

static PyObject *launch_with(PyObject *state, PyObject *arrays, PyObject *out,
                             PyObject *stream);

/* The kernel-parameter bits of Python number `a` for a runtime scalar of
 * numpy dtype character `code` (0), or 1: not this path's. */
static int scalar_bits(PyObject *a, Py_UCS4 code, uint64_t *bits) {
  int is_float = PyFloat_CheckExact(a), is_int = PyLong_CheckExact(a);
  if (!is_float && !is_int) return 1;  /* (bools, NumPy scalars, arrays) */
  *bits = 0;
  if (code == 'e' || code == 'f' || code == 'd') {
    double v = is_float ? PyFloat_AS_DOUBLE(a) : PyLong_AsDouble(a);
    if (v == -1.0 && PyErr_Occurred()) {
      PyErr_Clear();
      return 1;
    }
    unsigned char packed[8];
    int size = code == 'e' ? 2 : code == 'f' ? 4 : 8;
    int r = size == 2 ? PyFloat_Pack2(v, (char *)packed, 1)
            : size == 4 ? PyFloat_Pack4(v, (char *)packed, 1)
                        : PyFloat_Pack8(v, (char *)packed, 1);
    if (r < 0) {  /* (out of range: the Python path's rounding or error) */
      PyErr_Clear();
      return 1;
    }
    for (int i = 0; i < size; ++i) *bits |= (uint64_t)packed[i] << (8 * i);
    return 0;
  }
  if (!is_int) return 1;  /* (a float for an integer scalar: its error) */
  int width;
  int is_signed = 1;
  switch (code) {
    case 'b': width = 8; break;
    case 'h': width = 16; break;
    case 'i': width = 32; break;
    case 'l': case 'q': width = 64; break;
    case 'B': width = 8; is_signed = 0; break;
    case 'H': width = 16; is_signed = 0; break;
    case 'I': width = 32; is_signed = 0; break;
    case 'L': case 'Q': width = 64; is_signed = 0; break;
    default: return 1;
  }
  int overflow = 0;
  if (is_signed) {
    long long v = PyLong_AsLongLongAndOverflow(a, &overflow);
    if (PyErr_Occurred()) {
      PyErr_Clear();
      return 1;
    }
    if (overflow || (width < 64 && (v < -(1LL << (width - 1)) || v >= (1LL << (width - 1)))))
      return 1;
    *bits = width == 64 ? (uint64_t)v : (uint64_t)v & ((1ULL << width) - 1);
  } else {
    unsigned long long v = PyLong_AsUnsignedLongLong(a);
    if (PyErr_Occurred()) {
      PyErr_Clear();
      return 1;
    }
    if (width < 64 && v >= (1ULL << width)) return 1;
    *bits = v;
  }
  return 0;
}

static PyObject *launch_error(int code) {
  const char *text = NULL;
  if (cuGetErrorString_) cuGetErrorString_(code, &text);
  PyErr_Format(PyExc_RuntimeError, "cuLaunchKernel failed: %s (CUresult %d)",
               text ? text : "unknown error", code);
  return NULL;
}

/* launch(state, arrays, out, stream) */
static PyObject *launch(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
  if (nargs != 4 || !PyTuple_Check(args[0]) || PyTuple_GET_SIZE(args[0]) != 10 ||
      !PyTuple_Check(args[1])) {
    PyErr_SetString(PyExc_TypeError, "launch(state, arrays, out, stream)");
    return NULL;
  }
  PyObject *out = args[2];
  if (out == Py_None) return launch_with(args[0], args[1], out, args[3]);
  if (!PyList_Check(out) && !PyTuple_Check(out)) return Py_NewRef(PyTuple_GET_ITEM(args[0], 6));
  /* (a snapshot: the Python code this call runs cannot change it) */
  PyObject *snapshot = PySequence_Tuple(out);
  if (!snapshot) return NULL;
  PyObject *result = launch_with(args[0], args[1], snapshot, args[3]);
  Py_DECREF(snapshot);
  return result;
}

static PyObject *launch_with(PyObject *state, PyObject *arrays, PyObject *out,
                             PyObject *stream) {
  PyObject *table = PyTuple_GET_ITEM(state, 0), *ndarray = PyTuple_GET_ITEM(state, 1),
           *tensor = PyTuple_GET_ITEM(state, 2), *miss = PyTuple_GET_ITEM(state, 6),
           *stream_type = PyTuple_GET_ITEM(state, 7);
  long device = PyLong_AsLong(PyTuple_GET_ITEM(state, 3));
  if (device == -1 && PyErr_Occurred()) return NULL;
  if (stream != Py_None) {
    int is = PyObject_IsInstance(stream, stream_type);
    if (is <= 0) {
      if (is < 0) return NULL;
      return Py_NewRef(miss);
    }
  }
  Py_ssize_t inputs = PyTuple_GET_SIZE(arrays), outs = out == Py_None ? 0 : PyTuple_GET_SIZE(out);
  /* runtime scalars' positions: a device array given for one is the
     Python path's (it reads the value) */
  unsigned long long scalars = PyLong_AsUnsignedLongLongMask(PyTuple_GET_ITEM(state, 8));
  if (PyErr_Occurred()) return NULL;
  Py_ssize_t n = inputs + outs;
  if (n + 8 > MAX_SLOTS) return Py_NewRef(miss);
  /* (len(arrays), out is None, shape, dtype (or "s" for a runtime
     scalar), ..., torch) as _scan makes it */
  PyObject *codes = PyTuple_GET_ITEM(state, 9);
  Py_ssize_t scalar_count = 0;
  /* (the positions the loop below takes as scalars: any of the call's
     arguments, out= too, where the plan has a runtime scalar) */
  for (Py_ssize_t i = 0; i < n && i < 64; ++i) scalar_count += (scalars >> i) & 1;
  if (!PyTuple_Check(codes)) return Py_NewRef(miss);
  Py_ssize_t size = 2 + 2 * (n - scalar_count) + scalar_count + 1;
  PyObject *key = PyTuple_New(size);
  if (!key) return NULL;
  uint64_t slots[MAX_SLOTS];
  int torch = 0;
  Py_ssize_t at = 2;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject *a = i < inputs ? PyTuple_GET_ITEM(arrays, i) : PyTuple_GET_ITEM(out, i - inputs);
    int r;
    if (i < 64 && (scalars >> i & 1)) {
      PyObject *code = i < PyTuple_GET_SIZE(codes) ? PyTuple_GET_ITEM(codes, i) : Py_None;
      r = 1;
      if (at < size - 1 && PyUnicode_Check(code) && PyUnicode_GET_LENGTH(code) == 1 &&
          !scalar_bits(a, PyUnicode_READ_CHAR(code, 0), &slots[i])) {
        PyTuple_SET_ITEM(key, at, Py_NewRef(s_scalar));
        at += 1;
        r = 0;
      }
    } else if (at + 2 > size - 1) {
      r = 1;
    } else if (Py_TYPE(a) == (PyTypeObject *)ndarray) {
      r = scan_cupy(a, device, key, at, &slots[i]);
      at += 2;
    } else if (tensor != Py_None && Py_TYPE(a) == (PyTypeObject *)tensor) {
      r = scan_torch(a, device, key, at, &slots[i]);
      at += 2;
      torch = 1;
    } else {
      r = 1;
    }
    if (r) {
      Py_DECREF(key);  /* (unset items are NULL: PyTuple's dealloc skips them) */
      return r < 0 ? NULL : Py_NewRef(miss);
    }
  }
  if (at != size - 1) {  /* (every item set, or not this path's) */
    Py_DECREF(key);
    return Py_NewRef(miss);
  }
  PyTuple_SET_ITEM(key, 0, PyLong_FromSsize_t(inputs));
  PyTuple_SET_ITEM(key, 1, Py_NewRef(out == Py_None ? Py_True : Py_False));
  PyTuple_SET_ITEM(key, size - 1, Py_NewRef(torch ? Py_True : Py_False));
  if (!PyTuple_GET_ITEM(key, 0)) {
    Py_DECREF(key);
    return NULL;
  }
  PyObject *prepared = PyDict_GetItemWithError(table, key);
  Py_DECREF(key);
  if (!prepared) return PyErr_Occurred() ? NULL : Py_NewRef(miss);
  if (!PyList_Check(prepared) || PyList_GET_SIZE(prepared) < 8 ||
      !PyCapsule_CheckExact(PyList_GET_ITEM(prepared, 7)) || !cuLaunchKernel_)
    return Py_NewRef(miss);
  /* (held: the allocation runs Python, which could drop the entry) */
  PyObject *capsule = Py_NewRef(PyList_GET_ITEM(prepared, 7));
  Entry *e = (Entry *)PyCapsule_GetPointer(capsule, "tessera.launch.entry");
  if (!e) {
    Py_DECREF(capsule);
    return NULL;
  }
  PyObject *result = launch_entry(e, state, stream, torch, out, outs, n, slots);
  Py_DECREF(capsule);
  return result;
}

static PyObject *launch_entry(Entry *e, PyObject *state, PyObject *stream, int torch,
                              PyObject *out, Py_ssize_t outs, Py_ssize_t n, uint64_t *slots) {
  PyObject *miss = PyTuple_GET_ITEM(state, 6);
  Py_ssize_t filled = n;
  /* The launch stream: the given one, torch's current, or CuPy's current. */
  PyObject *handle;
  if (stream != Py_None)
    handle = PyObject_GetAttr(stream, s_ptr);
  else if (torch && PyTuple_GET_ITEM(state, 5) != Py_None)
    handle = PyObject_CallOneArg(PyTuple_GET_ITEM(state, 5), PyTuple_GET_ITEM(state, 3));
  else if (torch)
    return Py_NewRef(miss);
  else
    handle = PyObject_CallNoArgs(PyTuple_GET_ITEM(state, 4));
  if (!handle) return NULL;
  void *cu_stream = PyLong_AsVoidPtr(handle);
  if (PyErr_Occurred()) {
    Py_DECREF(handle);
    return NULL;
  }
  PyObject *result;
  if (out == Py_None) {
    if (e->alloc == Py_None) {
      Py_DECREF(handle);
      return Py_NewRef(miss);
    }
    PyObject *made = PyObject_CallFunctionObjArgs(e->alloc, handle, stream, NULL);
    Py_DECREF(handle);
    if (!made) return NULL;
    PyObject *addresses;
    if (!PyTuple_Check(made) || PyTuple_GET_SIZE(made) != 2 ||
        !PyList_Check(addresses = PyTuple_GET_ITEM(made, 1))) {
      Py_DECREF(made);
      PyErr_SetString(PyExc_TypeError, "alloc returns (result, [addresses])");
      return NULL;
    }
    if (n + PyList_GET_SIZE(addresses) > MAX_SLOTS) {  /* (the Python path's) */
      Py_DECREF(made);
      return Py_NewRef(miss);
    }
    for (Py_ssize_t j = 0; j < PyList_GET_SIZE(addresses); ++j) {
      slots[n + j] = PyLong_AsUnsignedLongLong(PyList_GET_ITEM(addresses, j));
      if (PyErr_Occurred()) {
        Py_DECREF(made);
        return NULL;
      }
    }
    filled += PyList_GET_SIZE(addresses);
    result = Py_NewRef(PyTuple_GET_ITEM(made, 0));
    Py_DECREF(made);
  } else {
    Py_DECREF(handle);
    result = Py_NewRef(outs == 1 ? PyTuple_GET_ITEM(out, 0) : out);
  }
  if (e->slots > filled) {  /* (a slot no argument filled: not this path's) */
    Py_DECREF(result);
    return Py_NewRef(miss);
  }
  uint64_t words[MAX_PARAMS];
  void *params[MAX_PARAMS];
  int code = 0;
  /* (without the GIL, as CuPy launches: a launch that blocks, on a full
     queue, stalls no other thread; all it reads is on this stack or held) */
  Py_BEGIN_ALLOW_THREADS
  for (int k = 0; k < e->kernels && !code; ++k) {
    Kernel *kernel = &e->kernel[k];
    for (int j = 0; j < kernel->params; ++j) {
      words[j] = kernel->kind[j] ? slots[kernel->value[j]] : kernel->value[j];
      params[j] = &words[j];
    }
    code = cuLaunchKernel_(kernel->function, kernel->grid[0], kernel->grid[1], kernel->grid[2],
                           kernel->block[0], kernel->block[1], kernel->block[2], kernel->shared,
                           cu_stream, params, NULL);
  }
  Py_END_ALLOW_THREADS
  if (code) {
    Py_DECREF(result);
    return launch_error(code);
  }
  return result;
}

/* driver(launch, error_string) */
static PyObject *set_driver(PyObject *self, PyObject *args) {
  PyObject *launch_address, *error_address;
  if (!PyArg_ParseTuple(args, "OO", &launch_address, &error_address)) return NULL;
  void *launch_fn = PyLong_AsVoidPtr(launch_address);
  void *error_fn = PyLong_AsVoidPtr(error_address);
  if (PyErr_Occurred()) return NULL;
  cuLaunchKernel_ = (LaunchKernel)launch_fn;
  cuGetErrorString_ = (GetErrorString)error_fn;
  Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"driver", set_driver, METH_VARARGS, "driver(cuLaunchKernel, cuGetErrorString) addresses"},
    {"entry", make_entry, METH_VARARGS, "entry(kernels, alloc) -> a prepared launch"},
    {"launch", (PyCFunction)(void (*)(void))launch, METH_FASTCALL,
     "launch(state, arrays, out, stream) -> the call's result, or state[6]"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "tessera_launch", NULL, -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_tessera_launch(void) {
#define INTERN(name) \
  if (!(s_##name = PyUnicode_InternFromString(#name))) return NULL;
  INTERN(data) INTERN(ptr) INTERN(device_id) INTERN(shape) INTERN(dtype) INTERN(char)
  INTERN(get_device) INTERN(is_contiguous) INTERN(data_ptr)
  if (!(s_c_contiguous = PyUnicode_InternFromString("_c_contiguous"))) return NULL;
  if (!(s_scalar = PyUnicode_InternFromString("s"))) return NULL;
#undef INTERN
  return PyModule_Create(&module);
}
