// Sweeps: spec parsing and errors, stable enumeration, resume after cancel
// and after a torn journal line, shards and merge, exact CSV/JSON round
// trips (accuracy columns: test_sweep_accuracy.cpp).
#include "bnn/inference.h"
#include "bnn/mitigation.h"
#include "bnn/random_model.h"
#include "io/dataset.h"
#include "io/model_file.h"
#include "sweep/sweep_runner.h"

#include "test_sweep.h"

#include <QtTest>

#include <fstream>
#include <set>
#include <sstream>

using namespace axbnn;

namespace {

// 2 sizes x 2 topologies x 3 levels x 2 p = 24 cheap points (N <= 20: exhaustive).
const char* kSmallSpec = R"({
  "sizes": [9, {"k": 2, "channels": 4}],
  "topologies": ["adder-tree", "dadda"],
  "approximation": {"knobs": ["lsb"], "levels": [0, 1, 2]},
  "p": [0.3, 0.5]
})";

// "from/div, (from+1)/div, ..., to/div" as a JSON list body.
QString numberList(int from, int to, int div)
{
    QStringList out;
    for (int i = from; i <= to; ++i)
        out << QString::number(double(i) / div, 'g', 17);
    return out.join(u',');
}

SweepSpec spec(const std::string& text = kSmallSpec, const std::string& dir = {})
{
    return parseSweepSpec(text, "spec.json", dir);
}

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeText(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::binary) << text;
}

SweepOutcome run(const SweepSpec& s, const std::string& journal, int threads = 1, SweepShard shard = {},
                 SweepProgressFn progress = {}, bool restart = false)
{
    SweepRunOptions o;
    o.journal = journal;
    o.threads = threads;
    o.shard = shard;
    o.progress = std::move(progress);
    o.restart = restart;
    return runSweep(s, o);
}

std::string csvOf(SweepTable t)
{
    markPareto(t, {});
    return sweepCsv(t);
}

} // namespace

void TestSweep::specDefaultsAndCanonicalHash()
{
    const SweepSpec s = spec(R"({"sizes": [{"k": 3, "channels": 64}]})");
    QCOMPARE(s.workloads.size(), size_t{1});
    QCOMPARE(s.workloads[0].inputs, 576);
    QCOMPARE(enumerateSweep(s).size(), size_t{3}); // default levels 0, 1, 2 of knob lsb
    // Layout, key order and spelled-out defaults do not change the hash ...
    const SweepSpec same = spec(R"({"topologies":["adder-tree"], "sizes":[{"channels":64,"k":3}],
                                    "approximation": {"levels": [0,1,2]}, "comment": "x"})");
    QCOMPARE(same.hash, s.hash);
    QCOMPARE(same.hash.size(), size_t{16});
    // ... a different axis value does.
    QVERIFY(spec(R"({"sizes": [{"k": 3, "channels": 64}], "p": [0.4]})").hash != s.hash);
    QVERIFY(spec(R"({"sizes": [576]})").hash != s.hash); // N given directly: no kernel columns
}

void TestSweep::enumerationOrderIsStable()
{
    const SweepSpec s = spec();
    const std::vector<SweepPoint> pts = enumerateSweep(s);
    QCOMPARE(pts.size(), size_t{24});
    // p innermost, then level, then topology, then workload (docs/sweep-format.md).
    QCOMPARE(pts[0].p, 0.3);
    QCOMPARE(pts[1].p, 0.5);
    QCOMPARE(pts[2].level, 1);
    QCOMPARE(pts[6].topology, Topology::Dadda);
    QCOMPARE(pts[12].workload, 1);
    QCOMPARE(pts[13].key,
             std::string("n=16|k=2|channels=4|model=|layer=|topology=adder-tree|fa=maj-fa|ha="
                         "|knob=lsb|level=0|mitigation=none|p=0.5"));
    std::set<std::string> ids;
    for (size_t i = 0; i < pts.size(); ++i) {
        QCOMPARE(pts[i].index, static_cast<int>(i));
        QCOMPARE(pts[i].id, fnv1a64Hex(pts[i].key));
        ids.insert(pts[i].id);
    }
    QCOMPARE(ids.size(), pts.size());
    // A second parse enumerates the same ids.
    QCOMPARE(enumerateSweep(spec())[17].id, pts[17].id);
}

