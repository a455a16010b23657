#include "core/policy/rules/rule.h"

#include <algorithm>

namespace clearline::core::policy {

ParamReader::ParamReader(const Json& params) : p_(params) {
  if (!p_.is_object()) st_ = Status::invalidArgument("parameters must be a table");
}

void ParamReader::fail(const std::string& key, const std::string& why) {
  if (st_.isOk()) st_ = Status::invalidArgument("parameter '" + key + "': " + why, key);
}

const Json* ParamReader::raw(const std::string& key) {
  used_.push_back(key);
  if (!p_.is_object()) return nullptr;
  auto it = p_.find(key);
  return it == p_.end() ? nullptr : &*it;
}

std::string ParamReader::str(const std::string& key, std::string def) {
  const Json* v = raw(key);
  if (!v) return def;
  if (!v->is_string()) {
    fail(key, "expected a string");
    return def;
  }
  return v->get<std::string>();
}

double ParamReader::num(const std::string& key, double def) {
  const Json* v = raw(key);
  if (!v) return def;
  if (!v->is_number()) {
    fail(key, "expected a number");
    return def;
  }
  return v->get<double>();
}

int ParamReader::integer(const std::string& key, int def) {
  const Json* v = raw(key);
  if (!v) return def;
  if (!v->is_number_integer()) {
    fail(key, "expected an integer");
    return def;
  }
  return v->get<int>();
}

bool ParamReader::boolean(const std::string& key, bool def) {
  const Json* v = raw(key);
  if (!v) return def;
  if (!v->is_boolean()) {
    fail(key, "expected true or false");
    return def;
  }
  return v->get<bool>();
}

std::vector<std::string> ParamReader::strings(const std::string& key, std::vector<std::string> def) {
  const Json* v = raw(key);
  if (!v) return def;
  if (!v->is_array()) {
    fail(key, "expected an array of strings");
    return def;
  }
  std::vector<std::string> out;
  for (const auto& x : *v) {
    if (!x.is_string()) {
      fail(key, "expected an array of strings");
      return def;
    }
    out.push_back(x.get<std::string>());
  }
  return out;
}

Status ParamReader::finish() {
  if (!st_.isOk()) return st_;
  for (auto it = p_.begin(); it != p_.end(); ++it) {
    if (std::find(used_.begin(), used_.end(), it.key()) == used_.end())
      return Status::invalidArgument("unknown parameter '" + it.key() + "'", it.key());
  }
  return Status::ok();
}

Status parsePurposes(const std::vector<std::string>& names, PurposeSet& out) {
  out.mask = 0;
  for (const auto& n : names) {
    if (n == "all") {
      out.mask = 0xffffffff;
      continue;
    }
    auto p = parsePurposeClass(n);
    if (!p.isOk()) return Status::invalidArgument("unknown purpose '" + n + "' (" + purposeClassNames() + " or all)", "purposes");
    out.mask |= 1u << static_cast<int>(*p);
  }
  return Status::ok();
}

bool isAutodialed(DialMode m) { return m == DialMode::kProgressive || m == DialMode::kPredictive; }
bool isTelemarketing(PurposeClass p) {
  return p == PurposeClass::kCommercial || p == PurposeClass::kCharitableByTelemarketer;
}
int consentRank(ConsentType c) {
  switch (c) {
    case ConsentType::kNone: return 0;
    case ConsentType::kExpress: return 1;
    case ConsentType::kExpressWritten: return 2;
  }
  return 0;
}

}  // namespace clearline::core::policy
