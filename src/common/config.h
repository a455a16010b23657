// Configuration: TOML, with every key's default and meaning in one place
// (config_defaults.cc, printed by `clearline config defaults`).
//
// Load order: built-in defaults, then DATA_DIR/clearline.toml if present, then
// an explicit --config file. Keys are read by dotted path ("import.default_region").
// Unknown keys in a user file are an error naming file:line, so typos do not
// silently fall back to defaults.
#pragma once

#include <cstdint>
#include <string>

#include "common/json.h"
#include "common/status.h"

namespace clearline {

// The built-in defaults, as commented TOML.
const char* defaultConfigToml();

class Config {
 public:
  // Built-in defaults only.
  static Config defaults();
  // Defaults overlaid with `path` (which must exist).
  static Result<Config> load(const std::string& path);
  // Defaults, overlaid with DATA_DIR/clearline.toml when it exists, then `extra_path` if not empty.
  static Result<Config> loadForDataDir(const std::string& data_dir, const std::string& extra_path);

  std::string getString(const std::string& key) const;
  int64_t getInt(const std::string& key) const;
  double getDouble(const std::string& key) const;
  bool getBool(const std::string& key) const;
  const Json& tree() const { return tree_; }

 private:
  Status overlay(const std::string& path);
  const Json& at(const std::string& key) const;
  Json tree_;
};

// The data directory: --data-dir if given, else $CLEARLINE_DATA, else ./.data.
std::string resolveDataDir(const std::string& flag_value);

}  // namespace clearline
