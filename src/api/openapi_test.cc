// docs/api/openapi.yaml lists every route the daemon serves, and nothing else,
// with the permission each needs.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>

#include "api/api_service.h"

namespace clearline::api {
namespace {

struct Op {
  std::string method, path, action;
  bool operator<(const Op& o) const { return std::tie(method, path, action) < std::tie(o.method, o.path, o.action); }
};

std::set<Op> documented() {
  std::ifstream in(std::string(CLEARLINE_SOURCE_DIR) + "/docs/api/openapi.yaml");
  EXPECT_TRUE(in.good()) << "docs/api/openapi.yaml missing";
  std::regex path_re(R"(^  (/[^:\s]*):\s*$)"), method_re(R"(^    (get|post|put|patch|delete):\s*$)"),
      action_re(R"(^      x-clearline-action:\s*(\S+)\s*$)");
  std::set<Op> ops;
  std::string line, path;
  Op cur;
  bool in_paths = false;
  while (std::getline(in, line)) {
    std::smatch m;
    if (line == "paths:") { in_paths = true; continue; }
    if (!line.empty() && line[0] != ' ') in_paths = false;
    if (!in_paths) continue;
    if (std::regex_match(line, m, path_re)) path = m[1];
    else if (std::regex_match(line, m, method_re)) {
      cur = Op{m[1], path, ""};
      for (auto& ch : cur.method) ch = static_cast<char>(std::toupper(ch));
    } else if (std::regex_match(line, m, action_re)) {
      cur.action = m[1];
      ops.insert(cur);
    }
  }
  return ops;
}

TEST(OpenApi, ListsEveryRouteAndNothingElse) {
  std::set<Op> served;
  for (const Route& r : ApiService::routes()) served.insert(Op{r.method, r.pattern, std::string(toString(r.action))});
  std::set<Op> docs = documented();
  for (auto& op : served)
    EXPECT_TRUE(docs.count(op)) << "route not in docs/api/openapi.yaml (or with another x-clearline-action): "
                                << op.method << " " << op.path << " [" << op.action << "]";
  for (auto& op : docs)
    EXPECT_TRUE(served.count(op)) << "docs/api/openapi.yaml lists a route the daemon does not serve: " << op.method
                                  << " " << op.path << " [" << op.action << "]";
  EXPECT_EQ(served.size(), ApiService::routes().size()) << "duplicate routes in the table";
}

}  // namespace
}  // namespace clearline::api
