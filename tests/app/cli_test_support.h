// Running the axbnn executable (AXBNN_CLI, set by tests/app/CMakeLists.txt)
// from the command-line test suites.
#pragma once

#include <QByteArray>
#include <QDebug>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

struct Run {
    int exitCode = -1; // -2: crashed
    QString out, err;
};

// Runs `program` to completion (killed after `timeoutMs`) in `env`.
inline Run runProgram(const QString& program, const QStringList& args, int timeoutMs = 120000,
                      const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = program + " timed out";
        return r;
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

// `path`, if given, replaces PATH (e.g. to hide yosys or iverilog).
inline Run runCli(const QStringList& args, const QString& path = QString())
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!path.isNull())
        env.insert("PATH", path);
    return runProgram(QStringLiteral(AXBNN_CLI), args, 120000, env);
}

// The command's --json output (an empty object if it failed, with its error logged).
inline QJsonObject runCliJson(const QStringList& args)
{
    const Run r = runCli(args + QStringList{"--json"});
    if (r.exitCode != 0)
        qWarning() << r.err;
    return QJsonDocument::fromJson(r.out.toUtf8()).object();
}

inline QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
