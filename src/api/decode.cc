#include "api/decode.h"

namespace clearline::api {

bool nestedTooDeep(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_str = false, esc = false;
  for (char c : text) {
    if (in_str) {
      if (esc) esc = false;
      else if (c == '\\') esc = true;
      else if (c == '"') in_str = false;
      continue;
    }
    if (c == '"') in_str = true;
    else if (c == '[' || c == '{') { if (++depth > max_depth) return true; }
    else if (c == ']' || c == '}') --depth;
  }
  return false;
}

namespace {
const char* typeName(FieldType t) {
  switch (t) {
    case FieldType::kString: return "a string";
    case FieldType::kInt: return "an integer";
    case FieldType::kNumber: return "a number";
    case FieldType::kBool: return "true or false";
    case FieldType::kObject: return "an object";
    case FieldType::kArray: return "an array";
    case FieldType::kAny: return "a value";
  }
  return "?";
}
bool typeMatches(const Json& v, FieldType t) {
  switch (t) {
    case FieldType::kString: return v.is_string();
    case FieldType::kInt: return v.is_number_integer();
    case FieldType::kNumber: return v.is_number();
    case FieldType::kBool: return v.is_boolean();
    case FieldType::kObject: return v.is_object();
    case FieldType::kArray: return v.is_array();
    case FieldType::kAny: return true;
  }
  return false;
}
}  // namespace

Result<Json> decodeObject(std::string_view body, const std::vector<FieldSpec>& spec, bool allow_unknown) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) body = "{}";
  if (nestedTooDeep(body, 32)) return Status::invalidArgument("the JSON body is nested too deeply");
  Json j = Json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::invalidArgument("the body is not valid JSON");
  if (!j.is_object()) return Status::invalidArgument("the body must be a JSON object");
  for (auto& [key, value] : j.items()) {
    const FieldSpec* f = nullptr;
    for (auto& s : spec)
      if (s.name == key) f = &s;
    if (!f) {
      if (allow_unknown) continue;
      return Status::invalidArgument("unknown field '" + key + "'", key);
    }
    if (!typeMatches(value, f->type))
      return Status::invalidArgument(key + " must be " + typeName(f->type), key);
    if (value.is_string() && value.get_ref<const std::string&>().size() > f->max_len)
      return Status::invalidArgument(key + " is longer than " + std::to_string(f->max_len) + " bytes", key);
    if ((value.is_array() || value.is_object()) && value.size() > f->max_len)
      return Status::invalidArgument(key + " has more than " + std::to_string(f->max_len) + " entries", key);
  }
  for (auto& s : spec)
    if (s.required && !j.contains(s.name)) return Status::invalidArgument(s.name + " is required", s.name);
  return j;
}

}  // namespace clearline::api
