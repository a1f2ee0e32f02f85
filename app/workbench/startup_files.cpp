// Search list for the default sample model.
#include "startup_files.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace {
const QString kDefaultModel = QStringLiteral("fmnist_vgg3_k3_exact.h5");
}

QStringList sampleModelDirs()
{
    QStringList dirs;
    const QString env = qEnvironmentVariable("AXBNN_SAMPLE_MODELS");
    if (!env.isEmpty())
        dirs << env;
    QDir dir(QCoreApplication::applicationDirPath());
    for (int up = 0; up < 4; ++up) {
        dirs << dir.filePath(QStringLiteral("sample_models"));
        if (!dir.cdUp())
            break;
    }
    dirs << QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/axbnn/sample_models"));
#ifdef AXBNN_SOURCE_DIR
    dirs << QStringLiteral(AXBNN_SOURCE_DIR "/sample_models");
#endif
    return dirs;
}

QString findDefaultModel()
{
    for (const QString& dir : sampleModelDirs()) {
        const QFileInfo file(QDir(dir).filePath(kDefaultModel));
        if (file.isFile())
            return file.absoluteFilePath();
    }
    return {};
}
