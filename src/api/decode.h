// Strict JSON request decoding: the body must be one JSON object, nested no
// deeper than 32 levels, with only the fields the route declares, each of the
// declared type and length. Errors are InvalidArgument naming the field.
// (Fuzzed by decode_fuzz.cc.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/status.h"

namespace clearline::api {

enum class FieldType { kString, kInt, kNumber, kBool, kObject, kArray, kAny };

struct FieldSpec {
  std::string name;
  FieldType type = FieldType::kString;
  bool required = false;
  size_t max_len = 1000;  // strings: bytes; arrays/objects: elements
};

// Parses and checks `body`; an empty body counts as {}.
Result<Json> decodeObject(std::string_view body, const std::vector<FieldSpec>& spec,
                          bool allow_unknown = false);
// True if `text` nests arrays/objects deeper than `max_depth` (strings skipped).
bool nestedTooDeep(std::string_view text, int max_depth);

}  // namespace clearline::api
