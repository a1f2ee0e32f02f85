// Items of the circuit scene and their level-of-detail painting.
#include "circuit_view/circuit_scene.h"

#include <QGraphicsPathItem>
#include <QGraphicsSimpleTextItem>
#include <QPainter>
#include <QStyleOptionGraphicsItem>

#include <cmath>
#include <map>

namespace axbnn::gui {
namespace {

bool showGroups(const QGraphicsItem* item, const QPainter* painter, const QStyleOptionGraphicsItem* option)
{
    const auto* scene = static_cast<const CircuitScene*>(item->scene());
    return scene != nullptr && scene->isGrouped()
        && option->levelOfDetailFromTransform(painter->worldTransform()) < CircuitScene::kGroupLod;
}

// A bundle of wires (or port marks) of one region, drawn as one path so that
// tens of thousands of wires cost a few hundred items.
class WireBundle : public QGraphicsPathItem {
public:
    WireBundle(const QPainterPath& path, const QPen& pen, const QBrush& brush = Qt::NoBrush)
    {
        setPath(path);
        setPen(pen);
        setBrush(brush);
        setZValue(-1);
    }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override
    {
        if (!showGroups(this, painter, option))
            QGraphicsPathItem::paint(painter, option, widget);
    }
};

} // namespace

CellItem::CellItem(int cellId, const QRectF& rect) : id_(cellId), rect_(rect)
{
    // No ItemUsesExtendedStyleOption: exposedRect is unused and costly to map per item.
    setAcceptHoverEvents(false);
}

bool CellItem::setLook(const CellLook& look)
{
    if (look == look_)
        return false;
    look_ = look;
    update();
    return true;
}

QRectF CellItem::boundingRect() const
{
    return rect_.adjusted(-2, -2, 2, 2);
}

void CellItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    if (showGroups(this, painter, option))
        return;
    const double lod = option->levelOfDetailFromTransform(painter->worldTransform());
    if (lod < 0.35) { // a few pixels: colour only
        painter->fillRect(rect_, look_.fill);
        return;
    }
    // Cosmetic pens: stroking with a stretched (overview) transform is slow.
    QPen pen = look_.approximate ? QPen(QColor(90, 40, 0), 2.5) : QPen(QColor(70, 80, 95), 1.0);
    pen.setCosmetic(true);
    painter->setPen(pen);
    painter->setBrush(look_.fill);
    painter->drawRect(rect_);
    const QTransform& t = painter->worldTransform();
    const double stretch = std::abs(t.m11()) / std::max(1e-12, std::abs(t.m22()));
    if (lod >= 0.5 && stretch > 0.5 && stretch < 2.0) { // no squashed text in overviews
        QFont font = painter->font();
        font.setPointSizeF(7.0);
        painter->setFont(font);
        painter->setPen(Qt::black);
        painter->drawText(rect_, Qt::AlignCenter, look_.label);
    }
}

GroupItem::GroupItem(const QRectF& rect, std::vector<int> cells) : rect_(rect), cells_(std::move(cells))
{
    // No ItemUsesExtendedStyleOption: exposedRect is unused and costly to map per item.
    setZValue(1);
}

void GroupItem::setSummary(QColor fill, int approximate)
{
    if (fill == fill_ && approximate == approximate_)
        return;
    fill_ = fill;
    approximate_ = approximate;
    update();
}

QRectF GroupItem::boundingRect() const
{
    return rect_;
}

void GroupItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    if (!showGroups(this, painter, option))
        return;
    painter->setPen(QPen(QColor(60, 60, 60), 0)); // cosmetic: one pixel at any zoom
    painter->setBrush(fill_);
    painter->drawRect(rect_);
    // Counts in device pixels, where the box is wide enough to hold them.
    const QRectF device = painter->worldTransform().mapRect(rect_);
    if (device.width() < 28 || device.height() < 9)
        return;
    painter->save();
    painter->resetTransform();
    QFont font = painter->font();
    font.setPixelSize(std::min(11, static_cast<int>(device.height())));
    painter->setFont(font);
    painter->setPen(Qt::black);
    const QString text = approximate_ > 0 && device.width() > 60
        ? QStringLiteral("%1 (%2 approx.)").arg(cells_.size()).arg(approximate_)
        : QString::number(cells_.size());
    painter->drawText(device, Qt::AlignCenter, text);
    painter->restore();
}