void TestSweep::badSpecGivesOneClearError_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("mention");
    QTest::newRow("unknown topology") << R"({"sizes": [9], "topologies": ["tree"]})"
                                      << "topologies[0]: unknown topology 'tree'";
    QTest::newRow("empty list") << R"({"sizes": [9], "p": []})"
                                << "p: the list is empty";
    QTest::newRow("empty sizes") << R"({"sizes": []})"
                                 << "sizes: the list is empty";
    QTest::newRow("negative N") << R"({"sizes": [9, -4]})"
                                << "sizes[1]: -4 is outside 1..65536";
    QTest::newRow("negative k") << R"({"sizes": [{"k": -3, "channels": 2}]})"
                                << "sizes[0].k";
    QTest::newRow("N too large") << R"({"sizes": [{"k": 99, "channels": 64}]})"
                                 << "above 65536";
    QTest::newRow("missing model file") << R"({"models": ["no/such.h5"]})"
                                        << "no/such.h5: no such model file";
    QTest::newRow("no workload") << R"({"topologies": ["dadda"]})"
                                 << "give 'sizes'";
    QTest::newRow("unknown key") << R"({"sizes": [9], "topology": ["dadda"]})"
                                 << "unknown key 'topology'";
    QTest::newRow("not JSON") << R"({"sizes": [9)"
                              << "not valid JSON";
    QTest::newRow("unknown cell") << R"({"sizes": [9], "cells": ["nand"]})"
                                  << "cells[0]";
    QTest::newRow("unknown knob") << R"({"sizes": [9], "approximation": {"knobs": ["msb"]}})"
                                  << "unknown knob 'msb'";
    QTest::newRow("unknown mitigation") << R"({"sizes": [9], "mitigation": ["magic"]})"
                                        << "unknown mitigation 'magic'";
    QTest::newRow("bias without model") << R"({"sizes": [9], "mitigation": ["bias"]})"
                                        << "add 'models'";
    QTest::newRow("p above 1") << R"({"sizes": [9], "p": [1.5]})"
                               << "p[0]: 1.5 is outside 0..1";
    QTest::newRow("repeated value") << R"({"sizes": [9, 9]})"
                                    << "appears twice";
    QTest::newRow("unknown method") << R"({"sizes": [9], "error": {"method": "guess"}})"
                                    << "error.method";
    // Issue 20: counted from the list lengths before anything is enumerated
    // or loaded (this one would have been 19.5 million points, 6 GB).
    QTest::newRow("too many points")
        << QString(R"({"sizes": [%1], "approximation": {"levels": [%2]}, "p": [%3]})")
               .arg(numberList(1, 300, 1), numberList(0, 64, 1), numberList(1, 1000, 1000))
        << "spec: (300 sizes + 0 models x 1 mitigation) x 1 topologies x 1 cells x 1 knobs x 65 levels x 1000 p = "
           "19500000 points; a sweep has at most 100000";
    QTest::newRow("points beyond 2^64")
        << QString(
               R"({"sizes": [%1], "cells": [%2], "topologies": [%2], "p": [%2], "approximation": {"knobs": [%2], "levels": [%2]}})")
               .arg(numberList(1, 10000, 1), numberList(1, 10000, 1))
        << "= more than 2^64 points; a sweep has at most 100000";
    QTest::newRow("size 2^63 not negative") << R"({"sizes": [9223372036854775808]})"
                                            << "sizes[0]: 9223372036854775808 is outside 1..65536";
    QTest::newRow("size 2^64-1 not -1") << R"({"sizes": [{"n": 18446744073709551615}]})"
                                        << "sizes[0].n: 18446744073709551615 is outside 1..65536";
    QTest::newRow("number overflow") << "{\"sizes\": [9],\n \"p\": [1e400]}"
                                     << "spec.json: line 2 column 8: the number 1e400 is out of range";
    QTest::newRow("long value cut")
        << QString(R"({"sizes": ["%1"]})").arg(QString(100000, u'x'))
        << "sizes[0]: expected an integer, got \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...";
}

