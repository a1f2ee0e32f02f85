// TaskPool: workers sleep on a condition variable between jobs and take the
// next task index under the mutex (tasks are coarse: whole GEMM blocks).
#include "train/task_pool.h"

#include <algorithm>

namespace axbnn::train {

TaskPool::TaskPool(int threads)
    : threads_(threads > 0 ? threads : std::max(1, static_cast<int>(std::thread::hardware_concurrency())))
{
    for (int w = 1; w < threads_; ++w)
        workers_.emplace_back([this, w] { workerLoop(w); });
}

TaskPool::~TaskPool()
{
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_)
        t.join();
}

void TaskPool::drain(int worker)
{
    std::unique_lock lock(mutex_);
    while (job_ && next_ < tasks_) {
        const int task = next_++;
        ++running_;
        const auto* job = job_;
        lock.unlock();
        try {
            (*job)(task, worker);
        } catch (...) {
            lock.lock();
            if (!failure_)
                failure_ = std::current_exception();
            next_ = tasks_;
            lock.unlock();
        }
        lock.lock();
        if (--running_ == 0 && next_ >= tasks_)
            finished_.notify_all();
    }
}

void TaskPool::workerLoop(int worker)
{
    unsigned seen = 0;
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
            if (quit_)
                return;
            seen = generation_;
        }
        drain(worker);
    }
}

void TaskPool::run(int tasks, const std::function<void(int, int)>& fn)
{
    if (tasks <= 0)
        return;
    if (threads_ == 1 || tasks == 1) {
        for (int t = 0; t < tasks; ++t)
            fn(t, 0);
        return;
    }
    {
        std::lock_guard lock(mutex_);
        job_ = &fn;
        tasks_ = tasks;
        next_ = 0;
        running_ = 0;
        failure_ = nullptr;
        ++generation_;
    }
    wake_.notify_all();
    drain(0);
    std::unique_lock lock(mutex_);
    finished_.wait(lock, [&] { return next_ >= tasks_ && running_ == 0; });
    job_ = nullptr;
    if (failure_) {
        std::exception_ptr f = failure_;
        failure_ = nullptr;
        std::rethrow_exception(f);
    }
}

} // namespace axbnn::train
