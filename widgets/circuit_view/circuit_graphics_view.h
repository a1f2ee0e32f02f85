// The interactive canvas of the circuit view: wheel and key zoom, drag to pan,
// fit, click on a cell, tooltips computed when the mouse rests on an item.
#pragma once

#include <QGraphicsView>

#include <functional>

namespace axbnn::gui {

class CellItem;

class CircuitGraphicsView : public QGraphicsView {
    Q_OBJECT

public:
    explicit CircuitGraphicsView(QWidget* parent = nullptr);

    // Tooltip text of a cell, asked for when it is needed (always current).
    std::function<QString(int cellId)> cellToolTip;

    // Zooming in first widens the stretched direction of a fitted overview
    // until cells have their natural shape, then zooms both.
    void zoomBy(double factor);
    // Fills the viewport, stretching one direction for very wide or tall
    // circuits (an overview: rows stay apart even when the tree is 200:1).
    void fitAll();
    // The scale items see (QStyleOptionGraphicsItem::levelOfDetailFromTransform).
    double levelOfDetail() const;
    // The cell drawn at a viewport position; null where groups are shown.
    CellItem* cellAt(const QPoint& viewportPos) const;

Q_SIGNALS:
    void cellClicked(int cellId);
    // A right click (or the menu key) on a cell; `globalPos` places a menu.
    void cellMenuRequested(int cellId, const QPoint& globalPos);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    bool fitted_ = false; // showing the fitted overview: refit on resize
    QPoint pressPos_;
    bool pressed_ = false;
};

} // namespace axbnn::gui
