// Formats the layers of a LoadedModel and their LayerCost rows.
#include "panels/layer_table_model.h"

namespace axbnn::gui {

namespace {

QString shapeText(const axbnn::Shape& s)
{
    return QStringLiteral("%1×%2×%3").arg(s.height).arg(s.width).arg(s.channels);
}

} // namespace

LayerTableModel::LayerTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void LayerTableModel::setModel(std::shared_ptr<const LoadedModel> model)
{
    beginResetModel();
    model_ = std::move(model);
    costs_.reset();
    endResetModel();
}

void LayerTableModel::setCosts(std::shared_ptr<const std::vector<LayerCost>> costs)
{
    if (!model_ || (costs && costs->size() != model_->model.layers.size()))
        return; // costs of another model
    costs_ = std::move(costs);
    if (rowCount() > 0)
        Q_EMIT dataChanged(index(0, ExactArea), index(rowCount() - 1, ApproxArea));
}

int LayerTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || !model_ ? 0 : static_cast<int>(model_->model.layers.size());
}

int LayerTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : Columns;
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const
{
    if (!model_ || !index.isValid())
        return {};
    const int row = index.row();
    const Layer& layer = model_->model.layers[row];
    const bool popcount =
        layer.kind == LayerKind::Conv || layer.kind == LayerKind::Dense || layer.kind == LayerKind::Scores;
    const LayerCost* cost = costs_ ? &(*costs_)[row] : nullptr;
    if (role == Qt::TextAlignmentRole && index.column() != Name && index.column() != Kind)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == ApproxArea && popcount && !isApproximable(layer))
        return tr("The scores layer keeps an exact popcount");
    if (role != Qt::DisplayRole && role != Qt::UserRole)
        return {};
    const bool raw = role == Qt::UserRole; // numbers for tests and sorting
    switch (index.column()) {
    case Index: return row;
    case Name: return QString::fromStdString(layer.name);
    case Kind: return QString::fromStdString(layerKindName(layer.kind));
    case Shape: return QStringLiteral("%1 → %2").arg(shapeText(layer.in), shapeText(layer.out));
    case FanIn:
        if (layer.kind == LayerKind::MaxPool)
            return raw ? QVariant(0) : QVariant(QStringLiteral("–"));
        return layer.fanIn();
    case PopcountBits:
        if (!popcount)
            return raw ? QVariant(0) : QVariant(QStringLiteral("–"));
        return bitsFor(static_cast<uint64_t>(layer.fanIn()));
    case ExactArea:
    case ApproxArea: {
        if (!popcount)
            return raw ? QVariant() : QVariant(QStringLiteral("–"));
        if (!cost)
            return raw ? QVariant() : QVariant(QStringLiteral("…"));
        const double area = index.column() == ExactArea ? cost->exact.areaUm2 : cost->approximate.areaUm2;
        return raw ? QVariant(area) : QVariant(QString::number(area, 'f', 0));
    }
    case XnorP: {
        const double p = model_->xnorP[row];
        if (p < 0.0)
            return raw ? QVariant() : QVariant(QStringLiteral("–"));
        return raw ? QVariant(p) : QVariant(QString::number(p, 'f', 3));
    }
    default: return {};
    }
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    static const char* titles[Columns] = {"#",
                                          "Name",
                                          "Kind",
                                          "Shape (in → out)",
                                          "Fan-in N",
                                          "Popcount bits",
                                          "Exact area (µm²)",
                                          "Approx. area (µm²)",
                                          "P(XNOR=1)"};
    static const char* tips[Columns] = {
        "Layer index in the model file",
        "Layer name in the model file",
        "inputconv: 8-bit pixels x binary weights; conv/dense: XNOR + popcount; maxpool: OR/AND; "
        "scores: integer class scores",
        "Height x width x channels of the layer's input and output",
        "XNOR inputs per neuron: the popcount width N (k x k x C for convolutions)",
        "Output bits of the popcount, ceil(log2(N + 1))",
        "Area of one exact N-input popcount with the current topology (cell library, µm²)",
        "Area of one popcount with the current approximation knobs, or with the layer's own unit in a per-layer design "
        "(µm²)",
        "Measured fraction of XNOR outputs that are 1 (exact engine on test images)"};
    if (role == Qt::DisplayRole)
        return tr(titles[section]);
    if (role == Qt::ToolTipRole)
        return tr(tips[section]);
    return {};
}

} // namespace axbnn::gui
