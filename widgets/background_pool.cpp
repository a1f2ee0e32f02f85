// One pool for the background jobs, apart from Qt's global pool.
#include "background_pool.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThread>
#include <QThreadPool>

#include <algorithm>

namespace axbnn::gui {

QThreadPool* backgroundPool()
{
    static QPointer<QThreadPool> pool;
    if (!pool) {
        // A child of the application: it waits for its jobs when the
        // application ends, like the global pool did.
        pool = new QThreadPool(QCoreApplication::instance());
        pool->setObjectName(QStringLiteral("axbnnBackgroundPool"));
        pool->setMaxThreadCount(std::max(16, 4 * QThread::idealThreadCount()));
    }
    return pool;
}

} // namespace axbnn::gui
