#include "common/config.h"

#include <toml++/toml.h>

#include <cstdlib>
#include <filesystem>
#include <cstdio>

namespace clearline {

namespace {

Json tomlToJson(const toml::node& node) {
  if (auto* t = node.as_table()) {
    Json j = Json::object();
    for (auto&& [k, v] : *t) j[std::string(k.str())] = tomlToJson(v);
    return j;
  }
  if (auto* a = node.as_array()) {
    Json j = Json::array();
    for (auto&& v : *a) j.push_back(tomlToJson(v));
    return j;
  }
  if (auto* s = node.as_string()) return s->get();
  if (auto* i = node.as_integer()) return i->get();
  if (auto* f = node.as_floating_point()) return f->get();
  if (auto* b = node.as_boolean()) return b->get();
  if (auto* d = node.as_date()) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d->get().year, d->get().month, d->get().day);
    return std::string(buf);
  }
  return nullptr;  // times and date-times are not used in Clearline's config
}

// Overlays `src` onto `dst`; every key of src must exist in dst (defaults define the schema).
Status merge(Json& dst, const Json& src, const std::string& prefix, const toml::table& table,
             const std::string& path) {
  for (auto& [k, v] : src.items()) {
    std::string key = prefix.empty() ? k : prefix + "." + k;
    auto node = table.at_path(key);
    std::string where = path;
    if (node && node.node()) where += ":" + std::to_string(node.node()->source().begin.line);
    if (!dst.contains(k)) {
      return Status::invalidArgument(where + ": unknown configuration key '" + key + "'", key);
    }
    if (dst[k].is_object()) {
      if (!v.is_object()) return Status::invalidArgument(where + ": '" + key + "' must be a table", key);
      RETURN_IF_ERROR(merge(dst[k], v, key, table, path));
    } else {
      bool ok = (dst[k].is_number() && v.is_number()) || dst[k].type() == v.type();
      if (!ok) {
        return Status::invalidArgument(
            where + ": '" + key + "' has the wrong type (expected " + dst[k].type_name() + ")", key);
      }
      dst[k] = v;
    }
  }
  return Status::ok();
}

}  // namespace

Config Config::defaults() {
  Config c;
  toml::table t = toml::parse(defaultConfigToml());
  c.tree_ = tomlToJson(t);
  return c;
}

Status Config::overlay(const std::string& path) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Status::invalidArgument(path + ":" + std::to_string(e.source().begin.line) + ": " +
                                   std::string(e.description()));
  }
  return merge(tree_, tomlToJson(t), "", t, path);
}

Result<Config> Config::load(const std::string& path) {
  Config c = defaults();
  if (!std::filesystem::exists(path)) return Status::notFound("config file not found: " + path);
  RETURN_IF_ERROR(c.overlay(path));
  return c;
}

Result<Config> Config::loadForDataDir(const std::string& data_dir, const std::string& extra_path) {
  Config c = defaults();
  auto in_dir = std::filesystem::path(data_dir) / "clearline.toml";
  if (std::filesystem::exists(in_dir)) RETURN_IF_ERROR(c.overlay(in_dir.string()));
  if (!extra_path.empty()) {
    if (!std::filesystem::exists(extra_path)) {
      return Status::notFound("config file not found: " + extra_path);
    }
    RETURN_IF_ERROR(c.overlay(extra_path));
  }
  return c;
}

const Json& Config::at(const std::string& key) const {
  const Json* j = &tree_;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    std::string part = key.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    assert(j->contains(part) && "configuration key missing from defaultConfigToml()");
    j = &(*j)[part];
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return *j;
}

std::string Config::getString(const std::string& key) const { return at(key).get<std::string>(); }
int64_t Config::getInt(const std::string& key) const { return at(key).get<int64_t>(); }
double Config::getDouble(const std::string& key) const { return at(key).get<double>(); }
bool Config::getBool(const std::string& key) const { return at(key).get<bool>(); }

std::string resolveDataDir(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* env = std::getenv("CLEARLINE_DATA"); env && *env) return env;
  return ".data";
}

}  // namespace clearline
