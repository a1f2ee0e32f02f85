// Where the workbench finds its default model on first start.
#pragma once

#include <QString>
#include <QStringList>

// Directories searched for sample_models/, in order: $AXBNN_SAMPLE_MODELS,
// beside the executable and up to three levels above it (build trees), the
// install's share/axbnn/sample_models, and the source tree it was built from.
QStringList sampleModelDirs();
// sample_models/fmnist_vgg3_k3_exact.h5 from the first directory that has
// it, or an empty string (then the workbench starts with the circuit only).
QString findDefaultModel();
