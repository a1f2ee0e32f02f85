// Slider-to-redraw latency: the slider's valueChanged drives the state, the
// background evaluator computes the report, the panels redraw on reportReady;
// the clock stops after the panels' handlers ran (they were connected first).
#include "latency.h"

#include "exploration_state.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QSlider>
#include <QTimer>
#include <QWidget>

#include <algorithm>
#include <cstdio>

using namespace axbnn::gui;

namespace {

constexpr int kTimeoutMs = 120'000;

// Runs the event loop until a report for (inputs, lsb) arrives; false on failure or timeout.
bool waitForReport(ExplorationState* state, int inputs, int lsb)
{
    QEventLoop loop;
    bool ok = false;
    const auto matches = [&] {
        const auto r = state->report();
        return r && !state->isBusy() && r->spec.inputs == inputs && r->spec.approx.lsbColumns == lsb;
    };
    if (matches())
        return true;
    QObject::connect(state, &ExplorationState::reportReady, &loop, [&] {
        if (matches()) {
            ok = true;
            loop.quit();
        }
    });
    QObject::connect(state, &ExplorationState::failed, &loop, &QEventLoop::quit);
    QTimer::singleShot(kTimeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return ok;
}

} // namespace

int measureSliderLatency(QWidget* window, ExplorationState* state, const QList<int>& sizes, int repeats)
{
    auto* slider = window->findChild<QSlider*>(QStringLiteral("lsbSlider"));
    if (!slider) {
        std::fprintf(stderr, "axbnn-workbench: no level slider found\n");
        return 1;
    }
    std::printf("slider change -> summary and error plot redrawn (%s, %d changes per N)\n",
                state->spec().approx.faCell.c_str(), repeats);
    state->refresh(); // nothing is computed before the first refresh
    for (const int n : sizes) {
        state->setInputs(n);
        if (!waitForReport(state, n, state->spec().approx.lsbColumns)) {
            std::fprintf(stderr, "axbnn-workbench: no report for N = %d\n", n);
            return 1;
        }
        std::vector<double> ms;
        for (int r = 0; r < repeats; ++r) {
            const int target = slider->value() == 1 ? 2 : 1;
            QElapsedTimer timer;
            timer.start();
            slider->setValue(target);
            if (!waitForReport(state, n, target)) {
                std::fprintf(stderr, "axbnn-workbench: no report for N = %d\n", n);
                return 1;
            }
            ms.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
        }
        std::sort(ms.begin(), ms.end());
        std::printf("N = %5d: median %7.1f ms, min %7.1f ms, max %7.1f ms (%s)\n", n,
                    ms[ms.size() / 2], ms.front(), ms.back(),
                    state->report()->error.precision.c_str());
    }
    std::fflush(stdout);
    return 0;
}
