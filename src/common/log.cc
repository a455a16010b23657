#include "common/log.h"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace clearline::log {

void init(const std::string& level, bool json) {
  auto logger = spdlog::stderr_color_mt("clearline");
  if (json) {
    logger->set_pattern(R"({"t":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","msg":"%v"})",
                        spdlog::pattern_time_type::utc);
  } else {
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  }
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

}  // namespace clearline::log
