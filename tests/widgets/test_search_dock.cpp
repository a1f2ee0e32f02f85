// The Search dock (issue 18) against the engine's search: the front it
// shows is runSearch's for the same options, a click on a point loads that
// per-layer design into the workbench (its accuracy and layer costs are
// the design's),
// the controls then edit the selected layer's unit, cancel stops a search,
// the exports are the engine's writers and the report carries the design.
#include "circuit/cost_model.h"
#include "circuit/popcount_builder.h"
#include "explore/evaluate.h"
#include "io/inference_json.h"
#include "report/report_writer.h"
#include "search_dock/search_front_plot.h"
#include "search_dock/search_panel.h"
#include "state/exploration_state.h"
#include "state/session.h"
#include "widget_test_support.h"

#include <QFile>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "plots/customplot.h"

using namespace axbnn;
using namespace axbnn::gui;
using namespace axbnn::gui::test;

namespace {

constexpr int kTimeoutMs = 60'000;

SearchCommand smallCommand()
{
    SearchCommand c;
    c.budget = 5.0;
    c.evaluations = 30;
    c.setup.calibrationLimit = 100;
    c.setup.proxyImages = 200;
    c.setup.threads = 1;
    return c;
}

// The unit inference uses on each layer (nullopt: an exact count; an exact
// circuit counts the same, so it is nullopt here too).
std::vector<std::optional<UnitDesign>> effectiveUnits(const Design& d, const Model& m)
{
    std::vector<std::optional<UnitDesign>> units = modelUnits(d, m);
    for (auto& u : units)
        if (u && u->isExact())
            u.reset();
    return units;
}

} // namespace

class TestSearchDock : public QObject {
    Q_OBJECT

    std::shared_ptr<const LoadedModel> model_ = loadedModel(smallModel(11), "tiny.h5");
    std::shared_ptr<const Dataset> calibration_ =
        std::make_shared<const Dataset>(randomLabelledDataset(model_->model, 300, 21, "calib"));
    std::shared_ptr<const Dataset> test_ =
        std::make_shared<const Dataset>(randomLabelledDataset(model_->model, 400, 22, "test"));
    std::unique_ptr<ExplorationState> state_;
    std::unique_ptr<SearchPanel> panel_;
    int frontEvents_ = 0;

    // The engine's search for the dock's options, on the same images.
    struct Engine {
        std::unique_ptr<SearchSetup> setup;
        EvaluationCache cache;
        std::unique_ptr<SearchProblem> problem;
        SearchResult result;
    };
    std::unique_ptr<Engine> engineSearch(const SearchCommand& c) const
    {
        auto e = std::make_unique<Engine>();
        e->setup = prepareSearch(c.setup, CellLibrary::defaults(), std::shared_ptr<const Model>(model_, &model_->model),
                                 test_, calibration_);
        SearchOptions o;
        o.strategy = parseStrategy(c.strategy);
        o.objective = parseObjective(c.objective);
        o.budgetPoints = c.budget;
        o.limits.evaluations = c.evaluations;
        e->problem = std::make_unique<SearchProblem>(e->setup->space, *e->setup->costs, e->setup->data, o.objective,
                                                     c.budget, o.limits, &e->cache);
        e->result = runSearch(*e->problem, o, e->cache);
        return e;
    }

private Q_SLOTS:
    void initTestCase()
    {
        state_ = std::make_unique<ExplorationState>();
        state_->models()->setDatasets(test_, calibration_);
        state_->setModel(model_);
        panel_ = std::make_unique<SearchPanel>(state_.get());
        panel_->resize(700, 900);
        panel_->show();
        connect(panel_.get(), &SearchPanel::frontChanged, this, [this] { ++frontEvents_; });
        SearchCommand c = smallCommand();
        c.setup.model = model_->path;
        panel_->setCommand(c);
        QSignalSpy finished(panel_.get(), &SearchPanel::searchFinished);
        QVERIFY(panel_->start());
        QVERIFY(finished.wait(kTimeoutMs));
    }

    void frontIsTheEnginesFrontForTheSameOptions()
    {
        const auto snapshot = panel_->snapshot();
        QVERIFY(snapshot && snapshot->final);
        const auto engine = engineSearch(panel_->command());
        const SearchResult& r = engine->result;
        QCOMPARE(snapshot->evaluations, r.evaluations);
        QCOMPARE(snapshot->front.size(), r.front.size());
        QVERIFY(r.front.size() >= 2);
        for (size_t i = 0; i < r.front.size(); ++i) {
            QCOMPARE(snapshot->front[i].order, r.front[i]->order);
            QCOMPARE(snapshot->front[i].proxy, r.front[i]->proxy);
            QCOMPARE(snapshot->front[i].cost.areaUm2, r.front[i]->cost.areaUm2);
            QCOMPARE(snapshot->front[i].layerConfig, searchLayerConfig(*engine->problem, *r.front[i]).dump(2) + "\n");
        }
        QVERIFY(r.chosen);
        QCOMPARE(snapshot->front[static_cast<size_t>(snapshot->chosen)].order, r.chosen->order);
        QCOMPARE(snapshot->frontCsv, searchFrontCsv(*engine->problem, r));
        // Shown: one plot point and one table row per front network; the
        // front was redrawn while it grew.
        QCOMPARE(panel_->frontPlot()->pointCount(), static_cast<int>(r.front.size()));
        QCOMPARE(panel_->table()->rowCount(), static_cast<int>(r.front.size()));
        QVERIFY(frontEvents_ >= 2);
    }

