// Pareto front extraction against the pairwise definition on random points
// with many ties and duplicates, and the pareto column of a sweep table.
#include "test_sweep.h"

#include "sweep/pareto.h"
#include "sweep/sweep_table.h"

#include <QtTest>

#include <random>

using namespace axbnn;

void TestSweep::paretoMatchesBruteForce_data()
{
    QTest::addColumn<int>("dims");
    QTest::addColumn<int>("range"); // small ranges force ties and duplicates
    QTest::addColumn<int>("maximizeMask");
    QTest::newRow("2d ties, min/min") << 2 << 4 << 0;
    QTest::newRow("2d ties, min/max") << 2 << 5 << 2;
    QTest::newRow("2d wide, max/min") << 2 << 1000 << 1;
    QTest::newRow("3d ties") << 3 << 3 << 4;
}

void TestSweep::paretoMatchesBruteForce()
{
    QFETCH(int, dims);
    QFETCH(int, range);
    QFETCH(int, maximizeMask);
    std::mt19937_64 rng(static_cast<uint64_t>(dims * 1000 + range));
    std::vector<bool> maximize;
    for (int d = 0; d < dims; ++d)
        maximize.push_back((maximizeMask >> d) & 1);
    int fronts = 0;
    for (int trial = 0; trial < 200; ++trial) {
        const int n = 1 + static_cast<int>(rng() % 40);
        std::vector<std::vector<double>> pts(n, std::vector<double>(dims));
        for (auto& p : pts)
            for (double& x : p)
                x = static_cast<double>(rng() % range) * 0.5;
        const std::vector<bool> fast = paretoFront(pts, maximize);
        QCOMPARE(fast, paretoFrontBruteForce(pts, maximize));
        // Duplicates share their fate.
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < n; ++j)
                if (pts[i] == pts[j])
                    QCOMPARE(fast[i], fast[j]);
        fronts += static_cast<int>(std::count(fast.begin(), fast.end(), true));
    }
    QVERIFY(fronts > 200); // every non-empty set has a front
}

void TestSweep::paretoHandExample()
{
    // (cost, accuracy): b dominates a (cheaper, same accuracy); c and d are
    // duplicates on the front; e is dominated by c; f is the cheapest.
    const std::vector<std::vector<double>> pts{{5, 0.9}, {4, 0.9}, {6, 0.95}, {6, 0.95}, {7, 0.95}, {1, 0.5}};
    const std::vector<bool> front = paretoFront(pts, {false, true});
    QCOMPARE(front, (std::vector<bool>{false, true, true, true, false, true}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, paretoFront({{1.0}}, {false, false}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, paretoFront({{1.0, std::nan("")}}, {false, false}));
}

void TestSweep::paretoColumnIsPerWorkload()
{
    auto row = [](int point, int inputs, double area, double mae) {
        SweepRow r(ColCount);
        r[ColPoint] = int64_t{point};
        r[ColInputs] = int64_t{inputs};
        r[ColModel] = std::string();
        r[ColLayer] = std::string();
        r[ColP] = 0.5;
        r[ColArea] = area;
        r[ColMae] = mae;
        r[ColEnergy] = area;
        return r;
    };
    SweepTable t{"h", 5, {row(0, 9, 10, 0), row(1, 9, 8, 1), row(2, 9, 9, 2), row(3, 25, 30, 0), row(4, 25, 30, 0)}};
    markPareto(t, {});
    std::vector<int64_t> marks;
    for (const auto& r : t.rows)
        marks.push_back(std::get<int64_t>(r[ColPareto]));
    // N = 25 rows are not dominated by the cheaper N = 9 ones: other group.
    QCOMPARE(marks, (std::vector<int64_t>{1, 1, 0, 1, 1}));
    QCOMPARE(paretoRows(t).rows.size(), size_t{4});
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, markPareto(t, {"volume", "auto"}));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, checkParetoChoice({"area_um2", "beauty"}));
}