void TestSweep::badSpecGivesOneClearError()
{
    QFETCH(QString, text);
    QFETCH(QString, mention);
    try {
        spec(text.toStdString());
        QFAIL("no error");
    } catch (const std::invalid_argument& e) {
        const QString what = QString::fromStdString(e.what());
        QVERIFY2(what.startsWith("spec.json: "), qPrintable(what));
        QVERIFY2(what.contains(mention), qPrintable(what));
        QVERIFY(!what.contains('\n'));
        QVERIFY2(what.size() < 400, qPrintable(what.left(400)));
    }
}

void TestSweep::cancelledAndResumedIsByteIdentical()
{
    QTemporaryDir dir;
    const SweepSpec s = spec();
    const SweepOutcome whole = run(s, dir.filePath("whole.journal").toStdString());
    QCOMPARE(whole.evaluated, 24);
    QVERIFY(!whole.cancelled);
    const std::string journal = dir.filePath("cut.journal").toStdString();
    const int k = 7;
    const SweepOutcome first = run(s, journal, 1, {}, [&](const SweepProgress& p) { return p.done < k; });
    QVERIFY(first.cancelled);
    QCOMPARE(first.evaluated, k);
    QCOMPARE(static_cast<int>(first.table.rows.size()), k);
    const SweepOutcome second = run(s, journal);
    QVERIFY(!second.cancelled);
    QCOMPARE(second.resumed, k);
    QCOMPARE(second.evaluated, 24 - k); // finished points are not recomputed
    QCOMPARE(csvOf(second.table), csvOf(whole.table));
    // Cancel through the flag too, with two workers.
    std::atomic<bool> cancel{false};
    SweepRunOptions o;
    o.journal = dir.filePath("flag.journal").toStdString();
    o.threads = 2;
    o.cancel = &cancel;
    o.progress = [&](const SweepProgress& p) {
        if (p.done >= 5)
            cancel = true;
        return true;
    };
    const SweepOutcome flagged = runSweep(s, o);
    QVERIFY(flagged.cancelled);
    QVERIFY(flagged.evaluated >= 5 && flagged.evaluated < 24);
    const SweepOutcome rest = run(s, o.journal, 2);
    QCOMPARE(rest.evaluated + rest.resumed, 24);
    QCOMPARE(rest.resumed, flagged.evaluated);
    QCOMPARE(csvOf(rest.table), csvOf(whole.table));
}

void TestSweep::tornJournalLineIsDropped()
{
    QTemporaryDir dir;
    const SweepSpec s = spec();
    const std::string journal = dir.filePath("j").toStdString();
    const std::string expected = csvOf(run(s, journal).table);
    const std::string full = readFile(journal);
    // A kill in the middle of writing the last line leaves it without its end.
    writeText(journal, full.substr(0, full.size() - 40));
    const SweepOutcome resumed = run(s, journal);
    QCOMPARE(resumed.droppedJournalLines, 1);
    QCOMPARE(resumed.evaluated, 1);
    QCOMPARE(csvOf(resumed.table), expected);
    QCOMPARE(readFile(journal).size(), full.size()); // the torn line was cut off, the row appended again
    // A damaged line before the last one is not silently dropped.
    std::string damaged = full;
    damaged.replace(damaged.find("\n{\"point\"") + 5, 3, "###");
    writeText(journal, damaged);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, run(s, journal));
    // Only the header, torn: a fresh start.
    writeText(journal, full.substr(0, 20));
    QCOMPARE(run(s, journal).evaluated, 24);
}

