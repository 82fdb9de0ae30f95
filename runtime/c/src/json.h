/*===- json.h - A small JSON reader for plan.json ---------------------------===*
 *
 * Part of the Tessera project.
 *
 *===----------------------------------------------------------------------===*/

#ifndef TESSERA_RUNTIME_JSON_H
#define TESSERA_RUNTIME_JSON_H

#include <stddef.h>
#include <stdint.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_kind;

typedef struct json_value json_value;
struct json_value {
  json_kind kind;
  int boolean;
  double number;
  char *string;         /* JSON_STRING (unescaped, NUL-terminated) */
  size_t count;         /* JSON_ARRAY / JSON_OBJECT: elements or members */
  json_value *items;    /* the elements, or the members' values */
  char **keys;          /* JSON_OBJECT: the members' names */
};

/** Parses `text`; NULL (with a message in `error`) on malformed input. */
json_value *json_parse(const char *text, char *error, size_t error_size);
void json_free(json_value *value);

/** Member `key` of an object (NULL if absent or not an object). */
const json_value *json_get(const json_value *object, const char *key);
/** Element i of an array (NULL past the end or not an array). */
const json_value *json_at(const json_value *array, size_t i);

#endif
