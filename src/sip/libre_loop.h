// LibreLoop: the daemon's signalling loop, an EventLoop on libre's re_main.
//
// libre 1.1.0 keeps one global poll context per process (we never call
// re_thread_init), so there is at most one LibreLoop per process. Create it,
// create every libre object (sockets, SIP stacks) and run() on the same
// thread; other threads only post() (a mutex-protected queue, woken through a
// libre mqueue) and stop(). Timers are libre tmr objects: loop thread only.
//
// The loop also measures itself: how late timers fire (a latency histogram
// that the benchmark reads).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

#include "common/event_loop.h"
#include "common/status.h"

namespace clearline::sip {

class LibreLoop final : public EventLoop {
 public:
  // Initialises libre (once per process) and raises its fd table to max_fds.
  static Result<std::unique_ptr<LibreLoop>> create(int max_fds = 65536);
  ~LibreLoop() override;
  LibreLoop(const LibreLoop&) = delete;
  LibreLoop& operator=(const LibreLoop&) = delete;

  void post(std::function<void()> fn) override;
  uint64_t addTimer(Millis delay, std::function<void()> fn) override;
  void cancelTimer(uint64_t id) override;
  bool onLoopThread() const override;
  void run() override;
  void stop() override;

  // Timer lateness histogram: bucket i counts timers that fired late by
  // [2^(i-1), 2^i) ms (bucket 0: < 1 ms). Loop thread only.
  static constexpr int kLatencyBuckets = 16;
  const std::array<uint64_t, kLatencyBuckets>& latencyHistogram() const { return latency_; }
  void resetLatencyHistogram() { latency_.fill(0); }
  size_t pendingTimers() const;

  struct Impl;

 private:
  LibreLoop();
  std::unique_ptr<Impl> impl_;
  std::array<uint64_t, kLatencyBuckets> latency_{};
  std::atomic<std::thread::id> loop_thread_{};
  friend struct Impl;
};

}  // namespace clearline::sip
