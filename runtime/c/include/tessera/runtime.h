/*===- tessera/runtime.h - Launch saved Tessera artifacts from C ----------===*
 *
 * Part of the Tessera project.
 *
 * A small C API over the CUDA driver API (no Python, no MLIR, no CUDA
 * headers needed to build it: the driver is opened at run time) that
 * loads a GPU artifact (plan.json and the PTX it names) and launches it,
 * as tessera.runtime does from Python:
 *
 *   tessera_program *p;
 *   char error[512];
 *   if (tessera_program_open("out/add_f32", &p, error, sizeof error))
 *     fprintf(stderr, "%s\n", error);
 *   int64_t shape[1] = {4096};
 *   tessera_tensor in[2] = {{x, 1, shape}, {y, 1, shape}}, out[1] = {{z, 1, shape}};
 *   if (tessera_program_launch(p, in, 2, out, 1, stream))
 *     fprintf(stderr, "%s\n", tessera_program_error(p));
 *   tessera_program_close(p);
 *
 * Tensors are contiguous (row-major) device buffers of the plan's dtypes
 * (the API does not see dtypes: the caller's buffers must have them);
 * runtime scalars (inputs the plan marks "scalar") are passed as the host
 * address of their value, rank 0. Sizes are checked against the plan (ranks,
 * literal sizes, symbols bound consistently, its launch conditions) before
 * anything is launched; an error names the argument.
 *
 * Launches run on `stream` (a CUstream; NULL: the legacy default stream).
 * The first launch loads the binary in the calling thread's current CUDA
 * context (the device's primary context, made current, if there is none);
 * later launches run in that context: made current on a thread that has
 * none, an error where another context is current. Calls on one program
 * from several threads must not overlap (each program has one parameter
 * area per launch, but its module loading is not locked). Temporaries are allocated and
 * freed on the stream (cuMemAllocAsync). Not supported here (refused with
 * a message): AMD artifacts, and pitched copies for TMA (an input TMA
 * cannot address as it is, e.g. rows not a multiple of 16 bytes, is an
 * error for kernels without a path without TMA, and takes that path
 * otherwise).
 *===----------------------------------------------------------------------===*/

#ifndef TESSERA_RUNTIME_H
#define TESSERA_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* (the library's exported symbols; its helpers are hidden) */
#ifndef TESSERA_RUNTIME_API
#define TESSERA_RUNTIME_API
#endif

/** 0 on success, else an error whose message tessera_program_error gives. */
typedef int tessera_status;
#define TESSERA_OK 0
#define TESSERA_ERROR 1

/** A tensor argument: a device address (a runtime scalar: the host address
 *  of its value) and its shape. */
typedef struct {
  void *data;
  int rank;
  const int64_t *shape;
} tessera_tensor;

typedef struct tessera_program tessera_program;

/** Reads the artifact directory `dir` (plan.json; the binary is loaded on
 *  the first launch). On failure *program is NULL and `error` (of
 *  `error_size` bytes) says why. No CUDA call is made. */
TESSERA_RUNTIME_API tessera_status tessera_program_open(const char *dir, tessera_program **program,
                                    char *error, size_t error_size);

/** The message of the program's last error ("" if none). */
TESSERA_RUNTIME_API const char *tessera_program_error(const tessera_program *program);

/** The plan's inputs and outputs: how many, their names and dtypes (MLIR
 *  spelling: "f32", "f16", "bf16", "i32", ...). */
TESSERA_RUNTIME_API int tessera_program_num_inputs(const tessera_program *program);
TESSERA_RUNTIME_API int tessera_program_num_outputs(const tessera_program *program);
TESSERA_RUNTIME_API const char *tessera_program_input_name(const tessera_program *program, int i);
TESSERA_RUNTIME_API const char *tessera_program_input_dtype(const tessera_program *program, int i);
TESSERA_RUNTIME_API int tessera_program_input_is_scalar(const tessera_program *program, int i);
TESSERA_RUNTIME_API const char *tessera_program_output_name(const tessera_program *program, int i);
TESSERA_RUNTIME_API const char *tessera_program_output_dtype(const tessera_program *program, int i);

/** The shape of output `i` for these inputs (checked as a launch checks
 *  them): its rank in *rank, its sizes in shape[0..rank) (room for 8). */
TESSERA_RUNTIME_API tessera_status tessera_program_output_shape(tessera_program *program,
                                            const tessera_tensor *inputs,
                                            int num_inputs, int i,
                                            int64_t *shape, int *rank);

/** Launches the program's kernels in order on `stream` (a CUstream), into
 *  `outputs` (device buffers of the shapes tessera_program_output_shape
 *  gives). Asynchronous: synchronize the stream to read the outputs. */
TESSERA_RUNTIME_API tessera_status tessera_program_launch(tessera_program *program,
                                      const tessera_tensor *inputs,
                                      int num_inputs,
                                      const tessera_tensor *outputs,
                                      int num_outputs, void *stream);

/** Frees the program (and its module and constants on the device). */
TESSERA_RUNTIME_API void tessera_program_close(tessera_program *program);

#ifdef __cplusplus
}
#endif

#endif /* TESSERA_RUNTIME_H */