    void clickOnAPointLoadsItsDesign()
    {
        const auto snapshot = panel_->snapshot();
        // The first network with an approximate unit (the verified choice
        // of this small search is an exact design: Wallace trees).
        const auto approximate = std::find_if(snapshot->front.begin(), snapshot->front.end(), [](const auto& f) {
            return std::any_of(f.layers.begin(), f.layers.end(), [](const auto& l) { return !l.exact; });
        });
        QVERIFY(approximate != snapshot->front.end());
        const int index = static_cast<int>(approximate - snapshot->front.begin());
        QSignalSpy loaded(panel_.get(), &SearchPanel::designLoaded);
        QCustomPlot* plot = panel_->frontPlot()->plot();
        plot->replot();
        const QPointF at = panel_->frontPlot()->pointPosition(index) - plot->mapTo(panel_->frontPlot(), QPoint(0, 0));
        QTest::mouseClick(plot, Qt::LeftButton, {}, at.toPoint());
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(loaded.at(0).at(0).toInt(), index);

        // The workbench's design is the search's design.
        const SearchFrontPoint& p = snapshot->front[static_cast<size_t>(index)];
        const auto engine = engineSearch(panel_->command());
        const Evaluated& e = *engine->result.front[static_cast<size_t>(index)];
        const Design searched = engine->problem->designOf(e.units, e.mitigation);
        QCOMPARE(effectiveUnits(state_->design(), model_->model), effectiveUnits(searched, model_->model));
        const std::map<int, UnitDesign> units = state_->layerUnits();
        for (const auto& l : p.layers)
            QVERIFY(units.at(l.layer) == l.unit || (units.at(l.layer).isExact() && l.exact));
        QCOMPARE(state_->mitigation(), QString::fromUtf8(mitigationName(p.mitigation)));
        // The explored circuit is the selected layer's unit.
        const int selected = state_->selectedLayer();
        QVERIFY(units.count(selected));
        QCOMPARE(state_->spec().inputs, model_->model.layers[static_cast<size_t>(selected)].fanIn());

        // The layer table costs each searched layer's own unit.
        QVERIFY(QTest::qWaitFor([&] { return state_->layerCostsAreCurrent(); }, kTimeoutMs));
        const CellLibrary& library = CellLibrary::defaults();
        for (const auto& l : p.layers) {
            const Netlist exact =
                buildPopcount(model_->model.layers[static_cast<size_t>(l.layer)].fanIn(), l.unit.topology, library);
            QCOMPARE((*state_->layerCosts())[static_cast<size_t>(l.layer)].approximate.areaUm2,
                     computeCost(applyApproximation(exact, library, l.unit.approx)).areaUm2);
        }

        // The accuracy shown is the design's on the test set (as verified).
        QVERIFY(QTest::qWaitFor([&] { return state_->accuracyIsFinal(); }, kTimeoutMs));
        QVERIFY(state_->isCurrent(*state_->accuracy()));
        QCOMPARE(state_->accuracy()->correct, engine->problem->testAccuracy(searched).correct);
        if (p.test) // verified by the search
            QCOMPARE(state_->accuracy()->correct, p.test->correct);
    }

    void controlsEditTheSelectedLayersUnit()
    {
        QVERIFY(state_->hasLayerUnits());
        const std::map<int, UnitDesign> before = state_->layerUnits();
        QVERIFY(before.size() >= 2);
        // Another searched layer: its unit becomes the explored circuit.
        int other = -1;
        for (const auto& [layer, unit] : before)
            if (layer != state_->selectedLayer() && isApproximable(model_->model.layers[static_cast<size_t>(layer)]))
                other = layer;
        QVERIFY(other >= 0);
        state_->selectLayer(other);
        QCOMPARE(state_->selectedLayer(), other);
        QCOMPARE(state_->layerUnits(), before);
        const UnitDesign& unit = before.at(other);
        if (unit.circuit) {
            QCOMPARE(state_->spec().topology, unit.topology);
            QCOMPARE(state_->spec().approx.lsbColumns, unit.approx.lsbColumns);
        }
        // A knob now changes that layer only; the report section is dropped.
        QVERIFY(state_->searchReport());
        const int lsb = state_->spec().approx.lsbColumns + 1;
        state_->setLsbColumns(lsb);
        const std::map<int, UnitDesign> after = state_->layerUnits();
        QCOMPARE(after.at(other).approx.lsbColumns, lsb);
        for (const auto& [layer, u] : before)
            if (layer != other)
                QVERIFY(after.at(layer) == u);
        QVERIFY(!state_->searchReport());
        state_->setLsbColumns(lsb - 1); // back to the loaded design
        QVERIFY(state_->searchReport());
    }

