#include "daemon/daemon.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "api/api_service.h"
#include "api/metrics.h"
#include "api/server.h"
#include "api/ws_hub.h"
#include "common/event_loop.h"
#include "common/log.h"
#include "core/ports/caller_gate.h"
#include "daemon/chain_gate.h"
#include "daemon/desk.h"
#include "storage/sqlite/vendor_store.h"
#include "storage/sqlite/sqlite_store.h"

namespace clearline::daemon {

namespace {

// Fans events out to the WebSocket hub and the metrics gauges.
class FanoutSink final : public core::EventSink {
 public:
  FanoutSink(api::WsHub& hub, api::Metrics& metrics) : hub_(hub), metrics_(metrics) {}
  void publish(const core::DomainEvent& ev) override {
    metrics_.observe(ev);
    hub_.publish(ev);
  }

 private:
  api::WsHub& hub_;
  api::Metrics& metrics_;
};

}  // namespace

std::string findWebRoot(const std::string& configured) {
  namespace fs = std::filesystem;
  if (!configured.empty()) return configured;
  std::error_code ec;
  std::vector<fs::path> starts;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) starts.push_back(exe.parent_path());
  starts.push_back(fs::current_path(ec));
  for (auto start : starts) {
    for (fs::path p = start; !p.empty(); p = p.parent_path()) {
      if (fs::is_regular_file(p / "web" / "dist" / "index.html", ec)) return (p / "web" / "dist").string();
      if (p == p.parent_path()) break;
    }
  }
  return "";
}

Status runDaemon(const DaemonOptions& opt) {
  // Signals are taken by sigwait() below; block them before any thread starts.
  sigset_t sigs;
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, nullptr);

  const Config& cfg = opt.config;
  SystemClock clock;
  std::filesystem::path db_path = std::filesystem::path(opt.data_dir) / cfg.getString("store.sqlite_file");
  int busy = static_cast<int>(cfg.getInt("store.busy_timeout_ms"));
  // One connection per thread that uses the store.
  ASSIGN_OR_RETURN(auto api_store, storage::SqliteStore::open(db_path.string(), clock, busy));
  ASSIGN_OR_RETURN(auto worker_store, storage::SqliteStore::open(db_path.string(), clock, busy));

  api::Metrics metrics;
  api::FlatEntityScope scope;  // the vendor chain's subtree function replaces this when wired
  api::WsHub hub(scope, &metrics);
  FanoutSink sink(hub, metrics);
  // The vendor chain's gates over the registry; refreshed when the store's generation moves.
  storage::SqliteVendorStore worker_vendor(worker_store->db(), clock, opt.data_dir);
  ASSIGN_OR_RETURN(auto registry, worker_vendor.loadRegistry());
  ChainGate gate(registry);

  StdEventLoop loop;
  StdEventLoop worker;
  DeskOptions dopt;
  dopt.simulate_calls = cfg.getBool("server.simulate_calls");
  dopt.simulate_connect = Millis(cfg.getInt("server.simulate_connect_ms"));
  dopt.wrap_up = Millis(cfg.getInt("server.wrap_up_seconds") * 1000);
  dopt.data_dir = opt.data_dir;
  Desk desk(dopt, loop, worker, *worker_store, gate, sink, clock);

  api::ApiOptions aopt = api::ApiOptions::fromConfig(cfg);
  aopt.web_root = findWebRoot(opt.web_root.empty() ? aopt.web_root : opt.web_root);
  aopt.data_dir = opt.data_dir;
  api::ApiService service(aopt, *api_store, clock, metrics, scope, &desk);

  std::string listen = opt.listen.empty() ? cfg.getString("server.listen") : opt.listen;
  ASSIGN_OR_RETURN(auto hp, api::parseListen(listen));
  api::ServerOptions sopt;
  sopt.host = hp.first;
  sopt.port = hp.second;
  sopt.max_body_bytes = aopt.max_body_bytes;
  sopt.ws_idle_timeout_s = static_cast<int>(cfg.getInt("server.ws_idle_timeout_s"));
  api::ApiServer server(sopt, service, hub);

  std::thread loop_thread([&] { loop.run(); });
  std::thread worker_thread([&] { worker.run(); });
  loop.post([&] { desk.start(); });
  // Registry refresh: every 2 s the worker compares the store's generation with
  // the gate's and, when it moved, loads a new snapshot for the loop.
  std::function<void()> refresh;
  refresh = [&] {
    uint64_t have = gate.generation();
    worker.post([&, have] {
      auto g = worker_vendor.generation();
      if (!g.isOk() || *g == have) return;
      auto reg = worker_vendor.loadRegistry();
      if (!reg.isOk()) return;
      std::shared_ptr<const core::vendor::Registry> snapshot = *reg;
      loop.post([&gate, snapshot] { gate.setRegistry(snapshot); });
    });
    loop.addTimer(Millis(2000), refresh);
  };
  loop.post([&] { loop.addTimer(Millis(2000), refresh); });

  // Loop latency probe: post a stamp every 100 ms, measure how late it runs.
  std::atomic<bool> probing{true};
  std::thread probe([&] {
    while (probing.load()) {
      auto posted = std::chrono::steady_clock::now();
      loop.post([&metrics, posted] {
        metrics.observeLoopLatency(std::chrono::duration<double>(std::chrono::steady_clock::now() - posted).count());
      });
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });

  auto port = server.start();
  Status result = Status::ok();
  if (!port.isOk()) {
    result = port.status();
  } else {
    std::string addr = "http://" + hp.first + ":" + std::to_string(*port) + "/";
    spdlog::info("clearline serving {} (web assets: {}; simulated calls: {})", addr,
                 aopt.web_root.empty() ? "none" : aopt.web_root, dopt.simulate_calls ? "on" : "off");
    if (opt.on_listening) opt.on_listening(addr);
    int sig = 0;
    sigwait(&sigs, &sig);
    spdlog::info("clearline: signal {} received, shutting down", sig);
  }

  // Shutdown order: no new requests, then no more loop work, then the store.
  server.stop();
  probing = false;
  probe.join();
  loop.stop();
  loop_thread.join();
  worker.stop();
  worker_thread.join();
  return result;
}

}  // namespace clearline::daemon
