// Drives the Search dock through a short search and grabs it.
#include "search_screenshot.h"

#include "main_window.h"
#include "screenshot.h"
#include "search_dock/search_panel.h"
#include "state/exploration_state.h"

#include <QApplication>
#include <QDockWidget>
#include <QTimer>

#include <cstdio>
#include <memory>

using namespace axbnn::gui;

namespace {

void failSearchScreenshot(const QString& message)
{
    exitScreenshotFailed("search screenshot", message);
}

} // namespace

void scheduleSearchScreenshot(MainWindow* window, ExplorationState* state, const QString& path, int timeoutMs)
{
    SearchPanel* panel = window->search();
    QDockWidget* dock = window->searchDock();
    dock->setFloating(true);
    dock->resize(760, 940);
    dock->show();
    auto started = std::make_shared<bool>(false);
    const auto begin = [state, panel, started] {
        if (*started || !state->model())
            return;
        *started = true;
        axbnn::SearchCommand c = panel->command();
        c.budget = 1.0;
        c.evaluations = 40;
        c.setup.calibrationLimit = 500;
        c.setup.proxyImages = 500;
        c.setup.limit = 2000;
        c.setup.threads = 1; // a shared machine: one inference thread
        panel->setCommand(c);
        if (!panel->start())
            failSearchScreenshot(panel->lastError());
    };
    QObject::connect(state, &ExplorationState::modelChanged, panel, begin);
    QObject::connect(state, &ExplorationState::modelLoadFailed, panel,
                     [](const QString&, const QString& message) { failSearchScreenshot(message); });
    QObject::connect(panel, &SearchPanel::searchFailed, panel,
                     [](const QString& message) { failSearchScreenshot(message); });
    QObject::connect(panel, &SearchPanel::searchFinished, panel, [panel, dock, path] {
        const auto s = panel->snapshot();
        if (s->chosen < 0)
            return failSearchScreenshot(QStringLiteral("no design met the budget: %1").arg(panel->statusText()));
        panel->loadPoint(s->chosen);
        QTimer::singleShot(300, dock, [panel, dock, path, s] {
            QString error;
            if (!writeWidgetPng(dock, path, &error))
                return failSearchScreenshot(error);
            const auto& p = s->front[static_cast<size_t>(s->chosen)];
            std::printf("%d evaluations in %.1f s; chosen #%d: area %.1f um^2 (exact %.1f), test accuracy %.4f "
                        "(exact %.4f)\nwrote %s\n",
                        s->evaluations, s->seconds, p.order, p.cost.areaUm2, s->exactCost.areaUm2, p.test->accuracy(),
                        s->exactTest.accuracy(), qPrintable(path));
            QApplication::exit(0);
        });
    });
    QTimer::singleShot(timeoutMs, panel, [timeoutMs] {
        failSearchScreenshot(QStringLiteral("no result after %1 s").arg(timeoutMs / 1000));
    });
    QTimer::singleShot(0, panel, begin); // the model may be loaded already
}
