// Which signals decide the first results, and which end the wait as failures.
#include "state/first_results.h"

#include "state/exploration_state.h"
#include "state/model_evaluator.h"

namespace axbnn::gui {

FirstResultsWatcher::FirstResultsWatcher(ExplorationState* state, QObject* parent) : QObject(parent), state_(state)
{
    connect(state, &ExplorationState::reportReady, this, &FirstResultsWatcher::check);
    connect(state, &ExplorationState::costSweepReady, this, &FirstResultsWatcher::check);
    connect(state, &ExplorationState::accuracyChanged, this, &FirstResultsWatcher::check);
    connect(state, &ExplorationState::accuracySweepChanged, this, &FirstResultsWatcher::check);
    // A model that fails to load leaves the circuit-only window (its error box says why).
    connect(state, &ExplorationState::modelLoadFailed, this, &FirstResultsWatcher::check, Qt::QueuedConnection);
    connect(state, &ExplorationState::failed, this,
            [this](const QString& message) { fail(QStringLiteral("circuit: %1").arg(message)); });
    connect(state, &ExplorationState::costSweepFailed, this,
            [this](const QString& message) { fail(QStringLiteral("cost sweep: %1").arg(message)); });
    // The accuracy jobs report to the model evaluator only; without these a
    // model the data does not fit (another input shape) was waited for until
    // the caller's timeout.
    const auto modelName = [this] {
        return state_->model() ? QString::fromStdString(state_->model()->path) : QStringLiteral("(none)");
    };
    connect(state->models(), &ModelEvaluator::accuracyFailed, this, [this, modelName](const QString& message) {
        fail(QStringLiteral("model %1: accuracy failed: %2").arg(modelName(), message));
    });
    connect(state->models(), &ModelEvaluator::sweepFailed, this, [this, modelName](const QString& message) {
        fail(QStringLiteral("model %1: level sweep failed: %2").arg(modelName(), message));
    });
}

void FirstResultsWatcher::check()
{
    if (done_ || !state_->report() || !state_->costSweep() || state_->isLoadingModel())
        return;
    if (state_->model() && !(state_->accuracyIsFinal() && state_->accuracySweep()))
        return;
    done_ = true;
    Q_EMIT ready();
}

void FirstResultsWatcher::fail(const QString& message)
{
    if (done_)
        return;
    done_ = true;
    Q_EMIT failed(message);
}

} // namespace axbnn::gui
