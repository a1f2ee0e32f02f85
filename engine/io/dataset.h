// Labelled image sets for evaluation (docs/domain.md section 8,
// docs/dataset-format.md): Fashion-MNIST from its Debian package, directories
// of IDX files and HDF5 files.
#pragma once

#include "bnn/dataset.h"

#include <string>
#include <vector>

namespace axbnn {

// Where the Debian package dataset-fashion-mnist installs its IDX files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// "T-shirt/top", "Trouser", ..., "Ankle boot".
const std::vector<std::string>& fashionMnistClassNames();

// Sizes agree and every label names a class; throws std::invalid_argument.
void validateDataset(const Dataset& dataset);

// An images file (IDX, 3 dimensions n x H x W or 4 dimensions n x H x W x C)
// with its labels file (1 dimension n). Empty `classNames`: "0", "1", ...
// up to the largest label.
// `limit` > 0: only the first `limit` images (and labels) are read.
Dataset loadIdxDataset(const std::string& imagesPath, const std::string& labelsPath,
                       std::vector<std::string> classNames, int limit = 0);

// The test split (t10k-*) or the training split (train-*) of Fashion-MNIST
// in `dir`, files {t10k,train}-{images-idx3,labels-idx1}-ubyte[.gz].
Dataset loadFashionMnist(const std::string& dir = kFashionMnistDir, bool test = true, int limit = 0);

// Like loadFashionMnist for any MNIST-style directory. Class names come from
// class_names.txt in the directory (one per line) if present, else the
// Fashion-MNIST names if the directory name contains "fashion", else digits.
Dataset loadIdxDirectory(const std::string& dir, bool test = true, int limit = 0);

// HDF5: /images uint8 [n,H,W,C] or [n,H,W], /labels integer [n], optional
// root attribute class_names. `limit` > 0: only the first `limit` images
// and labels are read (a hyperslab). A dataset that declares more data than
// the file can hold is refused before anything is allocated.
Dataset loadDatasetH5(const std::string& path, int limit = 0);
// Writes atomically: /images uint8 [n,H,W,C] and /labels uint8 [n], both
// deflate-compressed, and the class names.
void saveDatasetH5(const Dataset& dataset, const std::string& path);

// "fashion-mnist" (test split), "fashion-mnist:train", "fashion-mnist:test",
// a directory of IDX files (optionally with ":train" / ":test") or an HDF5
// dataset file. `limit` > 0: IDX and HDF5 data is read only up to the first
// `limit` images, so a header that promises millions costs nothing.
Dataset loadDataset(const std::string& spec, int limit = 0);

} // namespace axbnn
