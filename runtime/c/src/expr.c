/*===- expr.c - The plan's size expressions ---------------------------------===*
 *
 * Part of the Tessera project.
 *
 *===----------------------------------------------------------------------===*/

#include "expr.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { E_INT, E_SYMBOL, E_ADD, E_SUB, E_MUL, E_FLOORDIV, E_NEG, E_CEILDIV, E_MIN, E_MAX } op;

struct expr {
  op kind;
  int64_t value;
  char *symbol;
  expr *lhs, *rhs;
};

typedef struct {
  const char *text, *at;
  char *error;
  size_t error_size;
  int failed;
} parser;

static expr *node(op kind, expr *lhs, expr *rhs) {
  expr *e = calloc(1, sizeof(expr));
  if (e) {
    e->kind = kind;
    e->lhs = lhs;
    e->rhs = rhs;
  }
  return e;
}

static void fail(parser *p, const char *what) {
  if (!p->failed)
    snprintf(p->error, p->error_size, "size expression '%s': %s at '%s'", p->text, what,
             p->at);
  p->failed = 1;
}

static void skip(parser *p) {
  while (isspace((unsigned char)*p->at))
    ++p->at;
}

static expr *parse_sum(parser *p);

static expr *parse_atom(parser *p) {
  skip(p);
  if (*p->at == '(') {
    ++p->at;
    expr *inner = parse_sum(p);
    skip(p);
    if (*p->at != ')') {
      fail(p, "expected ')'");
      expr_free(inner);
      return NULL;
    }
    ++p->at;
    return inner;
  }
  if (*p->at == '-') {
    ++p->at;
    expr *inner = parse_atom(p);
    return inner ? node(E_NEG, inner, NULL) : NULL;
  }
  if (isdigit((unsigned char)*p->at)) {
    expr *e = node(E_INT, NULL, NULL);
    if (!e)
      return NULL;
    char *end;
    e->value = strtoll(p->at, &end, 10);
    p->at = end;
    return e;
  }
  if (isalpha((unsigned char)*p->at) || *p->at == '_') {
    const char *start = p->at;
    while (isalnum((unsigned char)*p->at) || *p->at == '_')
      ++p->at;
    size_t length = (size_t)(p->at - start);
    skip(p);
    if (*p->at == '(') {  /* a call: ceil_div, min, max of two arguments */
      op kind = length == 8 && !strncmp(start, "ceil_div", 8) ? E_CEILDIV
                : length == 3 && !strncmp(start, "min", 3)    ? E_MIN
                : length == 3 && !strncmp(start, "max", 3)    ? E_MAX
                                                              : E_INT;
      if (kind == E_INT) {
        fail(p, "an unknown function (ceil_div, min, max)");
        return NULL;
      }
      ++p->at;
      expr *a = parse_sum(p);
      skip(p);
      if (!a || *p->at != ',') {
        fail(p, "expected ','");
        expr_free(a);
        return NULL;
      }
      ++p->at;
      expr *b = parse_sum(p);
      skip(p);
      if (!b || *p->at != ')') {
        fail(p, "expected ')'");
        expr_free(a);
        expr_free(b);
        return NULL;
      }
      ++p->at;
      return node(kind, a, b);
    }
    expr *e = node(E_SYMBOL, NULL, NULL);
    if (!e || !(e->symbol = malloc(length + 1))) {
      free(e);
      return NULL;
    }
    memcpy(e->symbol, start, length);
    e->symbol[length] = 0;
    return e;
  }
  fail(p, "expected an integer, a symbol or '('");
  return NULL;
}

static expr *parse_product(parser *p) {
  expr *lhs = parse_atom(p);
  for (;;) {
    if (!lhs)
      return NULL;
    skip(p);
    op kind;
    if (p->at[0] == '/' && p->at[1] == '/') {
      kind = E_FLOORDIV;
      p->at += 2;
    } else if (p->at[0] == '*') {
      kind = E_MUL;
      ++p->at;
    } else {
      return lhs;
    }
    expr *rhs = parse_atom(p);
    if (!rhs) {
      expr_free(lhs);
      return NULL;
    }
    lhs = node(kind, lhs, rhs);
  }
}

static expr *parse_sum(parser *p) {
  expr *lhs = parse_product(p);
  for (;;) {
    if (!lhs)
      return NULL;
    skip(p);
    if (*p->at != '+' && *p->at != '-')
      return lhs;
    op kind = *p->at == '+' ? E_ADD : E_SUB;
    ++p->at;
    expr *rhs = parse_product(p);
    if (!rhs) {
      expr_free(lhs);
      return NULL;
    }
    lhs = node(kind, lhs, rhs);
  }
}

expr *expr_parse(const char *text, char *error, size_t error_size) {
  parser p = {text, text, error, error_size, 0};
  expr *e = parse_sum(&p);
  skip(&p);
  if (e && *p.at) {
    fail(&p, "unexpected text");
    expr_free(e);
    return NULL;
  }
  if (!e && !p.failed)
    snprintf(error, error_size, "size expression '%s': out of memory", text);
  return e;
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int expr_eval(const expr *e, const expr_scope *scope, int64_t *value, char *error,
              size_t error_size) {
  int64_t a = 0, b = 0;
  switch (e->kind) {
  case E_INT:
    *value = e->value;
    return 0;
  case E_SYMBOL:
    for (size_t i = 0; i < scope->count; ++i)
      if (!strcmp(scope->names[i], e->symbol)) {
        *value = scope->values[i];
        return 0;
      }
    snprintf(error, error_size, "size expression: unknown symbol '%s'", e->symbol);
    return 1;
  default:
    break;
  }
  if (expr_eval(e->lhs, scope, &a, error, error_size) ||
      (e->rhs && expr_eval(e->rhs, scope, &b, error, error_size)))
    return 1;
  switch (e->kind) {
  case E_ADD: *value = a + b; return 0;
  case E_SUB: *value = a - b; return 0;
  case E_MUL: *value = a * b; return 0;
  case E_NEG: *value = -a; return 0;
  case E_MIN: *value = a < b ? a : b; return 0;
  case E_MAX: *value = a > b ? a : b; return 0;
  case E_FLOORDIV:
  case E_CEILDIV:
    if (b == 0) {
      snprintf(error, error_size, "size expression: division by zero");
      return 1;
    }
    *value = e->kind == E_FLOORDIV ? floor_div(a, b) : -floor_div(-a, b);
    return 0;
  default:
    return 1;
  }
}

void expr_free(expr *e) {
  if (!e)
    return;
  expr_free(e->lhs);
  expr_free(e->rhs);
  free(e->symbol);
  free(e);
}
