// Callers' logged-in time and pauses from the SIP dialer's caller.state events
// (storage::CallerSessionLog: caller_sessions / caller_pauses rows with their
// audit events). SipDesk records them for `clearline serve`;
// CallerSessionRecorder does it where no desk runs: `clearline dialer run`.
//
// Threads: the dialer's loop (where its runtimes publish and its store lives).
#pragma once

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "core/ports/event_sink.h"
#include "daemon/dialer.h"
#include "storage/sqlite/caller_sessions.h"

namespace clearline::daemon {

// One caller.state event into the log: the campaign the caller is in (else
// the event's), its site (`site`, else the last login decision's), "reserved"
// counted as on a call (the callee is being bridged to this caller).
Status recordCallerState(storage::CallerSessionLog& log, const Dialer& dialer, const core::DomainEvent& ev,
                         const std::string& site = "");

class CallerSessionRecorder final : public core::EventSink {
 public:
  explicit CallerSessionRecorder(const Clock& clock) : clock_(clock) {}

  // Opens the log on the dialer's connection (closing the sessions a killed
  // process left open); events before this are not recorded.
  Status attach(Dialer& dialer);
  void publish(const core::DomainEvent& ev) override;
  // Closes the sessions still open (the dialer stops: "dialer_stopped").
  Status closeAll(const std::string& reason);
  int64_t errors() const { return errors_; }

 private:
  const Clock& clock_;
  Dialer* dialer_ = nullptr;
  std::unique_ptr<storage::CallerSessionLog> log_;
  int64_t errors_ = 0;
};

}  // namespace clearline::daemon
