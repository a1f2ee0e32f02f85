// Slider-to-paint latency: the slider's valueChanged drives the state, the
// background evaluator computes the report, the panels (summary, error plot,
// circuit colours) update on reportReady and the window is then painted
// synchronously; the clock stops when that paint returns.
#include "latency.h"

#include "circuit_view/circuit_view.h"
#include "state/exploration_state.h"
#include "state/latency_trace.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QSlider>
#include <QTimer>
#include <QWidget>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <string>

using namespace axbnn::gui;

namespace {

constexpr int kTimeoutMs = 120'000;

// Runs the event loop until `done()` holds (checked on every posted event
// batch and every 2 ms); false on timeout.
bool waitUntil(const std::function<bool()>& done)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > kTimeoutMs)
            return false;
        QEventLoop loop;
        QTimer::singleShot(2, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

// Runs the event loop until a report for (inputs, topology, lsb) arrives;
// false on failure or timeout. Connected after the panels, so their
// reportReady handlers have run when this returns true.
bool waitForReport(ExplorationState* state, int inputs, axbnn::Topology topology, int lsb)
{
    QEventLoop loop;
    bool ok = false;
    const auto matches = [&] {
        const auto r = state->report();
        return r && !state->isBusy() && r->spec.inputs == inputs && r->spec.topology == topology
            && r->spec.approx.lsbColumns == lsb;
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

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Offsets (ms after the slider change) of the trace marks of every change,
// by label in the order the labels first appeared.
class StageTimes {
public:
    void add(const std::vector<trace::Mark>& marks, trace::Clock::time_point start)
    {
        std::map<std::string, bool> seen; // first mark of a label per change
        for (const trace::Mark& m : marks) {
            if (seen[m.label])
                continue;
            seen[m.label] = true;
            if (std::find(order_.begin(), order_.end(), m.label) == order_.end())
                order_.push_back(m.label);
            offsets_[m.label].push_back(std::chrono::duration<double, std::milli>(m.at - start).count());
        }
    }
    void print() const
    {
        for (const std::string& label : order_) {
            const std::vector<double>& v = offsets_.at(label);
            std::printf("    %-22s %6.1f ms median %6.1f ms max (%zu changes)\n", label.c_str(), median(v),
                        *std::max_element(v.begin(), v.end()), v.size());
        }
    }

private:
    std::vector<std::string> order_;
    std::map<std::string, std::vector<double>> offsets_;
};

} // namespace

int measureSliderLatency(QWidget* window, ExplorationState* state, const QList<int>& sizes, int repeats, bool verbose)
{
    trace::enable(verbose);
    auto* slider = window->findChild<QSlider*>(QStringLiteral("lsbSlider"));
    auto* circuit = window->findChild<CircuitView*>();
    if (!slider || !circuit) {
        std::fprintf(stderr, "axbnn-workbench: no level slider or circuit view found\n");
        return 1;
    }
    std::printf("slider change -> summary, error plot and circuit colours painted (%s, p = %g, %d changes)\n",
                state->spec().approx.faCell.c_str(), state->spec().p, repeats);
    std::printf("%-11s %5s  %8s %8s %8s   %s\n", "topology", "N", "median", "max", "paint", "error analysis");
    state->refresh(); // nothing is computed before the first refresh
    // Quiet: no circuit, sweep, layout or contribution job is still running.
    const auto quiet = [&] { return !state->isBusy() && !state->isCostSweepBusy() && !circuit->isBusy(); };
    for (const axbnn::Topology topology :
         {axbnn::Topology::AdderTree, axbnn::Topology::Wallace, axbnn::Topology::Dadda, axbnn::Topology::Chain}) {
        state->setTopology(topology);
        for (const int n : sizes) {
            state->setInputs(n);
            // The scene for this structure is laid out once, before timing.
            const auto sceneReady = [&] {
                const auto* layout = circuit->layout();
                const auto r = state->report();
                return quiet() && r && r->spec.inputs == n && r->spec.topology == topology && layout
                    && layout->cells.size() == r->netlist.cells.size() && circuit->report() == r;
            };
            if (!waitUntil(sceneReady)) {
                std::fprintf(stderr, "axbnn-workbench: no circuit for N = %d\n", n);
                return 1;
            }
            std::vector<double> total, paint;
            StageTimes stages;
            for (int r = 0; r < repeats; ++r) {
                const int target = slider->value() == 1 ? 2 : 1;
                trace::take(); // marks of earlier work are not this change's
                const trace::Clock::time_point start = trace::Clock::now();
                QElapsedTimer timer;
                timer.start();
                slider->setValue(target);
                if (!waitForReport(state, n, topology, target)) {
                    std::fprintf(stderr, "axbnn-workbench: no report for N = %d\n", n);
                    return 1;
                }
                const qint64 updated = timer.nsecsElapsed();
                window->repaint(); // paints every visible panel now, the circuit view included
                trace::mark("painted");
                total.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e6);
                paint.push_back(static_cast<double>(timer.nsecsElapsed() - updated) / 1e6);
                // Let this change's background work (cost sweep, contributions)
                // finish, so that each change starts from an idle window.
                if (!waitUntil(quiet)) {
                    std::fprintf(stderr, "axbnn-workbench: background work did not finish\n");
                    return 1;
                }
                stages.add(trace::take(), start);
            }
            const std::string method = state->report()->error.precision.substr(0, 40);
            std::printf("%-11s %5d  %5.1f ms %5.1f ms %5.1f ms   %s\n", topologyName(topology).c_str(), n,
                        median(total), *std::max_element(total.begin(), total.end()), median(paint), method.c_str());
            if (verbose)
                stages.print();
            std::fflush(stdout);
        }
    }
    return 0;
}
