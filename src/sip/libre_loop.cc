#include "sip/libre_loop.h"

#include <chrono>
#include <deque>
#include <mutex>
#include <unordered_map>

#include <re.h>
#undef OS
#undef ARCH
#undef VERSION

namespace clearline::sip {

namespace {
std::atomic<bool> g_libre_initialised{false};
}

struct TimerRec {
  struct tmr t;
  uint64_t id = 0;
  std::chrono::steady_clock::time_point due;
  std::function<void()> fn;
  LibreLoop::Impl* impl = nullptr;
};

struct LibreLoop::Impl {
  LibreLoop* self = nullptr;
  struct mqueue* mq = nullptr;
  std::mutex mu;
  std::deque<std::function<void()>> queue;
  bool wake_pending = false;
  std::unordered_map<uint64_t, std::unique_ptr<TimerRec>> timers;
  uint64_t next_timer = 1;

  static void onWake(int, void*, void* arg) {
    auto* impl = static_cast<Impl*>(arg);
    std::deque<std::function<void()>> batch;
    {
      std::lock_guard<std::mutex> lock(impl->mu);
      batch.swap(impl->queue);
      impl->wake_pending = false;
    }
    for (auto& fn : batch) fn();
  }

  static void onTimer(void* arg) {
    auto* rec = static_cast<TimerRec*>(arg);
    Impl* impl = rec->impl;
    auto late = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - rec->due)
                    .count();
    int bucket = 0;
    while (late > 0 && bucket < kLatencyBuckets - 1) {
      late >>= 1;
      ++bucket;
    }
    impl->self->latency_[bucket]++;
    auto node = impl->timers.extract(rec->id);  // keeps rec alive while fn runs
    auto fn = std::move(rec->fn);
    fn();
  }
};

LibreLoop::LibreLoop() : impl_(std::make_unique<Impl>()) { impl_->self = this; }

Result<std::unique_ptr<LibreLoop>> LibreLoop::create(int max_fds) {
  if (g_libre_initialised.exchange(true)) {
    return Status::failedPrecondition("only one LibreLoop per process");
  }
  int err = libre_init();
  if (err) {
    g_libre_initialised = false;
    return Status::internal("libre_init failed");
  }
  (void)fd_setsize(max_fds);
  std::unique_ptr<LibreLoop> loop(new LibreLoop());
  err = mqueue_alloc(&loop->impl_->mq, &Impl::onWake, loop->impl_.get());
  if (err) return Status::internal("mqueue_alloc failed");
  loop->loop_thread_ = std::this_thread::get_id();
  return loop;
}

LibreLoop::~LibreLoop() {
  for (auto& [id, rec] : impl_->timers) tmr_cancel(&rec->t);
  impl_->timers.clear();
  impl_->mq = static_cast<struct mqueue*>(mem_deref(impl_->mq));
  libre_close();
  g_libre_initialised = false;
}

void LibreLoop::post(std::function<void()> fn) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->queue.push_back(std::move(fn));
    if (!impl_->wake_pending) {
      impl_->wake_pending = true;
      wake = true;
    }
  }
  if (wake) (void)mqueue_push(impl_->mq, 0, nullptr);
}

uint64_t LibreLoop::addTimer(Millis delay, std::function<void()> fn) {
  auto rec = std::make_unique<TimerRec>();
  tmr_init(&rec->t);
  rec->id = impl_->next_timer++;
  rec->fn = std::move(fn);
  rec->impl = impl_.get();
  rec->due = std::chrono::steady_clock::now() + delay;
  uint64_t id = rec->id;
  tmr_start(&rec->t, static_cast<uint64_t>(delay.count() < 0 ? 0 : delay.count()), &Impl::onTimer,
            rec.get());
  impl_->timers.emplace(id, std::move(rec));
  return id;
}

void LibreLoop::cancelTimer(uint64_t id) {
  auto it = impl_->timers.find(id);
  if (it == impl_->timers.end()) return;
  tmr_cancel(&it->second->t);
  impl_->timers.erase(it);
}

size_t LibreLoop::pendingTimers() const { return impl_->timers.size(); }

bool LibreLoop::onLoopThread() const { return std::this_thread::get_id() == loop_thread_.load(); }

void LibreLoop::run() {
  loop_thread_ = std::this_thread::get_id();
  (void)re_main(nullptr);
}

void LibreLoop::stop() {
  post([] { re_cancel(); });
}

}  // namespace clearline::sip
