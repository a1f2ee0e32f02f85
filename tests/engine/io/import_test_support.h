// Helpers of the netlist import tests: truth tables of netlists and running
// external tools (Yosys, Icarus Verilog) when they are installed.
#pragma once

#include "circuit/netlist.h"
#include "circuit/simulator.h"

#include <QProcess>
#include <QStandardPaths>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <vector>

namespace axbnn::test {

// Output value for every input vector v (input i = bit i of v), N <= 20.
inline std::vector<uint64_t> truthTable(const Netlist& net)
{
    const Simulator sim(net);
    std::vector<uint64_t> out;
    std::vector<uint8_t> bits(static_cast<size_t>(net.inputs));
    for (uint64_t v = 0; v < (uint64_t{1} << net.inputs); ++v) {
        for (int i = 0; i < net.inputs; ++i)
            bits[static_cast<size_t>(i)] = (v >> i) & 1;
        out.push_back(sim.evaluate(bits));
    }
    return out;
}

struct ToolRun {
    bool ok = false;
    int exitCode = -1;
    QString output;
};

inline ToolRun runTool(const QString& program, const QStringList& args, const QString& dir)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    ToolRun r;
    const bool finished = p.waitForFinished(120000);
    if (!finished)
        p.kill();
    r.output = QString::fromUtf8(p.readAll());
    r.exitCode = p.exitCode();
    r.ok = finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    return r;
}

inline QString tool(const char* name)
{
    return QStandardPaths::findExecutable(QString::fromLatin1(name));
}

} // namespace axbnn::test
