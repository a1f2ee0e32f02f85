// The checking child of hdf5_isolation.h: fork under lockLibrary(), so that
// no other thread of this process is inside libhdf5 at that moment.
#include "io/hdf5_isolation.h"

#include "io/hdf5_io.h"

#include "util/input_limits.h"
#include "util/isolated_run.h"

#include <filesystem>
#include <stdexcept>

namespace axbnn::h5 {

int checkSeconds(const std::string& path)
{
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    const uint64_t extra = ec ? 0 : uint64_t(size) / kHdf5CheckBytesPerSecond;
    return kHdf5CheckBaseSeconds + int(std::min<uint64_t>(extra, 3600));
}

void verifyInChild(const std::string& path, const std::function<void()>& load, int seconds)
{
    if (seconds <= 0)
        seconds = checkSeconds(path);
    std::shared_ptr<void> lock = lockLibrary();
    const IsolatedRun run = runIsolated(
        [&] {
            silenceErrors();
            load();
        },
        std::chrono::seconds(seconds), [&] { lock.reset(); });
    const std::string place =
        run.note.empty() ? path + ": corrupt HDF5 data" : run.note + ": corrupt variable-length string data";
    switch (run.status) {
    case IsolatedRun::Status::Finished: return;
    case IsolatedRun::Status::Failed: throw std::runtime_error(run.message);
    case IsolatedRun::Status::Signalled:
        throw std::runtime_error(place + ": the HDF5 library crashed reading it (signal " + std::to_string(run.signal)
                                 + ", " + signalName(run.signal) + "); the file cannot be loaded");
    case IsolatedRun::Status::Died: // a sanitizer or an abort handler ended it (fuzzing builds)
        throw std::runtime_error(place + ": the HDF5 library failed reading it (the checking process ended with status "
                                 + std::to_string(run.exitCode) + " and no result); the file cannot be loaded");
    case IsolatedRun::Status::TimedOut:
        throw std::runtime_error(place + ": the HDF5 library did not finish reading it within "
                                 + std::to_string(seconds) + " s; the file cannot be loaded");
    case IsolatedRun::Status::NotStarted: break;
    }
    throw std::runtime_error(path + ": cannot check its variable-length strings in a separate process (" + run.message
                             + "); the file is not loaded");
}

} // namespace axbnn::h5