    void sessionKeepsThePerLayerDesign()
    {
        QVERIFY(state_->hasLayerUnits());
        // Through the session file's text and back into another workbench.
        const Design session = sessionFromText(sessionJson(captureSession(*state_)).dump(), "session.json");
        ExplorationState other;
        other.models()->setDatasets(test_, calibration_);
        other.setModel(model_);
        other.setDesign(session);
        QCOMPARE(other.layerUnits(), state_->layerUnits());
        QCOMPARE(other.selectedLayer(), state_->selectedLayer());
        QCOMPARE(other.designHash(Aspect::Accuracy), state_->designHash(Aspect::Accuracy));
        QCOMPARE(other.designHash(Aspect::LayerCosts), state_->designHash(Aspect::LayerCosts));
    }

    void reportSectionHasTheLayersAndTheCommands()
    {
        const auto section = state_->searchReport();
        QVERIFY(section);
        const SearchFrontPoint& p = panel_->snapshot()->front[static_cast<size_t>(panel_->loadedPoint())];
        ReportData data;
        data.request.search = *section;
        data.circuit = std::make_shared<const CircuitReport>();
        const QString html = reportHtml(data, {});
        QVERIFY(html.contains(QStringLiteral("Per-layer design (search)")));
        for (const auto& l : p.layers) {
            QVERIFY(html.contains(QStringLiteral("<td>%1</td><td>%2</td>")
                                      .arg(QString::fromStdString(l.name), QString::fromStdString(l.text))));
        }
        QVERIFY(html.contains(QString::fromStdString(searchCommandLine([&] {
                                  SearchCommand c = panel_->command();
                                  c.out = "design.json";
                                  return c;
                              }()))
                                  .toHtmlEscaped()));
        QVERIFY(html.contains(QStringLiteral("axbnn eval --model tiny.h5 --config design.json")));
        QVERIFY(html.contains(QStringLiteral("<td>proxy (calibration images)</td><td>%1</td><td>%2</td>")
                                  .arg(100.0 * p.proxy.accuracy(), 0, 'f', 2)
                                  .arg(100.0 * panel_->snapshot()->exactProxy, 0, 'f', 2)));
    }

    void exportsAreTheEnginesFiles()
    {
        QTemporaryDir dir;
        const QString design = dir.filePath(QStringLiteral("design.json"));
        QVERIFY(panel_->exportDesign(design));
        QFile f(design);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const InferenceConfig config =
            parseLayerConfig(f.readAll().toStdString(), "design.json", model_->model, CellLibrary::defaults());
        const SearchFrontPoint& p = panel_->snapshot()->front[static_cast<size_t>(panel_->loadedPoint())];
        const std::map<int, UnitDesign> units = layerUnitsOf(config);
        for (const auto& l : p.layers)
            QVERIFY(units.at(l.layer) == l.unit);
        // The report's eval command now names the written file.
        QVERIFY(state_->searchReport());
        QVERIFY(state_->searchReport()->evalCommand.find(design.toStdString()) != std::string::npos);
        const QString front = dir.filePath(QStringLiteral("front.csv"));
        QVERIFY(panel_->exportFront(front));
        QFile csv(front);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().toStdString(), panel_->snapshot()->frontCsv);
        QVERIFY(!panel_->exportFront(dir.filePath(QStringLiteral("missing/front.csv"))));
        QVERIFY(!panel_->lastError().isEmpty());
    }

    void cancelStopsTheSearch()
    {
        SearchCommand c = smallCommand();
        c.evaluations = 100000;
        c.strategy = "random"; // never ends by itself before the limit
        panel_->setCommand(c);
        QSignalSpy front(panel_.get(), &SearchPanel::frontChanged);
        QSignalSpy finished(panel_.get(), &SearchPanel::searchFinished);
        QVERIFY(panel_->start());
        QVERIFY(panel_->isRunning());
        QVERIFY(front.wait(kTimeoutMs));
        panel_->cancel();
        QVERIFY(finished.wait(kTimeoutMs));
        QVERIFY(!panel_->isRunning());
        const auto s = panel_->snapshot();
        QVERIFY(s->final);
        QVERIFY(s->stop == SearchStop::Cancelled);
        QVERIFY(s->evaluations < c.evaluations);
        QVERIFY(!s->front.empty()); // what was found stays
    }

    void startWithoutAModelSaysSo()
    {
        ExplorationState empty;
        SearchPanel panel(&empty);
        QVERIFY(!panel.start());
        QVERIFY(panel.lastError().contains(QStringLiteral("Open a model")));
    }

    void cleanupTestCase()
    {
        panel_.reset();
        state_.reset();
    }
};

QTEST_MAIN(TestSearchDock)
#include "test_search_dock.moc"