void TestSweep::journalOfAnotherRunIsRejectedUnlessRestart()
{
    QTemporaryDir dir;
    const std::string journal = dir.filePath("j").toStdString();
    run(spec(), journal);
    const SweepSpec other = spec(R"({"sizes": [9]})");
    try {
        run(other, journal);
        QFAIL("no error");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString(e.what()).contains("--restart"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, run(spec(), journal, 1, {1, 2})); // another shard
    const SweepOutcome restarted = run(other, journal, 1, {}, {}, true);
    QCOMPARE(restarted.evaluated, 3);
    QCOMPARE(restarted.resumed, 0);
    // Issue 20: the message names the field that differs with both values,
    // not two identical spec_hash/shard pairs.
    std::string text = readFile(journal);
    const std::string points = "\"points\":3,";
    QVERIFY(text.find(points) != std::string::npos);
    std::string changed = text;
    changed.replace(changed.find(points), points.size(), "\"points\":4,");
    writeText(journal, changed);
    try {
        run(other, journal);
        QFAIL("no error");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString(e.what()).contains("its header has points 4 (this run: 3)"), e.what());
        QVERIFY2(!QString(e.what()).contains("spec_hash"), e.what());
    }
    try {
        run(spec(), journal);
        QFAIL("no error");
    } catch (const std::runtime_error& e) {
        QVERIFY2(QString(e.what()).contains(
                     QString("spec_hash \"%1\" (this run: \"%2\")")
                         .arg(QString::fromStdString(other.hash), QString::fromStdString(spec().hash))),
                 e.what());
    }
    // The same fields in another layout are the same run: resumed, not refused.
    std::string spaced = text;
    spaced.replace(0, 1, "{ ");
    writeText(journal, spaced);
    QCOMPARE(run(other, journal).resumed, 3);
    // A header whose "journal" is not a string is not ours, and not a crash.
    writeText(journal, "{\"journal\":5}\n");
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, run(other, journal, 1, {}, {}, true));
    // Not a journal at all: never overwritten.
    writeText(journal, "my notes");
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, run(other, journal));
    QCOMPARE(readFile(journal), std::string("my notes"));
}

void TestSweep::shardsMergeToTheUnshardedTable()
{
    QTemporaryDir dir;
    const SweepSpec s = spec();
    const std::string whole = csvOf(run(s, "").table);
    std::vector<std::pair<std::string, SweepTable>> shards;
    int count = 0;
    for (int i = 0; i < 3; ++i) {
        const SweepOutcome o = run(s, dir.filePath(QString::number(i)).toStdString(), 2, {i, 3});
        count += o.total;
        for (const SweepRow& r : o.table.rows)
            QCOMPARE(std::get<int64_t>(r[ColPoint]) % 3, int64_t{i});
        // Through the file formats, as axbnn merge reads them.
        const std::string path = dir.filePath(QString("s%1.%2").arg(i).arg(i == 1 ? "json" : "csv")).toStdString();
        writeSweepFile(path, o.table);
        shards.emplace_back(path, readSweepFile(path));
    }
    QCOMPARE(count, 24);
    QCOMPARE(csvOf(mergeSweepTables(shards)), whole);
    std::swap(shards[0], shards[2]); // order of the files does not matter
    QCOMPARE(csvOf(mergeSweepTables(shards)), whole);
}

