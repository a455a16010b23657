// Tiny `--key value` / `--flag` parser for the SIP test tools (carrier,
// agentbot, sipcheck), so that they stay quick to build. Keys are normalised:
// dashes and underscores are the same ("--p-human" == "--p_human").
#pragma once

#include <cstdlib>
#include <map>
#include <string>

namespace clearline::sip {

class ToolArgs {
 public:
  ToolArgs(int argc, char** argv) {
    for (int i = 1; i < argc; i++) {
      std::string a = argv[i];
      if (a.rfind("--", 0) != 0) continue;
      a = norm(a.substr(2));
      auto eq = a.find('=');
      if (eq != std::string::npos) {
        kv_[a.substr(0, eq)] = a.substr(eq + 1);
      } else if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
        kv_[a] = argv[++i];
      } else {
        kv_[a] = "1";
      }
    }
  }
  std::string str(const std::string& k, const std::string& def = "") const {
    auto it = kv_.find(norm(k));
    return it == kv_.end() ? def : it->second;
  }
  double num(const std::string& k, double def) const {
    auto it = kv_.find(norm(k));
    return it == kv_.end() ? def : std::atof(it->second.c_str());
  }
  bool has(const std::string& k) const { return kv_.count(norm(k)) > 0; }

 private:
  static std::string norm(std::string s) {
    for (char& c : s) {
      if (c == '-') c = '_';
    }
    return s;
  }
  std::map<std::string, std::string> kv_;
};

}  // namespace clearline::sip
