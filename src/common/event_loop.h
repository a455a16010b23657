// The event-loop seam. One loop thread owns all live state (calls, callers,
// campaigns, the pacer); other threads hand it work with post().
//
// Implementations: StdEventLoop (here: a thread-safe queue + timers, for tools
// and tests) and sip::LibreLoop (libre's re_main + mqueue, the daemon's
// signalling loop). The simulator does not use a loop: it has virtual time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "common/clock.h"

namespace clearline {

class EventLoop {
 public:
  virtual ~EventLoop() = default;
  // Thread-safe: runs fn on the loop thread, in posting order.
  virtual void post(std::function<void()> fn) = 0;
  // Loop thread only: runs fn once after delay; returns an id for cancelTimer.
  virtual uint64_t addTimer(Millis delay, std::function<void()> fn) = 0;
  virtual void cancelTimer(uint64_t id) = 0;
  virtual bool onLoopThread() const = 0;
  // Runs until stop(); stop() is thread-safe.
  virtual void run() = 0;
  virtual void stop() = 0;
};

class StdEventLoop final : public EventLoop {
 public:
  void post(std::function<void()> fn) override;
  uint64_t addTimer(Millis delay, std::function<void()> fn) override;
  void cancelTimer(uint64_t id) override;
  bool onLoopThread() const override { return std::this_thread::get_id() == loop_thread_; }
  void run() override;
  void stop() override;

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  std::multimap<SteadyTime, std::pair<uint64_t, std::function<void()>>> timers_;
  uint64_t next_timer_ = 1;
  bool stopping_ = false;
  std::thread::id loop_thread_;
};

}  // namespace clearline
