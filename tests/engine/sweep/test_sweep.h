// The sweep engine's test suite (test_sweep.cpp, test_sweep_accuracy.cpp, test_pareto.cpp).
#pragma once

#include <QObject>

class TestSweep : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void specDefaultsAndCanonicalHash();
    void enumerationOrderIsStable();
    void badSpecGivesOneClearError_data();
    void badSpecGivesOneClearError();
    void cancelledAndResumedIsByteIdentical();
    void tornJournalLineIsDropped();
    void journalOfAnotherRunIsRejectedUnlessRestart();
    void shardsMergeToTheUnshardedTable();
    void mergeRejectsOverlapMissingForeign();
    void tablesRoundTripThroughCsvAndJson();
    void modelAccuracyOncePerModel();
    void paretoMatchesBruteForce_data();
    void paretoMatchesBruteForce();
    void paretoHandExample();
    void paretoColumnIsPerWorkload();
};
