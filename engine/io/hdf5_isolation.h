// Reading HDF5 files that libhdf5 1.10 may crash or hang on: the whole read
// is done first in a child process (util/isolated_run.h), and the process
// reads the file itself only if the child succeeded. Corrupt variable-length
// string data (old model files, h5py's strings) makes libhdf5 segfault or
// loop; the fuzzers found crashes elsewhere too (attribute iteration, chunk
// reads), so every model and HDF5 dataset file takes this path.
#pragma once

#include <functional>
#include <string>

namespace axbnn::h5 {

// The time the check of `path` gets: kHdf5CheckBaseSeconds plus one second
// per kHdf5CheckBytesPerSecond of file (util/input_limits.h).
int checkSeconds(const std::string& path);

// Runs load() (which opens `path` itself) in a forked child with that time
// limit. Returns if it succeeded; throws std::runtime_error with its message
// if it threw, and
//   "path: /meta: attribute 'dataset': corrupt variable-length string data:
//    the HDF5 library crashed reading it (signal 11, Segmentation fault);
//    the file cannot be loaded"
// if the child died of a signal (without the place if it was not reading a
// string), or "... did not finish within N s ..." if it was killed at the
// limit. `seconds` <= 0: checkSeconds(path).
void verifyInChild(const std::string& path, const std::function<void()>& load, int seconds = 0);

} // namespace axbnn::h5
