// Timestamps of the stages of one control change, for
// `axbnn-workbench --measure-latency --verbose`: the background jobs and the
// GUI handlers mark named points; the latency tool reads them relative to the
// slider change. Off (one relaxed atomic load per mark) unless enabled.
// Qt-free and thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

namespace axbnn::gui::trace {

using Clock = std::chrono::steady_clock;

struct Mark {
    std::string label;
    Clock::time_point at;
};

void enable(bool on);
bool enabled();
// Records `label` now (nothing when disabled).
void mark(const char* label);
// Returns and clears the marks recorded since the last take().
std::vector<Mark> take();

} // namespace axbnn::gui::trace
