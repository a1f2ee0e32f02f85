// Waits for the first circuit report and cost sweep (and, with a model, its
// full accuracy and level sweep), then grabs the window.
#include "screenshot.h"

#include "state/exploration_state.h"

#include <QApplication>
#include <QBuffer>
#include <QPixmap>
#include <QSaveFile>
#include <QTimer>
#include <QWidget>

#include <cstdio>
#include <memory>

using namespace axbnn::gui;

namespace {

void fail(const QString& message)
{
    std::fprintf(stderr, "axbnn-workbench: screenshot failed: %s\n", qPrintable(message));
    QApplication::exit(1);
}

bool writePng(QWidget* window, const QString& path, QString* error)
{
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (!window->grab().save(&buffer, "PNG")) {
        *error = QStringLiteral("could not encode the PNG");
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(png) != png.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

void scheduleScreenshot(QWidget* window, ExplorationState* state, const QString& path, int timeoutMs)
{
    // Set once the outcome is decided: later results, failures and the timeout are moot.
    auto done = std::make_shared<bool>(false);
    auto tryGrab = [window, state, path, done] {
        if (*done || !state->report() || !state->costSweep() || state->isLoadingModel())
            return;
        if (state->model() && !(state->accuracyIsFinal() && state->accuracySweep()))
            return;
        *done = true;
        // Let the panels' replots and layout settle before grabbing.
        QTimer::singleShot(100, window, [window, path] {
            QString error;
            if (!writePng(window, path, &error))
                return fail(error);
            std::printf("wrote %s\n", qPrintable(path));
            QApplication::exit(0);
        });
    };
    QObject::connect(state, &ExplorationState::reportReady, window, tryGrab);
    QObject::connect(state, &ExplorationState::costSweepReady, window, tryGrab);
    QObject::connect(state, &ExplorationState::accuracyChanged, window, tryGrab);
    QObject::connect(state, &ExplorationState::accuracySweepChanged, window, tryGrab);
    // A model that fails to load leaves the circuit-only window.
    QObject::connect(state, &ExplorationState::modelLoadFailed, window, tryGrab, Qt::QueuedConnection);
    auto failOnce = [done](const QString& message) {
        if (*done)
            return;
        *done = true;
        fail(message);
    };
    QObject::connect(state, &ExplorationState::failed, window, failOnce);
    QObject::connect(state, &ExplorationState::costSweepFailed, window, failOnce);
    QTimer::singleShot(timeoutMs, window, [failOnce, timeoutMs] {
        failOnce(QStringLiteral("no result after %1 s").arg(timeoutMs / 1000));
    });
}
