// Shared by the Verilog export suites: the test netlists (with a user cell
// and a clashing cell name) and small file helpers.
#pragma once

#include "circuit/approximation.h"
#include "circuit/popcount_builder.h"

#include <QDir>
#include <QFile>
#include <QString>
#include <QTest>

#include <fstream>
#include <string>

namespace axbnn::verilog_test {

// A cell kind that no builder uses: exercises the sum-of-products path and a
// name that must be sanitised.
inline CellType oddCell()
{
    CellType c;
    c.name = "odd-fa.v2";
    c.description = "user cell with arbitrary tables";
    c.inputs = 3;
    c.sumTable = 0x5B;
    c.carryTable = 0xD4;
    c.transistors = 30;
    return c;
}

// The netlist of one test row: `variant` names the approximation.
inline Netlist makeNetlist(int inputs, Topology topology, const QString& variant)
{
    CellLibrary library = CellLibrary::defaults();
    library.add(oddCell());
    CellType clash = library.at("maj-fa");
    clash.name = "maj_fa"; // sanitises to the same module name as "maj-fa"
    library.add(clash);
    const Netlist exact = buildPopcount(inputs, topology, library);
    if (variant == "exact")
        return exact;
    ApproxConfig config;
    config.lsbColumns = 2;
    if (variant == "maj-fa") {
        config.faCell = "maj-fa";
    } else if (variant == "maj-fa+or-ha") {
        config.faCell = "maj-fa";
        config.haCell = "or-ha";
    } else if (variant == "or-ha") {
        config.faCell = "fa";
        config.haCell = "or-ha";
    } else if (variant == "maj") {
        config.faCell = "maj";
    } else if (variant.startsWith("ama")) { // the AMA cells in the 2 LSB columns
        config.faCell = variant.toStdString();
    } else if (variant == "pairs") { // a quarter of the inputs as AND/OR pairs, the rest exact
        config.lsbColumns = 0;
        config.pairs = inputs / 4 > 0 ? inputs / 4 : 1;
    } else if (variant == "pairs+maj-fa") {
        config.faCell = "maj-fa";
        config.pairs = inputs / 4 > 0 ? inputs / 4 : 1;
    } else if (variant.startsWith("c42-")) { // a 4:2 compressor in the 2 LSB columns, the rest exact
        config.lsbColumns = 0;
        config.compressorColumns = 2;
        config.compressor = variant.toStdString();
    } else if (variant == "odd") {
        config.faCell = "odd-fa.v2";
    } else if (variant == "clash") {
        config.lsbColumns = 1;
        config.faCell = "maj_fa";
        ApproxConfig upper;
        upper.lsbColumns = 3;
        upper.faCell = "maj-fa";
        return applyApproximation(applyApproximation(exact, library, config), library, upper);
    } else {
        qFatal("unknown variant %s", qPrintable(variant));
    }
    return applyApproximation(exact, library, config);
}

inline void writeText(const QString& path, const std::string& text)
{
    std::ofstream out(path.toStdString(), std::ios::binary);
    out << text;
    QVERIFY2(out.good(), qPrintable("cannot write " + path));
}

inline QStringList directoryEntries(const QString& dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
}

inline QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace axbnn::verilog_test
