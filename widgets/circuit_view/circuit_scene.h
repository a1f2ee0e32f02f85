// The circuit view's scene: one item per cell, wires bundled by region, and
// boxes that stand for groups of cells when the view is zoomed far out.
#pragma once

#include "circuit_view/circuit_layout.h"

#include <QColor>
#include <QGraphicsItem>
#include <QGraphicsScene>
#include <QString>

#include <vector>

namespace axbnn::gui {

class CircuitScene;

// How one cell is drawn; the view fills these from a report.
struct CellLook {
    QColor fill;
    QString label; // cell kind, e.g. "fa" or "maj-fa"
    bool approximate = false; // drawn with a heavy outline in every mode
    bool operator==(const CellLook&) const = default;
};

class CellItem : public QGraphicsItem {
public:
    static constexpr int Type = UserType + 1;
    CellItem(int cellId, const QRectF& rect);

    int type() const override { return Type; }
    int cellId() const { return id_; }
    const CellLook& look() const { return look_; }
    // Schedules a repaint only when the look differs; true if it did.
    bool setLook(const CellLook& look);
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    int id_;
    QRectF rect_;
    CellLook look_;
};

class GroupItem : public QGraphicsItem {
public:
    static constexpr int Type = UserType + 2;
    GroupItem(const QRectF& rect, std::vector<int> cells);

    int type() const override { return Type; }
    const std::vector<int>& cells() const { return cells_; }
    // Colour and counts summarise the group's cells.
    void setSummary(QColor fill, int approximate);
    QColor fill() const { return fill_; }
    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QRectF rect_;
    std::vector<int> cells_;
    QColor fill_;
    int approximate_ = 0;
};

class CircuitScene : public QGraphicsScene {
    Q_OBJECT

public:
    // Zoom (level of detail) below which grouped scenes draw group boxes.
    static constexpr double kGroupLod = 0.2;

    explicit CircuitScene(QObject* parent = nullptr);

    // Replaces all items by those of `layout` in one go. Grouping is used
    // when the layout has more than `groupThreshold` cells.
    void build(const CircuitLayout& layout, int groupThreshold);
    // One look per cell id (size must match the layout); refreshes groups.
    // Items keep their identity; only those whose look changed are repainted.
    // Returns the number of cell items whose look changed.
    int setLooks(const std::vector<CellLook>& looks);

    bool isGrouped() const { return grouped_; }
    int cellCount() const { return static_cast<int>(cells_.size()); }
    int wireCount() const { return wireCount_; }
    CellItem* cellItem(int id) const { return cells_.at(id); }
    const std::vector<GroupItem*>& groupItems() const { return groups_; }

private:
    std::vector<CellItem*> cells_;
    std::vector<GroupItem*> groups_;
    int wireCount_ = 0;
    bool grouped_ = false;
};

} // namespace axbnn::gui
