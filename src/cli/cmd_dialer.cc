// clearline dialer run: the SIP dialer on its own (LibreLoop + LibreTelephony
// + one CampaignRuntime per active campaign + the store), without the HTTP
// API. Used by the SIP end-to-end and fault tests, the benchmark and the
// demo; `clearline serve` starts the same daemon::Dialer next to the API.
#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli/command.h"
#include "daemon/dialer.h"
#include "daemon/session_recorder.h"
#include "daemon/sip_demo.h"

namespace clearline::cli {
namespace {

volatile std::sig_atomic_t g_term = 0;

int countFds() {
  int n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    n++;
  }
  return n;
}


bool loopbackHost(const std::string& h) { return h == "127.0.0.1" || h == "localhost" || h == "::1"; }

struct DialerCliOpts {
  std::string callers_file, trunk, sip_listen, pacer, recordings;
  int64_t clock_offset_s = 0;
  double minutes = 0, knob = 0;
  bool until_idle = false;
  int64_t ring_timeout_s = 0;
  std::vector<std::string> manual;  // callers who press Call for every next manual lead
  bool amd = false;
  std::string grace_from;
};

void registerDialer(CLI::App& root, GlobalOptions& g) {
  auto* cmd = root.add_subcommand("dialer", "The SIP dialer (real calls over the configured trunk)");
  cmd->require_subcommand(1);
  auto o = std::make_shared<DialerCliOpts>();
  auto* run = cmd->add_subcommand("run", "Dial every active campaign over SIP until stopped");
  addGlobalFlags(run, g);
  run->add_option("--callers", o->callers_file, "File of caller SIP accounts (user:password lines); all are logged in");
  run->add_option("--trunk", o->trunk, "Trunk host:port (default: [sip] trunk_host/trunk_port)");
  run->add_option("--sip-listen", o->sip_listen, "SIP listen address (default: [sip] listen)");
  run->add_option("--pacer", o->pacer, "Pacer name (default: [pacing] pacer)");
  run->add_option("--knob", o->knob, "Pacer knob (e.g. the fixed-ratio c)");
  run->add_option("--ring-timeout-s", o->ring_timeout_s, "Ring timeout (never below 15 s)");
  run->add_option("--minutes", o->minutes, "Stop after this many minutes (0 = until SIGTERM/SIGINT)");
  run->add_flag("--until-idle", o->until_idle, "Stop when nothing is left to dial now and no call is up");
  run->add_flag("--amd", o->amd, "Answering-machine detection on autodialed calls of campaigns whose amd setting is default (as [sip] amd = true; a campaign's amd on/off overrides it)");
  run->add_option("--grace-from", o->grace_from,
                  "What the 2 s grace counts from: answer (default: [sip] grace_from) or "
                  "greeting_end (US TSR; "
                  "UK campaigns always count from the answer)")
      ->check(CLI::IsMember({"answer", "greeting_end"}));
  run->add_option(
      "--manual", o->manual,
      "Caller (repeatable) who presses Call for each next caller-placed lead (human-initiated / "
      "preview campaign, or leads routed out of an autodial campaign); paused on autodial "
      "campaigns, "
      "so the pacer routes them nothing (tests and demos of caller-placed calls)");
  run->add_option("--clock-offset-s", o->clock_offset_s,
                  "Tests only: run the dialer's clock this many seconds ahead of (or behind) the system "
                  "clock; refused unless the trunk is on loopback");
  run->callback([&g, o] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    daemon::DialerOptions d = daemon::dialerOptionsFromConfig((*ctx)->config, (*ctx)->data_dir);
    d.db_path = (*ctx)->store->db().path();
    (*ctx)->store.reset();  // the dialer opens its own connection
    if (!o->trunk.empty()) {
      d.sip.trunk_host = o->trunk.substr(0, o->trunk.rfind(':'));
      d.sip.trunk_port = static_cast<uint16_t>(std::atoi(o->trunk.substr(o->trunk.rfind(':') + 1).c_str()));
    }
    if (!o->sip_listen.empty()) {
      d.sip.listen_ip = o->sip_listen.substr(0, o->sip_listen.rfind(':'));
      d.sip.listen_port = static_cast<uint16_t>(std::atoi(o->sip_listen.substr(o->sip_listen.rfind(':') + 1).c_str()));
    }
    if (!o->pacer.empty()) d.pacer = o->pacer;
    d.pacer_knob = o->knob;
    if (o->ring_timeout_s > 0) d.ring_timeout = Millis(std::max<int64_t>(15, o->ring_timeout_s) * 1000);
    if (!o->callers_file.empty()) {
      auto creds = daemon::readCallerCredentials(o->callers_file);
      if (!creds.isOk()) return (void)fail(g, creds.status());
      d.caller_passwords = *creds;
      for (auto& [u, p] : *creds) d.auto_login.push_back(u);
    }
    d.manual_callers = o->manual;
    if (o->amd) d.amd = true;
    if (!o->grace_from.empty()) d.grace_from = o->grace_from;
    auto loop = sip::LibreLoop::create();
    if (!loop.isOk()) return (void)fail(g, loop.status());
    if (o->clock_offset_s != 0 && !(loopbackHost(d.sip.trunk_host) && loopbackHost(d.sip.listen_ip))) {
      return (void)fail(g, Status::invalidArgument("--clock-offset-s is only for tests on loopback (trunk and SIP listen "
                                                   "address must be 127.0.0.1)",
                                                   "clock-offset-s"));
    }
    int fds_before = countFds();
    OffsetClock clock(Millis(o->clock_offset_s * 1000));
    if (o->clock_offset_s != 0) {
      std::cerr << "clearline dialer: TEST CLOCK, " << o->clock_offset_s << " s from the system clock\n";
    }
    // Logged-in time and pauses per caller (caller_sessions), as `serve` records them.
    daemon::CallerSessionRecorder sessions(clock);
    d.events = &sessions;
    auto dialer = daemon::Dialer::create(**loop, clock, d);
    if (!dialer.isOk()) return (void)fail(g, dialer.status());
    if (Status s = sessions.attach(**dialer); !s.isOk()) {
      std::cerr << "clearline dialer: caller sessions are not recorded: " << s.toString() << "\n";
    }
    Status st = (*dialer)->start();
    if (!st.isOk()) return (void)fail(g, st);
    std::signal(SIGTERM, [](int) { g_term = 1; });
    auto& L = **loop;
    auto t0 = std::chrono::steady_clock::now();
    bool stopping = false;
    // --manual: each such caller presses Call for the next lead whenever they
    // are ready or paused; `drained` = the last ask found nothing to dial.
    std::map<std::string, bool> drained;
    int64_t manual_presses = 0, manual_not_dialed = 0;
    auto pressCall = [&] {
      for (const std::string& ref : o->manual) {
        auto next = (*dialer)->nextManualLead(ref);
        if (!next.isOk()) continue;  // not logged in yet, or on a call / in wrap-up
        if (next->is_null()) {
          drained[ref] = true;
          continue;
        }
        drained[ref] = false;
        manual_presses++;
        auto id = (*dialer)->dialForCaller(ref, ContactId((*next)["contact_id"].get<int64_t>()));
        if (!id.isOk()) {
          manual_not_dialed++;
          std::cerr << "clearline dialer: " << ref << " pressed Call for " << (*next)["phone"].get<std::string>()
                    << ": " << id.status().toString() << "\n";
        }
      }
    };
    auto manualDrained = [&] {
      for (const std::string& ref : o->manual)
        if (!drained[ref]) return false;
      return true;
    };
    std::function<void()> poll = [&] {
      auto mins = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() / 60.0;
      if (!stopping && !o->manual.empty()) pressCall();
      bool done = g_term || interrupted() || (o->minutes > 0 && mins >= o->minutes) ||
                  (o->until_idle && mins > 0.05 && (*dialer)->idle() && manualDrained());
      if (done && !stopping) {
        stopping = true;
        (*dialer)->stop();
        L.addTimer(Millis(800), [&] { L.stop(); });
        return;
      }
      L.addTimer(Millis(100), poll);
    };
    L.addTimer(Millis(100), poll);
    std::cerr << "clearline dialer: SIP on " << d.sip.listen_ip << ":" << (*dialer)->telephony().sipPort()
              << ", trunk " << d.sip.trunk_host << ":" << d.sip.trunk_port << "\n";
    L.run();
    if (Status s = sessions.closeAll("dialer_stopped"); !s.isOk()) {
      std::cerr << "clearline dialer: closing caller sessions: " << s.toString() << "\n";
    }
    Json summary = (*dialer)->summary();
    summary["caller_session_errors"] = sessions.errors();
    dialer->reset();
    summary["fds_before_start"] = fds_before;
    if (!o->manual.empty()) {
      summary["manual_presses"] = manual_presses;
      summary["manual_not_dialed"] = manual_not_dialed;
    }
    if (o->clock_offset_s != 0) summary["clock_offset_s"] = o->clock_offset_s;
    summary["fds_open_after_stop"] = countFds();
    if (g.json) {
      printJson(summary);
    } else {
      std::cout << summary.dump(2) << "\n";
    }
  });
}

