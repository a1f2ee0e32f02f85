// Sweep results as a QAbstractTableModel.
#include "sweep_dialog/sweep_table_model.h"

#include "sweep/sweep_spec.h"

namespace axbnn::gui {

QString sweepValueText(const SweepValue& value)
{
    if (const auto* i = std::get_if<int64_t>(&value))
        return QString::number(*i);
    if (const auto* d = std::get_if<double>(&value))
        return QString::fromStdString(formatDouble(*d));
    if (const auto* s = std::get_if<std::string>(&value))
        return QString::fromStdString(*s);
    return {};
}

SweepTableModel::SweepTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void SweepTableModel::setTable(SweepTable table)
{
    beginResetModel();
    table_ = std::move(table);
    endResetModel();
}

int SweepTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(table_.rows.size());
}

int SweepTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColCount;
}

QVariant SweepTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount() || index.column() >= ColCount)
        return {};
    const SweepValue& value = table_.rows[static_cast<size_t>(index.row())][static_cast<size_t>(index.column())];
    if (role == Qt::DisplayRole)
        return sweepValueText(value);
    if (role == Qt::TextAlignmentRole
        && (std::holds_alternative<int64_t>(value) || std::holds_alternative<double>(value)))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant SweepTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Horizontal && section >= 0 && section < ColCount)
        return QString::fromLatin1(sweepColumns()[static_cast<size_t>(section)].name);
    if (orientation == Qt::Vertical)
        return section;
    return {};
}

} // namespace axbnn::gui
