// Evaluates circuit specifications (netlist, cost, error statistics) off the
// GUI thread and announces only the result for the newest specification.
#pragma once

#include "state/latest_only_runner.h"

#include "analysis/circuit_report.h"
#include "circuit/cell_library.h"

#include <QObject>

#include <memory>

namespace axbnn::gui {

class ExactNetlistCache;
class LastReport;

class CircuitEvaluator : public QObject {
    Q_OBJECT

public:
    explicit CircuitEvaluator(std::shared_ptr<const CellLibrary> library, QObject* parent = nullptr);

    // Starts (or queues) evaluateCircuit(spec); supersedes earlier requests.
    void evaluate(const CircuitSpec& spec);
    // Costs and analyses a given (imported) netlist for spec's p and error
    // options; supersedes earlier evaluate() requests like evaluate() does.
    void evaluateNetlist(std::shared_ptr<const Netlist> netlist, const CircuitSpec& spec, const QString& source);
    // Reads a netlist file (Verilog or Yosys JSON) and evaluates it, apart
    // from evaluate(): a failure is reported by importFailed() and leaves
    // the latest report alone.
    void importNetlist(const QString& path, const CircuitSpec& spec);
    bool isBusy() const { return runner_.isBusy(); }
    bool isImporting() const { return importer_.isBusy(); }
    int droppedCount() const { return runner_.droppedCount(); }

Q_SIGNALS:
    void reportReady(std::shared_ptr<const axbnn::CircuitReport> report);
    void failed(const QString& message);
    void busyChanged(bool busy);
    void netlistImported(std::shared_ptr<const axbnn::CircuitReport> report);
    void importFailed(const QString& path, const QString& message);

private:
    std::shared_ptr<const CellLibrary> library_;
    // The exact netlists of the latest structures: a level change rebuilds nothing.
    std::shared_ptr<ExactNetlistCache> cache_;
    std::shared_ptr<LastReport> last_;
    // Results as shared pointers: the job's report reaches the panels uncopied.
    LatestOnlyRunner<std::shared_ptr<const CircuitReport>> runner_;
    LatestOnlyRunner<CircuitReport> importer_;
    QString importing_;
};

} // namespace axbnn::gui
