#include "sip/libre_loop.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace clearline::sip {
namespace {

// One LibreLoop per process: every loop behaviour is checked in this one test.
TEST(LibreLoop, PostTimersCancelAndStop) {
  auto made = LibreLoop::create(4096);
  ASSERT_TRUE(made.isOk()) << made.status().toString();
  auto& loop = **made;
  EXPECT_FALSE(LibreLoop::create().isOk());  // a second loop is refused

  std::vector<int> order;
  bool cancelled_ran = false;
  loop.post([&] {
    EXPECT_TRUE(loop.onLoopThread());
    order.push_back(1);
    uint64_t t = loop.addTimer(Millis(30), [&] { cancelled_ran = true; });
    loop.addTimer(Millis(5), [&, t] {
      order.push_back(3);
      loop.cancelTimer(t);
      loop.addTimer(Millis(40), [&] {
        order.push_back(4);
        loop.stop();
      });
    });
  });
  std::thread other([&] { loop.post([&] { order.push_back(2); }); });
  other.join();
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_FALSE(cancelled_ran);
  EXPECT_EQ(loop.pendingTimers(), 0u);
  uint64_t fired = 0;
  for (auto n : loop.latencyHistogram()) fired += n;
  EXPECT_EQ(fired, 2u);
}

}  // namespace
}  // namespace clearline::sip
