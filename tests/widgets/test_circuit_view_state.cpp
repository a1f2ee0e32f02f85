// The circuit view wired to the exploration state as the main window wires
// it: a click toggles a cell, the right-click menu sets a column's or level's
// cell (mixed popcounts), and the state's new report comes back to the view.
#include "circuit_view/circuit_graphics_view.h"
#include "circuit_view/circuit_scene.h"
#include "circuit_view/circuit_view.h"
#include "state/exploration_state.h"

#include <QMenu>
#include <QtTest>

#include <memory>

using namespace axbnn;
using namespace axbnn::gui;

namespace {

constexpr int kTimeoutMs = 60'000;

// A state of N inputs and a circuit view wired as the main window wires them
// (reports to the view; clicks and menu choices back to the state).
struct WiredView {
    ExplorationState state;
    CircuitView view;

    explicit WiredView(int inputs) : state(specOf(inputs), CellLibrary::defaults())
    {
        view.resize(900, 600);
        view.show();
        QObject::connect(&state, &ExplorationState::reportReady, &view, &CircuitView::setReport);
        QObject::connect(&view, &CircuitView::cellToggled, &state, &ExplorationState::toggleCell);
        QObject::connect(&view, &CircuitView::columnCellChosen, &state, &ExplorationState::setColumnCell);
        QObject::connect(&view, &CircuitView::levelCellChosen, &state, &ExplorationState::setLevelCell);
    }
    static CircuitSpec specOf(int inputs)
    {
        CircuitSpec spec;
        spec.inputs = inputs;
        return spec;
    }
    // Computes the first report and waits for its scene.
    bool firstScene()
    {
        QSignalSpy ready(&view, &CircuitView::sceneReady);
        state.refresh();
        return ready.wait(kTimeoutMs);
    }
};

} // namespace

class TestCircuitViewState : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The whole loop: click -> state's ApproxConfig -> new report -> new colour.
    void clickToggleReachesTheStateAndComesBack()
    {
        WiredView wired(9);
        QVERIFY(wired.firstScene());
        ExplorationState& state = wired.state;
        CircuitView& view = wired.view;
        const auto& exact = view.report()->exact;
        int fa = 0;
        while (exact.typeOf(exact.cells[fa]).name != "fa")
            ++fa;
        const QColor before = view.circuitScene()->cellItem(fa)->look().fill;
        CircuitGraphicsView* canvas = view.graphicsView();
        QTest::mouseClick(canvas->viewport(), Qt::LeftButton, {},
                          canvas->mapFromScene(view.circuitScene()->cellItem(fa)->sceneBoundingRect().center()));
        QCOMPARE(state.spec().approx.extraCells, std::vector<int>{fa});
        QVERIFY(QTest::qWaitFor([&] { return !state.isBusy() && view.report()->spec.approx.extraCells.size() == 1; },
                                kTimeoutMs));
        QVERIFY(view.circuitScene()->cellItem(fa)->look().approximate);
        QVERIFY(view.circuitScene()->cellItem(fa)->look().fill != before);
    }

    // Mixed popcounts from the circuit view: the right-click menu of a full
    // adder sets its column's cell in the state, the report brings the
    // circuit with that cell in every full adder of the column and the view
    // shows them approximate; "As the knobs say" clears it.
    void cellMenuSetsTheColumnCell()
    {
        WiredView wired(27);
        QVERIFY(wired.firstScene());
        ExplorationState& state = wired.state;
        CircuitView& view = wired.view;
        const Netlist exact = view.report()->exact;
        int fa = 0, ha = 0;
        while (exact.typeOf(exact.cells[fa]).name != "fa")
            ++fa;
        while (exact.typeOf(exact.cells[ha]).name == "fa")
            ++ha;
        QVERIFY(view.cellMenu(ha) == nullptr); // only full adders have a cell of their column
        const int column = exact.cells[fa].column;
        auto pick = [&](const QString& menuTitle, const QString& text) {
            std::unique_ptr<QMenu> menu(view.cellMenu(fa));
            QVERIFY(menu);
            for (QAction* sub : menu->actions())
                if (sub->menu() && sub->text() == menuTitle)
                    for (QAction* a : sub->menu()->actions())
                        if (a->text() == text) {
                            a->trigger();
                            return;
                        }
            QFAIL(qPrintable("no action " + menuTitle + " > " + text));
        };
        pick(QStringLiteral("Column %1 cell").arg(column), QStringLiteral("maj"));
        QCOMPARE(state.spec().approx.columnCells, (CellMap{{column, "maj"}}));
        QVERIFY(QTest::qWaitFor(
            [&] {
                return !state.isBusy() && view.report()->spec.approx.columnCells == state.spec().approx.columnCells;
            },
            kTimeoutMs));
        int inColumn = 0;
        for (size_t i = 0; i < exact.cells.size(); ++i)
            if (exact.typeOf(exact.cells[i]).name == "fa" && exact.cells[i].column == column) {
                QCOMPARE(view.report()->netlist.typeOf(view.report()->netlist.cells[i]).name, std::string("maj"));
                QVERIFY(view.circuitScene()->cellItem(static_cast<int>(i))->look().approximate);
                ++inColumn;
            }
        QVERIFY(inColumn > 0);
        { // the menu marks the current choice
            std::unique_ptr<QMenu> menu(view.cellMenu(fa));
            bool checked = false;
            for (QAction* sub : menu->actions())
                if (sub->menu() && sub->text().startsWith("Column"))
                    for (QAction* a : sub->menu()->actions())
                        checked = checked || (a->isChecked() && a->text() == "maj");
            QVERIFY(checked);
        }
        pick(QStringLiteral("Level %1 cell").arg(exact.cells[fa].level), QStringLiteral("fa (exact)"));
        QCOMPARE(state.spec().approx.levelCells, (CellMap{{exact.cells[fa].level, "fa"}}));
        pick(QStringLiteral("Column %1 cell").arg(column), QStringLiteral("As the knobs say"));
        QVERIFY(state.spec().approx.columnCells.empty());
    }
};

QTEST_MAIN(TestCircuitViewState)
#include "test_circuit_view_state.moc"
