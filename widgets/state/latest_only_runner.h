// Runs slow computations off the GUI thread so that only the newest request's
// result is ever delivered (one job at a time, a generation counter, no waits).
#pragma once

#include "state/background_pool.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace axbnn::gui {

// Each submit() starts a new generation. At most one job runs at a time; a
// request made while one runs waits, replacing any older waiting request, so
// dragging a slider costs at most one wasted computation. When a job ends its
// outcome is delivered only if no newer request was made since; otherwise it
// is dropped. Handlers are called on the thread that owns `context` (the GUI
// thread). A job runs on a pool thread and must use only what it captured by
// value; an exception it throws becomes a failed() message.
template <class Result>
class LatestOnlyRunner {
public:
    using Job = std::function<Result()>;

    struct Handlers {
        std::function<void(std::shared_ptr<const Result>)> ready;
        std::function<void(const QString&)> failed;
        std::function<void(bool)> busyChanged;
    };

    LatestOnlyRunner(QObject* context, Handlers handlers) : context_(context), handlers_(std::move(handlers)) {}
    LatestOnlyRunner(const LatestOnlyRunner&) = delete;
    LatestOnlyRunner& operator=(const LatestOnlyRunner&) = delete;

    void submit(Job job)
    {
        ++generation_;
        pending_ = std::move(job);
        if (!running_)
            startPending();
        setBusy(true);
    }

    bool isBusy() const { return busy_; }
    quint64 generation() const { return generation_; }
    // Finished jobs whose outcome was dropped because a newer request existed.
    int droppedCount() const { return dropped_; }

private:
    struct Outcome {
        std::shared_ptr<const Result> value;
        QString error;
    };

    static Outcome runGuarded(const Job& job)
    {
        try {
            return {std::make_shared<Result>(job()), {}};
        } catch (const std::exception& e) {
            return {nullptr, QString::fromStdString(e.what())};
        } catch (...) {
            return {nullptr, QStringLiteral("unexpected error in a background computation")};
        }
    }

    void startPending()
    {
        Job job = std::move(*pending_);
        pending_.reset();
        running_ = true;
        const quint64 generation = generation_;
        // The watcher is a child of the context: if the context dies first, the
        // connection dies with it and the job's outcome is simply discarded.
        auto* watcher = new QFutureWatcher<Outcome>(context_);
        QObject::connect(watcher, &QFutureWatcherBase::finished, context_, [this, watcher, generation] {
            const Outcome outcome = watcher->result();
            watcher->deleteLater();
            finish(outcome, generation);
        });
        watcher->setFuture(QtConcurrent::run(backgroundPool(), [job = std::move(job)] { return runGuarded(job); }));
    }

    void finish(const Outcome& outcome, quint64 generation)
    {
        running_ = false;
        if (pending_)
            startPending();
        if (generation != generation_) {
            ++dropped_; // a newer request exists: this outcome is stale
            return;
        }
        setBusy(false);
        if (outcome.value)
            handlers_.ready(outcome.value);
        else
            handlers_.failed(outcome.error);
    }

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
    quint64 generation_ = 0;
    bool running_ = false;
    bool busy_ = false;
    std::optional<Job> pending_;
    int dropped_ = 0;
};

} // namespace axbnn::gui
