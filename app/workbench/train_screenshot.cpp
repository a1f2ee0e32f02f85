// Drives the training dialog through a quick run and grabs it.
#include "train_screenshot.h"

#include "main_window.h"
#include "screenshot.h"
#include "train_dialog/train_dialog.h"

#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>
#include <memory>

using namespace axbnn::gui;

namespace {

void failTrainScreenshot(const QString& message)
{
    exitScreenshotFailed("training screenshot", message);
}

void setSpin(QWidget* dialog, const char* name, int value)
{
    if (auto* spin = dialog->findChild<QSpinBox*>(QLatin1String(name)))
        spin->setValue(value);
}

} // namespace

void scheduleTrainScreenshot(MainWindow* window, const QString& path, int timeoutMs)
{
    window->showTrainDialog();
    auto* dialog = window->findChild<TrainDialog*>();
    // The model goes to a temporary folder: the run is for the picture.
    auto dir = std::make_shared<QTemporaryDir>();
    if (auto* arch = dialog->findChild<QComboBox*>(QStringLiteral("archCombo")))
        arch->setCurrentIndex(arch->findData(QStringLiteral("fc")));
    setSpin(dialog, "hiddenSpin", 256);
    setSpin(dialog, "epochsSpin", 3);
    setSpin(dialog, "limitSpin", 6000);
    setSpin(dialog, "testLimitSpin", 2000);
    if (auto* out = dialog->findChild<QLineEdit*>(QStringLiteral("outputEdit")))
        out->setText(dir->filePath(QStringLiteral("trained_fc.h5")));

    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    QObject::connect(dialog, &TrainDialog::trainingFinished, dialog, [dialog, path, dir, clock] {
        QTimer::singleShot(200, dialog, [dialog, path, dir, clock] {
            QString error;
            if (!writeWidgetPng(dialog, path, &error))
                return failTrainScreenshot(error);
            const axbnn::TrainOutcome* outcome = dialog->outcome();
            std::printf("trained %d layers in %.1f s, test accuracy %.2f%% on %d images\nwrote %s\n", outcome->layers,
                        clock->elapsed() / 1000.0, 100.0 * outcome->testAccuracy, outcome->testImages,
                        qPrintable(path));
            QApplication::exit(0);
        });
    });
    QObject::connect(dialog, &TrainDialog::trainingFailed, dialog,
                     [](const QString& message) { failTrainScreenshot(message); });
    QTimer::singleShot(timeoutMs, dialog, [timeoutMs] {
        failTrainScreenshot(QStringLiteral("no result after %1 s").arg(timeoutMs / 1000));
    });
    dialog->start();
}
