// Setters of the exploration state and the routing of results to panels.
#include "exploration_state.h"

#include "circuit_evaluator.h"
#include "cost_sweep_evaluator.h"

namespace axbnn::gui {
namespace {

// The cost sweep varies N, where cell ids of the current circuit mean nothing.
ApproxConfig knobsOnly(ApproxConfig approx)
{
    approx.extraCells.clear();
    approx.exactCells.clear();
    return approx;
}

} // namespace

ExplorationState::ExplorationState(QObject* parent)
    : ExplorationState(CircuitSpec{}, CellLibrary::defaults(), parent)
{
}

ExplorationState::ExplorationState(CircuitSpec initial, CellLibrary library, QObject* parent)
    : QObject(parent),
      library_(std::make_shared<const CellLibrary>(std::move(library))),
      spec_(std::move(initial)),
      evaluator_(new CircuitEvaluator(library_, this)),
      sweepEvaluator_(new CostSweepEvaluator(library_, this))
{
    connect(evaluator_, &CircuitEvaluator::busyChanged, this, &ExplorationState::busyChanged);
    connect(evaluator_, &CircuitEvaluator::reportReady, this, [this](auto report) {
        report_ = report;
        emit reportReady(report);
    });
    connect(evaluator_, &CircuitEvaluator::failed, this, [this](const QString& message) {
        report_.reset();
        emit failed(message);
    });

    connect(sweepEvaluator_, &CostSweepEvaluator::busyChanged, this,
            &ExplorationState::costSweepBusyChanged);
    connect(sweepEvaluator_, &CostSweepEvaluator::sweepReady, this, [this](auto sweep) {
        costSweep_ = sweep;
        emit costSweepReady(sweep);
    });
    connect(sweepEvaluator_, &CostSweepEvaluator::failed, this, [this](const QString& message) {
        costSweep_.reset();
        emit costSweepFailed(message);
    });
}

ExplorationState::~ExplorationState() = default;

bool ExplorationState::isBusy() const { return evaluator_->isBusy(); }
bool ExplorationState::isCostSweepBusy() const { return sweepEvaluator_->isBusy(); }

void ExplorationState::setInputs(int inputs)
{
    if (inputs == spec_.inputs)
        return;
    spec_.inputs = inputs;
    // Cell ids name cells of one netlist; a new circuit starts from the knobs.
    spec_.approx.extraCells.clear();
    spec_.approx.exactCells.clear();
    commit(Affects::Report);
}

void ExplorationState::setTopology(Topology topology)
{
    if (topology == spec_.topology)
        return;
    spec_.topology = topology;
    spec_.approx.extraCells.clear();
    spec_.approx.exactCells.clear();
    commit(Affects::ReportAndSweep);
}

void ExplorationState::setFaCell(const QString& cell)
{
    const std::string name = cell.toStdString();
    if (name == spec_.approx.faCell)
        return;
    spec_.approx.faCell = name;
    commit(Affects::ReportAndSweep);
}

void ExplorationState::setLsbColumns(int columns)
{
    if (columns == spec_.approx.lsbColumns)
        return;
    spec_.approx.lsbColumns = columns;
    commit(Affects::ReportAndSweep);
}

void ExplorationState::setLevels(int levels)
{
    if (levels == spec_.approx.levels)
        return;
    spec_.approx.levels = levels;
    commit(Affects::ReportAndSweep);
}

void ExplorationState::setP(double p)
{
    if (p == spec_.p)
        return;
    spec_.p = p;
    commit(Affects::Report);
}

void ExplorationState::toggleCell(int cellId)
{
    // The knobs' selection depends only on a cell's column and level, which
    // the latest report's exact netlist holds when it is for this N and topology.
    if (!report_ || report_->spec.inputs != spec_.inputs || report_->spec.topology != spec_.topology ||
        cellId < 0 || cellId >= static_cast<int>(report_->exact.cells.size()))
        return;
    spec_.approx = axbnn::toggleCell(report_->exact, cellId, spec_.approx);
    commit(Affects::Report);
}

void ExplorationState::refresh()
{
    evaluator_->evaluate(spec_);
    sweepEvaluator_->evaluate(spec_.topology, knobsOnly(spec_.approx));
}

void ExplorationState::commit(Affects affects)
{
    emit changed();
    evaluator_->evaluate(spec_);
    if (affects == Affects::ReportAndSweep)
        sweepEvaluator_->evaluate(spec_.topology, knobsOnly(spec_.approx));
}

} // namespace axbnn::gui
