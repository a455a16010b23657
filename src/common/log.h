// Logging on spdlog. One process-wide logger; `init` picks the level and the
// format (human or JSON lines). Never log secrets: passwords, tokens, SIP
// digest responses, full contact records.
#pragma once

#include <spdlog/spdlog.h>

#include <string>

namespace clearline::log {

// level: trace|debug|info|warn|error|off. json: one JSON object a line.
void init(const std::string& level, bool json);

}  // namespace clearline::log
