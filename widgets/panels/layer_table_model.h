// The model panel's table: one row per layer of the loaded model with its
// kind, shapes, popcount width and exact / approximate popcount cost.
#pragma once

#include "explore/model_analysis.h"

#include <QAbstractTableModel>

#include <memory>
#include <vector>

namespace axbnn::gui {

class LayerTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Index, Name, Kind, Shape, FanIn, PopcountBits, ExactArea, ApproxArea, XnorP, Columns };

    explicit LayerTableModel(QObject* parent = nullptr);

    void setModel(std::shared_ptr<const LoadedModel> model);
    // Costs for the current model (null: not computed yet).
    void setCosts(std::shared_ptr<const std::vector<LayerCost>> costs);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    std::shared_ptr<const LoadedModel> model_;
    std::shared_ptr<const std::vector<LayerCost>> costs_;
};

} // namespace axbnn::gui
