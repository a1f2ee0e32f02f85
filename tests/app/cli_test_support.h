// Running the axbnn executable (AXBNN_CLI, set by tests/app/CMakeLists.txt)
// from the command-line test suites.
#pragma once

#include <QProcess>
#include <QString>
#include <QStringList>

struct Run {
    int exitCode = -1; // -2: crashed
    QString out, err;
};

inline Run runCli(const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral(AXBNN_CLI), args);
    Run r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        r.err = "timed out";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}
