// The workbench's first complete results, as `axbnn-workbench --screenshot`
// waits for them: the circuit report and cost sweep, and with a model its
// final accuracy and level sweep. Decided by the state's signals alone (no
// timer): the first engine error of any of these jobs ends the wait at once.
#pragma once

#include <QObject>
#include <QString>

namespace axbnn::gui {

class ExplorationState;

class FirstResultsWatcher : public QObject {
    Q_OBJECT
public:
    explicit FirstResultsWatcher(ExplorationState* state, QObject* parent = nullptr);
    bool isDone() const { return done_; }

Q_SIGNALS:
    // Exactly one of these, once.
    void ready();
    // "circuit: ...", "cost sweep: ...", or "model FILE: accuracy failed: ..."
    // (also "level sweep failed"): which job failed and the engine's message.
    void failed(const QString& message);

private:
    void check();
    void fail(const QString& message);

    ExplorationState* state_;
    bool done_ = false;
};

} // namespace axbnn::gui
