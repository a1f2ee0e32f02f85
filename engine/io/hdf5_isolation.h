// Loading files whose variable-length string data libhdf5 1.10 may crash or
// hang on: the load is tried first in a child process (util/isolated_run.h).
// The workbench writes fixed-length strings; old files and h5py files pay
// for this check, files without variable-length strings do not.
#pragma once

#include <functional>
#include <string>

namespace axbnn::h5 {

// The time the check of `path` gets: kStringCheckBaseSeconds plus one second
// per kStringCheckBytesPerSecond of file (util/input_limits.h).
int stringCheckSeconds(const std::string& path);

// Runs load() (which opens `path` itself) in a forked child with that time
// limit. Returns if it succeeded; throws std::runtime_error with its message
// if it threw, and
//   "path: /meta: attribute 'dataset': corrupt variable-length string data:
//    the HDF5 library crashed reading it (signal 11, Segmentation fault);
//    the file cannot be loaded"
// if the child died of a signal (without the place if it was not reading a
// string), or "... did not finish within N s ..." if it was killed at the
// limit. `seconds` <= 0: stringCheckSeconds(path).
void verifyInChild(const std::string& path, const std::function<void()>& load, int seconds = 0);

} // namespace axbnn::h5
