#include "policy_data/rules_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "common/time_util.h"
#include "core/policy/rules/rule.h"

namespace clearline::policy_data {

namespace cp = core::policy;

namespace {

std::string at(const std::string& source, const toml::node& n) {
  return source + ":" + std::to_string(n.source().begin.line);
}

Json toJson(const toml::node& n) {
  if (auto t = n.as_table()) {
    Json j = Json::object();
    for (auto&& [k, v] : *t) j[std::string(k.str())] = toJson(v);
    return j;
  }
  if (auto a = n.as_array()) {
    Json j = Json::array();
    for (auto&& v : *a) j.push_back(toJson(v));
    return j;
  }
  if (auto s = n.as_string()) return s->get();
  if (auto i = n.as_integer()) return i->get();
  if (auto f = n.as_floating_point()) return f->get();
  if (auto b = n.as_boolean()) return b->get();
  if (auto d = n.as_date()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d->get().year), static_cast<unsigned>(d->get().month),
                  static_cast<unsigned>(d->get().day));
    return std::string(buf);
  }
  return Json(nullptr);  // times and date-times are not parameter types
}

}  // namespace

std::string shippedDataDir() { return CLEARLINE_SHIPPED_DATA_DIR; }

std::string rulesDir(const Config& config, const std::string& data_dir) {
  std::string c = config.getString("policy.rules_dir");
  if (!c.empty()) return c;
  std::error_code ec;
  auto local = std::filesystem::path(data_dir) / "rules";
  if (std::filesystem::is_directory(local, ec)) return local.string();
  return shippedDataDir() + "/rules";
}

Result<std::vector<cp::RuleVersion>> parseRulesToml(const std::string& text, const std::string& source) {
  toml::table doc;
  try {
    doc = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return Status::invalidArgument(source + ":" + std::to_string(e.source().begin.line) + ": " +
                                       std::string(e.description()),
                                   source + ":" + std::to_string(e.source().begin.line));
  }
  std::vector<cp::RuleVersion> out;
  for (auto&& [k, v] : doc) {
    if (k.str() != "rule")
      return Status::invalidArgument(at(source, v) + ": unknown top-level key '" + std::string(k.str()) +
                                         "' (expected [[rule]] tables)",
                                     at(source, v));
  }
  auto* rules = doc["rule"].as_array();
  if (!rules) return out;
  for (auto&& node : *rules) {
    auto* t = node.as_table();
    std::string where = at(source, node);
    if (!t) return Status::invalidArgument(where + ": [[rule]] must be a table", where);
    cp::RuleVersion r;
    r.source = where;
    for (auto&& [k, v] : *t) {
      std::string key(k.str());
      std::string vw = at(source, v);
      auto bad = [&](const std::string& why) { return Status::invalidArgument(vw + ": " + key + ": " + why, vw); };
      if (key == "id") {
        if (!v.is_string()) return bad("expected a string");
        r.id = v.as_string()->get();
        if (!cp::findRule(r.id)) return Status::invalidArgument(vw + ": unknown rule id '" + r.id + "'", vw);
      } else if (key == "version") {
        if (!v.is_integer()) return bad("expected an integer");
        r.version = static_cast<int>(v.as_integer()->get());
      } else if (key == "jurisdiction") {
        if (!v.is_string()) return bad("expected a string");
        r.jurisdiction = v.as_string()->get();
      } else if (key == "citation") {
        if (!v.is_string()) return bad("expected a string");
        r.citation = v.as_string()->get();
      } else if (key == "effective_from") {
        std::string d;
        if (v.is_date()) d = toJson(v).get<std::string>();
        else if (v.is_string()) d = v.as_string()->get();
        else return bad("expected a date (YYYY-MM-DD)");
        auto tp = parseDateUtc(d);
        if (!tp.isOk()) return bad(tp.status().message());
        r.effective_from = *tp;
      } else if (key == "params") {
        if (!v.is_table()) return bad("expected a table");
        r.params = toJson(v);
      } else {
        return Status::invalidArgument(vw + ": unknown key '" + key + "' in [[rule]]", vw);
      }
    }
    if (r.id.empty()) return Status::invalidArgument(where + ": [[rule]] needs id", where);
    if (r.jurisdiction.empty()) return Status::invalidArgument(where + ": rule " + r.id + " needs jurisdiction", where);
    if (r.citation.empty()) return Status::invalidArgument(where + ": rule " + r.id + " needs citation", where);
    if (!t->contains("effective_from"))
      return Status::invalidArgument(where + ": rule " + r.id + " needs effective_from", where);
    // Check parameters here so that errors point at the parameter's line.
    const auto* reg = cp::findRule(r.id);
    if (reg->factory) {
      auto rule = reg->factory();
      Status st = rule->configure(r.params);
      if (!st.isOk()) {
        std::string pw = where;
        if (auto* p = t->get("params"); p && p->is_table() && !st.field().empty()) {
          if (auto* pn = p->as_table()->get(st.field())) pw = at(source, *pn);
          else pw = at(source, *p);
        }
        return Status::invalidArgument(pw + ": rule " + r.id + ": " + st.message(), pw);
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

Result<std::shared_ptr<const cp::RuleBook>> loadRuleBook(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return Status::notFound("rules directory " + dir + " not found", "rules");
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  if (files.empty()) return Status::notFound("no *.toml rule files in " + dir, "rules");
  std::vector<cp::RuleVersion> rows;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) return Status::unavailable("cannot read " + f.string());
    std::stringstream ss;
    ss << in.rdbuf();
    ASSIGN_OR_RETURN(auto part, parseRulesToml(ss.str(), f.string()));
    for (auto& r : part) rows.push_back(std::move(r));
  }
  return cp::RuleBook::build(std::move(rows));
}

}  // namespace clearline::policy_data
