// The circuit view: layout invariants, items and wires against the netlist,
// colours following the ApproxConfig, click-to-toggle, level-of-detail
// grouping and export (run with QT_QPA_PLATFORM=offscreen).
#include "circuit_view/circuit_graphics_view.h"
#include "circuit_view/circuit_layout.h"
#include "circuit_view/circuit_legend.h"
#include "circuit_view/circuit_scene.h"
#include "circuit_view/circuit_view.h"
#include "state/exploration_state.h"

#include "circuit/popcount_builder.h"

#include <QLabel>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <algorithm>
#include <memory>
#include <set>

using namespace axbnn;
using namespace axbnn::gui;

Q_DECLARE_METATYPE(axbnn::Topology)

namespace {

constexpr int kTimeoutMs = 60'000;

// The parts of a report the view reads, without the (slow) error analysis.
std::shared_ptr<const CircuitReport> makeReport(int n, Topology topology, const ApproxConfig& approx = {})
{
    static const CellLibrary library = CellLibrary::defaults();
    auto report = std::make_shared<CircuitReport>();
    report->spec.inputs = n;
    report->spec.topology = topology;
    report->spec.approx = approx;
    report->exact = buildPopcount(n, topology, library);
    report->netlist = applyApproximation(report->exact, library, approx);
    return report;
}

bool showReport(CircuitView& view, std::shared_ptr<const CircuitReport> report)
{
    QSignalSpy ready(&view, &CircuitView::sceneReady);
    view.setReport(std::move(report));
    return ready.wait(kTimeoutMs);
}

bool isInputSignal(const Netlist& net, Signal s)
{
    return s >= kFirstInput && s < kFirstInput + static_cast<Signal>(net.inputs);
}

bool overlaps(const LayoutRect& a, const LayoutRect& b)
{
    return a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom();
}

void addTopologyRows(std::initializer_list<int> sizes)
{
    QTest::addColumn<int>("n");
    QTest::addColumn<Topology>("topology");
    for (int n : sizes)
        for (Topology t : {Topology::AdderTree, Topology::Wallace, Topology::Dadda, Topology::Chain})
            QTest::addRow("%s-%d", topologyName(t).c_str(), n) << n << t;
}

} // namespace

