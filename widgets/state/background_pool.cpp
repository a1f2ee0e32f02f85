// One pool for the background jobs, apart from Qt's global pool.
#include "state/background_pool.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace axbnn::gui {

namespace {

// A pool of its own, made on first use: a child of the application, so it
// waits for its jobs when the application ends, like the global pool did.
QThreadPool* ownPool(QPointer<QThreadPool>& pool, const char* name, int threads)
{
    if (!pool) {
        pool = new QThreadPool(QCoreApplication::instance());
        pool->setObjectName(QString::fromLatin1(name));
        pool->setMaxThreadCount(threads);
    }
    return pool;
}

} // namespace

QThreadPool* backgroundPool()
{
    static QPointer<QThreadPool> pool;
    return ownPool(pool, "axbnnBackgroundPool", std::max(16, 4 * QThread::idealThreadCount()));
}

QThreadPool* inferencePool()
{
    static QPointer<QThreadPool> pool;
    return ownPool(pool, "axbnnInferencePool", std::max(8, 2 * QThread::idealThreadCount()));
}

namespace {

// Once per thread: an unprivileged thread cannot raise it back, hence the
// pool of its own.
void lowerThisThreadsPriority()
{
    thread_local bool lowered = false;
    if (lowered)
        return;
    lowered = true;
#if defined(__linux__)
    // Per thread on Linux (PRIO_PROCESS with a thread id); threads started
    // from here inherit it.
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
#else
    QThread::currentThread()->setPriority(QThread::LowPriority);
#endif
}

} // namespace

void startInPool(QThreadPool* pool, std::function<void()> job)
{
    if (pool == inferencePool())
        (void)QtConcurrent::run(pool, [job = std::move(job)] {
            lowerThisThreadsPriority();
            job();
        });
    else
        (void)QtConcurrent::run(pool, std::move(job));
}

} // namespace axbnn::gui