const RegisterCommand kRegister(registerDialer);

// clearline dialer demo: the live part of `clearline demo` on its own (the
// data dir must hold an active campaign with contacts).
void registerDialerDemo(CLI::App& root, GlobalOptions& g) {
  auto* dialer = root.get_subcommand("dialer");
  auto* cmd = dialer->add_subcommand("demo", "Carrier simulator + caller bots + the dialer for M minutes");
  addGlobalFlags(cmd, g);
  auto minutes = std::make_shared<double>(1.0);
  auto callers = std::make_shared<int>(10);
  cmd->add_option("--minutes", *minutes, "How long to dial");
  cmd->add_option("--callers", *callers, "Caller bots");
  cmd->callback([&g, minutes, callers] {
    auto ctx = openContext(g);
    if (!ctx.isOk()) return (void)fail(g, ctx.status());
    daemon::LiveDemoOptions o;
    o.config = (*ctx)->config;
    o.data_dir = (*ctx)->data_dir;
    o.db_path = (*ctx)->store->db().path();
    o.minutes = *minutes;
    o.callers = *callers;
    (*ctx)->store.reset();
    auto r = daemon::runLiveSipDemo(o);
    if (!r.isOk()) return (void)fail(g, r.status());
    printJson(*r);
  });
}
const RegisterCommand kRegisterDemo(registerDialerDemo);

}  // namespace
}  // namespace clearline::cli
