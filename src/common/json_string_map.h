// canonicalJson() of a map of strings without building a Json (owner: import;
// the importer writes every contact's custom fields through it).
// Pure function; any thread.
#pragma once

#include <map>
#include <string>

namespace clearline {

// Appends canonicalJson(Json(m)) to out — the same bytes — without building a
// Json when every key and value is printable ASCII (the common case of a
// list's custom fields); anything else goes through canonicalJson.
void appendCanonicalJson(const std::map<std::string, std::string>& m, std::string& out);

}  // namespace clearline
