// Waits for the first circuit report and cost sweep (and, with a model, its
// full accuracy and level sweep: state/first_results.h), then grabs the window.
#include "screenshot.h"

#include "state/exploration_state.h"
#include "state/first_results.h"

#include <QApplication>
#include <QBuffer>
#include <QPixmap>
#include <QSaveFile>
#include <QTimer>
#include <QWidget>

#include <cstdio>

using namespace axbnn::gui;

namespace {

void failScreenshot(const QString& message)
{
    exitScreenshotFailed("screenshot", message);
}

} // namespace

void exitScreenshotFailed(const char* what, const QString& message)
{
    std::fprintf(stderr, "axbnn-workbench: %s failed: %s\n", what, qPrintable(message));
    QApplication::exit(1);
}

bool writeWidgetPng(QWidget* widget, const QString& path, QString* error)
{
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (!widget->grab().save(&buffer, "PNG")) {
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

void scheduleScreenshot(QWidget* window, ExplorationState* state, const QString& path, int timeoutMs)
{
    auto* watcher = new FirstResultsWatcher(state, window);
    QObject::connect(watcher, &FirstResultsWatcher::ready, window, [window, path] {
        // Let the panels' replots and layout settle before grabbing.
        QTimer::singleShot(100, window, [window, path] {
            QString error;
            if (!writeWidgetPng(window, path, &error))
                return failScreenshot(error);
            std::printf("wrote %s\n", qPrintable(path));
            QApplication::exit(0);
        });
    });
    // An engine error (a model the data does not fit included) ends the wait at once.
    QObject::connect(watcher, &FirstResultsWatcher::failed, window,
                     [](const QString& message) { failScreenshot(message); });
    QTimer::singleShot(timeoutMs, watcher, [watcher, timeoutMs] {
        if (!watcher->isDone())
            failScreenshot(QStringLiteral("no result after %1 s").arg(timeoutMs / 1000));
    });
}
