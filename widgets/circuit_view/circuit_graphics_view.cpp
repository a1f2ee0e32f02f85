// Zoom, pan, click and tooltip handling of the circuit canvas.
#include "circuit_view/circuit_graphics_view.h"

#include "circuit_view/circuit_scene.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace axbnn::gui {

CircuitGraphicsView::CircuitGraphicsView(QWidget* parent) : QGraphicsView(parent)
{
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    setOptimizationFlags(QGraphicsView::DontSavePainterState);
    setRenderHint(QPainter::Antialiasing, false);
    setBackgroundBrush(Qt::white);
    setFocusPolicy(Qt::StrongFocus);
    setToolTip(tr("Wheel or +/- to zoom, drag to pan, F to fit; click a cell to toggle it "
                  "between exact and approximate"));
}

void CircuitGraphicsView::zoomBy(double factor)
{
    const double sx = transform().m11(), sy = transform().m22();
    if (sx <= 0 || sy <= 0)
        return;
    // Between a twentieth of the fitted size and 8x the natural size.
    const QRectF rect = sceneRect();
    const double fitScale =
        rect.isEmpty() ? 1.0 : std::min(viewport()->width() / rect.width(), viewport()->height() / rect.height());
    const double small = std::min(sx, sy), large = std::max(sx, sy);
    const double newSmall = std::clamp(small * factor, std::min(1.0, fitScale) / 20.0, 8.0);
    const double newLarge = factor > 1.0 ? std::max(large, newSmall) : large * newSmall / small;
    const bool xSmall = sx <= sy;
    fitted_ = false;
    scale((xSmall ? newSmall : newLarge) / sx, (xSmall ? newLarge : newSmall) / sy);
}

void CircuitGraphicsView::fitAll()
{
    if (scene() != nullptr && !sceneRect().isEmpty())
        fitInView(sceneRect(), Qt::IgnoreAspectRatio);
    fitted_ = true;
}

void CircuitGraphicsView::resizeEvent(QResizeEvent* event)
{
    QGraphicsView::resizeEvent(event);
    if (fitted_)
        fitAll();
}

double CircuitGraphicsView::levelOfDetail() const
{
    return std::sqrt(std::abs(transform().m11() * transform().m22()));
}

CellItem* CircuitGraphicsView::cellAt(const QPoint& viewportPos) const
{
    const auto* circuit = qobject_cast<const CircuitScene*>(scene());
    if (circuit == nullptr || (circuit->isGrouped() && levelOfDetail() < CircuitScene::kGroupLod))
        return nullptr;
    for (QGraphicsItem* item : items(viewportPos))
        if (item->type() == CellItem::Type)
            return static_cast<CellItem*>(item);
    return nullptr;
}

void CircuitGraphicsView::wheelEvent(QWheelEvent* event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0.0)
        zoomBy(std::pow(1.2, steps));
    event->accept();
}

void CircuitGraphicsView::keyPressEvent(QKeyEvent* event)
{
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomBy(1.25); break;
    case Qt::Key_Minus: zoomBy(0.8); break;
    case Qt::Key_F: fitAll(); break;
    default: QGraphicsView::keyPressEvent(event); return;
    }
    event->accept();
}

void CircuitGraphicsView::mousePressEvent(QMouseEvent* event)
{
    pressed_ = event->button() == Qt::LeftButton;
    pressPos_ = event->position().toPoint();
    QGraphicsView::mousePressEvent(event);
}

void CircuitGraphicsView::mouseReleaseEvent(QMouseEvent* event)
{
    QGraphicsView::mouseReleaseEvent(event);
    const QPoint pos = event->position().toPoint();
    // A click, not the end of a pan.
    if (pressed_ && (pos - pressPos_).manhattanLength() > 4)
        fitted_ = false; // panned away from the overview
    if (pressed_ && event->button() == Qt::LeftButton && (pos - pressPos_).manhattanLength() <= 4)
        if (CellItem* cell = cellAt(pos))
            Q_EMIT cellClicked(cell->cellId());
    pressed_ = false;
}

void CircuitGraphicsView::contextMenuEvent(QContextMenuEvent* event)
{
    if (CellItem* cell = cellAt(event->pos())) {
        Q_EMIT cellMenuRequested(cell->cellId(), event->globalPos());
        event->accept();
        return;
    }
    QGraphicsView::contextMenuEvent(event);
}

bool CircuitGraphicsView::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        QString text;
        if (CellItem* cell = cellAt(help->pos()); cell != nullptr && cellToolTip)
            text = cellToolTip(cell->cellId());
        else
            for (QGraphicsItem* item : items(help->pos()))
                if (item->type() == GroupItem::Type && levelOfDetail() < CircuitScene::kGroupLod) {
                    const auto* group = static_cast<GroupItem*>(item);
                    text = tr("%1 cells; zoom in to see them").arg(group->cells().size());
                    break;
                }
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    return QGraphicsView::viewportEvent(event);
}

} // namespace axbnn::gui
