#include "common/json_string_map.h"

#include "common/json.h"

namespace clearline {

namespace {
// No escapes needed but for '"' and '\' (nlohmann escapes control bytes, and
// replaces invalid UTF-8: those take the slow path).
bool plainAscii(const std::string& s) {
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) return false;
  }
  return true;
}

void appendQuoted(const std::string& s, std::string& out) {
  out.push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}
}  // namespace

void appendCanonicalJson(const std::map<std::string, std::string>& m, std::string& out) {
  for (const auto& [k, v] : m) {
    if (!plainAscii(k) || !plainAscii(v)) {
      out += canonicalJson(Json(m));
      return;
    }
  }
  // std::map and nlohmann's object both order keys by std::less<std::string>.
  out.push_back('{');
  bool first = true;
  for (const auto& [k, v] : m) {
    if (!first) out.push_back(',');
    first = false;
    appendQuoted(k, out);
    out.push_back(':');
    appendQuoted(v, out);
  }
  out.push_back('}');
}

}  // namespace clearline
