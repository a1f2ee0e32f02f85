// Mark store of the latency trace.
#include "state/latency_trace.h"

#include <mutex>

namespace axbnn::gui::trace {
namespace {

std::atomic<bool> on{false};
std::mutex mutex;
std::vector<Mark> marks;

} // namespace

void enable(bool enabled)
{
    on.store(enabled, std::memory_order_relaxed);
}

bool enabled()
{
    return on.load(std::memory_order_relaxed);
}

void mark(const char* label)
{
    if (!enabled())
        return;
    const Clock::time_point now = Clock::now();
    const std::lock_guard lock(mutex);
    marks.push_back({label, now});
}

std::vector<Mark> take()
{
    const std::lock_guard lock(mutex);
    std::vector<Mark> out;
    out.swap(marks);
    return out;
}

} // namespace axbnn::gui::trace
