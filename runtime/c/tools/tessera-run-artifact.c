/*===- tessera-run-artifact.c - The C runtime from the command line ---------===*
 *
 * Part of the Tessera project.
 *
 *   tessera-run-artifact DIR SHAPE...     (SHAPE: 8x16, or - for a scalar)
 *
 * Opens the artifact, prints its inputs and outputs and the output shapes
 * for the given input shapes (as the launch would check them), then, with
 * --launch, launches it once on zero-filled device buffers (no data is
 * read back: examples/c/run_kernels.c checks values). Errors print
 * "error: ..." and exit 1. Without a GPU the launch reports why.
 *
 *===----------------------------------------------------------------------===*/

#include "tessera/runtime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  int launch = 0, first = 2;
  if (argc > 1 && !strcmp(argv[1], "--launch")) {
    launch = 1;
    ++argv;
    --argc;
  }
  if (argc < 2) {
    fprintf(stderr, "usage: tessera-run-artifact [--launch] DIR SHAPE...\n");
    return 2;
  }
  char error[1024];
  tessera_program *program;
  if (tessera_program_open(argv[1], &program, error, sizeof error)) {
    printf("error: %s\n", error);
    return 1;
  }
  int n = argc - first;
  if (n > 16) {
    printf("error: at most 16 arguments\n");
    tessera_program_close(program);
    return 1;
  }
  int64_t shapes[16][8];
  tessera_tensor inputs[16];
  double scalar = 0;
  for (int i = 0; i < n; ++i) {
    inputs[i].data = NULL;
    inputs[i].shape = shapes[i];
    inputs[i].rank = 0;
    if (!strcmp(argv[first + i], "-")) {
      inputs[i].data = &scalar;
      continue;
    }
    for (char *s = argv[first + i]; *s && inputs[i].rank < 8;) {
      shapes[i][inputs[i].rank++] = strtoll(s, &s, 10);
      if (*s == 'x')
        ++s;
    }
  }
  for (int i = 0; i < tessera_program_num_inputs(program); ++i)
    printf("input %d: %s %s%s\n", i, tessera_program_input_name(program, i),
           tessera_program_input_dtype(program, i),
           tessera_program_input_is_scalar(program, i) ? " (scalar)" : "");
  int status = 0;
  for (int i = 0; i < tessera_program_num_outputs(program); ++i) {
    int64_t shape[8];
    int rank;
    if (tessera_program_output_shape(program, inputs, n, i, shape, &rank)) {
      printf("error: %s\n", tessera_program_error(program));
      status = 1;
      break;
    }
    printf("output %d: %s %s [", i, tessera_program_output_name(program, i),
           tessera_program_output_dtype(program, i));
    for (int d = 0; d < rank; ++d)
      printf("%s%lld", d ? ", " : "", (long long)shape[d]);
    printf("]\n");
  }
  if (!status && launch) {
    /* (null device addresses: a launch that gets as far as the driver) */
    tessera_tensor outputs[8];
    int64_t out_shapes[8][8];
    int num_outputs = tessera_program_num_outputs(program);
    if (num_outputs > 8) {
      printf("error: at most 8 outputs\n");
      tessera_program_close(program);
      return 1;
    }
    for (int i = 0; i < num_outputs; ++i) {
      outputs[i].data = NULL;
      outputs[i].shape = out_shapes[i];
      tessera_program_output_shape(program, inputs, n, i, out_shapes[i], &outputs[i].rank);
    }
    if (tessera_program_launch(program, inputs, n, outputs, num_outputs, NULL)) {
      printf("error: %s\n", tessera_program_error(program));
      status = 1;
    } else {
      printf("launched\n");
    }
  }
  tessera_program_close(program);
  return status;
}
