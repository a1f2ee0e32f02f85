// Shared by the error-analysis suites: a test cell library with cells whose
// errors are positive (adder results wrap), circuits built from it, and
// comparisons of ErrorStats.
#pragma once

#include "analysis/error_analysis.h"
#include "circuit/approximation.h"
#include "circuit/popcount_builder.h"

#include <QtTest>

#include <cmath>
#include <set>

Q_DECLARE_METATYPE(axbnn::Topology)
Q_DECLARE_METATYPE(axbnn::ErrorMethod)

namespace axbnn::testing {

// The defaults plus three cells whose errors are positive, so that adder
// results can exceed their width and wrap (propagation must widen those nodes).
inline CellLibrary testLibrary()
{
    CellLibrary lib = CellLibrary::defaults();
    CellType orFa = lib.at("maj-fa");
    orFa.name = "or-fa"; // S = a | b | c, C = MAJ: two ones give 3
    orFa.sumTable = 0xFE;
    lib.add(orFa);
    CellType orAndHa = lib.at("or-ha");
    orAndHa.name = "or-and-ha"; // S = a | b, C = a & b: 11 gives 3
    orAndHa.carryTable = 0x8;
    lib.add(orAndHa);
    CellType ones = lib.at("maj-fa");
    ones.name = "ones-fa"; // S = C = 1: always 3
    ones.sumTable = ones.carryTable = 0xFF;
    lib.add(ones);
    return lib;
}

inline Netlist circuit(int n, Topology topology, int lsb, int levels = 0, const QString& fa = "maj-fa",
                       const QString& ha = "")
{
    static const CellLibrary lib = testLibrary();
    ApproxConfig config;
    config.lsbColumns = lsb;
    config.levels = levels;
    config.faCell = fa.toStdString();
    config.haCell = ha.toStdString();
    return applyApproximation(buildPopcount(n, topology, lib), lib, config);
}

inline ErrorOptions optionsFor(ErrorMethod method, double p, bool conditional = false)
{
    ErrorOptions o;
    o.method = method;
    o.p = p;
    o.conditional = conditional;
    return o;
}

inline bool close(double a, double b, double tol)
{
    return std::abs(a - b) <= tol * std::max(1.0, std::abs(b));
}

inline QByteArray differ(const char* what, double got, double want)
{
    return QByteArray(what) + ": got " + QByteArray::number(got, 'g', 17) + ", want "
        + QByteArray::number(want, 'g', 17);
}

// Every metric and every pmf entry of `got` equals `want` to `tol`.
inline void compareExact(const ErrorStats& got, const ErrorStats& want, double tol)
{
    QVERIFY2(close(got.errorRate, want.errorRate, tol), differ("error rate", got.errorRate, want.errorRate));
    QVERIFY2(close(got.meanError, want.meanError, tol), differ("mean", got.meanError, want.meanError));
    QVERIFY2(close(got.mae, want.mae, tol), differ("mae", got.mae, want.mae));
    QVERIFY2(close(got.mse, want.mse, tol), differ("mse", got.mse, want.mse));
    QCOMPARE(got.minError, want.minError);
    QCOMPARE(got.maxError, want.maxError);
    QCOMPARE(got.wce, want.wce);
    QCOMPARE(got.wceExact, want.wceExact);
    std::set<int> keys;
    for (const auto& [e, q] : got.pmf)
        keys.insert(e);
    for (const auto& [e, q] : want.pmf)
        keys.insert(e);
    for (int e : keys) {
        const double a = got.pmf.count(e) ? got.pmf.at(e) : 0.0;
        const double b = want.pmf.count(e) ? want.pmf.at(e) : 0.0;
        QVERIFY2(std::abs(a - b) <= tol, differ(qPrintable(QString("P(e = %1)").arg(e)), a, b));
    }
}

// Monte Carlo `mc` within four of its 95% half-widths of the exact `exact`,
// and its observed error range inside the exact one.
inline void compareWithinConfidence(const ErrorStats& mc, const ErrorStats& exact)
{
    QVERIFY2(std::abs(mc.errorRate - exact.errorRate) <= 4 * mc.errorRateCi,
             differ("rate", mc.errorRate, exact.errorRate));
    QVERIFY2(std::abs(mc.meanError - exact.meanError) <= 4 * mc.meanErrorCi + 1e-12,
             differ("mean", mc.meanError, exact.meanError));
    QVERIFY2(std::abs(mc.mae - exact.mae) <= 4 * mc.maeCi, differ("mae", mc.mae, exact.mae));
    QVERIFY2(std::abs(mc.mse - exact.mse) <= 4 * mc.mseCi, differ("mse", mc.mse, exact.mse));
    QVERIFY(mc.minError >= exact.minError && mc.maxError <= exact.maxError);
}

} // namespace axbnn::testing
