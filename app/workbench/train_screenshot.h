// `axbnn-workbench --train-screenshot FILE.png`: a short real training run in
// the "Train model…" dialog (MLP on Fashion-MNIST), the dialog grabbed once
// it is done, written atomically; the picture of docs/training.md.
#pragma once

#include <QString>

class MainWindow;

// Returns at once; later exits the application with 0 after writing `path`
// (and printing the run's test accuracy and time), or with 1 after printing why.
void scheduleTrainScreenshot(MainWindow* window, const QString& path, int timeoutMs);
