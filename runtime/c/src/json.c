/*===- json.c - A small JSON reader for plan.json ---------------------------===*
 *
 * Part of the Tessera project.
 *
 * Recursive descent over the whole of JSON (RFC 8259): objects, arrays,
 * strings with escapes (\uXXXX as UTF-8, surrogate pairs joined), numbers,
 * true, false, null. Plans are small; values are a tree of mallocs.
 *
 *===----------------------------------------------------------------------===*/

#include "json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *at;
  char *error;
  size_t error_size;
  int failed;
} parser;

static void fail(parser *p, const char *what) {
  if (!p->failed)
    snprintf(p->error, p->error_size, "plan.json: %s near '%.20s'", what, p->at);
  p->failed = 1;
}

static void skip(parser *p) {
  while (*p->at == ' ' || *p->at == '\t' || *p->at == '\n' || *p->at == '\r')
    ++p->at;
}

static int parse_value(parser *p, json_value *out, int depth);

static void put_utf8(char **w, unsigned code) {
  char *o = *w;
  if (code < 0x80) {
    *o++ = (char)code;
  } else if (code < 0x800) {
    *o++ = (char)(0xC0 | (code >> 6));
    *o++ = (char)(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    *o++ = (char)(0xE0 | (code >> 12));
    *o++ = (char)(0x80 | ((code >> 6) & 0x3F));
    *o++ = (char)(0x80 | (code & 0x3F));
  } else {
    *o++ = (char)(0xF0 | (code >> 18));
    *o++ = (char)(0x80 | ((code >> 12) & 0x3F));
    *o++ = (char)(0x80 | ((code >> 6) & 0x3F));
    *o++ = (char)(0x80 | (code & 0x3F));
  }
  *w = o;
}

static int hex4(parser *p, unsigned *code) {
  *code = 0;
  for (int i = 0; i < 4; ++i) {
    char c = p->at[i];
    unsigned digit = isdigit((unsigned char)c)            ? (unsigned)(c - '0')
                     : (c >= 'a' && c <= 'f')             ? (unsigned)(c - 'a' + 10)
                     : (c >= 'A' && c <= 'F')             ? (unsigned)(c - 'A' + 10)
                                                          : 16u;
    if (digit == 16) {
      fail(p, "a bad \\u escape");
      return 0;
    }
    *code = *code * 16 + digit;
  }
  p->at += 4;
  return 1;
}

static char *parse_string(parser *p) {
  if (*p->at != '"') {
    fail(p, "expected a string");
    return NULL;
  }
  const char *start = ++p->at;
  size_t length = 0;
  for (const char *c = start; *c && *c != '"'; ++c, ++length)
    if (*c == '\\' && c[1])
      ++c;
  /* (escapes never grow: \uXXXX is 6 bytes, its UTF-8 at most 4) */
  char *out = malloc(length * 4 + 1), *w = out;
  if (!out) {
    fail(p, "out of memory");
    return NULL;
  }
  while (*p->at && *p->at != '"') {
    char c = *p->at++;
    if ((unsigned char)c < 0x20) {
      fail(p, "a control character in a string");
      free(out);
      return NULL;
    }
    if (c != '\\') {
      *w++ = c;
      continue;
    }
    char e = *p->at;
    if (!e) {
      fail(p, "an unterminated string");
      free(out);
      return NULL;
    }
    ++p->at;
    switch (e) {
    case '"': *w++ = '"'; break;
    case '\\': *w++ = '\\'; break;
    case '/': *w++ = '/'; break;
    case 'b': *w++ = '\b'; break;
    case 'f': *w++ = '\f'; break;
    case 'n': *w++ = '\n'; break;
    case 'r': *w++ = '\r'; break;
    case 't': *w++ = '\t'; break;
    case 'u': {
      unsigned code;
      if (!hex4(p, &code)) {
        free(out);
        return NULL;
      }
      if (code >= 0xD800 && code < 0xDC00 && p->at[0] == '\\' && p->at[1] == 'u') {
        unsigned low;
        p->at += 2;
        if (!hex4(p, &low)) {
          free(out);
          return NULL;
        }
        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
      }
      put_utf8(&w, code);
      break;
    }
    default:
      fail(p, "a bad escape");
      free(out);
      return NULL;
    }
  }
  if (*p->at != '"') {
    fail(p, "an unterminated string");
    free(out);
    return NULL;
  }
  ++p->at;
  *w = 0;
  return out;
}

static int grow(void **items, size_t size, size_t count, size_t *capacity) {
  if (count < *capacity)
    return 1;
  size_t next = *capacity ? *capacity * 2 : 4;
  void *more = realloc(*items, next * size);
  if (!more)
    return 0;
  *items = more;
  *capacity = next;
  return 1;
}

static int parse_container(parser *p, json_value *out, int depth, int object) {
  char close = object ? '}' : ']';
  size_t capacity = 0, keys = 0;
  out->kind = object ? JSON_OBJECT : JSON_ARRAY;
  ++p->at;
  skip(p);
  if (*p->at == close) {
    ++p->at;
    return 1;
  }
  for (;;) {
    if (object) {
      skip(p);
      char *key = parse_string(p);
      if (!key)
        return 0;
      if (!grow((void **)&out->keys, sizeof(char *), out->count, &keys)) {
        free(key);
        fail(p, "out of memory");
        return 0;
      }
      out->keys[out->count] = key;
      skip(p);
      if (*p->at != ':') {
        out->keys[out->count] = NULL;
        free(key);
        fail(p, "expected ':'");
        return 0;
      }
      ++p->at;
    }
    if (!grow((void **)&out->items, sizeof(json_value), out->count, &capacity)) {
      fail(p, "out of memory");
      return 0;
    }
    memset(&out->items[out->count], 0, sizeof(json_value));
    ++out->count;
    if (!parse_value(p, &out->items[out->count - 1], depth + 1))
      return 0;
    skip(p);
    if (*p->at == ',') {
      ++p->at;
      continue;
    }
    if (*p->at == close) {
      ++p->at;
      return 1;
    }
    fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
    return 0;
  }
}

static int parse_value(parser *p, json_value *out, int depth) {
  if (depth > 64) {
    fail(p, "nesting deeper than 64");
    return 0;
  }
  skip(p);
  char c = *p->at;
  if (c == '{' || c == '[')
    return parse_container(p, out, depth, c == '{');
  if (c == '"') {
    out->kind = JSON_STRING;
    out->string = parse_string(p);
    return out->string != NULL;
  }
  if (!strncmp(p->at, "true", 4) || !strncmp(p->at, "false", 5)) {
    out->kind = JSON_BOOL;
    out->boolean = c == 't';
    p->at += out->boolean ? 4 : 5;
    return 1;
  }
  if (!strncmp(p->at, "null", 4)) {
    out->kind = JSON_NULL;
    p->at += 4;
    return 1;
  }
  if (c == '-' || isdigit((unsigned char)c)) {
    char *end;
    out->kind = JSON_NUMBER;
    out->number = strtod(p->at, &end);
    if (end == p->at) {
      fail(p, "a bad number");
      return 0;
    }
    p->at = end;
    return 1;
  }
  fail(p, "expected a value");
  return 0;
}

static void release(json_value *v) {
  if (v->kind == JSON_STRING)
    free(v->string);
  for (size_t i = 0; i < v->count; ++i) {
    release(&v->items[i]);
    if (v->keys)
      free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
}

json_value *json_parse(const char *text, char *error, size_t error_size) {
  parser p = {text, error, error_size, 0};
  json_value *root = calloc(1, sizeof(json_value));
  if (!root) {
    snprintf(error, error_size, "out of memory");
    return NULL;
  }
  if (parse_value(&p, root, 0)) {
    skip(&p);
    if (*p.at)
      fail(&p, "text after the value");
  }
  if (p.failed) {
    json_free(root);
    return NULL;
  }
  return root;
}

void json_free(json_value *value) {
  if (!value)
    return;
  release(value);
  free(value);
}

const json_value *json_get(const json_value *object, const char *key) {
  if (!object || object->kind != JSON_OBJECT)
    return NULL;
  for (size_t i = 0; i < object->count; ++i)
    if (object->keys[i] && !strcmp(object->keys[i], key))
      return &object->items[i];
  return NULL;
}

const json_value *json_at(const json_value *array, size_t i) {
  if (!array || array->kind != JSON_ARRAY || i >= array->count)
    return NULL;
  return &array->items[i];
}
