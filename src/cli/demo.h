// `clearline demo`: the README's main job, in phases. Phase 1 (cmd_demo.cc,
// owner: import) creates a sample organisation and campaign, generates a
// realistic list and imports it. Later phases (the live dialer, the dashboard)
// register themselves from their own cmd_demo_*.cc with a RegisterDemoPhase and
// run after it, in `order`, sharing the DemoRun (the campaign id, the options,
// the JSON summary they add their part to).
#pragma once

#include <functional>
#include <string>

#include "cli/command.h"

namespace clearline::cli {

struct DemoOptions {
  bool headless = false;  // no browser/dashboard, print progress only
  double minutes = 0;     // how long live phases run; 0 = until Ctrl-C (SIGINT/SIGTERM)
  std::string listen;     // the dashboard's HOST:PORT ("" = server.listen; headless: a free port)
  int64_t rows = 5000;    // rows in the generated list
  bool import_only = false;  // --import-only: run phase 1 (order <= 100) only
  int64_t clock_offset_s = 0;  // live phases run their clock this far from the system clock (loopback only)
  bool clock_offset_given = false;  // --clock-offset-s was given: use it as is
  bool real_clock = false;          // --real-clock: never move the clock (dials only in real calling hours)
  std::string pacer;                // --pacer: "" = [pacing] pacer (default: ours)
  double pacer_knob = 0;            // --knob: 0 = the pacer's default
};

struct DemoRun {
  const GlobalOptions& g;
  Context& ctx;
  DemoOptions opts;
  OrgId org;
  CampaignId campaign;
  std::string list_file;
  Json summary = Json::object();  // printed with --json; each phase adds its key
  std::vector<std::string> lines; // printed without --json
};

struct DemoPhase {
  int order;          // phase 1 (setup + import) is 100; later phases use larger numbers
  std::string name;
  std::function<Status(DemoRun&)> run;
};

struct RegisterDemoPhase {
  explicit RegisterDemoPhase(DemoPhase p);
};

}  // namespace clearline::cli
