// JSON helpers on nlohmann::json.
//
// canonicalJson(): the byte form the audit chain hashes. Object keys sorted
// (nlohmann's default object is a sorted map), no whitespace, UTF-8 kept as is,
// invalid UTF-8 replaced by U+FFFD so that hashing never throws.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace clearline {

using Json = nlohmann::json;

std::string canonicalJson(const Json& j);

}  // namespace clearline
