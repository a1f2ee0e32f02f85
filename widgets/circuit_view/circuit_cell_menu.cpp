// The circuit view's right-click menu: the full-adder cell of a column or a
// tree level (mixed popcounts, docs/domain.md section 3).
#include "circuit_view/circuit_view.h"

#include "circuit/approximation.h"

#include <QActionGroup>
#include <QMenu>

namespace axbnn::gui {

QMenu* CircuitView::cellMenu(int cellId, QWidget* parent)
{
    if (!report_ || !report_->source.empty() || cellId < 0 || cellId >= static_cast<int>(report_->exact.cells.size()))
        return nullptr;
    const Netlist& exact = report_->exact;
    const CellInstance& cell = exact.cells[cellId];
    if (exact.typeOf(cell).name != "fa")
        return nullptr;
    const ApproxConfig& approx = report_->spec.approx;
    auto* menu = new QMenu(parent);
    menu->setObjectName(QStringLiteral("cellMenu"));
    auto addChoices = [&](const QString& title, const CellMap& cells, int key, auto signal) {
        QMenu* sub = menu->addMenu(title);
        auto* group = new QActionGroup(sub);
        const auto current = cells.find(key);
        auto add = [&](const QString& text, const QString& name, const QString& tip) {
            QAction* a = sub->addAction(text);
            a->setCheckable(true);
            a->setChecked(current == cells.end() ? name.isEmpty() : QString::fromStdString(current->second) == name);
            a->setToolTip(tip);
            a->setData(name);
            group->addAction(a);
            connect(a, &QAction::triggered, this, [this, signal, key, name] { Q_EMIT(this->*signal)(key, name); });
        };
        add(tr("As the knobs say"), QString(), tr("No cell of its own: the knobs and the full-adder cell decide"));
        for (const CellType& type : library_->cells())
            if (!type.gate && type.inputs == 3 && type.hasCarry)
                add(type.isExact() ? tr("%1 (exact)").arg(QString::fromStdString(type.name))
                                   : QString::fromStdString(type.name),
                    QString::fromStdString(type.name), QString::fromStdString(type.description));
    };
    addChoices(tr("Column %1 cell").arg(cell.column), approx.columnCells, cell.column, &CircuitView::columnCellChosen);
    addChoices(tr("Level %1 cell").arg(cell.level), approx.levelCells, cell.level, &CircuitView::levelCellChosen);
    return menu;
}

} // namespace axbnn::gui