class TestCircuitView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void layoutPlacesEveryCellOnceInOrder_data() { addTopologyRows({1, 2, 9, 64, 576}); }
    void layoutPlacesEveryCellOnceInOrder()
    {
        QFETCH(int, n);
        QFETCH(Topology, topology);
        const Netlist net = buildPopcount(n, topology, CellLibrary::defaults());
        const CircuitLayout layout = layoutCircuit(net);
        QCOMPARE(layout.cells.size(), net.cells.size());
        // No two cells share space (so each is drawn once, where it can be seen).
        std::vector<int> order(net.cells.size());
        for (size_t i = 0; i < order.size(); ++i)
            order[i] = static_cast<int>(i);
        std::sort(order.begin(), order.end(), [&](int a, int b) {
            return std::pair(layout.cells[a].y, layout.cells[a].x) < std::pair(layout.cells[b].y, layout.cells[b].x);
        });
        for (size_t k = 0; k < order.size(); ++k) {
            QVERIFY(layout.cells[order[k]].w > 0);
            if (k > 0)
                QVERIFY2(!overlaps(layout.cells[order[k - 1]], layout.cells[order[k]]),
                         qPrintable(QStringLiteral("cells %1 and %2 overlap").arg(order[k - 1]).arg(order[k])));
        }
        // Rows follow levels; a cell that feeds another is above it, or (a
        // carry within a row) to its right, since bit weight grows leftwards.
        for (size_t i = 0; i < net.cells.size(); ++i)
            for (size_t j = 0; j < net.cells.size(); ++j)
                if (net.cells[i].level < net.cells[j].level)
                    QVERIFY(layout.cells[i].y < layout.cells[j].y);
        for (const LayoutWire& w : layout.wires) {
            if (w.fromCell < 0 || w.toCell < 0)
                continue;
            const LayoutRect& from = layout.cells[w.fromCell];
            const LayoutRect& to = layout.cells[w.toCell];
            QVERIFY(from.y < to.y || (from.y == to.y && from.x > to.x && w.carry));
        }
        // Inside one adder node, a higher column is further left.
        for (size_t i = 0; i < net.cells.size(); ++i)
            for (size_t j = 0; j < net.cells.size(); ++j)
                if (net.cells[i].node >= 0 && net.cells[i].node == net.cells[j].node
                    && net.cells[i].column < net.cells[j].column)
                    QVERIFY(layout.cells[i].x > layout.cells[j].x);
        // Groups cover every cell exactly once.
        std::vector<int> covered(net.cells.size(), 0);
        for (const LayoutGroup& g : layout.groups)
            for (int id : g.cells)
                ++covered[id];
        QVERIFY(std::all_of(covered.begin(), covered.end(), [](int c) { return c == 1; }));
        QCOMPARE(static_cast<int>(layout.outputs.size()), net.outputBits());
    }

    void itemsAndWiresMatchTheNetlist_data() { addTopologyRows({9, 100}); }
    void itemsAndWiresMatchTheNetlist()
    {
        QFETCH(int, n);
        QFETCH(Topology, topology);
        const auto report = makeReport(n, topology);
        const Netlist& net = report->netlist;
        int pinWires = 0, inputPins = 0, constantPins = 0;
        for (const CellInstance& c : net.cells)
            for (int pin = 0; pin < net.typeOf(c).inputs; ++pin) {
                const Signal s = c.in[pin];
                if (s == kConst0 || s == kConst1)
                    ++constantPins;
                else
                    ++pinWires;
                inputPins += isInputSignal(net, s) ? 1 : 0;
            }
        int outputWires = 0;
        for (Signal s : net.outputs)
            outputWires += s == kConst0 || s == kConst1 ? 0 : 1;
        CircuitView view;
        QVERIFY(showReport(view, report));
        const CircuitScene* scene = view.circuitScene();
        QCOMPARE(scene->cellCount(), static_cast<int>(net.cells.size()));
        int cellItems = 0;
        for (const QGraphicsItem* item : scene->items())
            cellItems += item->type() == CellItem::Type ? 1 : 0;
        QCOMPARE(cellItems, static_cast<int>(net.cells.size()));
        QCOMPARE(scene->wireCount(), pinWires + outputWires);
        QCOMPARE(static_cast<int>(view.layout()->wires.size()), pinWires + outputWires);
        QCOMPARE(view.layout()->constantPins, constantPins);
        QCOMPARE(static_cast<int>(view.layout()->inputs.size()), inputPins);
        for (int id = 0; id < scene->cellCount(); ++id)
            QCOMPARE(scene->cellItem(id)->look().label, QString::fromStdString(net.typeOf(net.cells[id]).name));
    }

    void colourFollowsTheApproxConfig()
    {
        ApproxConfig config;
        config.lsbColumns = 1;
        auto report = makeReport(64, Topology::AdderTree, config);
        CircuitView view;
        QVERIFY(showReport(view, report));
        auto colours = [&] {
            std::vector<QColor> out;
            for (int id = 0; id < view.circuitScene()->cellCount(); ++id)
                out.push_back(view.circuitScene()->cellItem(id)->look().fill);
            return out;
        };
        const std::vector<QColor> before = colours();
        int approximate = 0;
        for (size_t i = 0; i < before.size(); ++i) {
            const bool isApprox = report->netlist.isApproximate(report->netlist.cells[i]);
            QCOMPARE(before[i] == CircuitPalette::approximate(), isApprox);
            approximate += isApprox ? 1 : 0;
        }
        QVERIFY(approximate > 0);

        // Toggle three cells by hand: exactly those change colour, and at once
        // (same structure: no new layout).
        std::set<int> toggled;
        ApproxConfig changed = config;
        for (int i = 0; i < static_cast<int>(report->exact.cells.size()) && toggled.size() < 3; ++i)
            if (report->exact.typeOf(report->exact.cells[i]).name == "fa") {
                changed = toggleCell(report->exact, i, changed);
                toggled.insert(i);
            }
        QVERIFY(toggled.size() == 3);
        QSignalSpy rebuilt(&view, &CircuitView::sceneReady);
        view.setReport(makeReport(64, Topology::AdderTree, changed));
        const std::vector<QColor> after = colours();
        QCOMPARE(rebuilt.count(), 0);
        for (size_t i = 0; i < after.size(); ++i)
            QCOMPARE(after[i] != before[i], toggled.count(static_cast<int>(i)) == 1);
    }

    // A level change of the same structure recolours the existing items:
    // no new layout, the same item objects, and exactly the cells whose kind
    // changed get a new look (and a repaint).
    void levelChangeRecoloursWithoutRebuilding()
    {
        ApproxConfig one;
        one.lsbColumns = 1;
        ApproxConfig two = one;
        two.lsbColumns = 2;
        const auto first = makeReport(576, Topology::Wallace, one);
        const auto second = makeReport(576, Topology::Wallace, two);
        CircuitView view;
        view.resize(800, 500);
        view.show();
        QVERIFY(showReport(view, first));
        CircuitScene* scene = view.circuitScene();
        std::vector<CellItem*> items;
        for (int id = 0; id < scene->cellCount(); ++id)
            items.push_back(scene->cellItem(id));
        const int itemCount = static_cast<int>(scene->items().size());

        QSignalSpy rebuilt(&view, &CircuitView::sceneReady);
        view.setReport(second);
        QCOMPARE(rebuilt.count(), 0);
        QCOMPARE(static_cast<int>(scene->items().size()), itemCount);
        int kindChanged = 0;
        for (int id = 0; id < scene->cellCount(); ++id) {
            QCOMPARE(scene->cellItem(id), items[static_cast<size_t>(id)]);
            const bool approx = second->netlist.isApproximate(second->netlist.cells[id]);
            QCOMPARE(scene->cellItem(id)->look().approximate, approx);
            kindChanged += approx != first->netlist.isApproximate(first->netlist.cells[id]) ? 1 : 0;
        }
        QVERIFY(kindChanged > 0);

        // The scene reports how many looks changed: the same looks change none.
        std::vector<CellLook> looks;
        for (int id = 0; id < scene->cellCount(); ++id)
            looks.push_back(scene->cellItem(id)->look());
        QCOMPARE(scene->setLooks(looks), 0);
        looks[3].fill = Qt::magenta;
        looks[7].approximate = !looks[7].approximate;
        QCOMPARE(scene->setLooks(looks), 2);
    }

    // A report with the same cell kinds as the one shown (a knob that changed
    // no cell) keeps the scene's looks; any other report, and the way back
    // from contribution colours, recolours every cell that differs.
    void unchangedCellsKeepTheirLooksAndChangesStillShow()
    {
        ApproxConfig one;
        one.haCell = "or-ha"; // the chain has half adders only
        one.lsbColumns = 1;
        ApproxConfig same = one;
        same.faCell = "maj"; // no full adder to replace: the same cells
        ApproxConfig three = one;
        three.lsbColumns = 3;
        const auto first = makeReport(64, Topology::Chain, one);
        const auto unchanged = makeReport(64, Topology::Chain, same);
        const auto changed = makeReport(64, Topology::Chain, three);
        CircuitView view;
        QVERIFY(showReport(view, first));
        CircuitScene* scene = view.circuitScene();
        const auto approximateLooks = [&](const Netlist& net) {
            for (int id = 0; id < scene->cellCount(); ++id) {
                const bool approx = net.isApproximate(net.cells[static_cast<size_t>(id)]);
                const CellLook& look = scene->cellItem(id)->look();
                if (look.approximate != approx || (approx && look.fill != CircuitPalette::approximate())
                    || look.label != QString::fromStdString(net.typeOf(net.cells[static_cast<size_t>(id)]).name))
                    return false;
            }
            return true;
        };
        QVERIFY(approximateLooks(first->netlist));
        view.setReport(unchanged);
        QCOMPARE(view.report(), unchanged);
        QVERIFY(approximateLooks(unchanged->netlist));
        QVERIFY(changed->netlist.approximateCellCount() > first->netlist.approximateCellCount());
        view.setReport(changed);
        QVERIFY(approximateLooks(changed->netlist));
        view.setColourMode(CircuitView::ColourMode::ErrorContribution);
        view.setColourMode(CircuitView::ColourMode::Approximation);
        QVERIFY(approximateLooks(changed->netlist));
        view.setReport(first);
        QVERIFY(approximateLooks(first->netlist));
    }

    void errorContributionModeColoursByContribution()
    {
        ApproxConfig config;
        config.lsbColumns = 2;
        CircuitView view;
        QSignalSpy contributions(&view, &CircuitView::contributionsReady);
        QVERIFY(showReport(view, makeReport(64, Topology::AdderTree, config)));
        // The exact/approximate colours do not need contributions: none are computed.
        QVERIFY(!contributions.wait(300));
        QVERIFY(view.contributions() == nullptr);
        view.setColourMode(CircuitView::ColourMode::ErrorContribution);
        QVERIFY(contributions.count() > 0 || contributions.wait(kTimeoutMs));
        const auto& contrib = *view.contributions();
        const auto top = std::max_element(contrib.begin(), contrib.end(),
                                          [](const auto& a, const auto& b) { return a.meanAbsError < b.meanAbsError; });
        QVERIFY(top->meanAbsError > 0);
        const int topId = static_cast<int>(top - contrib.begin());
        QCOMPARE(view.circuitScene()->cellItem(topId)->look().fill, CircuitPalette::errorScale(1.0));
        QVERIFY(view.legend()->info().errorMode);
        QCOMPARE(view.legend()->info().maxContribution, top->meanAbsError);
        QVERIFY(view.cellToolTip(topId).contains(QStringLiteral("E|error|")));
    }

    // While the report of a new setting is computed, the view says it shows
    // the previous circuit and takes no clicks; the new report restores it.
    void staleCircuitIsMarkedUntilItsReportArrives()
    {
        CircuitView view;
        QVERIFY(showReport(view, makeReport(9, Topology::AdderTree)));
        auto* status = view.findChild<QLabel*>();
        view.setStale(true);
        QVERIFY(!view.graphicsView()->isEnabled());
        QVERIFY(view.property("stale").toBool());
        QVERIFY(showReport(view, makeReport(16, Topology::AdderTree)));
        QVERIFY(view.graphicsView()->isEnabled());
        QVERIFY(!view.property("stale").toBool());
        QVERIFY(status->text().contains(QStringLiteral("N = 16")) || !status->text().contains(u"Updating"));
    }

    void clickingACellEmitsItsId()
    {
        CircuitView view;
        view.resize(900, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(showReport(view, makeReport(9, Topology::AdderTree)));
        const auto& net = view.report()->netlist;
        QSignalSpy toggled(&view, &CircuitView::cellToggled);
        CircuitGraphicsView* canvas = view.graphicsView();
        auto centre = [&](int id) {
            return canvas->mapFromScene(view.circuitScene()->cellItem(id)->sceneBoundingRect().center());
        };
        std::vector<int> fullAdders, halfAdders;
        for (int id = 0; id < static_cast<int>(net.cells.size()); ++id)
            (net.typeOf(net.cells[id]).name == "fa" ? fullAdders : halfAdders).push_back(id);
        QVERIFY(fullAdders.size() >= 2 && !halfAdders.empty());
        for (int id : {fullAdders.front(), fullAdders.back()}) {
            QTest::mouseClick(canvas->viewport(), Qt::LeftButton, {}, centre(id));
            QCOMPARE(toggled.count(), 1);
            QCOMPARE(toggled.takeFirst().at(0).toInt(), id);
        }
        // Empty canvas, or a half adder without a replacement (haCell unset): no signal.
        QTest::mouseClick(canvas->viewport(), Qt::LeftButton, {}, QPoint(2, 2));
        QTest::mouseClick(canvas->viewport(), Qt::LeftButton, {}, centre(halfAdders.front()));
        QCOMPARE(toggled.count(), 0);
        // A drag that starts on a cell pans instead of toggling.
        const QPoint start = centre(fullAdders.front());
        QTest::mousePress(canvas->viewport(), Qt::LeftButton, {}, start);
        QTest::mouseMove(canvas->viewport(), start + QPoint(40, 30));
        QTest::mouseRelease(canvas->viewport(), Qt::LeftButton, {}, start + QPoint(40, 30));
        QCOMPARE(toggled.count(), 0);
    }

    void keysZoomAndFitFollowsResize()
    {
        CircuitView view;
        view.resize(900, 600);
        view.show();
        QVERIFY(showReport(view, makeReport(64, Topology::AdderTree)));
        CircuitGraphicsView* canvas = view.graphicsView();
        auto fillsViewport = [&] {
            const QRect shown = canvas->mapFromScene(canvas->sceneRect()).boundingRect();
            return std::abs(shown.width() - canvas->viewport()->width()) <= 6
                && std::abs(shown.height() - canvas->viewport()->height()) <= 6;
        };
        QVERIFY(fillsViewport());
        const double fitted = canvas->levelOfDetail();
        QTest::keyClick(canvas, Qt::Key_Plus);
        QVERIFY(canvas->levelOfDetail() > fitted);
        QVERIFY(!fillsViewport());
        view.resize(700, 500); // zoomed by hand: a resize keeps the zoom
        QTest::qWait(50);
        QVERIFY(!fillsViewport());
        QTest::keyClick(canvas, Qt::Key_F);
        QVERIFY(fillsViewport());
        view.resize(1000, 700); // fitted: a resize refits
        QVERIFY(QTest::qWaitFor(fillsViewport, 2000));
        QTest::keyClick(canvas, Qt::Key_Minus);
        QVERIFY(!fillsViewport());
    }

    void groupingStartsAboveTheThreshold_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<bool>("grouped");
        QTest::newRow("64") << 64 << false; // 79 cells
        QTest::newRow("576") << 576 << true; // 758 cells
        QTest::newRow("4608") << 4608 << true; // 6131 cells
    }
    void groupingStartsAboveTheThreshold()
    {
        QFETCH(int, n);
        QFETCH(bool, grouped);
        CircuitView view;
        view.resize(900, 600);
        view.show();
        const auto report = makeReport(n, Topology::AdderTree);
        QVERIFY(showReport(view, report));
        const CircuitScene* scene = view.circuitScene();
        QCOMPARE(scene->isGrouped(), static_cast<int>(report->netlist.cells.size()) > CircuitView::kGroupThreshold);
        QCOMPARE(scene->isGrouped(), grouped);
        size_t inGroups = 0;
        for (const GroupItem* g : scene->groupItems())
            inGroups += g->cells().size();
        QCOMPARE(inGroups, grouped ? report->netlist.cells.size() : 0);
        // Fitted, the big circuits are far below the group zoom: no single cell is hit.
        CircuitGraphicsView* canvas = view.graphicsView();
        const QPoint onCell = canvas->mapFromScene(scene->cellItem(0)->sceneBoundingRect().center());
        QCOMPARE(canvas->cellAt(onCell) == nullptr, grouped && canvas->levelOfDetail() < CircuitScene::kGroupLod);
        const auto times = view.lastBuildTimes();
        qInfo("N = %d: %zu cells, layout %.1f ms (pool thread), items %.1f ms (GUI thread)", n,
              report->netlist.cells.size(), times.layoutMs, times.itemsMs);
    }

    void exportWritesSvgAndPdf()
    {
        ApproxConfig config;
        config.lsbColumns = 1;
        CircuitView view;
        QVERIFY(showReport(view, makeReport(20, Topology::AdderTree, config)));
        QTemporaryDir dir;
        const QString svgPath = dir.filePath(QStringLiteral("circuit.svg"));
        QString error;
        QVERIFY2(view.exportTo(svgPath, &error), qPrintable(error));
        QFile svg(svgPath);
        QVERIFY(svg.open(QIODevice::ReadOnly));
        QVERIFY(svg.size() > 0);
        QXmlStreamReader xml(&svg);
        QString root;
        int rects = 0;
        while (!xml.atEnd()) {
            if (xml.readNext() == QXmlStreamReader::StartElement) {
                if (root.isEmpty())
                    root = xml.name().toString();
                rects += xml.name() == QLatin1String("rect") ? 1 : 0;
            }
        }
        QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
        QCOMPARE(root, QStringLiteral("svg"));
        QVERIFY(rects >= static_cast<int>(view.report()->netlist.cells.size()));

        const QString pdfPath = dir.filePath(QStringLiteral("circuit.pdf"));
        QVERIFY2(view.exportTo(pdfPath, &error), qPrintable(error));
        QFile pdf(pdfPath);
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        QCOMPARE(pdf.read(5), QByteArray("%PDF-"));

        // A wrong suffix or an unwritable place: a message and no file.
        const QString png = dir.filePath(QStringLiteral("circuit.png"));
        QVERIFY(!view.exportTo(png, &error));
        QVERIFY(error.contains(QStringLiteral(".svg")));
        QVERIFY(!QFile::exists(png));
        QVERIFY(!view.exportTo(dir.filePath(QStringLiteral("missing/dir/c.svg")), &error));
        QVERIFY(!error.isEmpty());
    }
};

QTEST_MAIN(TestCircuitView)
#include "test_circuit_view.moc"
