// Background evaluation of one circuit specification at a time.
#include "state/circuit_evaluator.h"

#include "state/latency_trace.h"

#include "circuit/popcount_builder.h"

#include <QThread>

#include "io/netlist_import.h"
#include <algorithm>
#include <mutex>
#include <vector>

namespace axbnn::gui {

// The exact netlists of the last few (N, topology) for one library; shared
// with the jobs, hence locked.
class ExactNetlistCache {
public:
    std::shared_ptr<const Netlist> get(int inputs, Topology topology, const CellLibrary& library);

private:
    struct Entry {
        int inputs;
        Topology topology;
        std::shared_ptr<const Netlist> exact;
    };
    static constexpr size_t kSize = 2;
    std::mutex mutex_;
    std::vector<Entry> entries_; // most recent last
};

// The newest built-circuit report, whose cost and error a knob change that
// alters no cell can reuse (evaluateCircuit with `previous`).
class LastReport {
public:
    std::shared_ptr<const CircuitReport> get()
    {
        const std::lock_guard lock(mutex_);
        return report_;
    }
    void set(std::shared_ptr<const CircuitReport> report)
    {
        const std::lock_guard lock(mutex_);
        report_ = std::move(report);
    }

private:
    std::mutex mutex_;
    std::shared_ptr<const CircuitReport> report_;
};

CircuitEvaluator::CircuitEvaluator(std::shared_ptr<const CellLibrary> library, QObject* parent)
    : QObject(parent), library_(std::move(library)), cache_(std::make_shared<ExactNetlistCache>()),
      last_(std::make_shared<LastReport>()), runner_(this,
                                                     {[this](auto report) { Q_EMIT reportReady(*report); },
                                                      [this](const QString& message) { Q_EMIT failed(message); },
                                                      [this](bool busy) { Q_EMIT busyChanged(busy); }}),
      importer_(this,
                {[this](auto report) { Q_EMIT netlistImported(std::move(report)); },
                 [this](const QString& message) { Q_EMIT importFailed(importing_, message); },
                 {}})
{}

void CircuitEvaluator::evaluate(const CircuitSpec& spec)
{
    // The job owns a copy of the spec and shares the immutable library.
    // The Monte Carlo and the energy simulation (run beside each other) use
    // every core: the results do not depend on the thread counts, and the
    // sweep waits for this report.
    CircuitSpec job = spec;
    job.error.threads = job.cost.threads = std::max(1, QThread::idealThreadCount());
    runner_.submit([spec = std::move(job), library = library_, cache = cache_, last = last_] {
        trace::mark("report job start");
        const std::shared_ptr<const CircuitReport> previous = last->get();
        const std::shared_ptr<const Netlist> exact = cache->get(spec.inputs, spec.topology, *library);
        trace::mark("report exact netlist");
        auto report = std::make_shared<const CircuitReport>(evaluateCircuit(spec, *library, *exact, previous.get()));
        trace::mark("report evaluated");
        last->set(report);
        return report; // shared, not copied (two netlists of up to 30,000 cells)
    });
}

std::shared_ptr<const Netlist> ExactNetlistCache::get(int inputs, Topology topology, const CellLibrary& library)
{
    {
        const std::lock_guard lock(mutex_);
        for (const Entry& e : entries_)
            if (e.inputs == inputs && e.topology == topology)
                return e.exact;
    }
    // Built outside the lock; throws for bad sizes like evaluateCircuit.
    auto exact = std::make_shared<const Netlist>(buildPopcount(inputs, topology, library));
    const std::lock_guard lock(mutex_);
    if (entries_.size() >= kSize)
        entries_.erase(entries_.begin());
    entries_.push_back({inputs, topology, exact});
    return exact;
}

void CircuitEvaluator::evaluateNetlist(std::shared_ptr<const Netlist> netlist, const CircuitSpec& spec,
                                       const QString& source)
{
    runner_.submit([netlist = std::move(netlist), spec, library = library_, source = source.toStdString()] {
        return std::make_shared<const CircuitReport>(axbnn::evaluateNetlist(*netlist, spec, library->source(), source));
    });
}

void CircuitEvaluator::importNetlist(const QString& path, const CircuitSpec& spec)
{
    importing_ = path;
    importer_.submit([path = path.toStdString(), spec, library = library_] {
        const Netlist netlist = importNetlistFile(path, library.get());
        return axbnn::evaluateNetlist(netlist, spec, library->source(), path);
    });
}

} // namespace axbnn::gui