void TestSweep::mergeRejectsOverlapMissingForeign()
{
    const SweepSpec s = spec();
    const SweepTable a = run(s, "", 1, {0, 2}).table;
    const SweepTable b = run(s, "", 1, {1, 2}).table;
    const SweepTable foreign =
        run(spec(R"({"sizes": [9], "p": [0.3, 0.5], "topologies": ["adder-tree", "dadda", "chain", "wallace"]})"), "",
            1, {1, 2})
            .table;
    QCOMPARE(foreign.points, 24); // same size, other sweep
    auto error = [](const std::vector<std::pair<std::string, SweepTable>>& shards) {
        try {
            mergeSweepTables(shards);
        } catch (const std::invalid_argument& e) {
            return QString(e.what());
        }
        return QString();
    };
    QVERIFY(error({{"a", a}, {"b", b}}).isEmpty());
    QVERIFY(error({{"a", a}, {"b", b}, {"a2", a}}).contains("appears in both a and a2"));
    QVERIFY(error({{"a", a}}).contains("12 of 24 points are missing"));
    QVERIFY(error({{"a", a}, {"f", foreign}}).contains("f: comes from another sweep"));
    // Only the differing field, with both values (issue 20: identical pairs were printed).
    SweepTable longer = b;
    longer.points = 25;
    QCOMPARE(error({{"a", a}, {"l", longer}}),
             QString("l: has sweep_points 25, a 24 (same spec_hash %1)").arg(QString::fromStdString(a.specHash)));
    // Rows of one file: the field that differs, and sweep_points bounded before merge sizes by it.
    std::string csv = sweepCsv(a);
    const std::string tail = "," + a.specHash + ",24\n";
    const size_t second = csv.find(tail, csv.find(tail) + 1);
    csv.replace(second, tail.size(), "," + a.specHash + ",25\n");
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseSweepCsv(csv, "x.csv"));
    try {
        parseSweepCsv(csv, "x.csv");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString(e.what()).contains("row 2 has sweep_points 25, row 1 24"), e.what());
    }
    std::string huge = sweepCsv(a);
    for (size_t at = huge.find(tail); at != std::string::npos; at = huge.find(tail))
        huge.replace(at, tail.size(), "," + a.specHash + ",4294967298\n"); // wrapped to 2 as an int
    try {
        parseSweepCsv(huge, "x.csv");
        QFAIL("no error");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(QString(e.what()).contains("row 1: sweep_points 4294967298 is outside 1..100000"), e.what());
    }
    QVERIFY(error({}).contains("no shard"));
}

void TestSweep::tablesRoundTripThroughCsvAndJson()
{
    SweepTable t = run(spec(), "").table;
    t.rows[3][ColModel] = std::string("models/a, \"b\".h5"); // needs quoting
    markPareto(t, {"delay_ps", "error_rate"});
    const std::string csv = sweepCsv(t);
    QCOMPARE(sweepCsv(parseSweepCsv(csv, "x.csv")), csv);
    QCOMPARE(sweepCsv(parseSweepJson(sweepJsonText(t), "x.json")), csv);
    // The header is the documented column list (docs/sweep-format.md).
    const std::string header = csv.substr(0, csv.find('\n'));
    QCOMPARE(header,
             std::string("point,point_id,inputs,kernel,channels,model,layer,topology,fa_cell,ha_cell,"
                         "approx_knob,approx_level,mitigation,p,cells,approximate_cells,area_um2,"
                         "transistors,delay_ps,energy_fj,output_bits,error_method,error_rate,"
                         "mean_error,mae,mse,wce,error_rate_ci95,mae_ci95,images,exact_accuracy,"
                         "accuracy,accuracy_loss,pareto,spec_hash,sweep_points"));
    // Every line has as many fields as the header; numbers keep full precision.
    const SweepTable back = parseSweepCsv(csv, "x.csv");
    QCOMPARE(back.rows.size(), t.rows.size());
    for (size_t i = 0; i < t.rows.size(); ++i)
        QCOMPARE(std::get<double>(back.rows[i][ColEnergy]), std::get<double>(t.rows[i][ColEnergy]));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseSweepCsv("a,b\n1,2\n", "bad.csv"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, isJsonSweepFile("out.txt"));
}

QTEST_GUILESS_MAIN(TestSweep)
