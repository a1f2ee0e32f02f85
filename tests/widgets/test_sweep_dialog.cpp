// The Sweep dialog (issue 6): its results equal the engine's sweep runner on
// the same spec, cancel stops it and a rerun resumes from the journal, bad
// choices give the engine's message without running.
#include "sweep_dialog/sweep_dialog.h"
#include "sweep_dialog/sweep_pareto_plot.h"
#include "sweep_dialog/sweep_table_model.h"

#include "sweep/sweep_runner.h"
#include "sweep/sweep_spec.h"

#include "plots/customplot.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace axbnn;
using namespace axbnn::gui;

namespace {

SweepChoices smallChoices()
{
    SweepChoices c;
    c.sizes = {16, 24};
    c.topologies = {"adder-tree", "dadda"};
    c.faCells = {"maj-fa"};
    c.knobs = {"lsb", "levels"};
    c.levelFrom = 0;
    c.levelTo = 1;
    return c;
}

SweepTable engineTable(const SweepSpec& spec, const ParetoChoice& choice)
{
    SweepOutcome outcome = runSweep(spec, {});
    markPareto(outcome.table, choice);
    return outcome.table;
}

bool waitFinished(SweepDialog& dialog, int timeoutMs = 60000)
{
    QSignalSpy done(&dialog, &SweepDialog::sweepFinished);
    QSignalSpy failed(&dialog, &SweepDialog::sweepFailed);
    (void)QTest::qWaitFor([&] { return !done.isEmpty() || !failed.isEmpty(); }, timeoutMs);
    return !done.isEmpty();
}

} // namespace

class TestSweepDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void formSweepEqualsEngineRunner()
    {
        SweepDialog dialog;
        dialog.setChoices(smallChoices());
        QVERIFY(dialog.run());
        QVERIFY(dialog.isRunning());
        QSignalSpy done(&dialog, &SweepDialog::sweepFinished);
        QVERIFY(done.wait(60000));
        QVERIFY2(dialog.lastError().isEmpty(), qPrintable(dialog.lastError()));

        const SweepSpec spec = parseSweepSpec(sweepSpecJson(smallChoices()).dump(), "test", ".");
        const SweepTable expected = engineTable(spec, dialog.paretoChoice());
        QCOMPARE(int(expected.rows.size()), 2 * 2 * 2 * 2);
        QCOMPARE(sweepCsv(dialog.table()), sweepCsv(expected));
        // What the table view and the plot show is that table.
        QCOMPARE(dialog.tableModel()->rowCount(), int(expected.rows.size()));
        QCOMPARE(dialog.tableModel()->index(3, ColArea).data().toString(), sweepValueText(expected.rows[3][ColArea]));
        QCOMPARE(dialog.tableModel()->headerData(ColMae, Qt::Horizontal).toString(), QStringLiteral("mae"));
        QCOMPARE(dialog.paretoPlot()->pointCount(), int(expected.rows.size()));
        int front = 0;
        for (const SweepRow& row : expected.rows)
            front += std::get<int64_t>(row[ColPareto]) == 1;
        QVERIFY(front > 0);
        QCOMPARE(dialog.paretoPlot()->frontCount(), front);
        // One colour and legend entry per Pareto group: the two sizes.
        QCOMPARE(dialog.paretoPlot()->groupCount(), 2);
        QCOMPARE(dialog.paretoPlot()->groupLabel(0), QStringLiteral("N=16, p=0.5"));
        QCOMPARE(dialog.paretoPlot()->groupLabel(1), QStringLiteral("N=24, p=0.5"));
        QCOMPARE(dialog.paretoPlot()->plot()->legend->itemCount(), 2);
    }

    void specFileSweepWritesResultsLikeEngine()
    {
        QTemporaryDir dir;
        const QString specPath = dir.filePath("spec.json");
        {
            QFile f(specPath);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(R"({"sizes": [{"k": 2, "channels": 3}, 20], "topologies": ["wallace"],
                        "cells": ["maj-fa"], "approximation": {"levels": [0, 2]}})");
        }
        SweepDialog dialog;
        QVERIFY(dialog.loadSpecFile(specPath));
        const QString out = dir.filePath("results.json");
        dialog.setOutputPath(out);
        QVERIFY(dialog.run());
        QVERIFY(waitFinished(dialog));
        const SweepTable expected = engineTable(loadSweepSpec(specPath.toStdString()), dialog.paretoChoice());
        QCOMPARE(int(expected.rows.size()), 4);
        QCOMPARE(sweepCsv(dialog.table()), sweepCsv(expected));
        // Written atomically on completion, and it reads back as the same table.
        QCOMPARE(sweepCsv(readSweepFile(out.toStdString())), sweepCsv(expected));
        // Saving as CSV writes the engine's CSV text.
        const QString csv = dir.filePath("again.csv");
        QVERIFY(dialog.saveResults(csv));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll().toStdString(), sweepCsv(expected));
    }

    void cancelStopsAndRerunResumes()
    {
        QTemporaryDir dir;
        SweepChoices c;
        c.sizes = {512, 640, 768, 896, 1024, 1152};
        c.topologies = {"adder-tree", "wallace", "dadda", "chain"};
        c.levelFrom = 0;
        c.levelTo = 3;
        const int total = 6 * 4 * 4;
        SweepDialog dialog;
        dialog.setThreads(1);
        dialog.setChoices(c);
        dialog.setOutputPath(dir.filePath("r.csv"));
        connect(&dialog, &SweepDialog::progressed, &dialog, &SweepDialog::cancel);
        QVERIFY(dialog.run());
        QVERIFY(waitFinished(dialog));
        QVERIFY(dialog.lastCancelled());
        const SweepTable partial = dialog.table();
        QVERIFY(!partial.rows.empty());
        QVERIFY2(int(partial.rows.size()) < total, qPrintable(QString::number(partial.rows.size())));
        QVERIFY(QFile::exists(dir.filePath("r.csv.journal")));
        QVERIFY(!QFile::exists(dir.filePath("r.csv"))); // nothing half-written
        QVERIFY(dialog.statusText().contains(QStringLiteral("resume")));

        // Run again: the finished points come from the journal.
        disconnect(&dialog, &SweepDialog::progressed, &dialog, &SweepDialog::cancel);
        dialog.setThreads(0);
        QVERIFY(dialog.run());
        QVERIFY(waitFinished(dialog, 120000));
        QVERIFY(!dialog.lastCancelled());
        QCOMPARE(dialog.lastResumed(), int(partial.rows.size()));
        QCOMPARE(int(dialog.table().rows.size()), total);
        for (size_t i = 0; i < partial.rows.size(); ++i)
            QCOMPARE(sweepRowJson(dialog.table().rows[i], false).dump(), sweepRowJson(partial.rows[i], false).dump());
        QVERIFY(QFile::exists(dir.filePath("r.csv")));
    }

    void badChoicesGiveTheEngineMessage()
    {
        SweepDialog dialog;
        SweepChoices c = smallChoices();
        c.topologies.clear();
        dialog.setChoices(c);
        QVERIFY(!dialog.run());
        QVERIFY(!dialog.isRunning());
        QVERIFY2(dialog.lastError().contains(QStringLiteral("topologies")), qPrintable(dialog.lastError()));

        QTemporaryDir dir;
        QFile f(dir.filePath("bad.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"sizes": [16], "topologies": ["tree"]})");
        f.close();
        QVERIFY(!dialog.loadSpecFile(f.fileName()));
        QVERIFY2(dialog.lastError().contains(QStringLiteral("unknown topology 'tree'")),
                 qPrintable(dialog.lastError()));

        dialog.setChoices(smallChoices());
        dialog.setOutputPath(dir.filePath("results.txt"));
        QVERIFY(!dialog.run());
        QVERIFY(!dialog.lastError().isEmpty());
    }
};

QTEST_MAIN(TestSweepDialog)
#include "test_sweep_dialog.moc"
