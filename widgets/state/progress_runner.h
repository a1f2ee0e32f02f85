// Runs long computations (inference over thousands of images) off the GUI
// thread with progress, cancellation, intermediate results and a generation
// counter, so that a stale job never overwrites a newer one's results.
#pragma once

#include "state/background_pool.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <exception>
#include <functional>
#include <memory>
#include <utility>

namespace axbnn::gui {

// What a job sees of its runner. Thread-safe; used from the job's thread.
template <class Result>
class JobControl {
public:
    using Sink = std::function<void(std::function<void()>)>; // queues a call on the GUI thread

    bool cancelled() const { return cancelled_.load(); }
    void cancel() { cancelled_.store(true); }
    // Reports progress; returns false once the job should stop (the
    // signature of the engine's ProgressFn).
    bool progress(int done, int total)
    {
        // At most one event per percent, however often the engine reports.
        const int percent = total > 0 ? static_cast<int>(100LL * done / total) : 100;
        if (percent == lastPercent_.exchange(percent))
            return !cancelled();
        post([this, done, total](auto& h) {
            if (h.progress)
                h.progress(done, total);
        });
        return !cancelled();
    }
    // Delivers an intermediate result (e.g. accuracy on a quick subset).
    void publish(Result result)
    {
        auto shared = std::make_shared<const Result>(std::move(result));
        post([shared](auto& h) { h.ready(shared, false); });
    }

    struct Handlers {
        std::function<void(std::shared_ptr<const Result>, bool final)> ready;
        std::function<void(const QString&)> failed;
        std::function<void(int done, int total)> progress;
        std::function<void(bool)> busyChanged;
        std::function<void()> cancelled; // the newest job stopped on cancel()
    };

    // Internal: set by the runner.
    std::function<void(std::function<void(Handlers&)>)> post;

private:
    std::atomic<bool> cancelled_{false};
    std::atomic<int> lastPercent_{-1};
};

// Each submit() starts a new generation and cancels the job of the previous
// one (which stops at its next progress check; whatever it still reports is
// dropped). Only the newest generation's progress, intermediate and final
// results reach the handlers, on the thread that owns `context`. A job must
// use only what it captured by value; an exception becomes failed().
template <class Result>
class ProgressRunner {
public:
    using Control = JobControl<Result>;
    using Handlers = typename Control::Handlers;
    using Job = std::function<Result(Control&)>;

    // pool: backgroundPool() or inferencePool() (see startInPool).
    ProgressRunner(QObject* context, Handlers handlers, QThreadPool* pool = nullptr)
        : context_(context), handlers_(std::move(handlers)), pool_(pool ? pool : backgroundPool())
    {}
    ~ProgressRunner()
    {
        if (control_)
            control_->cancel();
        *alive_ = false;
    }
    ProgressRunner(const ProgressRunner&) = delete;
    ProgressRunner& operator=(const ProgressRunner&) = delete;

    void submit(Job job)
    {
        if (control_)
            control_->cancel();
        const quint64 generation = ++generation_;
        auto control = std::make_shared<Control>();
        control_ = control;
        QPointer<QObject> context(context_);
        auto alive = alive_;
        control->post = [this, context, alive, generation](std::function<void(Handlers&)> call) {
            // Queued on the application object; the checks run on the GUI thread.
            QCoreApplication* app = QCoreApplication::instance();
            if (!app)
                return; // shutting down
            QMetaObject::invokeMethod(
                app,
                [this, context, alive, generation, call = std::move(call)] {
                    if (!context || !*alive || generation != generation_)
                        return; // stale or orphaned
                    call(handlers_);
                },
                Qt::QueuedConnection);
        };
        setBusy(true);
        startInPool(pool_, [job = std::move(job), control, this] {
            QString error;
            bool cancelled = false;
            std::shared_ptr<const Result> result;
            try {
                result = std::make_shared<const Result>(job(*control));
                cancelled = control->cancelled();
            } catch (const std::exception& e) {
                cancelled = control->cancelled();
                error = QString::fromStdString(e.what());
            } catch (...) {
                error = QStringLiteral("unexpected error in a background computation");
            }
            control->post([this, result, error, cancelled](Handlers& h) {
                // The outcome first, so that busyChanged(false) observers see it.
                if (cancelled) {
                    if (h.cancelled)
                        h.cancelled();
                } else if (result) {
                    h.ready(result, true);
                } else if (h.failed) {
                    h.failed(error);
                }
                setBusy(false);
            });
        });
    }

    // Stops the newest job; its handlers then get cancelled().
    void cancel()
    {
        if (control_)
            control_->cancel();
    }
    // Stops the newest job silently: nothing of it reaches the handlers, and
    // the runner is idle until the next submit().
    void drop()
    {
        if (control_)
            control_->cancel();
        ++generation_;
        setBusy(false);
    }
    bool isBusy() const { return busy_; }
    quint64 generation() const { return generation_; }

private:
    void setBusy(bool busy)
    {
        if (busy == busy_)
            return;
        busy_ = busy;
        if (handlers_.busyChanged)
            handlers_.busyChanged(busy);
    }

    QObject* context_;
    Handlers handlers_;
    QThreadPool* pool_;
    quint64 generation_ = 0;
    bool busy_ = false;
    std::shared_ptr<Control> control_;
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

} // namespace axbnn::gui
