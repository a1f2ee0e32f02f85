// A sweep results table (engine SweepTable) as a Qt table model, one row
// per point, columns in the documented order of docs/sweep-format.md.
#pragma once

#include "sweep/sweep_table.h"

#include <QAbstractTableModel>

namespace axbnn::gui {

class SweepTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    explicit SweepTableModel(QObject* parent = nullptr);

    void setTable(SweepTable table);
    const SweepTable& table() const { return table_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    SweepTable table_;
};

// The value as the table shows it: shortest exact number text, "" for null.
QString sweepValueText(const SweepValue& value);

} // namespace axbnn::gui
