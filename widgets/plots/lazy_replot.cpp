// Deferred replot of hidden plots through an event filter on the plot.
#include "plots/lazy_replot.h"

#include "plots/customplot.h"

#include <QEvent>

namespace axbnn::gui {
namespace {

// Child of the plot; replots it on its next Show event when stale.
class ShowReplotter : public QObject {
public:
    explicit ShowReplotter(QCustomPlot* plot) : QObject(plot), plot_(plot)
    {
        setObjectName(QStringLiteral("axbnnShowReplotter"));
        plot->installEventFilter(this);
    }
    bool stale = false;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == plot_ && event->type() == QEvent::Show && stale) {
            stale = false;
            plot_->replot();
        }
        return false;
    }

private:
    QCustomPlot* plot_;
};

ShowReplotter* replotterOf(const QCustomPlot* plot)
{
    return plot->findChild<ShowReplotter*>(QStringLiteral("axbnnShowReplotter"), Qt::FindDirectChildrenOnly);
}

} // namespace

void replotWhenVisible(QCustomPlot* plot)
{
    ShowReplotter* replotter = replotterOf(plot);
    if (plot->isVisible()) {
        if (replotter)
            replotter->stale = false;
        plot->replot();
        return;
    }
    if (!replotter)
        replotter = new ShowReplotter(plot);
    replotter->stale = true;
}

bool isReplotPending(const QCustomPlot* plot)
{
    const ShowReplotter* replotter = replotterOf(plot);
    return replotter && replotter->stale;
}

} // namespace axbnn::gui
