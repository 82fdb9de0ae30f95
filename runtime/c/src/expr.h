/*===- expr.h - The plan's size expressions ---------------------------------===*
 *
 * Part of the Tessera project.
 *
 * Integers, symbols, + - * // (floor division), ceil_div, min, max and
 * parentheses, as tessera.runtime.plan.compile_extent accepts: parsed once
 * when the plan is read, evaluated per launch over the bound symbols.
 *
 *===----------------------------------------------------------------------===*/

#ifndef TESSERA_RUNTIME_EXPR_H
#define TESSERA_RUNTIME_EXPR_H

#include <stddef.h>
#include <stdint.h>

typedef struct expr expr;

/** The symbols' sizes: names[i] is values[i]. */
typedef struct {
  const char *const *names;
  const int64_t *values;
  size_t count;
} expr_scope;

/** Parses `text`; NULL (with a message in `error`) if it is not an
 *  expression of that grammar. */
expr *expr_parse(const char *text, char *error, size_t error_size);
/** Evaluates `e`; 0 on success, else a message (an unknown symbol, a
 *  division by zero) in `error`. */
int expr_eval(const expr *e, const expr_scope *scope, int64_t *value, char *error,
              size_t error_size);
void expr_free(expr *e);

#endif
