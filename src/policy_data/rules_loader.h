// Loads rule tables (data/rules/*.toml) into a core::policy::RuleBook.
// Every error names file:line: TOML syntax, unknown keys, unknown rule ids,
// bad parameters (the parameter's own line). Owner: policy. Any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "core/policy/rule_book.h"

namespace clearline::policy_data {

// Parses one TOML text (source = the name used in errors) into rows.
Result<std::vector<core::policy::RuleVersion>> parseRulesToml(const std::string& text, const std::string& source);
// Loads every *.toml in `dir` (sorted by name) into one book.
Result<std::shared_ptr<const core::policy::RuleBook>> loadRuleBook(const std::string& dir);
// The rules directory: config policy.rules_dir, else DATA_DIR/rules if it
// exists, else the shipped data/rules.
std::string rulesDir(const Config& config, const std::string& data_dir);
std::string shippedDataDir();

}  // namespace clearline::policy_data
