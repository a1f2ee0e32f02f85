// Deferred replots: a hidden plot is rendered when shown, not on every data
// change; a visible one at once (run with QT_QPA_PLATFORM=offscreen).
#include "plots/lazy_replot.h"

#include "plots/customplot.h"

#include <QTabWidget>
#include <QtTest>

using namespace axbnn::gui;

class TestLazyReplot : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void hiddenTabReplotsOnceWhenShown()
    {
        QTabWidget tabs;
        auto* front = new QCustomPlot;
        auto* back = new QCustomPlot;
        tabs.addTab(front, QStringLiteral("front"));
        tabs.addTab(back, QStringLiteral("back"));
        tabs.resize(400, 300);
        tabs.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tabs));
        // Lay the back tab out once (a plot replots itself on its first resize).
        tabs.setCurrentIndex(1);
        tabs.setCurrentIndex(0);
        QVERIFY(front->isVisible());
        QVERIFY(!back->isVisible());
        QSignalSpy frontReplots(front, &QCustomPlot::afterReplot);
        QSignalSpy backReplots(back, &QCustomPlot::afterReplot);
        back->addGraph()->setData({1, 2, 3}, {3, 1, 2});

        // Three changes while hidden: no rendering yet, one pending replot.
        for (int i = 0; i < 3; ++i) {
            replotWhenVisible(front);
            replotWhenVisible(back);
        }
        QCOMPARE(frontReplots.count(), 3);
        QCOMPARE(backReplots.count(), 0);
        QVERIFY(isReplotPending(back));
        QVERIFY(!isReplotPending(front));

        // Shown: rendered once, with the data set while hidden.
        tabs.setCurrentIndex(1);
        QCOMPARE(backReplots.count(), 1);
        QVERIFY(!isReplotPending(back));
        QCOMPARE(back->graph(0)->dataCount(), 3);
        // Hidden again with nothing new: showing it does not replot.
        tabs.setCurrentIndex(0);
        tabs.setCurrentIndex(1);
        QCOMPARE(backReplots.count(), 1);
    }
};

QTEST_MAIN(TestLazyReplot)
#include "test_lazy_replot.moc"
