// A labelled image set in memory: what inference, mitigation and training
// read. Loading and saving it is io's (io/dataset.h, docs/dataset-format.md).
#pragma once

#include "bnn/model.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace axbnn {

struct Dataset {
    Shape shape; // of one image, e.g. 28 x 28 x 1
    std::vector<uint8_t> images; // count * H * W * C pixels 0..255; image, row, column, channel order
    std::vector<uint8_t> labels; // count class indices, each < classNames.size()
    int count = 0;
    std::vector<std::string> classNames;
    std::string source; // where it was loaded from, for reports

    int classes() const { return static_cast<int>(classNames.size()); }
    std::span<const uint8_t> image(int i) const
    {
        const auto n = static_cast<size_t>(shape.size());
        return std::span<const uint8_t>(images).subspan(static_cast<size_t>(i) * n, n);
    }
};

} // namespace axbnn