CircuitScene::CircuitScene(QObject* parent) : QGraphicsScene(parent) {}

void CircuitScene::build(const CircuitLayout& layout, int groupThreshold)
{
    clear();
    cells_.clear();
    groups_.clear();
    grouped_ = static_cast<int>(layout.cells.size()) > groupThreshold;
    cells_.reserve(layout.cells.size());
    for (size_t i = 0; i < layout.cells.size(); ++i) {
        const LayoutRect& r = layout.cells[i];
        auto* item = new CellItem(static_cast<int>(i), QRectF(r.x, r.y, r.w, r.h));
        addItem(item);
        cells_.push_back(item);
    }
    if (grouped_)
        for (const LayoutGroup& g : layout.groups) {
            // Boxes fill most of the row band so that rows stay visible when tiny.
            const double pad = CircuitLayout::kChannel * 0.3;
            auto* item = new GroupItem(QRectF(g.box.x, g.box.y - pad, g.box.w, g.box.h + 2 * pad), g.cells);
            addItem(item);
            groups_.push_back(item);
        }

    // Wires bundled by the region of their end point (row, ~1500 units of x).
    std::map<std::pair<long, long>, QPainterPath> bundles;
    for (const LayoutWire& w : layout.wires) {
        const LayoutPoint end = w.points.back();
        QPainterPath& path = bundles[{std::lround(end.y), std::lround(std::floor(end.x / 1500.0))}];
        path.moveTo(w.points.front().x, w.points.front().y);
        for (size_t k = 1; k < w.points.size(); ++k)
            path.lineTo(w.points[k].x, w.points[k].y);
    }
    QPen wirePen(QColor(90, 90, 90), 1.0);
    wirePen.setCosmetic(true);
    for (auto& [key, path] : bundles)
        addItem(new WireBundle(path, wirePen));
    wireCount_ = static_cast<int>(layout.wires.size());

    std::map<long, QPainterPath> ports;
    for (const auto* list : {&layout.inputs, &layout.outputs})
        for (const LayoutPort& p : *list)
            ports[std::lround(std::floor(p.at.x / 1500.0))].addEllipse(QPointF(p.at.x, p.at.y), 3.0, 3.0);
    for (auto& [key, path] : ports)
        addItem(new WireBundle(path, Qt::NoPen, QColor(40, 40, 40)));
    for (const LayoutPort& p : layout.outputs) {
        auto* label = addSimpleText(QStringLiteral("s%1").arg(p.index));
        label->setPos(p.at.x - 6, p.at.y + 5);
    }
    if (layout.inputs.size() <= 64)
        for (const LayoutPort& p : layout.inputs) {
            auto* label = addSimpleText(QStringLiteral("x%1").arg(p.index));
            QFont font = label->font();
            font.setPointSizeF(6.0);
            label->setFont(font);
            label->setPos(p.at.x - 6, p.at.y - 16);
        }
    const LayoutRect& b = layout.bounds;
    setSceneRect(QRectF(b.x, b.y, b.w, b.h).adjusted(-40, -40, 40, 40));
}

int CircuitScene::setLooks(const std::vector<CellLook>& looks)
{
    if (looks.size() != cells_.size())
        return 0;
    int changed = 0;
    for (size_t i = 0; i < looks.size(); ++i)
        changed += cells_[i]->setLook(looks[i]) ? 1 : 0;
    for (GroupItem* g : groups_) {
        double r = 0, gr = 0, b = 0;
        int approximate = 0;
        for (int id : g->cells()) {
            const CellLook& look = looks[id];
            r += look.fill.redF();
            gr += look.fill.greenF();
            b += look.fill.blueF();
            approximate += look.approximate ? 1 : 0;
        }
        const double n = std::max<size_t>(1, g->cells().size());
        g->setSummary(QColor::fromRgbF(r / n, gr / n, b / n), approximate);
    }
    return changed;
}

} // namespace axbnn::gui
