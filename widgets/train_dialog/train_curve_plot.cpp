// Loss on the left axis, accuracies (%) on the right, epochs along the bottom.
#include "train_dialog/train_curve_plot.h"

#include "plots/plot_hover.h"

#include <QTimer>
#include <QVBoxLayout>

#include "plots/customplot.h"

namespace axbnn::gui {

TrainCurvePlot::TrainCurvePlot(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    plot_ = new QCustomPlot;
    plot_->setObjectName(QStringLiteral("trainCurvePlot"));
    plot_->setMinimumHeight(220);
    plot_->xAxis->setLabel(tr("epoch"));
    plot_->yAxis->setLabel(tr("training loss (cross-entropy)"));
    plot_->yAxis2->setLabel(tr("accuracy (%)"));
    plot_->yAxis2->setVisible(true);
    plot_->yAxis2->setRange(0, 100);
    plot_->legend->setVisible(true);
    plot_->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignVCenter | Qt::AlignRight);

    loss_ = plot_->addGraph(plot_->xAxis, plot_->yAxis);
    loss_->setName(tr("training loss"));
    loss_->setPen(QPen(QColor(214, 39, 40), 2));
    trainAccuracy_ = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
    trainAccuracy_->setName(tr("training accuracy"));
    trainAccuracy_->setPen(QPen(QColor(31, 119, 180), 1.5, Qt::DashLine));
    testAccuracy_ = plot_->addGraph(plot_->xAxis, plot_->yAxis2);
    testAccuracy_->setName(tr("test accuracy (epoch end)"));
    testAccuracy_->setPen(QPen(QColor(44, 160, 44), 2));
    testAccuracy_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(44, 160, 44), 8));
    layout->addWidget(plot_);

    installHoverReadout(plot_, [this](const QCPAbstractPlottable* p, double key, double value) {
        if (p == loss_)
            return tr("epoch %1: loss %2").arg(key, 0, 'f', 2).arg(value, 0, 'f', 4);
        return tr("epoch %1: %2 %3%").arg(key, 0, 'f', 2).arg(p->name()).arg(value, 0, 'f', 2);
    });
    clear();
}

void TrainCurvePlot::clear()
{
    loss_->data()->clear();
    trainAccuracy_->data()->clear();
    testAccuracy_->data()->clear();
    plot_->xAxis->setRange(0, 1);
    plot_->yAxis->setRange(0, 2.5);
    replotNow();
}

void TrainCurvePlot::addBatch(double epochs, double loss, double trainAccuracy)
{
    loss_->addData(epochs, loss);
    trainAccuracy_->addData(epochs, 100.0 * trainAccuracy);
    scheduleReplot();
}

void TrainCurvePlot::addEpochEnd(double epochs, double testAccuracy)
{
    testAccuracy_->addData(epochs, 100.0 * testAccuracy);
    scheduleReplot();
}

void TrainCurvePlot::replotNow()
{
    replotPending_ = false;
    if (!loss_->data()->isEmpty()) {
        bool found = false;
        const QCPRange keys = loss_->data()->keyRange(found);
        plot_->xAxis->setRange(0, std::max(1.0, std::ceil(keys.upper)));
        const QCPRange losses = loss_->data()->valueRange(found);
        plot_->yAxis->setRange(0, std::max(0.1, losses.upper * 1.1));
    }
    plot_->replot(QCustomPlot::rpQueuedReplot);
}

// Hundreds of reports a second on small data: draw at most ten times a second.
void TrainCurvePlot::scheduleReplot()
{
    if (replotPending_)
        return;
    replotPending_ = true;
    QTimer::singleShot(100, this, &TrainCurvePlot::replotNow);
}

} // namespace axbnn::gui
