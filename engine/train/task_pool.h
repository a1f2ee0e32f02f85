// A small pool of worker threads running a fixed list of tasks. The caller
// decides the task partition from the problem size alone, never from the
// thread count, so results are bit-identical for any number of threads.
#pragma once

#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace axbnn::train {

class TaskPool {
public:
    // threads <= 0: std::thread::hardware_concurrency(). The calling thread
    // works too, so `threads - 1` workers are started.
    explicit TaskPool(int threads);
    ~TaskPool();
    TaskPool(const TaskPool&) = delete;
    TaskPool& operator=(const TaskPool&) = delete;

    int threads() const { return threads_; }
    // Runs fn(task, worker) for task = 0 .. tasks-1 and waits; worker is in
    // 0 .. threads()-1 (for per-thread scratch). Rethrows the first exception.
    void run(int tasks, const std::function<void(int task, int worker)>& fn);

private:
    void workerLoop(int worker);
    void drain(int worker);

    int threads_ = 1;
    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_, finished_;
    const std::function<void(int, int)>* job_ = nullptr;
    int tasks_ = 0, next_ = 0, running_ = 0;
    unsigned generation_ = 0;
    bool quit_ = false;
    std::exception_ptr failure_;
};

} // namespace axbnn::train
