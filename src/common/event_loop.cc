#include "common/event_loop.h"

namespace clearline {

void StdEventLoop::post(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(fn));
  }
  cv_.notify_one();
}

uint64_t StdEventLoop::addTimer(Millis delay, std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t id = next_timer_++;
  timers_.emplace(std::chrono::steady_clock::now() + delay, std::make_pair(id, std::move(fn)));
  cv_.notify_one();
  return id;
}

void StdEventLoop::cancelTimer(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = timers_.begin(); it != timers_.end(); ++it) {
    if (it->second.first == id) {
      timers_.erase(it);
      return;
    }
  }
}

void StdEventLoop::run() {
  loop_thread_ = std::this_thread::get_id();
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (!queue_.empty()) {
      auto fn = std::move(queue_.front());
      queue_.pop_front();
      lock.unlock();
      fn();
      lock.lock();
      continue;
    }
    auto now = std::chrono::steady_clock::now();
    if (!timers_.empty() && timers_.begin()->first <= now) {
      auto fn = std::move(timers_.begin()->second.second);
      timers_.erase(timers_.begin());
      lock.unlock();
      fn();
      lock.lock();
      continue;
    }
    if (timers_.empty()) {
      cv_.wait(lock);
    } else {
      cv_.wait_until(lock, timers_.begin()->first);
    }
  }
  stopping_ = false;
}

void StdEventLoop::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
}

}  // namespace clearline
